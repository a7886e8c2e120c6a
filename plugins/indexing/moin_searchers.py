"""moin's Whoosh indexes with one searcher kept by each thread, opened again only when the index changed.

moin 2.0.0b5 opens a new Whoosh searcher for every lookup (``with ix.searcher() as s``): about twenty for a
plain page view, thirty for a save, each opening every segment of the index. Measured on 2,000 fiches, a
plain page took 31 ms, 10 ms with the searchers kept; ``<<Classeur>>`` 48 ms, 23 ms. moin's files are not
touched: each of its open indexes (``indexer.ix``) is wrapped, once, when the app starts.

Never stale: before a kept searcher is handed out, Whoosh is asked whether the index moved on (another
thread's or process's commit: a directory listing) and a new searcher is opened in its place. A searcher
still in use by an outer ``with`` of the same thread (moin's search generators) is never replaced under it:
the inner lookup gets a fresh searcher of its own, closed as moin's code expects.

The new searcher keeps the open files of the segments that did not change (a save adds one small segment,
and deletes the item's old document in a big one): only new segments are opened. Reopening the three
indexes whole cost each thread about 16 ms of CPU after every save, for every thread of every worker.
Whoosh's own ``refresh()`` means to do this but never reuses anything (2.7.4 looks its readers up by
generation under a segment id) and closes the old readers, which broke under load.

A kept searcher also remembers moin's lookups by name or id (``document``, ``documents``): a page view makes
a dozen and more, the same ones (the page, its groups, « Known » in every ACL), at 1 to 3 ms each on
2,000 fiches. They are answered once per generation of the index. A plain page for a member: 43 → 19 ms of
CPU; a save's edit form 76 → 45 ms, its POST 219 → 170 ms (2,000 fiches). They are found by walking the
intersection of their terms with skips (:func:`_numbers`), not by Whoosh's own walk, which makes the set of all
the documents of each term (``namespace=""``: every page).
"""

from __future__ import annotations

import copy
import gc
import logging
import threading
from collections.abc import Iterator
from typing import Any

from moin.storage.middleware import indexing as moin_indexing
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

log = logging.getLogger(__name__)


#: lookups remembered by one kept searcher (one thread, one generation of the index) before the memo starts again
MEMO_SIZE = 4096
#: lists of documents longer than this are not remembered
MEMO_LIST = 16


def _copy(document: dict[str, Any]) -> dict[str, Any]:
    """Each caller gets its own copy of a remembered document, so that nobody changes the memo's."""
    return {k: list(v) if isinstance(v, list) else v for k, v in document.items()}


def _numbers(searcher: Searcher, kw: dict[str, Any]) -> Iterator[int]:
    """The documents with the given field values, as Whoosh's ``document_numbers`` finds them, but walking the
    intersection of the terms with skips: Whoosh's own walk makes the set of every document of each term
    (all 20,000 for ``namespace=""``, in every lookup of moin by name: 15 ms each at 20,000 pages, a dozen
    for each page view and save after each change)."""
    kw = dict(kw)
    searcher._kw_to_text(kw)
    q = searcher._query_for_kw(kw)
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:  # None: one segment
        matcher = q.matcher(sub, sub.boolean_context())
        while matcher.is_active():
            yield matcher.id() + offset
            matcher.next()


class _Lent:
    """The kept searcher as moin's ``with`` sees it: leaving the block does not close it."""

    def __init__(self, owner: ReusingIndex, searcher: Any, memo: dict[Any, Any]) -> None:
        self._owner = owner
        self._searcher = searcher
        self._memo = memo
        self._open = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)

    def document(self, **kw: Any) -> dict[str, Any] | None:
        """moin's lookup of one item by name or id (``_document``: a dozen and more a page view, a few ms each
        on a large wiki), remembered for as long as this searcher is kept."""
        found = self._remembered("document", kw)
        return None if found is None else _copy(found)

    def documents(self, **kw: Any) -> Any:
        """moin's lookup of the few documents with a field's value (``search_users`` for every ACL that names
        « Known », a few ms each), remembered like :meth:`document` when the answer is short."""
        for found in self._remembered("documents", kw):
            yield _copy(found)

    def _remembered(self, method: str, kw: dict[str, Any]) -> Any:
        """The same generation of the index always gives the same answer, and a new generation comes with a
        new searcher and an empty memo: never stale. Long answers are not kept (the memo stays small)."""
        try:
            key = (method, tuple(sorted(kw.items())))
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self._memo:
            return self._memo[key]
        stored = self._searcher.stored_fields
        if method == "document":
            found = next((stored(n) for n in _numbers(self._searcher, kw)), None)
        else:
            found = [stored(n) for n in _numbers(self._searcher, kw)]
        if key is not None and (method == "document" or len(found) <= MEMO_LIST):
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = found
        return found

    def __enter__(self) -> _Lent:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._open:
            self._open = False
            self._owner._local.depth -= 1


