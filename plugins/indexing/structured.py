"""The structured index: a Whoosh index of the latest revision of every item, beside moin's own.

Every item of moin's latest-revisions index has exactly one document here, with the same revision id:
structured pages carry their type, validated data and facet values; other items only their revision id.
That one-to-one rule is what makes the index checkable against the storage (:meth:`StructuredIndex.verify`):
each process checks it once when it first uses the index and repairs any drift, so a crash in the
middle of a write never leaves listings silently wrong.

Listings never parse pages: they read a snapshot of the stored documents. After a write (by any process) the
snapshot is updated item by item: every write appends the items it changes to a journal, by index generation,
so each process re-reads only those; the whole index is read only at start, after a rebuild, or when the
journal does not cover a change.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from flask import after_this_request, current_app, has_request_context
from moin.constants.keys import (
    ACL,
    BACKENDNAME,
    CONTENTTYPE,
    CURRENT,
    ITEMID,
    LATEST_REVS,
    MTIME,
    NAME,
    NAMESPACE,
    REVID,
    TAGS,
    TEMPLATE,
    TRASH,
    USERGROUP,
)
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from plugins.data.registry import Record, analyse
from plugins.data.registry import get as get_type
from plugins.data.text import fold
from plugins.indexing import dependencies, moin_searchers
from plugins.indexing.fulltext import data_text, french_analyzer, plain_text

log = logging.getLogger(__name__)

#: bump when the schema or what is stored changes: an index of another version is rebuilt
SCHEMA_VERSION = "5"
STRUCTURED_CONTENT_TYPES = ("text/x.moin.wiki", "text/x-markdown")
WRITE_ATTEMPTS = 40
#: namespaces that never hold structured pages (moin writes user profiles without signals)
IGNORED_NAMESPACES = ("userprofiles",)


#: weights of the searched fields: a word in the title counts more than in the data, more than in the text
FIELD_BOOSTS = {"titre": 6.0, "donnees": 2.0, "texte": 1.0}


def make_schema() -> Schema:
    analyzer = french_analyzer()
    return Schema(
        itemid=ID(unique=True, stored=True, sortable=True),
        revid=ID(stored=True),
        type=ID(stored=True),
        name=STORED,
        namespace=STORED,
        acl=STORED,
        mtime=NUMERIC(stored=True),
        title=STORED,
        data=STORED,
        facets=STORED,
        problems=STORED,
        titre=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["titre"], multitoken_query="or"),
        donnees=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["donnees"], multitoken_query="or"),
        texte=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["texte"], multitoken_query="or"),
        #: the three searched texts in one field, without positions: a search finds its pages here with one
        #: posting list a word instead of three (the same pages: a word is in it if it is in any of them);
        #: only the pages found are then scored on the three weighted fields
        tout=TEXT(analyzer=analyzer, phrase=False, multitoken_query="or"),
    )


@dataclass(frozen=True)
class IndexedPage:
    """One structured page as the index knows it (no page parsing needed to list it)."""

    itemid: str
    revid: str
    type: str
    names: tuple[str, ...]
    namespace: str
    acl: str | None
    mtime: int
    title: str
    data: dict[str, Any] = field(hash=False, compare=False)
    facets: dict[str, list[str]] = field(hash=False, compare=False)
    problems: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def fullname(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    def aliases(self) -> set[str]:
        """Every way another page may name this one (folded): its title, its name, the last part of its name."""
        return {fold(self.title), fold(self.name), fold(self.name.rsplit("/", 1)[-1])}


def by_alias(pages: Iterable[IndexedPage]) -> dict[str, IndexedPage]:
    """Pages by each of their aliases (the first page wins a shared alias), for lookups by name."""
    table: dict[str, IndexedPage] = {}
    for page in pages:
        for alias in page.aliases():
            table.setdefault(alias, page)
    return table


def _lengths_in_memory(searcher: Any) -> None:
    """Each segment's field lengths (one byte a page and a field) read once into memory for a kept searcher.

    The ranking (BM25F) reads a page's field length for every posting it scores, each through a seek and a
    read of the index file (Whoosh without mmap): 15 % of a search's time on 20,000 pages. The column is
    Whoosh's own (``NumericColumn("B")``), read whole as bytes: indexing bytes gives the same numbers.
    """
    for leaf, _offset in searcher.reader().leaf_readers():
        per_document = getattr(leaf, "_perdoc", None)
        if per_document is None or not hasattr(per_document, "_cached_reader"):
            continue
        for name, kind in searcher.schema.items():
            if not kind.scorable:
                continue
            length_field = f"_{name}_len"
            reader = per_document._cached_reader(length_field, LENGTHS_COLUMN)
            if reader is None or getattr(reader, "_fixedlen", None) != 1:
                continue
            loaded = reader._dbfile.get(reader._basepos, reader._count)
            per_document._readers[length_field] = loaded + bytes(max(0, reader._doccount - reader._count))


@dataclass
class Snapshot:
    #: identifies this state of the index: its creation (epoch, new at each rebuild) and its generation
    version: tuple[str, int]
    by_type: dict[str, list[IndexedPage]]
    #: every named item (structured or not) by item id: what search results are made of
    by_itemid: dict[str, IndexedPage] = field(default_factory=dict)
    #: the Whoosh reader generation this snapshot was read at, and its document numbers' items
    reader_generation: int = -1
    itemid_at: dict[int, str] = field(default_factory=dict)
    #: tables derived from this snapshot by other modules (search facets…), dropped with it
    memo: dict[str, Any] = field(default_factory=dict)
    #: per page type, a number that changes only when a page of that type (before or after) changed: the
    #: listings of the other types keep their cached results across a save
    type_versions: dict[str, int] = field(default_factory=dict)
    #: changes only when what decides read rights may have changed (a group, a page outside the main namespace)
    rights_version: int = 0
    #: the snapshot this one was derived from and the items that changed since (for derived tables); None
    #: after a full load
    parent: Snapshot | None = None
    changed: frozenset[str] = frozenset()
    #: how many times this process read the index whole (each full read starts the versions above again)
    loads: int = 0

    def type_version(self, type_name: str) -> tuple[str, int, int, int]:
        """What a cached listing of ``type_name`` depends on: the index creation, its pages, the rights."""
        return (self.version[0], self.loads, self.type_versions.get(type_name, 0), self.rights_version)

    def rights(self) -> tuple[str, int, int]:
        """What moin's read verdicts depend on, besides the reader and the page's ACL."""
        return (self.version[0], self.loads, self.rights_version)

    def derived(self, name: str, of_page: Callable[[IndexedPage], Any]) -> dict[str, Any]:
        """itemid -> ``of_page(page)`` for every page, made once per snapshot (kept in ``memo``); after a save,
        from the previous snapshot's table with only the changed pages done again."""
        table = self.memo.get(name)
        if table is None:
            previous = self.parent.memo.get(name) if self.parent is not None else None
            if previous is not None:
                table = {k: v for k, v in previous.items() if k not in self.changed}
                pages = [self.by_itemid[i] for i in self.changed if i in self.by_itemid]
            else:
                table, pages = {}, list(self.by_itemid.values())
            for page in pages:
                table[page.itemid] = of_page(page)
            self.memo[name] = table
        return table


