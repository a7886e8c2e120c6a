"""French search over the wiki: words (stemmed, accents folded), fields (`commune:Rezé`), facets, snippets.

The searched text lives in the structured index (:mod:`plugins.indexing.structured`), so a search is one Whoosh query
there; read rights come from :func:`plugins.indexing.query.readable`, applied to every match *before* anything is
counted, so a page the reader may not read never shows, not even in a facet count. Only the shown page of
results is scored in order, and only its hits have their text read back for a snippet.
"""

from __future__ import annotations

import copy
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import Any

from whoosh import qparser
from whoosh import query as wquery
from whoosh.analysis import Token
from whoosh.highlight import BasicFragmentScorer, ContextFragmenter, Formatter
from whoosh.query import Query

from plugins.data import french, frontmatter, registry
from plugins.data.caches import BoundedCache
from plugins.data.text import fold, folded_values
from plugins.indexing import scoring
from plugins.indexing.fulltext import ROOT_MARK, data_text, french_analyzer, plain_text, terms, terms_and_roots
from plugins.indexing.privacy import for_reader
from plugins.indexing.query import readable, reader_key
from plugins.indexing.structured import FIELD_BOOSTS, IndexedPage, get_index

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_QUERY_CHARS = 500

#: the facets of the results page, in the order shown, with their labels
FACETS = {
    "type": "Type de page",
    "secteur": "Secteur",
    "commune": "Commune",
    "groupe": "Groupe de travail",
    "annee": "Année de modification",
}
#: pages whose name lies under this space belong to the working group named by the next part
GROUP_SPACE = "GroupesDeTravail/"
PLAIN_PAGE = "Page"

_FIELD = re.compile(r"""(?<!\S)([^\W\d][\w-]*):(?:"([^"]*)"|(\S+))""")


class SearchError(ValueError):
    """A search that cannot be run as asked; the message (French) says what would be right."""


@dataclass
class Hit:
    page: IndexedPage
    score: float
    #: fragments of text, each a list of (text, is a match)
    snippet: list[list[tuple[str, bool]]]

    @property
    def type_label(self) -> str:
        page_type = registry.get(self.page.type)
        return page_type.label if page_type else PLAIN_PAGE


@dataclass
class SearchResult:
    query: str
    words: str
    fields: dict[str, str]
    facet_filters: dict[str, str]
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    page: int
    limit: int
    #: True when no page holds every word and the results hold some of them
    some_words: bool = False
    messages: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))


# -- what each page offers to facets and fields ---------------------------------------------------------


def field_names() -> list[str]:
    """Every name usable as `nom:valeur` in a query: our facets, then every facet of every page type."""
    names = list(FACETS)
    for page_type in registry.types().values():
        names += [f for f in page_type.facets if f not in names]
    return names


def values_of(page: IndexedPage, name: str) -> list[str]:
    """A page's values for a facet or field of the search."""
    if name == "type":
        page_type = registry.get(page.type)
        return [page_type.label if page_type else PLAIN_PAGE]
    if name == "annee":
        return [str(datetime.fromtimestamp(page.mtime, french.time_zone()).year)] if page.mtime else []
    values = list(page.facets.get(name, ()))
    if name == "groupe" and page.fullname.startswith(GROUP_SPACE):
        space = page.fullname[len(GROUP_SPACE) :].split("/", 1)[0]
        if space and space not in values:
            values.append(space)
    return values


def _value_matches(value: str, folded: str) -> bool:
    """`commune:Reze` finds Rezé, `secteur:récup` finds « Récupération » (a word of the value starts so)."""
    return value.startswith(folded) or any(w.startswith(folded) for w in _WORDS.split(value))


_WORDS = re.compile(r"[\W_]+")


def _pages_with(snapshot: Any, table: dict[str, Any], name: str, wanted: str) -> set[str]:
    """The pages (item ids) a `nom:valeur` field keeps, found in a table of each field's values kept with the
    index snapshot: a field query no longer looks at each of the 20,000 pages (nor asks rights for them)."""
    memo_key = f"champ:{name}"
    by_value: dict[str, set[str]] | None = snapshot.memo.get(memo_key)
    if by_value is None:
        by_value = {}
        for itemid, page in snapshot.by_itemid.items():
            known = table[itemid].get(name)
            values = list(known) if known is not None else [fold(v) for v in values_of(page, name)]
            if name == "type":
                values.append(fold(page.type or PLAIN_PAGE))
            for value in values:
                by_value.setdefault(value, set()).add(itemid)
        snapshot.memo[memo_key] = by_value
    folded = fold(wanted)
    if name == "type":
        return by_value.get(folded, set())
    return {i for value, ids in by_value.items() if _value_matches(value, folded) for i in ids}


