"""moin's Whoosh indexes keep one searcher a thread (plugins/indexing/moin_searchers.py): reused, never stale."""

from __future__ import annotations

import gc
import os
import threading
from typing import Any

from whoosh.fields import ID, STORED, Schema
from whoosh.filedb.filestore import FileStorage

from plugins.indexing import moin_searchers
from plugins.indexing.moin_searchers import ReusingIndex, YoungCollections, install


def make_index(path: Any) -> Any:
    storage = FileStorage(str(path), supports_mmap=False)
    ix = storage.create_index(Schema(itemid=ID(stored=True, unique=True), text=STORED))
    with ix.writer() as writer:
        writer.add_document(itemid="a", text="premier")
    return storage


def test_one_searcher_is_kept_by_a_thread_until_the_index_changes(tmp_path: Any) -> None:
    storage = make_index(tmp_path)
    wrapped = ReusingIndex(storage.open_index())
    with wrapped.searcher() as first:
        assert first.document(itemid="a") == {"itemid": "a", "text": "premier"}
    with wrapped.searcher() as second:
        assert second._searcher is first._searcher  # not opened again
        assert not second._searcher.is_closed
    # another process writes (its own handle on the same files)
    with storage.open_index().writer() as writer:
        writer.update_document(itemid="a", text="second")
    with wrapped.searcher() as third:
        assert third.document(itemid="a") == {"itemid": "a", "text": "second"}
        assert third._searcher is not first._searcher


def test_a_searcher_in_use_is_not_refreshed_under_its_reader(tmp_path: Any) -> None:
    storage = make_index(tmp_path)
    wrapped = ReusingIndex(storage.open_index())
    with wrapped.searcher() as outer:
        with storage.open_index().writer() as writer:
            writer.add_document(itemid="b", text="nouveau")
        with wrapped.searcher() as inner:  # a lookup made while the outer one still reads
            assert inner.document(itemid="b") == {"itemid": "b", "text": "nouveau"}
            assert inner is not outer
        assert outer.document(itemid="a") == {"itemid": "a", "text": "premier"}  # still readable
    with wrapped.searcher() as after:  # once free, the kept searcher catches up
        assert after.document(itemid="b") == {"itemid": "b", "text": "nouveau"}


