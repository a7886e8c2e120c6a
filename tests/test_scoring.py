"""The search's scores computed from decoded postings (plugins/indexing/scoring.py) are Whoosh's own: same pages
found, same scores, same order, over several segments with deleted documents, for every word and for some of them;
other query shapes go to Whoosh. Snippets are Whoosh's highlights."""

from __future__ import annotations

from typing import Any

from moin.items import Item
from whoosh import query as wquery

from benchmarks import jugements
from benchmarks.recherche import in_request
from plugins.indexing import scoring
from plugins.indexing import search as recherche
from plugins.indexing.structured import get_index
from plugins.operations.pages import store_pages_batched
from tests.helpers import fiche
from tests.test_lifecycle_acl import as_admin, setup_admin
from tests.test_recherche import found

EXTRA = ["vélo", "jardin partagé Nantes", "coop velo saint-herblain", "l'ESS", "vélo-école", "compost compost"]


def _ranked(items: Any) -> list[tuple[float, int]]:
    """(score to 9 decimals, document) best first: Whoosh adds a page's terms in an order that depends on the
    segment, so two pages of equal terms may differ in the last bit of their score."""
    return sorted(((round(s, 9), d) for d, s in items), key=lambda t: (-t[0], t[1]))


def _corpus_over_segments(app: Any, wiki: Any) -> list[str]:
    pages = jugements.corpus(300)
    with app.app_context():
        store_pages_batched(app, [(p.name, p.text) for p in pages[:150]], "corpus, première moitié")
        store_pages_batched(app, [(p.name, p.text) for p in pages[150:]], "corpus, seconde moitié")
    setup_admin(wiki, app)
    for p in pages[:6] + pages[200:204]:  # a new revision: the old document is deleted in its segment
        wiki.save(p.name, p.text + "\nUn atelier vélo et du compost partagé.\n")
    wiki.save("Coop vélo", fiche("Coop vélo de Saint-Herblain", commune="Saint-Herblain"))
    as_admin(app, lambda: Item.create(pages[10].name).delete("à la corbeille"))
    return [j.query for j in jugements.judged_set(pages)] + EXTRA


def test_scores_and_order_are_whoosh_own_over_segments_with_deletions(app, wiki):
    queries = _corpus_over_segments(app, wiki)

    def check() -> None:
        searcher = get_index().searcher()
        schema = searcher.schema
        readers = [sub.reader() for sub, _ in searcher.leaf_searchers()]
        assert len(readers) >= 3
        assert any(r.has_deletions() for r in readers)
        compared = 0
        for text in queries:
            words = recherche.parse(text)[0]
            if not recherche.terms(words):
                continue
            for every_word in (True, False):
                combined = recherche.whoosh_query(words, schema, every_word, fields=("tout",))
                assert scoring.matching(searcher, combined) == sorted(searcher.docs_for_query(combined)), text
            q, matched = recherche._found(words, schema, searcher, every_word=True)
            some, some_matched = recherche._found(words + " zorglub", schema, searcher, every_word=False)
            # some of the words: a page holding more of them first (search._rank_partial), then by these scores
            ours = scoring.top(searcher, some, set(some_matched), None)
            assert ours is not None, text
            theirs = searcher.search(some, filter=set(some_matched), limit=None).items()
            assert _ranked(ours) == _ranked(theirs), text
            if not matched:
                continue
            allowed = set(matched)
            theirs = _ranked(searcher.search(q, filter=allowed, limit=None).items())
            ours = scoring.top(searcher, q, allowed, None)
            assert ours is not None, text
            assert _ranked(ours) == theirs, text
            assert [d for _, d in _ranked(ours)] == [d for d, _ in ours], text  # exact order, ties by number
            assert scoring.top(searcher, q, allowed, 10) == ours[:10], text
            fewer = set(sorted(allowed)[::2])  # a reader who may read half of them
            assert _ranked(scoring.top(searcher, q, fewer, None)) == _ranked(
                searcher.search(q, filter=fewer, limit=None).items()
            ), text
            compared += 1
        assert compared >= 40

    in_request(app, check)


def test_other_query_shapes_are_left_to_whoosh(app, wiki, client):
    wiki.save("Composteurs", fiche("Composteurs de quartier", commune="Nantes"))
    wiki.save("Compostage", fiche("Compostage partagé", commune="Rezé"))

    def check() -> None:
        searcher = get_index().searcher()
        prefix = wquery.Or([wquery.Prefix("titre", "compost"), wquery.Term("titre", "quarti")])
        assert scoring.top(searcher, prefix, {0, 1}, 10) is None
        assert scoring.matching(searcher, prefix) is None
        coordinated = wquery.Or([wquery.Term("titre", "compost"), wquery.Term("titre", "partag")], scale=0.9)
        assert scoring.top(searcher, coordinated, {0, 1}, 10) is None

    in_request(app, check)
    assert sorted(found(client, "compost*")) == ["Compostage", "Composteurs"]


def test_snippets_are_whoosh_highlights_with_each_text_analysed_once():
    from whoosh.highlight import ContextFragmenter, set_matched_filter

    from plugins.indexing.fulltext import french_analyzer, terms_and_roots

    pages = jugements.corpus(120)
    queries = [j.query for j in jugements.judged_set(jugements.corpus(300))] + EXTRA
    texts = [p.text for p in pages] + ["« Le vélo-école » : l'atelier répare les vélos, puis le vélo… " * 12]
    compared = 0
    for text in texts:
        for query in queries[:: max(1, len(queries) // 12)]:
            words = terms_and_roots(recherche.parse(query)[0])
            # Whoosh's highlight, every word of the text analysed again
            tokens = french_analyzer()(text, chars=True, mode="query", removestops=False)
            fragments = ContextFragmenter(recherche.SNIPPET_CHARS, 60).fragment_tokens(
                text, set_matched_filter(tokens, frozenset(words))
            )
            theirs = recherche.passages(fragments)
            assert recherche.highlighted(text, words) == theirs, (query, text[:80])
            compared += bool(theirs)
    assert compared >= 100  # most of the comparisons have passages, not only empty answers
    assert len(recherche._ANALYSED) >= len(texts)  # each text analysed once, then read from the cache


def test_among_equal_passages_the_first_ones_are_shown():
    from plugins.indexing.fulltext import terms_and_roots

    filler = "des bénévoles trient, réparent et revendent des objets donnés par les habitants du quartier. " * 4
    text = "".join(f"Étape{n} : la ressourcerie accueille. {filler}" for n in range(6))
    words = terms_and_roots("ressourcerie")
    for _ in range(5):  # the same two, search after search
        shown = recherche.snippet_text(recherche.highlighted(text, words))
        assert [f"Étape{n}" in shown for n in range(6)] == [True, True, False, False, False, False]
