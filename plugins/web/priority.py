"""Saves and edit forms before reads, for the processor of a production worker.

Under load, a save spent seconds holding the write lock for 0.15 s of work: its thread shared two cores with
the dozens of threads that served readers, and the next editors queued behind it. Wikipedia sends writes to
other machines than the reads; one machine can do the same with its scheduler: reads (anonymous or not) are
computed by a pool of threads of each worker that run at a lower priority (``nice``, a Linux thread attribute),
and what an editor waits for (a write, an edit form) by a second pool at normal priority. Members' reads were
first served at normal priority too: with 50 members reading, the saves' p95 was 9.1 s. A thread's priority can
be lowered but never raised again without privileges, hence the two pools.

The server's threads read every request and send every answer: they must never be lowered, nor all held by
anonymous reads. A first version lowered the server's threads at their first anonymous read: a save's form and
its answer were then read and written by lowered threads, and under ``make charge`` an editor waited 3 to 4 s
(p95) for a form that the wiki computed in 0.3 s at most. And gunicorn's threads take requests in the order
they come: with 8 threads a worker, an editor's request waited behind the anonymous ones queued before it. So
``make serve`` gives gunicorn 32 threads a worker (``THREADS``), that mostly wait for the pools. Writes were
first computed in those 32 threads: each kept its own searchers of the indexes, and at 20,000 fiches a worker
passed 300 MB; the writers' pool bounds them.

Only the scheduling changes: the same application answers every request, in full, with the same rules (write
lock, caches, ACLs). A read's answer is gathered whole in the pool's thread before the server's thread
sends it; file transfers (``/+get``, ``/+download``, static files) stay in the server's thread and stream as
before. On by default on Linux (``ECOSSOLIES_PRIORITE``, the readers' nice value: 10; ``0`` turns it off).
Measured with ``make charge`` (2,000 fiches, 50 readers and 5 editors without pause, 2 cores, 40 s anonymous
passes, 2026-12-04): saves p95 0.8 and 1.5 s, anonymous reads 739 and 610 a second (p95 136 and 223 ms);
without it, saves p95 3.6 to 5.5 s and 1,000 to 1,250 reads a second.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from plugins.web.public_cache import READ_METHODS, STATIC_PREFIXES
from plugins.web.write_lock import EDIT_FORMS

#: transfers that stream a file (uploads, the theme's and moin's static files): never gathered in memory
STREAMED = ("/+get/", "/+download/", *STATIC_PREFIXES)
#: how much lower the anonymous readers' threads run (Linux nice: 0 normal, 19 lowest)
DEFAULT_NICE = 10
#: threads of a worker that compute reads (gunicorn's, 32 with make serve, hand requests over and wait)
DEFAULT_THREADS = 8
#: threads of a worker that compute writes and edit forms, at normal priority (the write lock lets one save
#: through at a time anyway; the others leave room for edit forms meanwhile)
DEFAULT_WRITERS = 6

StartResponse = Callable[..., Any]


def _lower_this_thread(nice: int) -> bool:
    """This thread runs at ``nice`` (absolute; Linux: a thread has its own nice value) from now on; False where
    that cannot be done (another system, or a thread already lower than asked)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (OSError, AttributeError):
        return False
    return True


class _Pool:
    """Threads that compute whole answers of the application, at one priority (``nice`` 0: left as it is)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], name: str, threads: int, nice: int) -> None:
        self.app = app
        self.nice = nice
        self._jobs: queue.SimpleQueue[tuple[dict[str, Any], queue.SimpleQueue[Any]]] = queue.SimpleQueue()
        for n in range(threads):
            threading.Thread(target=self._serve, name=f"{name}-{n}", daemon=True).start()

    def answer(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The application's answer to ``environ``, computed by a thread of the pool, handed to the caller."""
        answer: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._jobs.put((environ, answer))
        outcome = answer.get()
        if isinstance(outcome, BaseException):
            raise outcome
        status, headers, exc_info, body = outcome
        start_response(status, headers, exc_info)
        return [body]

    def _serve(self) -> None:
        if self.nice > 0:
            _lower_this_thread(self.nice)
        while True:
            environ, answer = self._jobs.get()
            try:
                answer.put(self._gathered(environ))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting server thread, which raises it
                answer.put(exc)

    def _gathered(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], Any, bytes]:
        """The whole answer of the application, made in this thread (Flask's contexts are this thread's)."""
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            started[:] = [status, headers, exc_info]
            return lambda _data: None  # the legacy write() callable: moin and Flask do not use it

        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers, exc_info = started
        return status, headers, exc_info, body


class Prioritised:
    """WSGI middleware: reads computed in a pool of lowered threads, writes and edit forms in a pool at normal
    priority; the server's threads only hand them over (and stream file transfers).

    Each thread that computes keeps its own searchers of the four indexes (plugins/indexing/moin_searchers.py):
    with writes in the server's 32 threads, a worker kept up to 40 sets of them. Two small pools bound them,
    whatever gunicorn's thread count."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        nice: int = DEFAULT_NICE,
        threads: int = DEFAULT_THREADS,
        writers: int = DEFAULT_WRITERS,
    ) -> None:
        self.app = app
        self.nice = nice
        self._readers = _Pool(app, "ecossolies-lecteur", threads, nice)
        self._writers = _Pool(app, "ecossolies-editeur", writers, 0)

    def urgent(self, environ: dict[str, Any]) -> bool:
        """A write, or an edit form: what an editor waits for. A member's read is computed with the others."""
        return environ.get("REQUEST_METHOD", "GET") not in READ_METHODS or environ.get("PATH_INFO", "").startswith(
            EDIT_FORMS
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(STREAMED):
            return self.app(environ, start_response)
        pool = self._writers if self.urgent(environ) else self._readers
        return pool.answer(environ, start_response)


def readers_nice() -> int:
    """The anonymous readers' nice value: ``ECOSSOLIES_PRIORITE`` (environment or ``production.env``), 10 by
    default; 0 (or less) leaves every request at normal priority."""
    return int(os.environ.get("ECOSSOLIES_PRIORITE", str(DEFAULT_NICE)) or "0")


def wrap(app: Any) -> Any:
    """``app`` behind :class:`Prioritised` on Linux, unless :func:`readers_nice` is 0."""
    nice = readers_nice()
    if nice <= 0 or not sys.platform.startswith("linux"):
        return app
    return Prioritised(app, nice=nice)
