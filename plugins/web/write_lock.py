"""One writer at a time, across the threads and worker processes that serve one wiki.

moin 2.0.0b5 writes its Whoosh indexes from the request that saves; two near-simultaneous writes can fail with
Whoosh's ``LockError`` (an HTTP 500, after the revision is stored but before it is indexed; fixed upstream
after b5, moinwiki/moin PR 2356). Saves are rare next to reads, so the simplest sure cure is to serialise
them: every request that may write (any method but GET, HEAD, OPTIONS) and every command of ours that writes
holds an exclusive lock on a file of the instance (``flock``: released by the kernel if a process dies).
A request that cannot get it in time, or a LockError that would still escape, becomes a French 503 with
``Retry-After``, never a traceback; the structured index checks itself against the storage at each start.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, current_app, g, has_request_context, request
from whoosh.index import LockError

from plugins.web import public_cache, shared_store

LOCK_FILE = ".verrou-ecriture"
READ_METHODS = public_cache.READ_METHODS
#: how long a write waits for the others before it is answered « occupé »
WAIT_SECONDS = 30.0
BUSY_MESSAGE = "Le wiki enregistre d'autres modifications : réessayez dans quelques secondes. Rien n'a été perdu."


class Busy(Exception):
    """The write lock could not be had in time."""


def lock_path(app: Any) -> str:
    return os.path.join(app.cfg.instance_dir, LOCK_FILE)


#: the threads of one process that want the lock queue here; only the first of them polls the file lock, so that
#: a save that has waited long is not overtaken by every newcomer of its process (the p95 of saves came from that)
_QUEUES: dict[str, threading.Lock] = {}
_QUEUES_GUARD = threading.Lock()
#: descriptor held -> the queue it came through
_HELD: dict[int, threading.Lock] = {}


def _queue(path: str) -> threading.Lock:
    with _QUEUES_GUARD:
        return _QUEUES.setdefault(os.path.abspath(path), threading.Lock())


#: how long a waiter sleeps between two tries, by how long it has waited (seconds): (waited at least, sleep)
POLLING = ((0.0, 0.02), (0.25, 0.005), (1.0, 0.001))


def poll_delay(waited: float) -> float:
    """How long a waiter sleeps before its next try: the longer it has waited, the more often it tries.

    The kernel's lock keeps no queue across processes: when it is released, whoever tries first takes it.
    Waiters used to back off (2 ms, then up to 10 ms), so the ones that had just asked tried most often and
    overtook those that had waited longest; under ``make charge`` a save's wait for the lock had a p95 four to
    seven times its p50. Trying more often as one waits longer hands the lock, nearly always, to the oldest
    waiter."""
    delay = POLLING[0][1]
    for since, sleep in POLLING:
        if waited >= since:
            delay = sleep
    return delay


def acquire(path: str, wait: float = WAIT_SECONDS) -> int:
    """Take the exclusive lock (waiting up to ``wait`` seconds); return the descriptor that holds it."""
    asked = time.monotonic()
    deadline = asked + wait
    queue = _queue(path)
    if not queue.acquire(timeout=max(wait, 0.0)):
        raise Busy(path)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
            now = time.monotonic()
            if now >= deadline:
                os.close(fd)
                raise Busy(path)
            time.sleep(min(poll_delay(now - asked), deadline - now))
    except BaseException:
        queue.release()
        raise
    _HELD[fd] = queue
    return fd


def release(fd: int) -> None:
    queue = _HELD.pop(fd, None)
    try:
        shared_store.release(fd)
    finally:
        if queue is not None:
            queue.release()


@contextmanager
def exclusive(app: Any, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the wiki's write lock (for commands that write outside a request: import, seed, reindex)."""

    fd = acquire(lock_path(app), wait)
    try:
        yield
    finally:
        try:
            public_cache.bump(app)  # whatever the command wrote, anonymous readers see it (plugins/web/public_cache.py)
        finally:
            release(fd)


@contextmanager
def held(path: str, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the write lock at ``path`` for work that changes no page (an index merge): no answer to renew."""
    fd = acquire(path, wait)
    try:
        yield
    finally:
        release(fd)


class _Writing:
    """How many writes this process is serving now (each holds the lock); readers of this process that are
    about to compute a page wait for them (:func:`yield_to_writes`)."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = threading.Condition()

    def enter(self) -> None:
        with self.idle:
            self.count += 1

    def leave(self) -> None:
        with self.idle:
            self.count -= 1
            if not self.count:
                self.idle.notify_all()

    def wait_idle(self, seconds: float) -> bool:
        """Wait until no write is served (at most ``seconds``); whether there was one to wait for."""
        with self.idle:
            if not self.count:
                return False
            self.idle.wait_for(lambda: not self.count, seconds)
            return True


_WRITING = _Writing()
#: the longest a reader of a process waits for the write that process serves
YIELD_SECONDS = 1.0
#: the edit forms never wait for the writes, nor do static files: whoever opens a form is about to write
EDIT_FORMS = ("/+modify/", "/+formulaire/", "/+nouvelle/")


def yield_to_writes(seconds: float = YIELD_SECONDS) -> bool:
    """Before computing a page, let the write this process is serving finish first (at most ``seconds``);
    whether there was one to wait for.

    A save holds the wiki's write lock, so every other editor waits for it; the threads of its process share
    one interpreter lock with it. Measured under ``make charge`` (2026-12-03), a save of about 0.2 s of
    processor held the lock 1.0 s (p50) and 11.7 s (p95) while the readers of its process rendered pages
    beside it; 0.7 s and 6.9 s with this wait. Answers already kept are still served at once
    (plugins/web/public_cache.py serves them before this is asked)."""
    if has_request_context():
        g.ecossolies_yielded = True
    return _WRITING.wait_idle(seconds)


EXEMPT_FROM_YIELDING = (*public_cache.STATIC_PREFIXES, *EDIT_FORMS)


def _take_lock() -> None:
    if request.method not in READ_METHODS:
        start = time.monotonic()
        g.ecossolies_write_lock = acquire(lock_path(current_app), WAIT_SECONDS)
        g.ecossolies_write_lock_times = (start, time.monotonic())
        _WRITING.enter()
    elif not request.path.startswith(EXEMPT_FROM_YIELDING) and not g.get("ecossolies_yielded"):
        yield_to_writes()


def _server_timing(response: Response) -> Response:
    """How long this write waited for the others and held the lock (``Server-Timing``: what ``make charge``
    reports for saves, what a browser's developer tools show)."""
    times = g.get("ecossolies_write_lock_times")
    if times is not None:
        asked, taken = times
        waited, held = (taken - asked) * 1000, (time.monotonic() - taken) * 1000
        response.headers.add("Server-Timing", f'verrou;dur={waited:.1f};desc="attente du verrou"')
        response.headers.add("Server-Timing", f'ecriture;dur={held:.1f};desc="sous le verrou"')
    return response


def _release_lock(_exc: BaseException | None = None) -> None:
    fd = g.pop("ecossolies_write_lock", None)
    if fd is not None:
        _WRITING.leave()
        release(fd)


def _busy(_exc: Exception) -> Response:
    response = Response(BUSY_MESSAGE + "\n", status=503, mimetype="text/plain")
    response.headers["Retry-After"] = "5"
    return response


def init_app(app: Any) -> None:
    """Serialise the writes of this app with every other process serving the same instance."""
    app.before_request(_take_lock)
    app.after_request(_server_timing)
    app.teardown_request(_release_lock)
    app.register_error_handler(Busy, _busy)
    app.register_error_handler(LockError, _busy)