# -- the query ----------------------------------------------------------------------------------------


def parse(query: str) -> tuple[str, dict[str, str], list[str]]:
    """Split a query into its words and its `nom:valeur` fields; unknown field names are said, kept as words."""
    known = field_names()
    fields: dict[str, str] = {}
    messages: list[str] = []

    def take(match: re.Match[str]) -> str:
        name = fold(match.group(1))
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if name not in known:
            messages.append(
                f"champ inconnu « {match.group(1)} » (champs possibles : {', '.join(known)}) : cherché comme des mots."
            )
            return f" {match.group(1)} {value} "
        fields[name] = value
        return " "

    words = _FIELD.sub(take, query)
    return " ".join(words.split()), fields, messages


def whoosh_query(words: str, schema: Any, every_word: bool = True, fields: tuple[str, ...] = ()) -> Query:
    """Words as a Whoosh query over title, data and text (weighted in the schema), or over ``fields``;
    wildcards are folded."""
    group = qparser.AndGroup if every_word else qparser.OrGroup.factory(0.9)
    parser = qparser.MultifieldParser(list(fields or FIELD_BOOSTS), schema=schema, group=group)
    parser.remove_plugin_class(qparser.FieldsPlugin)  # fields are ours (parse), not Whoosh's
    parser.remove_plugin_class(qparser.OperatorsPlugin)  # AND/OR/NOT are English: plain words here
    parser.remove_plugin_class(qparser.PhrasePlugin)  # a word's stem and root share a position
    return parser.parse(fold(words))


# -- the search ---------------------------------------------------------------------------------------


#: recent searches: (index, its version, reader's rights, query, filters, page, limit) -> result
_RESULTS: BoundedCache[tuple[Any, ...], SearchResult] = BoundedCache(__name__, 128, "recherches récentes")


def search(
    query: str, facet_filters: dict[str, str] | None = None, page: int = 1, limit: int = PAGE_SIZE
) -> SearchResult:
    """Run a search for the current reader; the same search by a reader with the same rights, on the same
    state of the index, is answered from a small cache (never across rights, never across a change)."""
    index = get_index()
    if index is None:
        return _search(index, query, facet_filters, page, limit)
    key = (
        index.directory,
        index.snapshot().version,
        reader_key(),
        query,
        tuple(sorted((facet_filters or {}).items())),
        page,
        limit,
    )
    return _RESULTS.remember(key, lambda: _search(index, query, facet_filters, page, limit))