_TYPE_LINE = re.compile(r"^type[ \t]*:[ \t]*[\"']?([A-Za-z_][\w-]*)[\"']?[ \t]*(#.*)?\r?$", re.M)
_SCALAR_LINE = re.compile(r"^([A-Za-z_]\w*)[ \t]*:[ \t]+(\S.*)$")


def salvage_type(front: Any) -> str | None:
    """The type a malformed block names on its own ``type:`` line (None if none or unknown)."""
    match = _TYPE_LINE.search(front.raw_block)
    return match.group(1) if match and get_type(match.group(1)) is not None else None


def salvage(front: Any, title: str, previous: dict[str, Any] | None) -> tuple[Any, dict[str, Any]] | None:
    """A page whose block does not parse (a slip in moin's editor) stays listed: (type, data) from the last
    valid values the index had for it, else from the lines of its block that still read, else its name alone."""
    type_name = salvage_type(front) or (previous or {}).get("type") or None
    page_type = get_type(type_name) if type_name else None
    if page_type is None:
        return None
    if previous and previous.get("type") == type_name and previous.get("data"):
        return page_type, json.loads(previous["data"])
    data: dict[str, Any] = {}
    for line in front.raw_block.split("\n"):
        match = _SCALAR_LINE.match(line.rstrip("\r"))
        if match and match.group(1) != "type":
            try:
                value = yaml.safe_load(match.group(2))
            except yaml.YAMLError:
                continue
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                data.setdefault(match.group(1), value)
    record = page_type.validate(data)
    clean = dict(record.data)
    clean.setdefault(page_type.title_field, title)
    return page_type, clean


