"""Writes never stall reads: a save re-reads only the changed item in every worker's snapshot of the structured
index, and the cached listings of the other page types survive it (plugins/indexing/structured.py, plugins/indexing/query.py)."""

from __future__ import annotations

import os

import pytest

from plugins.data import registry
from plugins.indexing import query
from plugins.indexing.structured import JOURNAL, StructuredIndex, get_index
from tests.helpers import fiche

LIEU = "---\ntype: lieu\nnom: {nom}\ncommune: Nantes\n---\n"


def state(snapshot):
    """What listings read of a snapshot: every page by id (revision, type), and each type's pages."""
    return (
        {i: (p.revid, p.type, p.names) for i, p in snapshot.by_itemid.items()},
        {t: sorted(p.itemid for p in pages) for t, pages in snapshot.by_type.items()},
    )


def fresh_state(app):
    """The same, read from scratch by a new index object (as a new worker would)."""
    index = get_index(app)
    other = StructuredIndex(index.directory, index.moin, app.cfg.namespace_mapping)
    other._verified = True
    return state(other.snapshot())


def test_a_save_updates_the_snapshot_item_by_item_and_equals_a_full_read(wiki, app):
    for n in range(5):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}", commune="Nantes"))
    wiki.save("Lieu 1", LIEU.format(nom="Lieu 1"))
    index = get_index(app)
    before = wiki.run(index.snapshot)
    wiki.save("Fiche 2", fiche("Fiche 2", commune="Rezé"))
    wiki.save("Page simple", "Du texte.\n")
    after = wiki.run(index.snapshot)
    assert after.parent is before  # derived from the previous one, not read again whole
    assert after.changed <= set(after.by_itemid)
    assert len(after.changed) == 2
    assert [p.data["commune"] for p in after.by_type["fiche"] if p.title == "Fiche 2"] == ["Rezé"]
    assert after.type_versions.get("lieu", 0) == before.type_versions.get("lieu", 0)
    assert after.type_versions["fiche"] > before.type_versions.get("fiche", 0)
    assert after.rights_version == before.rights_version
    assert state(after) == fresh_state(app)


def test_another_workers_writes_are_followed_and_trash_removes_the_page(wiki, app):
    for n in range(3):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}"))
    index = get_index(app)
    before = wiki.run(index.snapshot)
    # another worker process: its own index object on the same directory
    other = StructuredIndex(index.directory, index.moin, app.cfg.namespace_mapping)
    other._verified = True
    itemid = before.by_type["fiche"][0].itemid
    wiki.save("Fiche 9", fiche("Fiche 9"))
    doc = index._current_document(itemid)
    other.refresh([itemid])  # re-reads the same revision: still a write the others must follow
    other.add_documents([{**doc, "name": [], "type": ""}])  # as a trash leaves it: no name
    after = wiki.run(index.snapshot)
    assert after.parent is before
    assert itemid not in after.by_itemid
    assert itemid not in {p.itemid for p in after.by_type["fiche"]}
    assert state(after) == fresh_state(app)


def test_without_journal_the_snapshot_is_read_whole_and_right(wiki, app):
    wiki.save("Fiche 1", fiche("Fiche 1"))
    index = get_index(app)
    before = wiki.run(index.snapshot)
    os.remove(os.path.join(index.directory, JOURNAL))
    wiki.save("Fiche 2", fiche("Fiche 2"))
    os.remove(os.path.join(index.directory, JOURNAL))
    after = wiki.run(index.snapshot)
    assert after.parent is None
    assert after.type_version("fiche") != before.type_version("fiche")
    assert after.rights() != before.rights()
    assert sorted(p.title for p in after.by_type["fiche"]) == ["Fiche 1", "Fiche 2"]


def test_listing_cache_of_another_type_survives_a_save(wiki, app, monkeypatch):
    wiki.save("Fiche 1", fiche("Fiche 1"))
    wiki.save("Lieu 1", LIEU.format(nom="Lieu 1"))
    computed: list[str] = []
    real = query._compute

    def counting(selection, pages, snapshot=None):
        computed.append(selection.page_type.name)
        return real(selection, pages, snapshot)

    monkeypatch.setattr(query, "_compute", counting)

    def listing(type_name):
        return [p.title for p in query.run(query.Selection(registry.get(type_name))).rows]

    assert wiki.run(listing, "lieu") == ["Lieu 1"]
    assert wiki.run(listing, "fiche") == ["Fiche 1"]
    wiki.save("Fiche 2", fiche("Fiche 2"))
    assert wiki.run(listing, "lieu") == ["Lieu 1"]
    assert wiki.run(listing, "fiche") == ["Fiche 1", "Fiche 2"]
    assert computed == ["lieu", "fiche", "fiche"]  # the venues were not listed again


