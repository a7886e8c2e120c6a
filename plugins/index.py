"""The structured index: a Whoosh index of the latest revision of every item, beside moin's own.

Every item of moin's latest-revisions index has exactly one document here, with the same revision id:
structured pages carry their type, validated data and facet values; other items only their revision id.
That one-to-one rule is what makes the index checkable against the storage (:meth:`StructuredIndex.verify`):
each process checks it once when it first uses the index and repairs any drift, so a crash in the
middle of a write never leaves listings silently wrong.

Listings never parse pages: they read a snapshot of the stored documents, reloaded only when the index
generation changes (that is, after any write, by any process).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_request_context
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
)
from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError

from plugins.fulltext import data_text, french_analyzer, plain_text
from plugins.registry import analyse
from plugins.text import fold

log = logging.getLogger(__name__)

#: bump when the schema or what is stored changes: an index of another version is rebuilt
SCHEMA_VERSION = "4"
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


def document_for(meta: dict[str, Any], text: str | None) -> dict[str, Any]:
    """The index document of one revision (``text`` is None for non-text items).

    Every named item gets its name, rights and searchable text; structured pages also their type, data
    and facets. Trashed items and models (moin templates) are neither listed nor searched.
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
        return doc
    doc.update(
        type=record.type.name,
        title=record.title,
        titre=f"{record.title}\n{last_name}",
        donnees=data_text(record.data),
        data=json.dumps(record.data, ensure_ascii=False, default=str),
        facets=json.dumps(record.type.facet_values(record), ensure_ascii=False),
        problems=json.dumps([str(p) for p in analysis.problems], ensure_ascii=False),
    )
    return doc


def _is_text(meta: dict[str, Any]) -> bool:
    return str(meta.get(CONTENTTYPE, "")).startswith(STRUCTURED_CONTENT_TYPES)


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
        #: called after every committed write (the anonymous readers' cache starts a new generation)
        self.on_change: list[Callable[[], None]] = []
        self.ix = self._open()

    # -- opening, creating ------------------------------------------------------------------------

    def _version_file(self) -> str:
        return os.path.join(self.directory, "VERSION")

    def _open(self) -> whoosh_index.Index:
        os.makedirs(self.directory, exist_ok=True)
        current = None
        if os.path.exists(self._version_file()):
            with open(self._version_file()) as f:
                current = f.read().strip()
        if current == SCHEMA_VERSION:
            try:
                ix = whoosh_index.open_dir(self.directory)
                with ix.searcher() as searcher:  # read it through once: a damaged index fails here
                    for _ in searcher.all_stored_fields():
                        pass
                return ix
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
        ix = whoosh_index.create_in(self.directory, make_schema())
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

    def _write(self, work: Callable[[Any], None]) -> None:
        """Run ``work(writer)`` in one committed write, waiting for other writers (other processes)."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                writer = self.ix.writer(timeout=2.0)
            except LockError:
                time.sleep(0.05 * (attempt + 1))
                continue
            try:
                work(writer)
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

    def _current_document(self, itemid: str) -> dict[str, Any] | None:
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
        return document_for(meta, text)

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
        doc = self._document_at(backend_name, meta[REVID])
        with self._lock:
            self._write(lambda writer: writer.update_document(**doc))

    def refresh(self, itemids: Iterable[str]) -> int:
        """Re-read these items from storage and update their documents; return how many changed."""
        docs: list[tuple[str, dict[str, Any] | None]] = [(i, self._current_document(i)) for i in set(itemids)]

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
            from flask import after_this_request

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

    def _document_at(self, backend_name: str, revid: str) -> dict[str, Any]:
        """The index document of a stored revision, read straight from moin's backend (no index lookup)."""
        stored_meta, data = self.moin.backend.retrieve(backend_name, revid)
        try:
            text = data.read().decode("utf-8", "replace") if _is_text(stored_meta) else None
        finally:
            data.close()
        return document_for(dict(stored_meta), text)

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
            docs = [self._document_at(*truth[i]) for i in stale]

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
        docs = []
        for n, (backend_name, revid) in enumerate(truth.values(), 1):
            docs.append(self._document_at(backend_name, revid))
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
        """Stored documents of every named item, by type and by id; reloaded only when the index changed."""
        self._ensure_fresh()
        version = (self.epoch(), self.ix.latest_generation())
        snap = self._snapshot
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            version = (self.epoch(), self.ix.latest_generation())
            by_type: dict[str, list[IndexedPage]] = {}
            by_itemid: dict[str, IndexedPage] = {}
            itemid_at: dict[int, str] = {}
            with self.ix.searcher() as searcher:
                reader = searcher.reader()
                reader_generation = reader.generation()
                for docnum, doc in reader.iter_docs():
                    itemid_at[docnum] = doc["itemid"]
                    if not doc.get("name"):
                        continue
                    page = IndexedPage(
                        itemid=doc["itemid"],
                        revid=doc["revid"],
                        type=doc["type"],
                        names=tuple(doc.get("name") or ()),
                        namespace=doc.get("namespace") or "",
                        acl=doc.get("acl"),
                        mtime=int(doc.get("mtime") or 0),
                        title=doc.get("title") or "",
                        data=json.loads(doc.get("data") or "{}"),
                        facets=json.loads(doc.get("facets") or "{}"),
                        problems=tuple(json.loads(doc.get("problems") or "[]")),
                    )
                    by_itemid[page.itemid] = page
                    if page.type:
                        by_type.setdefault(page.type, []).append(page)
            self._snapshot = Snapshot(version, by_type, by_itemid, reader_generation, itemid_at)
            return self._snapshot

    def text_of(self, page: IndexedPage) -> str | None:
        """The stored text of a page's indexed revision (for search snippets); None if not text or gone."""
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