def _searchable(record: Any) -> Any:
    """The data searched for everyone: a private venue's address and contact are not (plugins/indexing/privacy.py)."""
    from plugins.indexing import privacy  # imported here: importing it at the top makes a cycle

    if record.type.name == "lieu" and privacy.is_private(record.data):
        return {k: v for k, v in record.data.items() if k not in privacy.HIDDEN and k != "position"}
    return record.data


def document_for(meta: dict[str, Any], text: str | None, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The index document of one revision (``text`` is None for non-text items), with its combined text."""
    doc = _document_for(meta, text, previous)
    searched = [doc[f] for f in FIELD_BOOSTS if doc.get(f)]
    if searched:
        doc["tout"] = "\n".join(searched)
    return doc


def _document_for(meta: dict[str, Any], text: str | None, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The index document of one revision (``text`` is None for non-text items).

    Every named item gets its name, rights and searchable text; structured pages also their type, data
    and facets. Trashed items and models (moin templates) are neither listed nor searched. A structured page
    whose block a slip broke keeps its place (:func:`salvage`, ``previous`` is the document the index had),
    with its problems, so that every listing flags it « données à corriger ».
    """
    doc: dict[str, Any] = {"itemid": meta[ITEMID], "revid": meta[REVID], "type": ""}
    names = list(meta.get(NAME) or [])
    if not names or meta.get(TRASH) or TEMPLATE in (meta.get(TAGS) or ()):
        return doc
    last_name = names[0].rsplit("/", 1)[-1]
    doc.update(
        name=names,
        namespace=meta.get(NAMESPACE, ""),
        acl=meta.get(ACL),
        mtime=int(meta.get(MTIME) or 0),
        title=last_name,
        titre=" ".join(names),
    )
    if text is None:
        return doc
    analysis = analyse(text)
    record = analysis.record
    doc["texte"] = plain_text(analysis.front.body)
    if record is None:
        saved = salvage(analysis.front, last_name, previous) if analysis.front.has_block else None
        if saved is None:
            return doc
        page_type, data = saved
        problems = [str(p) for p in analysis.problems] or ["le bloc de données est à corriger."]
        doc.update(
            type=page_type.name,
            title=str(data.get(page_type.title_field) or last_name),
            titre=f"{data.get(page_type.title_field) or ''}\n{last_name}",
            donnees=data_text(data),
            data=json.dumps(data, ensure_ascii=False, default=str),
            facets=json.dumps(page_type.facet_values(Record(page_type, data)), ensure_ascii=False),
            problems=json.dumps(problems, ensure_ascii=False),
        )
        return doc
    doc.update(
        type=record.type.name,
        title=record.title,
        titre=f"{record.title}\n{last_name}",
        donnees=data_text(_searchable(record)),
        data=json.dumps(record.data, ensure_ascii=False, default=str),
        facets=json.dumps(record.type.facet_values(record), ensure_ascii=False),
        problems=json.dumps([str(p) for p in analysis.problems], ensure_ascii=False),
    )
    return doc


def _is_text(meta: dict[str, Any]) -> bool:
    return str(meta.get(CONTENTTYPE, "")).startswith(STRUCTURED_CONTENT_TYPES)


JOURNAL = "JOURNAL"


@dataclass(frozen=True)
class _Owner:
    """The Whoosh index a kept searcher was opened on (a rebuild makes another)."""

    ix: Any


class _Recorder:
    """A Whoosh writer that remembers which items it touches (None: something it cannot name)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer
        self.itemids: set[str] | None = set()

    def _note(self, itemid: Any) -> None:
        if self.itemids is not None:
            if isinstance(itemid, str):
                self.itemids.add(itemid)
            else:
                self.itemids = None

    def update_document(self, **doc: Any) -> None:
        self._note(doc.get("itemid"))
        self._writer.update_document(**doc)

    def add_document(self, **doc: Any) -> None:
        self._note(doc.get("itemid"))
        self._writer.add_document(**doc)

    def delete_by_term(self, fieldname: str, text: Any) -> None:
        self._note(text if fieldname == "itemid" else None)
        self._writer.delete_by_term(fieldname, text)

    def __getattr__(self, name: str) -> Any:  # any other use of the writer: the journal cannot follow it
        self.itemids = None
        return getattr(self._writer, name)


class StructuredIndex:
    """Our Whoosh index of one wiki; one object per app, shared by its threads."""

    def __init__(self, directory: str, moin_indexer: Any, namespace_mapping: Any = ()) -> None:
        self.directory = directory
        self.moin = moin_indexer
        self.backend_names = dict(namespace_mapping)
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._verified = False
        self._pending: set[str] = set()
        self._journal_offset = 0
        self._searchers = threading.local()
        #: called after every committed write (the anonymous readers' cache starts a new generation)
        self.on_change: list[Callable[[], None]] = []
        self.ix = self._open()

    # -- opening, creating ------------------------------------------------------------------------

    def _version_file(self) -> str:
        return os.path.join(self.directory, "VERSION")

    def _storage(self) -> FileStorage:
        """The index's files, read through file handles: with mmap, Whoosh 2.7 copies every segment's files
        into memory at each searcher opened (as many copies as threads keep searchers)."""
        return FileStorage(self.directory, supports_mmap=False)

    def _open(self) -> whoosh_index.Index:
        os.makedirs(self.directory, exist_ok=True)
        current = None
        if os.path.exists(self._version_file()):
            with open(self._version_file()) as f:
                current = f.read().strip()
        if current == SCHEMA_VERSION:
            try:
                ix = self._storage().open_index()
                with ix.searcher() as searcher:  # read it through once: a damaged index fails here
                    for _ in searcher.all_stored_fields():
                        pass
                return moin_searchers.schema_read_once(ix)
            except whoosh_index.EmptyIndexError:
                pass  # nothing there yet
            except Exception:  # noqa: BLE001 - any damage: start again, the first use fills it from moin
                log.exception("index structuré illisible dans %s : il est recréé", self.directory)
        return self._create()

    def _create(self) -> whoosh_index.Index:
        for name in os.listdir(self.directory):  # what remains of a damaged or older index (the directory is ours)
            path = os.path.join(self.directory, name)
            if os.path.isfile(path):
                os.remove(path)
        ix = self._storage().create_index(make_schema())
        with open(self._version_file(), "w") as f:
            f.write(SCHEMA_VERSION)
        with open(os.path.join(self.directory, "EPOCH"), "w") as f:
            f.write(uuid.uuid4().hex)
        return ix

    def epoch(self) -> str:
        try:
            with open(os.path.join(self.directory, "EPOCH")) as f:
                return f.read().strip()
        except FileNotFoundError:
            return ""

    # -- writing ----------------------------------------------------------------------------------

    def _journal_file(self) -> str:
        return os.path.join(self.directory, JOURNAL)

    def _write(self, work: Callable[[Any], None]) -> None:
        """Run ``work(writer)`` in one committed write, waiting for other writers (other processes).

        The items it touches are appended to the journal, under the generation the commit makes, before the
        commit (while Whoosh's write lock is held, so lines come in generation order): every process can then
        update its snapshot by re-reading only those items (:meth:`snapshot`).
        """
        for attempt in range(WRITE_ATTEMPTS):
            try:
                writer = self.ix.writer(timeout=2.0)
            except LockError:
                time.sleep(0.05 * (attempt + 1))
                continue
            kept = getattr(self._searchers, "kept", None)
            if kept is not None and kept[1].ix is self.ix:  # the documents it replaces, found on this thread's readers
                writer.searcher = lambda _w=writer, _s=kept[2], **_kw: moin_searchers.writer_searcher(_w, _s)
            try:
                recorder = _Recorder(writer)
                work(recorder)
                if recorder.itemids is not None:
                    lines = "".join(f"{writer.generation} {i}\n" for i in sorted(recorder.itemids))
                    with open(self._journal_file(), "a", encoding="ascii") as f:
                        f.write(lines or f"{writer.generation}\n")
                writer.commit()
                for callback in self.on_change:
                    callback()
            except BaseException:
                try:
                    writer.cancel()
                except Exception:  # noqa: BLE001 - the first error is the one to report
                    log.exception("abandon d'une écriture de l'index structuré")
                    lock = getattr(writer, "writelock", None)
                    if lock is not None:  # a commit that failed half-way (disk full) must not keep the lock
                        lock.release()
                raise
            return
        raise LockError("index structuré verrouillé trop longtemps")

    def _previous(self, itemids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """The documents the index has now (all, or these items'): a malformed new revision keeps their values."""
        wanted = set(itemids) if itemids is not None else None
        if wanted is not None and len(wanted) < 50:  # a save's: on this thread's open readers
            with self._latest() as searcher:
                found = (searcher.document(itemid=i) for i in wanted)
                return {d["itemid"]: d for d in found if d and d.get("type")}
        with self.ix.searcher() as searcher:
            return {
                d["itemid"]: d
                for d in searcher.all_stored_fields()
                if d.get("type") and (wanted is None or d["itemid"] in wanted)
            }

    def _current_document(self, itemid: str, previous: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Read the current revision of an item from moin's storage (the truth); None if gone."""
        item = self.moin.get_item(itemid=itemid)
        if not item:
            return None
        rev = item[CURRENT]
        meta = dict(rev.meta)
        text = None
        if _is_text(meta) and not meta.get(TRASH):
            try:
                text = rev.data.read().decode("utf-8", "replace")
            finally:
                rev.close()
        return document_for(meta, text, previous)

    def mark_stale(self) -> None:
        """A write failed (disk full…): check against moin's storage, and repair, at the next read."""
        with self._lock:
            self._verified = False
            self._snapshot = None

    def store_revision(self, meta: dict[str, Any]) -> None:
        """Index a revision moin just stored, read back from its backend by revision id.

        Used on moin's signals: moin's own index may still be writing (asynchronously) at that point,
        so the item is not looked up through it.
        """
        backend_name = self.backend_names.get(meta.get(NAMESPACE, ""), "default")
        doc = self._document_at(backend_name, meta[REVID], self._previous([meta[ITEMID]]).get(meta[ITEMID]))
        with self._lock:
            self._write(lambda writer: writer.update_document(**doc))

    def refresh(self, itemids: Iterable[str]) -> int:
        """Re-read these items from storage and update their documents; return how many changed."""
        itemids = set(itemids)
        previous = self._previous(itemids)
        docs: list[tuple[str, dict[str, Any] | None]] = [(i, self._current_document(i, previous.get(i))) for i in itemids]

        def work(writer: Any) -> None:
            for itemid, doc in docs:
                if doc is None:
                    writer.delete_by_term("itemid", itemid)
                else:
                    writer.update_document(**doc)

        if docs:
            with self._lock:
                self._write(work)
        return len(docs)

    def add_documents(self, docs: list[dict[str, Any]]) -> None:
        """Write many prepared documents in one commit (bulk import)."""
        with self._lock:
            self._write(lambda writer: [writer.update_document(**d) for d in docs])

    def defer(self, itemid: str) -> None:
        """Refresh an item once the current change is done (moin signals destroys before doing them).

        The item waits in a pending set, flushed after the current request or, at the latest, before the
        next listing reads the index.
        """
        with self._lock:
            self._pending.add(itemid)
        if has_request_context():

            def flush_after(response: Any) -> Any:
                self.flush_pending()
                return response

            after_this_request(flush_after)

    def flush_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, set()
        if pending:
            self.refresh(pending)

    # -- checking against moin ----------------------------------------------------------------------

    def moin_latest(self) -> dict[str, str]:
        """itemid -> revid of every item in moin's latest-revisions index (user profiles excepted)."""
        return {itemid: revid for itemid, (_backend, revid) in self.moin_locations().items()}

    def moin_locations(self) -> dict[str, tuple[str, str]]:
        """itemid -> (backend name, revid) of every item in moin's latest-revisions index."""
        with self.moin.ix[LATEST_REVS].searcher() as searcher:
            return {
                doc[ITEMID]: (doc.get(BACKENDNAME) or "default", doc[REVID])
                for doc in searcher.all_stored_fields()
                if doc.get(NAMESPACE) not in IGNORED_NAMESPACES
            }

    def _document_at(self, backend_name: str, revid: str, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        """The index document of a stored revision, read straight from moin's backend (no index lookup)."""
        stored_meta, data = self.moin.backend.retrieve(backend_name, revid)
        try:
            text = data.read().decode("utf-8", "replace") if _is_text(stored_meta) else None
        finally:
            data.close()
        return document_for(dict(stored_meta), text, previous)

    def ours(self) -> dict[str, str]:
        with self.ix.searcher() as searcher:
            return {doc["itemid"]: doc["revid"] for doc in searcher.all_stored_fields()}

    def verify(self, repair: bool = True) -> dict[str, int]:
        """Compare with moin's index; with ``repair``, re-read what differs. Returns the counts."""
        truth, ours = self.moin_locations(), self.ours()
        stale = [i for i, (_backend, revid) in truth.items() if ours.get(i) != revid]
        extra = [i for i in ours if i not in truth]
        if repair and (stale or extra):
            log.warning("index structuré : %d à mettre à jour, %d en trop ; réparation", len(stale), len(extra))
            previous = self._previous(stale)
            docs = [self._document_at(*truth[i], previous.get(i)) for i in stale]

            def work(writer: Any) -> None:
                for doc in docs:
                    writer.update_document(**doc)
                for itemid in extra:
                    writer.delete_by_term("itemid", itemid)

            with self._lock:
                self._write(work)
        return {"pages": len(truth), "a_jour": len(truth) - len(stale), "perimees": len(stale), "en_trop": len(extra)}

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Recreate the index from moin's storage; return the number of items read."""
        truth = self.moin_locations()
        try:
            previous = self._previous()
        except Exception:  # noqa: BLE001 - a damaged index has nothing to keep
            previous = {}
        docs = []
        for n, (itemid, (backend_name, revid)) in enumerate(truth.items(), 1):
            docs.append(self._document_at(backend_name, revid, previous.get(itemid)))
            if progress:
                progress(n, len(truth))
        with self._lock:
            self.ix = self._create()
            self._write(lambda writer: [writer.add_document(**d) for d in docs])
            self._snapshot = None
            self._verified = True
        return len(truth)

    # -- reading --------------------------------------------------------------------------------------

    def _ensure_fresh(self) -> None:
        """Check against moin once per process (and after a failed write); a repair that cannot be written
        (disk still full) leaves listings as they were and is tried again at the next read."""
        try:
            if not self._verified:
                with self._lock:
                    if not self._verified:
                        self.verify(repair=True)
                        self._verified = True
            if self._pending:
                self.flush_pending()
        except (OSError, LockError):
            self._verified = False
            log.exception("index structuré : réparation impossible pour l'instant, nouvel essai à la prochaine lecture")

    def snapshot(self) -> Snapshot:
        """Stored documents of every named item, by type and by id.

        When the index changed (a write by any process), only the items named in the journal since this
        snapshot are read again; everything is read only at the first use, after a rebuild, or when the journal
        does not cover the change (an older writer).
        """
        dependencies.note_index_read()
        self._ensure_fresh()
        version = (self.epoch(), self.ix.latest_generation())
        snap = self._snapshot
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            snap = self._snapshot
            epoch = self.epoch()
            if snap is not None and snap.version == (epoch, self.ix.latest_generation()):
                return snap
            with self._latest() as searcher:
                new = None
                if snap is not None and snap.version[0] == epoch:
                    new = self._updated(snap, searcher)
                if new is None:
                    new = self._load_all(epoch, searcher)
            self._snapshot = new
            return new

    def _load_all(self, epoch: str, searcher: Any) -> Snapshot:
        by_type: dict[str, list[IndexedPage]] = {}
        by_itemid: dict[str, IndexedPage] = {}
        itemid_at: dict[int, str] = {}
        reader = searcher.reader()
        generation = self._generation_of(reader)
        try:
            self._journal_offset = os.path.getsize(self._journal_file())
        except OSError:
            self._journal_offset = 0
        for docnum, doc in reader.iter_docs():
            itemid_at[docnum] = doc["itemid"]
            page = _page_of(doc)
            if page is None:
                continue
            by_itemid[page.itemid] = page
            if page.type:
                by_type.setdefault(page.type, []).append(page)
        old = self._snapshot
        snap = Snapshot((epoch, generation), by_type, by_itemid, generation, itemid_at)
        snap.loads = old.loads + 1 if old is not None else 0  # no key made from the older one is met again
        return snap

    def _generation_of(self, reader: Any) -> int:
        """The generation a reader was opened at (an empty index's reader knows none: the latest, then)."""
        generation = reader.generation()
        return self.ix.latest_generation() if generation is None else generation

    def _journal_since(self, generation: int, upto: int) -> set[str] | None:
        """Items changed by the commits after ``generation`` up to ``upto``; None if the journal misses one."""
        try:
            with open(self._journal_file(), "rb") as f:
                f.seek(self._journal_offset)
                data = f.read()
        except OSError:
            return None
        changed: set[str] = set()
        seen: set[int] = set()
        consumed = 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break  # a line being written
            parts = line.split()
            try:
                gen = int(parts[0])
            except (IndexError, ValueError):
                return None
            if gen > upto:
                break
            consumed += len(line)
            if gen > generation:
                seen.add(gen)
                changed.update(p.decode("ascii", "replace") for p in parts[1:2])
        if seen != set(range(generation + 1, upto + 1)):
            return None
        self._journal_offset += consumed
        return changed

    def _updated(self, snap: Snapshot, searcher: Any) -> Snapshot | None:
        """``snap`` with the items changed since re-read, or None if the journal cannot say which."""
        generation = self._generation_of(searcher.reader())
        offset = self._journal_offset
        changed = self._journal_since(snap.version[1], generation)
        if changed is None:
            self._journal_offset = offset
            return None
        by_itemid = dict(snap.by_itemid)
        touched_types: set[str] = set()
        rights = False
        new_pages: list[IndexedPage] = []
        for itemid in changed:
            before = by_itemid.pop(itemid, None)
            doc = searcher.document(itemid=itemid)
            after = _page_of(doc) if doc else None
            for page in (before, after):
                if page is not None:
                    touched_types.add(page.type)
                    if page.namespace or (not page.type and self._is_group(page)):
                        rights = True  # a group, or a page of a namespace whose rights are inherited
            if before is None and after is None:
                rights = True  # unknown before and after: assume the worst
            if after is not None:
                by_itemid[itemid] = after
                new_pages.append(after)
        by_type = dict(snap.by_type)
        for type_name in touched_types - {""}:
            kept = [p for p in snap.by_type.get(type_name, []) if p.itemid not in changed]
            kept += [p for p in new_pages if p.type == type_name]
            by_type[type_name] = kept
            if not kept:
                del by_type[type_name]
        type_versions = dict(snap.type_versions)
        for type_name in touched_types:
            type_versions[type_name] = type_versions.get(type_name, 0) + 1
        snap.parent = None  # only one step of history is kept
        return Snapshot(
            (snap.version[0], generation),
            by_type,
            by_itemid,
            memo={},
            type_versions=type_versions,
            rights_version=snap.rights_version + (1 if rights else 0),
            parent=snap,
            changed=frozenset(changed),
            loads=snap.loads,
        )

    def _is_group(self, page: IndexedPage) -> bool:
        """moin's groups are items with a member list: a change to one changes who may read what."""
        try:
            item = self.moin.get_item(itemid=page.itemid)
            return bool(item) and USERGROUP in item[CURRENT].meta
        except Exception:  # noqa: BLE001 - cannot tell: assume it is
            return True

    def searcher(self) -> Any:
        """A Whoosh searcher of the latest state, kept by each thread until the index changes (opening one
        reads every segment's tables: tens of milliseconds a search). The caller must not close it.

        When the index changed, the new one keeps the open readers of the segments that did not
        (:func:`moin_searchers.reopened`): a save adds a small segment, and each thread's first search after it
        opened every segment again (cProfile, 2,000 fiches, 2026-12-04: the two whole searchers a save opened
        were the largest part of its time; about ten of its hundred milliseconds without the profiler)."""
        dependencies.note_index_read()
        generation = self.ix.latest_generation()
        local = self._searchers
        kept = getattr(local, "kept", None)
        if kept is not None and kept[0] == (self.epoch(), generation) and kept[1].ix is self.ix:
            return kept[2]
        if kept is not None and kept[1].ix is self.ix and kept[0][0] == self.epoch():
            searcher = moin_searchers.reopened(self.ix, kept[2])
        else:
            if kept is not None:
                kept[2].close()
            searcher = self.ix.searcher()
        _lengths_in_memory(searcher)
        local.kept = ((self.epoch(), self._generation_of(searcher.reader())), _Owner(self.ix), searcher)
        return searcher

    def _latest(self) -> Any:
        """A searcher of the newest generation for one lookup (to use in a ``with``), on the open readers of the
        searcher this thread keeps (:meth:`searcher`), which is not replaced: a search further up the thread may
        still read it. Only the new segments are opened."""
        kept = getattr(self._searchers, "kept", None)
        if kept is None or kept[1].ix is not self.ix or kept[0][0] != self.epoch():
            return self.ix.searcher()
        return moin_searchers.latest_lent(self.ix, kept[2])

    def text_of(self, page: IndexedPage) -> str | None:
        """The stored text of a page's indexed revision (for search snippets); None if not text or gone."""
        dependencies.note_index_read()
        backend_name = self.backend_names.get(page.namespace, "default")
        try:
            meta, data = self.moin.backend.retrieve(backend_name, page.revid)
        except KeyError:
            return None
        try:
            return data.read().decode("utf-8", "replace") if _is_text(dict(meta)) else None
        finally:
            data.close()

    def pages(self, type_name: str) -> list[IndexedPage]:
        return self.snapshot().by_type.get(type_name, [])

    def __iter__(self) -> Iterator[IndexedPage]:
        for pages in self.snapshot().by_type.values():
            yield from pages


#: the longest value shared between pages (a commune, a form, a theme); longer texts are each page's own
SHARED_CHARS = 64


def _interned(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A decoded object whose field names and short texts are the same objects in every page: each worker keeps
    the whole index in memory, and at 20,000 pages this took its image from 52 to 29 MiB (field names and
    communes were copied in each page)."""
    return {sys.intern(k): [_shared(x) for x in v] if isinstance(v, list) else _shared(v) for k, v in pairs}


def _shared(value: Any) -> Any:
    return sys.intern(value) if isinstance(value, str) and len(value) <= SHARED_CHARS else value


def _page_of(doc: dict[str, Any]) -> IndexedPage | None:
    """A stored document as a page (None for an item with no name: trashed, a model…)."""
    if not doc.get("name"):
        return None
    return IndexedPage(
        itemid=doc["itemid"],
        revid=doc["revid"],
        type=doc["type"],
        names=tuple(doc.get("name") or ()),
        namespace=doc.get("namespace") or "",
        acl=doc.get("acl"),
        mtime=int(doc.get("mtime") or 0),
        title=doc.get("title") or "",
        data=json.loads(doc.get("data") or "{}", object_pairs_hook=_interned),
        facets=json.loads(doc.get("facets") or "{}", object_pairs_hook=_interned),
        problems=tuple(json.loads(doc.get("problems") or "[]")),
    )


def get_index(app: Any = None) -> StructuredIndex | None:
    """The structured index of an app (created on first use); None if the app has none configured."""
    app = app or current_app._get_current_object()
    index = app.extensions.get("ecossolies_index")
    if index is None:
        directory = getattr(app.cfg, "structured_index_dir", None)
        storage = getattr(app, "storage", None)
        if not directory or storage is None:
            return None
        index = StructuredIndex(directory, storage, app.cfg.namespace_mapping)
        for callback in app.extensions.get("ecossolies_index_callbacks", ()):
            index.on_change.append(callback)
        app.extensions["ecossolies_index"] = index
    return index
