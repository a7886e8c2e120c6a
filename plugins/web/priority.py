"""Saves and members before anonymous readers, for the processor of a production worker.

Under load, a save spent two seconds holding the write lock for 0.2 s of work: its thread shared two cores
with the dozens of threads that served anonymous readers (whose answers come from the public cache and
cost about a millisecond each), and the next editors queued behind it (saves p95 of 10 to 20 s with five
editors). Wikipedia solves it by sending writes to other machines than the cached reads; one machine can do
the same with its scheduler: the threads that serve anonymous reads run at a lower priority (``nice``, a
Linux thread attribute), and every other request (a write, or anything asked with a session cookie or
credentials) is handed to a small pool of threads started at normal priority with the worker. A thread's
priority can be lowered but never raised again without privileges, hence the two kinds of threads.

Only the scheduling changes: the same application answers every request, in full, with the same rules
(write lock, caches, ACLs). A member's answer is gathered whole in the pool's thread before it is sent;
file transfers (``/+get``, ``/+download``, static files) stay in the server's thread and stream as before. ``make serve``
can use it through ``wsgi.py``: ``ECOSSOLIES_PRIORITE=10`` (the readers' nice value) turns it on. It is off by
default: measured on 2,000 fiches with ``make charge`` (50 readers and 5 editors without pause, whose clients
share the server's two cores), the saves' p95 went from 18.7 to 11.4 s but the anonymous reads from 387 to 172
a second (p95 368 → 1,714 ms): the lowered readers lost the processor to their own clients.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from plugins.web.public_cache import READ_METHODS, STATIC_PREFIXES

#: transfers that stream a file (uploads, the theme's and moin's static files): never gathered in memory
STREAMED = ("/+get/", "/+download/", *STATIC_PREFIXES)
#: how much lower the anonymous readers' threads run (Linux nice: 0 normal, 19 lowest)
DEFAULT_NICE = 10
#: threads of a worker that serve writes and members (as many as make serve gives gunicorn: a save waiting for
#: the write lock holds one)
DEFAULT_THREADS = 8

StartResponse = Callable[..., Any]


def _lower_this_thread(nice: int) -> bool:
    """This thread runs at ``nice`` (absolute; Linux: a thread has its own nice value) from now on; False where
    that cannot be done (another system, or a thread already lower than asked)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (OSError, AttributeError):
        return False
    return True


class Prioritised:
    """WSGI middleware: anonymous reads in the server's threads, lowered once; the rest in our pool."""

    def __init__(self, app: Callable[..., Iterable[bytes]], nice: int = DEFAULT_NICE, threads: int = DEFAULT_THREADS,
                 session_cookie: str = "session") -> None:  # fmt: skip
        self.app = app
        self.nice = nice
        self.session_cookie = session_cookie
        self._lowered = threading.local()
        self._jobs: queue.SimpleQueue[tuple[dict[str, Any], queue.SimpleQueue[Any]]] = queue.SimpleQueue()
        # started now, from the thread that loads the app (normal priority): a thread inherits its creator's
        self._pool = [
            threading.Thread(target=self._serve, name=f"ecossolies-prioritaire-{n}", daemon=True)
            for n in range(threads)
        ]
        for thread in self._pool:
            thread.start()

    def urgent(self, environ: dict[str, Any]) -> bool:
        """A write, or a request that may come from a member (who reads pages rendered for them)."""
        if environ.get("REQUEST_METHOD", "GET") not in READ_METHODS:
            return True
        if environ.get("PATH_INFO", "").startswith(STREAMED):
            return False
        cookies = environ.get("HTTP_COOKIE", "")
        return (
            f"{self.session_cookie}=" in cookies or "HTTP_AUTHORIZATION" in environ or bool(environ.get("REMOTE_USER"))
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self.urgent(environ):
            if not getattr(self._lowered, "done", False):
                self._lowered.done = True
                _lower_this_thread(self.nice)
            return self.app(environ, start_response)
        answer: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._jobs.put((environ, answer))
        outcome = answer.get()
        if isinstance(outcome, BaseException):
            raise outcome
        status, headers, exc_info, body = outcome
        start_response(status, headers, exc_info)
        return [body]

    def _serve(self) -> None:
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


def wrap(app: Any) -> Any:
    """``app`` behind :class:`Prioritised` on Linux when ``ECOSSOLIES_PRIORITE`` gives the readers' nice value
    (off by default: measured with ``make charge``, it halves the saves' p95 but halves the anonymous reads too,
    when the readers' clients share the processor); read from the environment (``production.env``)."""
    nice = int(os.environ.get("ECOSSOLIES_PRIORITE", "0") or "0")
    if nice <= 0 or not sys.platform.startswith("linux"):
        return app
    cookie = getattr(app, "config", {}).get("SESSION_COOKIE_NAME", "session") if hasattr(app, "config") else "session"
    return Prioritised(app, nice=nice, session_cookie=cookie)
