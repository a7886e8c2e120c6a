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
    """At most ``size`` values, and with ``weigh`` (a value's size in bytes) at most ``budget`` bytes of them;
    reading a value makes it the last one to go."""

    def __init__(
        self, owner: str, size: int, what: str = "", weigh: Callable[[V], int] | None = None, budget: int = 0
    ) -> None:
        self.owner = owner
        self.size = size
        self.what = what
        self.weigh = weigh
        self.budget = budget
        self.weight = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.append(self)

    def _trim(self) -> None:
        while len(self._entries) > self.size or (self.weigh and self.weight > self.budget and self._entries):
            self._drop(self._entries.popitem(last=False)[1])

    def _drop(self, value: V) -> None:
        if self.weigh:
            self.weight -= self.weigh(value)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            if key in self._entries:
                self._drop(self._entries[key])
            self._entries[key] = value
            self._entries.move_to_end(key)
            if self.weigh:
                self.weight += self.weigh(value)
            self._trim()
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
                if self.weigh:
                    self.weight += self.weigh(value)
                self._trim()
            else:
                self._entries.move_to_end(key)
            return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0

    def __len__(self) -> int:
        return len(self._entries)


def caches() -> list[BoundedCache]:
    """Every cache of this process, with its owner and bound (for operators and tests)."""
    return list(_ALL)