class _Borrowed:
    """A writer's searcher on lent readers: closing it closes only the readers opened for it."""

    def __init__(self, searcher: Searcher, fresh: list[SegmentReader]) -> None:
        self._searcher = searcher
        self._fresh = fresh

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)

    def __enter__(self) -> _Borrowed:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()
        for reader in self._fresh:
            reader.close()
        self._fresh = []


class ReusingIndex:
    """A Whoosh index whose ``searcher()`` lends this thread's kept searcher; everything else is the index's."""

    def __init__(self, ix: Any) -> None:
        self._ix = schema_read_once(ix)
        self._local = threading.local()
        #: the merge policy of this index's writers (None: Whoosh's own; plugins/indexing/merging.py sets it)
        self.merge_policy: Any = None

    def writer(self, **kwargs: Any) -> Any:
        writer = self._ix.writer(**kwargs)
        if self.merge_policy is not None:
            writer.mergetype = self.merge_policy
        if isinstance(writer, SegmentWriter):
            writer.searcher = lambda **_kw: writer_searcher(writer, getattr(self._local, "searcher", None))
        return writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ix, name)

    def searcher(self, **kwargs: Any) -> Any:
        if kwargs:  # a particular weighting: moin never asks, but then it is a searcher of its own
            return self._ix.searcher(**kwargs)
        local = self._local
        kept = getattr(local, "searcher", None)
        depth = getattr(local, "depth", 0)
        if kept is None:
            kept = self._ix.searcher()
            local.memo = {}
        elif not kept.up_to_date():
            if depth:  # the kept one is in use further up this thread: it must not change under it
                return self._ix.searcher()
            kept = reopened(self._ix, kept)
            local.memo = {}
        local.searcher = kept
        local.depth = depth + 1
        return _Lent(self, kept, local.memo)


def writer_searcher(writer: SegmentWriter, kept: Any) -> _Borrowed:
    """What a writer looks up its documents to replace with (``update_document``, ``delete_by_term``): the
    open readers of ``kept`` (a searcher this thread keeps on the same index) for the segments it shares with
    the writer's generation.

    Whoosh opens every segment of the index again for each ``update_document`` of a save (moin makes several,
    in three indexes, and ours one): measured under ``make charge`` with py-spy (2026-12-03), a third of a
    save's processor, under the write lock. The readers lent here see the writer's own segment objects, hence
    its deletions; they stay open for the kept searcher, and only those opened for the writer are closed after
    it."""
    return _lent(writer.storage, writer.schema, writer.segments, writer.generation, kept)


def latest_lent(ix: Any, kept: Any) -> Any:
    """A searcher of the index's newest generation for one lookup, on the open readers of ``kept`` (a searcher
    this thread keeps), which is left as it is: a search further up the thread may still be reading it. Only
    the segments ``kept`` has not read are opened, and they are closed with the lookup. A file removed by a
    merge in another process while the table of contents is read: a whole new searcher."""
    try:
        toc = ix._read_toc()
        return _lent(ix.storage, toc.schema, toc.segments, toc.generation, kept)
    except OSError:
        return ix.searcher()


def _lent(storage: Any, schema: Any, segments: list[Any], generation: int, kept: Any) -> _Borrowed:
    """A searcher of these segments at this generation: ``kept``'s open readers where it has them (seeing the
    deletions these segment objects record), new ones elsewhere, closed with it."""
    reusable = _open_readers(kept) if kept is not None and not kept.is_closed else {}
    readers, fresh = [], []
    for segment in segments:
        reader = reusable.get(segment.segment_id())
        if reader is not None and reader.segment().doc_count_all() == segment.doc_count_all():
            readers.append(_same_files(reader, segment, generation))
        else:
            reader = SegmentReader(storage, schema, segment, generation=generation)
            readers.append(reader)
            fresh.append(reader)
    return _Borrowed(Searcher(_combined(readers, schema, generation), closereader=False), fresh)