def test_each_thread_has_its_own_searcher(tmp_path: Any) -> None:
    wrapped = ReusingIndex(make_index(tmp_path).open_index())
    seen: list[Any] = []

    def look() -> None:
        with wrapped.searcher() as s:
            seen.append(s._searcher)

    threads = [threading.Thread(target=look) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 2 and seen[0] is not seen[1]


def test_the_wiki_runs_on_wrapped_indexes_and_a_save_is_read_at_once(app: Any, wiki: Any, client: Any) -> None:
    client.get("/Accueil")  # the app's first request installs the wrappers
    indexes = app.storage.indexer.ix if hasattr(app.storage, "indexer") else app.storage.ix
    assert indexes and all(isinstance(ix, ReusingIndex) for ix in indexes.values())
    install(app.storage)  # twice is harmless: not wrapped again
    assert all(not isinstance(ix._ix, ReusingIndex) for ix in indexes.values())
    wiki.save("Essai", "version un\n")
    assert "version un" in client.get("/Essai").get_data(as_text=True)
    wiki.save("Essai", "version deux\n")
    assert "version deux" in client.get("/Essai").get_data(as_text=True)


def test_a_save_reopens_only_the_new_segment_and_sees_the_deletion_in_the_old_one(tmp_path: Any) -> None:
    storage = make_index(tmp_path)
    with storage.open_index().writer() as writer:
        writer.add_document(itemid="b", text="autre")
    wrapped = ReusingIndex(storage.open_index())
    with wrapped.searcher() as first:
        old_files = {r.segment().segment_id(): r._terms for r, _ in first.reader().leaf_readers()}
        assert first.doc_count() == 2
    # a save: the item's old document is deleted in its segment, the new one written in a new segment
    with storage.open_index().writer() as writer:
        writer.update_document(itemid="a", text="second")
    with wrapped.searcher() as second:
        leaves = [r for r, _ in second.reader().leaf_readers()]
        reused = [r for r in leaves if old_files.get(r.segment().segment_id()) is r._terms]
        assert len(reused) == len(old_files)  # no segment opened again
        assert len(leaves) == len(old_files) + 1  # the save's segment is the only one opened
        assert second.document(itemid="a") == {"itemid": "a", "text": "second"}
        assert [hit["text"] for hit in second.documents(itemid="a")] == ["second"]  # the old one is deleted
        assert second.doc_count() == 2
        assert second.up_to_date()


def test_segments_merged_away_are_closed_and_the_merged_one_read(tmp_path: Any) -> None:
    storage = make_index(tmp_path)
    wrapped = ReusingIndex(storage.open_index())
    for n in range(3):
        with storage.open_index().writer() as writer:
            writer.add_document(itemid=f"n{n}", text=f"texte {n}")
    with wrapped.searcher() as before:
        old_leaves = [r for r, _ in before.reader().leaf_readers()]
        assert len(old_leaves) == 4
    storage.open_index().optimize()  # another process merges every segment into one
    with wrapped.searcher() as after:
        assert [r.is_closed for r in old_leaves] == [True, True, True, True]
        assert sorted(d["itemid"] for d in after.all_stored_fields()) == ["a", "n0", "n1", "n2"]
        assert after.up_to_date()


def test_lookups_are_remembered_by_the_kept_searcher_and_never_stale(tmp_path: Any, monkeypatch: Any) -> None:
    """moin's name lookups (``document``, ``documents``) are answered once per generation of the index: a caller
    that changes its answer does not change the next one, and a write in another process is seen at once."""
    storage = make_index(tmp_path)
    wrapped = ReusingIndex(storage.open_index())
    calls: list[dict[str, Any]] = []
    real = moin_searchers._numbers

    def counted(searcher: Any, kw: dict[str, Any]) -> Any:
        calls.append(dict(kw))
        return real(searcher, kw)

    monkeypatch.setattr(moin_searchers, "_numbers", counted)
    with wrapped.searcher() as s:
        answer = s.document(itemid="a")
        answer["text"] = "changé par l'appelant"
    with wrapped.searcher() as s:
        assert s.document(itemid="a") == {"itemid": "a", "text": "premier"}
        assert list(s.documents(itemid="a")) == [{"itemid": "a", "text": "premier"}]
        assert s.document(itemid="zzz") is None
    # the second ``document`` of « a » came from the memo (``documents`` is remembered on its own)
    assert calls == [{"itemid": "a"}, {"itemid": "a"}, {"itemid": "zzz"}]
    with storage.open_index().writer() as writer:
        writer.update_document(itemid="a", text="second")
    with wrapped.searcher() as s:
        assert s.document(itemid="a") == {"itemid": "a", "text": "second"}
        assert list(s.documents(itemid="a")) == [{"itemid": "a", "text": "second"}]


def test_lookups_by_several_fields_find_what_whoosh_finds(tmp_path: Any) -> None:
    """moin's lookup by name and namespace: the same documents as Whoosh's own ``document_numbers``, across
    segments, without a deleted or replaced document, while walking the rare term with skips."""
    storage = FileStorage(str(tmp_path), supports_mmap=False)
    schema = Schema(itemid=ID(stored=True, unique=True), name=ID(stored=True), namespace=ID(stored=True))
    ix = storage.create_index(schema)
    for batch in range(3):  # three segments, every document in the same namespace
        with ix.writer() as writer:
            for n in range(300):
                writer.add_document(itemid=f"{batch}-{n}", name=f"Page {batch}-{n}", namespace="")
            writer.add_document(itemid=f"autre-{batch}", name="Page 1-7", namespace="autre")
    with ix.writer() as writer:
        writer.delete_by_term("itemid", "2-5")
        writer.update_document(itemid="1-7", name="Page renommée", namespace="")
    wrapped = ReusingIndex(storage.open_index())
    lookups = [
        {"name": "Page 0-3", "namespace": ""},
        {"name": "Page 2-299", "namespace": ""},
        {"name": "Page 2-5", "namespace": ""},  # deleted
        {"name": "Page 1-7", "namespace": ""},  # renamed: only the other namespace's page keeps the name
        {"name": "Page 1-7", "namespace": "autre"},
        {"name": "Page renommée"},
        {"namespace": "autre"},
        {"name": "absente", "namespace": ""},
    ]
    with storage.open_index().searcher() as whoosh, wrapped.searcher() as kept:
        for kw in lookups:
            expected = [whoosh.stored_fields(n) for n in whoosh.document_numbers(**dict(kw))]
            assert list(kept.documents(**kw)) == expected, kw
            assert kept.document(**kw) == (expected[0] if expected else None), kw
        assert [d["itemid"] for d in kept.documents(namespace="autre")] == ["autre-0", "autre-1", "autre-2"]
        assert kept.document(name="Page 2-5", namespace="") is None


def test_a_save_collects_only_the_young_generations_and_leaves_no_file_open(
    app: Any, wiki: Any, client: Any, monkeypatch: Any
) -> None:
    """moin's full collection at every save becomes a young one; the saves leave no index file open."""
    from moin.storage.middleware import indexing

    client.get("/Accueil")
    assert isinstance(indexing.gc, YoungCollections)
    asked: list[int] = []
    collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: asked.append(generation) or collect(generation))
    wiki.save("Essai", "version 0\n")
    opened = len(os.listdir("/proc/self/fd"))
    for n in range(1, 16):
        wiki.save("Essai", f"version {n}\n")
    assert len(asked) >= 16 and set(asked) == {1}
    assert len(os.listdir("/proc/self/fd")) < opened + 15  # no file left open by each save
    assert "version 15" in client.get("/Essai").get_data(as_text=True)