def test_facets_follow_a_save_through_the_tables_kept_with_the_snapshot(wiki, app):
    """A listing's facets and the search's fields come from per-snapshot tables, made again after a save only
    for the changed pages: a fiche moved from Nantes to Rezé is counted and found in Rezé only."""
    from plugins.indexing import search

    for n in range(3):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}", commune="Nantes", secteurs="Culture"))

    def communes():
        return query.run(query.Selection(registry.get("fiche"))).facets["commune"]

    def found(q):
        search._RESULTS.clear()
        return sorted(h.page.title for h in search.search(q).hits)

    assert wiki.run(communes) == [("Nantes", 3)]
    assert wiki.run(found, "commune:nantes") == ["Fiche 0", "Fiche 1", "Fiche 2"]
    wiki.save("Fiche 1", fiche("Fiche 1", commune="Rezé", secteurs="Culture"))
    assert wiki.run(communes) == [("Nantes", 2), ("Rezé", 1)]
    assert wiki.run(found, "commune:nantes") == ["Fiche 0", "Fiche 2"]
    assert wiki.run(found, "commune:reze") == ["Fiche 1"]
    snapshot = wiki.run(get_index(app).snapshot)
    assert snapshot.parent is not None and snapshot.changed  # derived from the previous one, not read whole


def test_a_group_change_renews_every_cached_listing(wiki, app):
    wiki.create_user("Alice")
    wiki.save("Fiche 1", fiche("Fiche 1"))
    wiki.save("Fiche cachee", fiche("Fiche cachee"), acl="EquipeGroup:read All:")
    index = get_index(app)

    def titles_for(name):
        from moin import flaskg
        from moin import user as moin_user

        flaskg.user = flaskg.storage.user = moin_user.User(auth_username=name)
        return [p.title for p in query.run(query.Selection(registry.get("fiche"))).rows]

    assert wiki.run(titles_for, "Alice") == ["Fiche 1"]
    before = wiki.run(index.snapshot)
    wiki.run(_save_group, app, "EquipeGroup", ["Alice"])
    after = wiki.run(index.snapshot)
    assert after.rights_version > before.rights_version
    assert wiki.run(titles_for, "Alice") == ["Fiche 1", "Fiche cachee"]


def _save_group(app, name, members):
    from plugins.operations.pages import store_page

    store_page(app, name, "Groupe.\n", "groupe", usergroup=members)


def test_search_after_a_save_finds_the_new_text_with_the_kept_searcher(wiki, app):
    from plugins.indexing import search as recherche

    wiki.save("Fiche 1", fiche("Fiche 1", resume="ornithorynque"))
    found = wiki.run(lambda: [h.page.name for h in recherche.search("ornithorynque").hits])
    assert found == ["Fiche 1"]
    wiki.save("Fiche 2", fiche("Fiche 2", resume="ornithorynque et casoar"))
    wiki.save("Fiche 1", fiche("Fiche 1", resume="pangolin"))
    assert wiki.run(lambda: [h.page.name for h in recherche.search("ornithorynque").hits]) == ["Fiche 2"]
    assert wiki.run(lambda: [h.page.name for h in recherche.search("pangolin").hits]) == ["Fiche 1"]


def test_field_lengths_read_into_memory_are_whooshs_own(tmp_path) -> None:
    """The kept searcher's field lengths, read whole into memory, are those Whoosh reads from the file: same
    lengths for every page (scores unchanged), including pages added in a later segment."""
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage

    from plugins.indexing.structured import _lengths_in_memory

    ix = FileStorage(str(tmp_path), supports_mmap=False).create_index(Schema(itemid=ID(stored=True), titre=TEXT, texte=TEXT))
    for batch in range(2):
        with ix.writer() as writer:
            for n in range(30):
                writer.add_document(itemid=f"{batch}-{n}", titre="mot " * (n % 7 + 1), texte="autre mot " * (n + batch))
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2
        before = [(d, f, searcher.doc_field_length(d, f)) for d in range(60) for f in ("titre", "texte")]
        _lengths_in_memory(searcher)
        after = [(d, f, searcher.doc_field_length(d, f)) for d in range(60) for f in ("titre", "texte")]
        assert after == before
        assert isinstance(searcher.reader().leaf_readers()[0][0]._perdoc._readers["_titre_len"], bytes)