def _search(index: Any, query: str, facet_filters: dict[str, str] | None, page: int, limit: int) -> SearchResult:
    facet_filters = {k: v for k, v in (facet_filters or {}).items() if v}
    for name in facet_filters:
        if name not in FACETS:
            raise SearchError(f"facette inconnue « {name} » ; facettes possibles : {', '.join(FACETS)}.")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise SearchError(f"« limite » doit être un nombre entre 1 et {MAX_PAGE_SIZE}.")
    if page < 1:
        raise SearchError("« page » doit être un nombre à partir de 1.")
    query = query.strip()[:MAX_QUERY_CHARS]
    words, fields, messages = parse(query)
    result = SearchResult(query, words, fields, facet_filters, [], 0, {}, page, limit, messages=messages)
    if index is None or not (words or fields or facet_filters):
        return result
    snapshot = index.snapshot()
    facet_table = _search_values(snapshot)
    searcher = index.searcher()  # kept by the index for this thread's next searches
    reader = searcher.reader()
    # the schema of the searcher's own generation: the index's ``schema`` reads its newest table of contents,
    # which another process may replace meanwhile (a 500 under load: « _MAIN_111.toc » not found)
    schema = searcher.schema
    if not reader.has_column("itemid"):
        return result  # an empty index
    # document numbers belong to one reader: the snapshot's table if it was read at the same generation
    itemids = snapshot.itemid_at if reader.generation() == snapshot.reader_generation else None
    if itemids is None:  # a snapshot updated item by item: the column read whole once, then looked up
        memo_key = ("itemid_at", reader.generation())
        itemids = snapshot.memo.get(memo_key)
        if itemids is None:
            itemids = snapshot.memo[memo_key] = list(reader.column_reader("itemid"))
    q = None
    if terms(words):
        q, matched = _found(words, schema, searcher, every_word=True)
        if not matched and len(set(terms(words))) > 1:
            q, matched = _found(words, schema, searcher, every_word=False)
            result.some_words = True
        candidates = {}
        for docnum in matched:
            found = snapshot.by_itemid.get(itemids[docnum])
            if found is not None:
                candidates[found.itemid] = (docnum, found)
        pages = [p for _, p in candidates.values()]
    elif words:
        result.messages.append("ces mots sont trop courants pour être cherchés : précisez la recherche.")
        return result
    else:
        pages = list(snapshot.by_itemid.values())
    for name, value in fields.items():
        with_field = _pages_with(snapshot, facet_table, name, value)
        pages = [p for p in pages if p.itemid in with_field]
    selected = readable(pages)
    if facet_filters:
        wanted = {n: fold(v) for n, v in facet_filters.items()}
        selected = [p for p in selected if all(w in facet_table[p.itemid][n] for n, w in wanted.items())]
    result.facets = _facet_counts(selected, facet_table)
    result.total = len(selected)
    start = (page - 1) * limit
    if q is not None and result.some_words:
        allowed = {candidates[p.itemid][0] for p in selected}
        found = _rank_partial(searcher, schema, words, q, allowed)
        ranked = [(snapshot.by_itemid[itemids[docnum]], score) for docnum, score in found[start : start + limit]]
    elif q is not None:
        allowed = {candidates[p.itemid][0] for p in selected}
        found = scoring.top(searcher, q, allowed, start + limit) if allowed else []
        if found is None:  # a query shape scored by Whoosh only
            found = list(searcher.search(q, filter=allowed, limit=start + limit).items())
        ranked = [(snapshot.by_itemid[itemids[docnum]], score) for docnum, score in found[start:]]
    else:
        ordered = sorted(selected, key=lambda p: (-p.mtime, fold(p.title)))
        ranked = [(p, 0.0) for p in ordered[start : start + limit]]
    highlighted = terms_and_roots(words)
    result.hits = [Hit(p, score, snippet(index, p, highlighted)) for p, score in ranked]
    return result


def _rank_partial(searcher: Any, schema: Any, words: str, q: Query, allowed: set[int]) -> list[tuple[int, float]]:
    """When no page holds every word: pages holding more of the words first, then rarer words first.

    A word's rarity is its inverse document frequency (log of pages / pages holding it), so a page with the one
    rare word of the query (« compostage ») outranks a page with the one common word (« Rezé ») even when that
    common word sits in its title; Whoosh's score (fields' weights, frequency) only orders what remains equal.
    """
    if not allowed:
        return []
    total = max(searcher.doc_count(), 1)
    held: dict[int, list[float]] = {}
    for word in dict.fromkeys(fold(w) for w in words.split()):
        one = whoosh_query(word, schema)
        found = scoring.matching(searcher, one)
        everywhere = set(searcher.docs_for_query(one) if found is None else found)
        docs = everywhere & allowed
        if not docs:
            continue
        rarity = math.log(1 + total / len(everywhere))
        for docnum in docs:
            held.setdefault(docnum, []).append(rarity)
    ranked = scoring.top(searcher, q, allowed, None)
    scores = dict(searcher.search(q, filter=allowed, limit=None).items() if ranked is None else ranked)
    order = sorted(allowed, key=lambda d: (-len(held.get(d, ())), -sum(held.get(d, ())), -scores.get(d, 0.0), d))
    return [(d, scores.get(d, 0.0)) for d in order]


def _found(words: str, schema: Any, searcher: Any, every_word: bool) -> tuple[Query, list[int]]:
    """The weighted query on the three fields, and the pages it finds, found on the combined field ``tout``
    when the index has it (one posting list a word instead of three; a word is in ``tout`` if and only if it
    is in one of the three): only the pages shown are then scored, on the three fields."""
    q = _skipping(_without_idle_roots(whoosh_query(words, schema, every_word), searcher))
    if "tout" not in schema:
        return q, list(searcher.docs_for_query(q))
    combined = _without_idle_roots(whoosh_query(words, schema, every_word, fields=("tout",)), searcher)
    found = scoring.matching(searcher, combined)
    return q, list(searcher.docs_for_query(combined)) if found is None else found


def _search_values(snapshot: Any) -> dict[str, dict[str, Mapping[str, str]]]:
    """itemid -> facet -> {folded value: value as written}, computed once per index snapshot."""
    return snapshot.derived(
        "recherche", lambda page: {name: folded_values(tuple(values_of(page, name))) for name in FACETS}
    )


