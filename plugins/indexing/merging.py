"""Segment merges of moin's Whoosh indexes made beside the saves, not inside them (as Lucene's concurrent merges).

Whoosh merges small segments inside the commit that adds one (``MERGE_SMALL``): one save in five rewrote the
small segments of moin's three indexes, the growing one each time, while every other editor waited for the
write lock. Measured under ``make charge`` (2026-12-03, 2,000 fiches): a commit without a merge takes 3 to 12 ms
of processor an index; a save that merged took about half a second of processor, and held the lock 3 to 5 s
under the readers' load.

Here the commit of a save only adds its segment (``NO_MERGE``). A child process of lowered priority merges in
the background: when one size class of an index holds ``FACTOR`` segments, they are copied into one new segment
written in a folder of its own, without any lock (a segment's files never change once written). Then, under
the wiki's write lock and for the time it takes to write a table of contents, the new segment replaces them;
the documents deleted from them in the meantime (a page saved again) are deleted from it too. One process at a
time merges an index (a file lock); a merge that finds its segments gone is dropped.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import select
import shutil
import subprocess  # nosec B404 - only to start our own merging process (below)
import sys
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for
from whoosh.writing import NO_MERGE, SegmentWriter

log = logging.getLogger(__name__)

#: segments of one size class (a power of FACTOR documents) merged together, once there are this many
FACTOR = 5
#: a segment with this many documents or more is left as it is (``moin index-optimize`` merges everything)
LARGEST = 2000
#: how often the merger looks at its indexes when no save wakes it (seconds)
PERIOD = 5.0
#: prefix of the folders where merges are written (in the index's folder; Whoosh ignores names starting with ".")
WORK_PREFIX = ".fusion-"


def plan(segments: list[Any]) -> list[Any]:
    """The segments to merge now: those of the smallest size class that holds FACTOR or more (or none)."""
    classes: dict[int, list[Any]] = {}
    for segment in segments:
        count = segment.doc_count_all()
        if count < LARGEST:
            classes.setdefault(int(math.log(max(count, 1), FACTOR)), []).append(segment)
    for size_class in sorted(classes):
        if len(classes[size_class]) >= FACTOR:
            return classes[size_class]
    return []


def _live(segment: Any) -> list[int]:
    return [docnum for docnum in range(segment.doc_count_all()) if not segment.is_deleted(docnum)]


def merge_once(folder: str, indexname: str, exclusive: Callable[[], AbstractContextManager[Any]]) -> bool:
    """Merge one size class of an index if one is due; whether a merge was made. ``exclusive`` holds the
    wiki's write lock (the swap happens under it)."""
    storage = FileStorage(folder, supports_mmap=False)
    toc = TOC.read(storage, indexname)
    chosen = plan(toc.segments)
    if not chosen:
        return False
    guard = os.open(os.path.join(folder, f".verrou-fusion-{indexname}"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # another process is merging this index
        for name in os.listdir(folder):  # what a merger that died left behind
            if name.startswith(f"{WORK_PREFIX}{indexname}-"):
                shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
        work = os.path.join(folder, f"{WORK_PREFIX}{indexname}-{uuid.uuid4().hex}")
        os.mkdir(work)
        try:
            return _merge(storage, indexname, toc, chosen, work, exclusive)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    finally:
        os.close(guard)


def _merge(
    storage: Any,
    indexname: str,
    toc: Any,
    chosen: list[Any],
    work: str,
    exclusive: Callable[[], Any],
) -> bool:
    scratch = FileStorage(work, supports_mmap=False)
    writer = SegmentWriter(scratch.create_index(toc.schema, indexname), _lk=False)
    moved: list[tuple[str, set[int], dict[int, int]]] = []  # segment id, deleted when read, old -> new docnum
    try:
        for segment in chosen:
            base, live = writer.docnum, _live(segment)
            reader = SegmentReader(storage, toc.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
            if writer.docnum != base + len(live):
                raise RuntimeError("fusion : numéros de documents inattendus")
            moved.append((segment.segment_id(), set(segment.deleted_docs()), {d: base + i for i, d in enumerate(live)}))
        merged = writer._finalize_segment()
    finally:
        writer._finish()
    with exclusive():
        lock = storage.lock(f"{indexname}_WRITELOCK")  # Whoosh's own (FileIndex.lock)
        if not try_for(lock.acquire, timeout=2.0, delay=0.05):
            return False  # a writer outside the wiki's lock (none is expected): the segments stay as they are
        try:
            current = TOC.read(storage, indexname)
            by_id = {segment.segment_id(): segment for segment in current.segments}
            if any(segment_id not in by_id for segment_id, _, _ in moved):
                return False  # merged by someone else (moin's optimize, a rebuild)
            for segment_id, deleted, renumbered in moved:
                for docnum in set(by_id[segment_id].deleted_docs()) - deleted:
                    merged.delete_document(renumbered[docnum])
            for name in os.listdir(work):
                if name.startswith(merged.segment_id() + "."):
                    os.replace(os.path.join(work, name), os.path.join(storage.folder, name))
            gone = {segment_id for segment_id, _, _ in moved}
            segments = [s for s in current.segments if s.segment_id() not in gone] + [merged]
            generation = current.generation + 1
            TOC(current.schema, segments, generation).write(storage, indexname)
            clean_files(storage, indexname, generation, segments)
        finally:
            lock.release()
    return True


#: the merging process's priority: it takes the processor the readers and the saves leave
NICENESS = 10


class Merger:
    """The merges of one wiki's indexes, made by a child process of lowered priority (``nice``), not by a thread
    of the serving process: a merge is pure Python, and a thread would hold the interpreter lock the process's
    readers need. Each serving process starts one; the first to hold the wiki's merge lock merges, the others
    end at once. A merger ends with the process that started it (its standard input closes)."""

    def __init__(self, owner: Any, indexes: list[tuple[str, str]], lock_file: str) -> None:
        self.indexes = indexes
        self.lock_file = lock_file
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen(  # nosec B603 - a fixed argument list, this interpreter, no shell
            [sys.executable, "-m", "plugins.operations.fusions", lock_file, json.dumps(indexes)],
            stdin=subprocess.PIPE,
            cwd=root,
            env=env,
        )
        os.set_blocking(self.process.stdin.fileno(), False)
        weakref.finalize(owner, self.stop)

    def wake(self) -> None:
        """A save is done: look now rather than at the next period (never waits)."""
        try:
            self.process.stdin.write(b"\n")
            self.process.stdin.flush()
        except (BlockingIOError, BrokenPipeError, ValueError, OSError):
            pass  # it is busy (it will look again), or it ended (another process merges)

    def stop(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve(lock_file: str, indexes: list[tuple[str, str]], exclusive: Callable[[], Any]) -> None:
    """The merging process: merge what is due whenever woken (a line on standard input) or every PERIOD
    seconds, until standard input closes. Only one runs a wiki (a lock file held for its life)."""
    os.nice(NICENESS)
    guard = os.open(lock_file + "-fusions", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another serving process's merger runs
    stdin = sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer
    while True:
        ready, _, _ = select.select([stdin], [], [], PERIOD)
        if ready and not os.read(stdin.fileno(), 4096):
            return  # the serving process ended
        for folder, indexname in indexes:
            if not os.path.isdir(folder):
                return
            try:
                while merge_once(folder, indexname, exclusive):  # a merge can make the next class due
                    pass
            except Exception:  # noqa: BLE001 - a merge not made loses nothing: the segments stay as they are
                log.exception("fusion des segments de l'index %s (%s) non faite", indexname, folder)


_MERGERS: weakref.WeakKeyDictionary[Any, Merger] = weakref.WeakKeyDictionary()
_STARTING = threading.Lock()


def start(owner: Any, indexes: list[tuple[str, str]], lock_file: str) -> Merger:
    """This process's merger of ``owner``'s indexes (folder, index name; started once)."""
    with _STARTING:
        merger = _MERGERS.get(owner)
        if merger is None:
            merger = _MERGERS[owner] = Merger(owner, indexes, lock_file)
        return merger


def running(owner: Any) -> Merger | None:
    return _MERGERS.get(owner)


#: the merge policy of a save's commit while a merger runs: add the new segment, merge nothing
KEEP_SEGMENTS = NO_MERGE


def segments_of(folder: str, indexname: str) -> Iterator[int]:
    """The number of documents of each segment of an index (for tests and benchmarks)."""
    for segment in TOC.read(FileStorage(folder, supports_mmap=False), indexname).segments:
        yield segment.doc_count_all()