def test_a_save_and_the_reads_after_it_open_no_whole_structured_index(wiki, app, monkeypatch):
    """The save's lookup of the previous document, its writer, the snapshot and a search after it read the
    structured index through this thread's open readers: Whoosh never opens all its segments again, and they
    read what a new index object reads."""
    from whoosh.index import FileIndex

    from plugins.indexing import search as recherche

    for n in range(4):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}", commune="Nantes"))
    index = get_index(app)
    wiki.run(index.snapshot)
    wiki.run(lambda: recherche.search("Nantes"))
    whole: list[str] = []
    opened = FileIndex._reader.__func__

    def counted(cls, storage, schema, segments, generation, reuse=None):
        whole.append(storage.folder)
        return opened(cls, storage, schema, segments, generation, reuse)

    monkeypatch.setattr(FileIndex, "_reader", classmethod(counted))
    wiki.save("Fiche 2", fiche("Fiche 2", commune="Rezé", resume="ornithorynque"))
    after = wiki.run(index.snapshot)
    found = wiki.run(lambda: [h.page.name for h in recherche.search("ornithorynque").hits])
    assert [f for f in whole if os.path.samefile(f, index.directory)] == []
    monkeypatch.undo()
    assert found == ["Fiche 2"]
    assert [p.data["commune"] for p in after.by_type["fiche"] if p.title == "Fiche 2"] == ["Rezé"]
    assert state(after) == fresh_state(app)


def test_a_search_in_progress_stays_readable_when_a_lookup_below_it_reads_a_newer_index(wiki, app):
    """Another worker merges the segments away while a request of this thread still reads its searcher: the
    snapshot taken below it reads the new state without closing anything under the search; the next search
    gets a searcher of the new state."""
    for n in range(4):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}", commune="Nantes"))
    index = get_index(app)
    with app.test_request_context("/+recherche?q=Nantes"):
        searcher = index.searcher()
        leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
        count = searcher.doc_count_all()
        assert len(leaves) > 1
        other = StructuredIndex(index.directory, index.moin, app.cfg.namespace_mapping)  # another worker
        other.ix.writer().commit(optimize=True)  # every segment merged into one
        after = index.snapshot()  # a lookup further down finds the index changed
        assert sorted(p.title for p in after.by_type["fiche"]) == [f"Fiche {n}" for n in range(4)]
        assert not any(reader.is_closed for reader in leaves)
        assert searcher.doc_count_all() == count  # still read, as the search above it expects
    newer = wiki.run(index.searcher)
    assert newer is not searcher and len(newer.reader().leaf_readers()) == 1
    assert all(reader.is_closed for reader in leaves)


def test_pages_share_their_field_names_and_common_values_in_memory(wiki, app):
    """Each worker keeps the whole index in memory: field names, a commune, and the folded facet tables of the
    listings and of the search are one object for all the pages that hold them (at 20,000 pages, 52 -> 29 MiB
    for the image, 19 MiB of facet tables shared), and a shared table cannot be changed through one page."""
    from plugins.indexing import search

    for n in range(3):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}", commune="Saint-Herblain", secteurs="Culture"))
    wiki.save("Fiche 1", fiche("Fiche 1", commune="Saint-Herblain", secteurs="Culture", resume="Modifiée"))
    index = get_index(app)
    other = StructuredIndex(index.directory, index.moin, app.cfg.namespace_mapping)  # a new worker: read whole
    other._verified = True
    for snapshot in (wiki.run(index.snapshot), other.snapshot()):
        pages = sorted(snapshot.by_type["fiche"], key=lambda p: p.title)
        assert [p.title for p in pages] == ["Fiche 0", "Fiche 1", "Fiche 2"]
        communes = [p.data["commune"] for p in pages]
        assert communes == ["Saint-Herblain"] * 3
        assert len({id(c) for c in communes}) == 1
        assert len({id(k) for p in pages for k in p.data if k == "commune"}) == 1
        assert len({id(p.facets["commune"][0]) for p in pages}) == 1
        folded = snapshot.derived("pliés", query.Folded.of)
        tables = [folded[p.itemid].facets["commune"] for p in pages]
        assert dict(tables[0]) == {"saint-herblain": "Saint-Herblain"}
        assert len({id(t) for t in tables}) == 1
        found = search._search_values(snapshot)
        assert len({id(found[p.itemid]["commune"]) for p in pages}) == 1
        with pytest.raises(TypeError):
            tables[0]["x"] = "y"  # type: ignore[index]