def _counting_segment_readers(monkeypatch: Any) -> list[Any]:
    """Every SegmentReader Whoosh or we open from now on."""
    from whoosh import reading

    opened: list[Any] = []
    init = reading.SegmentReader.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(reading.SegmentReader, "__init__", counted)
    return opened


def test_a_writer_replaces_documents_on_the_readers_its_thread_keeps(tmp_path: Any, monkeypatch: Any) -> None:
    storage = make_index(tmp_path)
    with storage.open_index().writer() as writer:  # a second segment
        writer.add_document(itemid="b", text="autre")
    wrapped = ReusingIndex(storage.open_index())
    with wrapped.searcher() as kept:
        assert kept.document(itemid="a") == {"itemid": "a", "text": "premier"}
        leaves = [reader for reader, _ in kept._searcher.reader().leaf_readers()]
    assert len(leaves) == 2
    opened = _counting_segment_readers(monkeypatch)
    with wrapped.writer() as writer:
        writer.update_document(itemid="a", text="second")
        assert opened == []  # both segments lent by the kept searcher
    assert not any(reader.is_closed for reader in leaves)
    with wrapped.searcher() as after:
        assert after.document(itemid="a") == {"itemid": "a", "text": "second"}
        assert after.document(itemid="b") == {"itemid": "b", "text": "autre"}
        assert after.doc_count() == 2
    with storage.open_index().searcher() as whoosh:  # as Whoosh itself reads the files
        assert sorted(d["text"] for d in whoosh.all_stored_fields()) == ["autre", "second"]


def test_a_writer_opens_only_the_segments_its_thread_has_not_read_and_closes_them(
    tmp_path: Any, monkeypatch: Any
) -> None:
    storage = make_index(tmp_path)
    wrapped = ReusingIndex(storage.open_index())
    with wrapped.searcher() as kept:
        assert kept.document(itemid="a") is not None
    with storage.open_index().writer() as writer:  # another process adds a segment meanwhile
        writer.add_document(itemid="b", text="autre")
    opened = _counting_segment_readers(monkeypatch)
    with wrapped.writer() as writer:
        writer.update_document(itemid="b", text="remplacé")
        assert len(opened) == 1  # the new segment only
        assert opened[0].is_closed  # once the writer's lookup is over
    with storage.open_index().searcher() as whoosh:
        assert sorted(d["text"] for d in whoosh.all_stored_fields()) == ["premier", "remplacé"]


def test_a_save_unpickles_no_schema_and_whoosh_still_stores_it(
    app: Any, wiki: Any, client: Any, monkeypatch: Any
) -> None:
    """Every index is read with the schema it was opened with; the tables of contents still hold it whole."""
    from whoosh.index import TOC

    client.get("/Accueil")
    wiki.save("Essai", "version 0\n")
    reads: list[tuple[str, bool]] = []  # (index, whether its schema was unpickled)
    read = TOC.read.__func__

    def counted(cls: Any, storage: Any, indexname: str, gen: Any = None, schema: Any = None) -> Any:
        reads.append((indexname, schema is None))
        return read(cls, storage, indexname, gen, schema)

    monkeypatch.setattr(TOC, "read", classmethod(counted))
    wiki.save("Essai", "version 1\n")
    assert "version 1" in client.get("/Essai").get_data(as_text=True)
    monkeypatch.undo()
    assert {name for name, _ in reads} >= {"all_revs", "latest_revs", "latest_meta", "MAIN"}
    assert [name for name, unpickled in reads if unpickled] == []
    indexer = getattr(app.storage, "indexer", app.storage)
    for name, ix in indexer.ix.items():  # as Whoosh reads it with no schema given: the one moin made
        assert TOC.read(ix.storage, name).schema.names() == indexer.schemas[name].names()
