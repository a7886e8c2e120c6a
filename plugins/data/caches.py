"""The one small cache of the wiki's computed values: bounded, thread-safe, least recently used out first.

Each cache names its owner (the module whose values it keeps) and its bound, so that ``caches()`` can say
what a worker process keeps in memory. Correctness lives in the keys, not here: a key carries every version
the value depends on (the index's, the rights', the reader's), so an old value is never found again, only
pushed out. The anonymous page cache (``plugins/web/public_cache.py``) is bounded in bytes and stays its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_ALL: list[BoundedCache] = []


class BoundedCache(Generic[K, V]):
    """At most ``size`` values; reading a value makes it the last one to go."""

    def __init__(self, owner: str, size: int, what: str = "") -> None:
        self.owner = owner
        self.size = size
        self.what = what
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def remember(self, key: K, compute: Callable[[], V]) -> V:
        """The value kept under ``key``, computed (outside the lock: two threads may both compute it) if absent."""
        value = self.get(key)
        if value is None:
            value = self.put(key, compute())
        return value

    def setdefault(self, key: K, make: Callable[[], V]) -> V:
        """The value under ``key``, or ``make()`` stored there in one step (for values filled in place)."""
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                value = self._entries[key] = make()
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
            return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def caches() -> list[BoundedCache]:
    """Every cache of this process, with its owner and bound (for operators and tests)."""
    return list(_ALL)