def schema_read_once(ix: Any) -> Any:
    """The index, given the schema its table of contents holds, read once now.

    Whoosh unpickles an index's schema from its table of contents at every writer, reader and refreshed
    searcher, unless the index was opened with one: moin's three indexes, six times a save and once more for
    each thread's searchers refreshed after it: 0.2 to 0.5 ms each at rest (27 to 34 ms when its analyzers'
    patterns have left Python's cache), yet a quarter of a save's samples under ``make charge`` (py-spy,
    2026-12-04), where each thread waits for the others between its steps. A schema never changes under a
    running wiki (moin's and ours are rebuilt with a new one only by a command, with the server stopped), and
    Whoosh writes the schema it was given into each new table of contents: what it stores is unchanged."""
    if getattr(ix, "_schema", None) is None and hasattr(ix, "_read_toc"):
        ix._schema = ix._read_toc().schema
    return ix


def _same_files(reader: SegmentReader, segment: Any, generation: int) -> SegmentReader:
    """The open reader of a segment, seeing the segment's deletions as this generation records them.

    A segment's files never change once written; only its set of deleted documents does, and Whoosh reads
    it from the segment object (``W3PerDocReader._segment``), which is replaced here.
    """
    per_document = copy.copy(reader._perdoc)
    per_document._segment = segment
    fresh = copy.copy(reader)
    fresh._segment = segment
    fresh._gen = generation
    fresh._perdoc = per_document
    return fresh


def reopened(ix: Any, old: Any) -> Any:
    """A searcher on the index's newest generation that reuses ``old``'s readers of unchanged segments.

    ``old`` is this thread's and no longer in use: the readers of segments gone (merged away) are closed,
    the others live on in the new searcher. A file removed by a merge in another process while the table
    of contents is read: Whoosh's own retry, with a whole new searcher.
    """
    try:
        toc = ix._read_toc()
        reusable = _open_readers(old)
        readers = []
        for segment in toc.segments:
            reader = reusable.pop(segment.segment_id(), None)
            if reader is not None and reader.segment().doc_count_all() == segment.doc_count_all():
                readers.append(_same_files(reader, segment, toc.generation))
            else:
                if reader is not None:
                    reusable[segment.segment_id()] = reader
                readers.append(SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation))
    except OSError:
        return ix.searcher()
    for reader in reusable.values():
        reader.close()
    return Searcher(_combined(readers, toc.schema, toc.generation), fromindex=ix)


def _open_readers(searcher: Any) -> dict[Any, SegmentReader]:
    """The open readers of a searcher's segments, by segment id."""
    return {
        reader.segment().segment_id(): reader
        for reader, _offset in searcher.reader().leaf_readers()
        if isinstance(reader, SegmentReader) and not reader.is_closed
    }


def _combined(readers: list[Any], schema: Any, generation: int) -> Any:
    """One reader over segment readers, as Whoosh makes it (none, one, or a MultiReader)."""
    if not readers:
        return EmptyReader(schema)
    if len(readers) == 1:
        return readers[0]
    return MultiReader(readers, generation=generation)


def settle(storage: Any) -> None:
    """At the end of a request: a searcher moin left open (an abandoned generator) no longer blocks refreshes."""
    indexes = getattr(getattr(storage, "indexer", storage), "ix", None) or {}
    for ix in indexes.values():
        if isinstance(ix, ReusingIndex):
            ix._local.depth = 0


class YoungCollections:
    """The ``gc`` module as moin's indexing module sees it: its ``collect()`` scans only the young generations.

    moin 2.0.0b5 runs a full collection at the end of every save (``gc.collect()`` in ``Item.store_revision``),
    so that the files of the searchers its lookups dropped get closed. Our searchers are kept and closed
    explicitly (:class:`ReusingIndex`); what a save's lookups leave behind is young. A full collection also
    scans everything the process's caches made since it started, under the write lock and holding the
    interpreter lock of every thread of the process: measured under ``make charge`` (py-spy, 2026-12-03), a
    third of a save's processor. The old generation is left to Python's own collections."""

    def collect(self, generation: int = 2) -> int:
        return gc.collect(min(generation, 1))

    def __getattr__(self, name: str) -> Any:
        return getattr(gc, name)


def install(storage: Any) -> None:
    """Wrap the open indexes of moin's indexing middleware (once; indexes opened again later stay moin's), and
    give its saves young collections (:class:`YoungCollections`)."""
    if not isinstance(moin_indexing.gc, YoungCollections):
        moin_indexing.gc = YoungCollections()  # type: ignore[assignment]
    indexer = getattr(storage, "indexer", storage)
    indexes = getattr(indexer, "ix", None)
    if not isinstance(indexes, dict):
        log.warning("index de moin introuvable : chercheurs Whoosh non réutilisés")
        return
    for name, ix in list(indexes.items()):
        if not isinstance(ix, ReusingIndex):
            indexes[name] = ReusingIndex(ix)
