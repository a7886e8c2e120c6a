"""The anonymous answers kept on disk, shared by the worker processes that serve one wiki.

Each worker keeps its own answers in memory (plugins/web/public_cache.py); without a shared store, every change
to the wiki made each of the N workers compute every page again, N times the work right when the server is
busiest. Here an answer computed by one worker is written once to a small file of the instance
(``cache-publique/``) and read by the others; and while one worker computes an answer, the others wait for it
(a lock file per answer, ``flock``: released by the kernel if the worker dies) instead of computing it too.

Never stale: a file holds the generation it was computed under and is served only under that generation (the
same rule as the memory cache). Bounded: files of older generations, or older than the longest life, are
removed by a sweep after every ``SWEEP_EVERY`` stores, and the oldest go first when the total passes the bound.
No pickle: a file is one JSON header line (status, headers, validator, generation) and the body's bytes.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import threading
import time
from typing import Any

DIRECTORY = "cache-publique"
SWEEP_EVERY = 50


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

    def get(self, generation: str, key: tuple[Any, ...]) -> tuple[int, tuple[tuple[str, str], ...], bytes, str] | None:
        """(status, headers, body, etag) computed under ``generation``, or None."""
        try:
            with open(self._path(key), "rb") as f:
                head = json.loads(f.readline())
                if head.get("generation") != generation or head.get("key") != repr(key):
                    return None
                if time.time() - float(head.get("stored", 0)) > self.max_seconds:
                    return None
                body = f.read()
        except (OSError, ValueError):
            return None
        if len(body) != head.get("length"):
            return None  # cut short (disk full when written): computed again
        return int(head["status"]), tuple((str(k), str(v)) for k, v in head["headers"]), body, str(head["etag"])

    def put(
        self, generation: str, key: tuple[Any, ...], status: int, headers: tuple[tuple[str, str], ...], body: bytes,
        etag: str, changed: float | None = None,
    ) -> None:  # fmt: skip
        """Write one answer; every ``SWEEP_EVERY`` stores, sweep (``changed``: the time of the last change)."""
        head = {
            "generation": generation, "key": repr(key), "status": status, "headers": list(headers), "etag": etag,
            "stored": time.time(), "length": len(body),
        }  # fmt: skip
        path = self._path(key)
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            with open(tmp, "wb") as f:
                f.write(json.dumps(head).encode("utf-8") + b"\n")
                f.write(body)
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
            self.sweep(changed)

    def sweep(self, changed: float | None = None) -> None:
        """Remove answers of older generations (written before the last change ``changed``), too old ones, and
        the oldest while the total passes the bound."""
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
            dead = now - st.st_mtime > self.max_seconds or (changed is not None and st.st_mtime < changed)
            if name.endswith(".tmp"):
                dead = now - st.st_mtime > 60
            elif name.endswith(".lock"):
                dead = now - st.st_mtime > self.max_seconds
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

    def wait(self, generation: str, key: tuple[Any, ...], seconds: float) -> Any:
        """Wait (up to ``seconds``) for another worker's answer to ``key``; None if it did not come."""
        deadline = time.monotonic() + seconds
        delay = 0.005
        while time.monotonic() < deadline:
            found = self.get(generation, key)
            if found is not None:
                return found
            fd = self.claim(key)
            if fd is not None:  # the other worker is done (or gone) without storing: compute it here
                release(fd)
                return self.get(generation, key)
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return None


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
