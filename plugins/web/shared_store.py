"""The anonymous answers kept on disk, shared by the worker processes that serve one wiki.

Each worker keeps its own answers in memory (plugins/web/public_cache.py); without a shared store, every change
to the wiki made each of the N workers compute every page again, N times the work right when the server is
busiest. Here an answer computed by one worker is written once to a small file of the instance
(``cache-publique/``) and read by the others; and while one worker computes an answer, the others wait for it
(a lock file per answer, ``flock``: released by the kernel if the worker dies) instead of computing it too.

Never stale: a file holds the slots its answer depends on and their tokens when it was computed
(plugins/web/generations.py), and is served only while they are current (the same rule as the memory cache).
Bounded: files older than the longest life are removed by a sweep after every ``SWEEP_EVERY`` stores, and the
oldest go first when the total passes the bound. No pickle: a file is one JSON header line (status, headers,
validator, slots, tokens) and the body's bytes.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import threading
import time
from typing import Any, NamedTuple

from plugins.web import generations

DIRECTORY = "cache-publique"
SWEEP_EVERY = 50


class Stored(NamedTuple):
    """An answer as stored: what the memory cache keeps too (plugins/web/public_cache.py ``Entry``)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    slots: tuple[int, ...]
    tokens: bytes


def _name(key: tuple[Any, ...]) -> str:
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


class SharedStore:
    """Answers as files under ``directory``, each read and written whole (written aside, then renamed)."""

    def __init__(self, directory: str, max_bytes: int, max_seconds: float) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self._stores = 0
        self._lock = threading.Lock()
        os.makedirs(directory, exist_ok=True)

    def _path(self, key: tuple[Any, ...], suffix: str = "") -> str:
        return os.path.join(self.directory, _name(key) + suffix)

    def get(self, table: bytes, key: tuple[Any, ...]) -> Stored | None:
        """The answer stored for ``key`` if its tokens are current in ``table``, else None."""
        try:
            with open(self._path(key), "rb") as f:
                head = json.loads(f.readline())
                if head.get("key") != repr(key):
                    return None
                slots = tuple(int(s) for s in head["slots"])
                tokens = bytes.fromhex(head["tokens"])
                if generations.tokens(table, slots) != tokens:
                    return None
                if time.time() - float(head.get("stored", 0)) > self.max_seconds:
                    return None
                body = f.read()
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(body) != head.get("length"):
            return None  # cut short (disk full when written): computed again
        headers = tuple((str(k), str(v)) for k, v in head["headers"])
        return Stored(int(head["status"]), headers, body, str(head["etag"]), slots, tokens)

    def put(self, key: tuple[Any, ...], answer: Stored, changed: float | None = None) -> None:
        """Write one answer; every ``SWEEP_EVERY`` stores, sweep (``changed``: the time of the last change)."""
        head = {
            "key": repr(key), "status": answer.status, "headers": list(answer.headers), "etag": answer.etag,
            "slots": list(answer.slots), "tokens": answer.tokens.hex(), "stored": time.time(),
            "length": len(answer.body),
        }  # fmt: skip
        path = self._path(key)
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            with open(tmp, "wb") as f:
                f.write(json.dumps(head).encode("utf-8") + b"\n")
                f.write(answer.body)
            os.replace(tmp, path)
        except OSError:  # a full disk: the answer is simply not shared
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return
        with self._lock:
            self._stores += 1
            sweep = self._stores % SWEEP_EVERY == 0
        if sweep:
            self.sweep()

    def sweep(self) -> None:
        """Remove too old answers, and the oldest while the total passes the bound (an answer out of date is
        overwritten when its page is next computed)."""
        now = time.time()
        files = []
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            path = os.path.join(self.directory, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            dead = now - st.st_mtime > self.max_seconds
            if name.endswith(".tmp"):
                dead = now - st.st_mtime > 60
            if dead:
                _unlink(path)
            elif not name.endswith((".lock", ".tmp")):
                files.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in files)
        for _mtime, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            _unlink(path)
            total -= size

    def claim(self, key: tuple[Any, ...]) -> int | None:
        """Become the worker that computes ``key``: the descriptor of its lock file, or None if another holds it."""
        try:
            fd = os.open(self._path(key, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            return None

    def wait_or_claim(self, table: bytes, key: tuple[Any, ...], seconds: float) -> tuple[Stored | None, int | None]:
        """Wait (up to ``seconds``) for another worker's answer to ``key`` that is current in ``table`` (the
        tokens the waiting reader saw when it asked); if that worker ends without one, become the worker that
        computes it. Returns (the answer, None), or (None, the descriptor of the lock now held), or (None,
        None) if neither came in time.

        Only one waiter takes over: before, every worker that waited computed the answer itself once the other
        was done without one (its tokens had changed meanwhile): under ``make charge``, the binder was computed
        three times a save."""
        deadline = time.monotonic() + seconds
        delay = 0.005
        while time.monotonic() < deadline:
            found = self.get(table, key)
            if found is not None:
                return found, None
            fd = self.claim(key)
            if fd is not None:  # the other worker is done (or gone): its answer, or this one computes it
                found = self.get(table, key)
                if found is not None:
                    release(fd)
                    return found, None
                return None, fd
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return None, None


def release(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