def _facet_counts(pages: list[IndexedPage], table: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values over ``pages``, the most frequent first, as the first page to hold each wrote it
    (counted by C loops: 10,000 pages × 7 facets cost 130 ms one value at a time)."""
    facets: dict[str, list[tuple[str, int]]] = {}
    rows = [table[page.itemid] for page in pages]
    for name in FACETS:
        held = [row[name] for row in rows]  # folded value -> value as written, one dict a page
        counts = Counter(chain.from_iterable(held))
        spelling: dict[str, str] = {}
        for values in reversed(held):  # the first page's writing is the last one put
            spelling.update(values)
        order = (lambda vn: (-int(vn[0]), 0)) if name == "annee" else (lambda vn: (-vn[1], fold(vn[0])))
        facets[name] = sorted(((spelling[k], n) for k, n in counts.items()), key=order)
    return facets


def _skipping(q: Query) -> Query:
    """Every ``Or`` of the query as a tree of unions, which skip the blocks of postings that cannot reach the
    ten best pages (Whoosh's block quality). Whoosh decides per segment, and in a segment of fewer than
    5,000 pages it preloads and scores every posting instead: « projet » scored 193,000 postings on 20,000
    pages. Same scores, same order; only the postings that cannot matter are skipped."""
    if isinstance(q, wquery.CompoundQuery):
        q = copy.copy(q)  # the parser's query is left as it was
        q.subqueries = [_skipping(s) for s in q.subqueries]
        if isinstance(q, wquery.Or):
            q.matcher_type = wquery.Or.DEFAULT_MATCHER
    return q


def _without_idle_roots(q: Query, searcher: Any) -> Query:
    """Drop a word's root where it finds no more pages than its stem (most words): half the postings to
    read and score, same pages found. Roots stay where they join other words (compost, compostage)."""
    if isinstance(q, wquery.Or) and len(q.subqueries) == 2 and all(isinstance(t, wquery.Term) for t in q.subqueries):
        stem, root = q.subqueries
        if stem.text.startswith(ROOT_MARK):
            stem, root = root, stem
        if root.text.startswith(ROOT_MARK) and stem.fieldname == root.fieldname:
            if searcher.doc_frequency(root.fieldname, root.text) <= searcher.doc_frequency(stem.fieldname, stem.text):
                return stem
        return q
    if isinstance(q, wquery.CompoundQuery):
        return q.__class__([_without_idle_roots(s, searcher) for s in q.subqueries], boost=q.boost)
    return q


# -- snippets -----------------------------------------------------------------------------------------


class _Parts(Formatter):
    """Keeps a snippet as (text, is a match) parts, so the page escapes it like any other text."""

    def format(self, fragments: Any, replace: bool = False) -> list[list[tuple[str, bool]]]:
        out = []
        for fragment in fragments:
            parts: list[tuple[str, bool]] = []
            index, text = fragment.startchar, fragment.text
            for token in fragment.matches:
                if token.startchar is None or token.startchar < index:
                    continue
                if token.startchar > index:
                    parts.append((text[index : token.startchar], False))
                parts.append((text[token.startchar : token.endchar], True))
                index = token.endchar
            parts.append((text[index : fragment.endchar], False))
            out.append(parts)
        return out


SNIPPET_CHARS = 220


#: data a reader never reads as text on the page: coordinates (drawn on a map), the page type
_HIDDEN_KEYS = {"type", "position", "lat", "lon", "latitude", "longitude", "prive"}


def visible_data(page: IndexedPage) -> str:
    """A page's data as its card shows it, « Commune : Rezé · Jauge : 80 »: no coordinates, no bare figures."""

    page = for_reader(page)  # a private venue's address is not shown to visitors
    page_type = registry.get(page.type) if page.type else None
    labels = {f.key: f.label for f in page_type.fields} if page_type else {}
    out: list[str] = []
    for key, value in (page.data or {}).items():
        if key in _HIDDEN_KEYS:
            continue
        text = " ".join(data_text(_in_words(_without_hidden(value))).split("\n")).strip()
        if text:
            out.append(f"{labels.get(key, key)} : {text}")
    return " · ".join(out)


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?")


def _in_words(value: Any) -> Any:
    """Dates and times as the card writes them (« samedi 16 janvier 2027 à 17 h 00 »), never « 2027-01-16T17:00 »."""
    if isinstance(value, dict):
        return {k: _in_words(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_in_words(v) for v in value]
    if isinstance(value, datetime):
        return french.moment(value)
    if isinstance(value, date):
        return french.date(value)
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value.strip()):
        try:
            return french.moment(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return value
    if isinstance(value, str):
        return french.date(value)  # « 2024-03-18 » → « 18 mars 2024 »; any other text as written
    return value


def _without_hidden(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_hidden(v) for k, v in value.items() if k not in _HIDDEN_KEYS}
    if isinstance(value, (list, tuple)):
        return [_without_hidden(v) for v in value]
    return value


def snippet(index: Any, page: IndexedPage, words: set[str]) -> list[list[tuple[str, bool]]]:
    """Up to two passages of the page where the searched words are, else its beginning."""
    body = _BODIES.get(page.revid)
    if body is None:  # a revision's text never changes
        text = index.text_of(page)
        body = _BODIES.put(page.revid, " ".join(plain_text(frontmatter.split(text).body).split()) if text else "")
    sources = [body, visible_data(page)] if page.type else [body]
    for source in sources:
        if source and words:
            parts = highlighted(source, words)
            if parts:
                return parts
    start = next((s for s in sources if s.strip()), "")
    if not start:
        return []
    cut = start[:SNIPPET_CHARS].rsplit(" ", 1)[0] if len(start) > SNIPPET_CHARS else start
    return [[(cut + (" …" if len(start) > SNIPPET_CHARS else ""), False)]]


#: a revision's text as its snippet reads it (markup taken off), the latest read kept first
_BODIES: BoundedCache[str, str] = BoundedCache(
    __name__, 100_000, "textes des extraits", weigh=lambda body: 100 + 2 * len(body), budget=8 * 2**20
)

#: a text's words as the French analyzer reads them: (term, first char, last char), at most 8 MiB of them
_ANALYSED: BoundedCache[str, list[tuple[str, int, int]]] = BoundedCache(
    __name__, 100_000, "mots des extraits", weigh=lambda words: 100 + 80 * len(words), budget=8 * 2**20
)


def highlighted(source: str, words: set[str]) -> list[list[tuple[str, bool]]]:
    """Whoosh's ``highlight`` (two best passages of ``SNIPPET_CHARS``) with the text's words analysed once:
    the French analyzer (stemming every word) was most of a snippet's cost, at every search."""
    analysed = _ANALYSED.get(source)
    if analysed is None:
        tokens = french_analyzer()(source, chars=True, mode="query", removestops=False)
        analysed = _ANALYSED.put(source, [(t.text, t.startchar, t.endchar) for t in tokens])
    termset = frozenset(words)
    tokens = (Token(text=t, startchar=a, endchar=b, matched=t in termset) for t, a, b in analysed)
    return passages(ContextFragmenter(SNIPPET_CHARS, 60).fragment_tokens(source, tokens))


def passages(fragments: Any) -> list[list[tuple[str, bool]]]:
    """The two best passages in the order of the text; among passages of equal score the first ones (Whoosh's
    ``top_fragments`` breaks ties by the objects' memory addresses: a snippet could change from one search to
    the next)."""
    score = BasicFragmentScorer()
    ranked = sorted(((score(f), f.startchar, f) for f in fragments), key=lambda sf: (-sf[0], sf[1]))
    best = sorted((f for s, _, f in ranked[:2] if s >= 1), key=lambda f: f.startchar)
    return _Parts().format(best)


def snippet_text(parts: list[list[tuple[str, bool]]]) -> str:
    return " … ".join("".join(text for text, _ in fragment) for fragment in parts)


def as_json(result: SearchResult, url_of: Any) -> dict[str, Any]:
    """The results for other tools: same content as the page, readable names, French keys."""
    return {
        "requete": result.query,
        "mots": result.words,
        "champs": result.fields,
        "facettes_choisies": result.facet_filters,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "certains_mots_seulement": result.some_words,
        "messages": result.messages,
        "resultats": [
            {
                "page": h.page.fullname,
                "titre": h.page.title or h.page.name,
                "type": h.page.type or "page",
                "url": url_of(h.page.fullname),
                "score": round(h.score, 4),
                "modification": datetime.fromtimestamp(h.page.mtime, french.time_zone()).isoformat() if h.page.mtime else None,
                "extrait": snippet_text(h.snippet),
                "mots_trouves": sorted({t for frag in h.snippet for t, m in frag if m}),
            }
            for h in result.hits
        ],
        "facettes": {name: [{"valeur": v, "nombre": n} for v, n in values] for name, values in result.facets.items()},
    }
