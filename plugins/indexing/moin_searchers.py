"""moin's Whoosh indexes with one searcher kept by each thread, opened again only when the index changed.

moin 2.0.0b5 opens a new Whoosh searcher for every lookup (``with ix.searcher() as s``): about twenty for a
plain page view, thirty for a save, each opening every segment of the index. Measured on 2,000 fiches, a
plain page took 31 ms, 10 ms with the searchers kept; ``<<Classeur>>`` 48 ms, 23 ms. moin's files are not
touched: each of its open indexes (``indexer.ix``) is wrapped, once, when the app starts.

Never stale: before a kept searcher is handed out, Whoosh is asked whether the index moved on (another
thread's or process's commit: a directory listing) and a new searcher is opened in its place. A searcher
still in use by an outer ``with`` of the same thread (moin's search generators) is never replaced under it:
the inner lookup gets a fresh searcher of its own, closed as moin's code expects.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)


class _Lent:
    """The kept searcher as moin's ``with`` sees it: leaving the block does not close it."""

    def __init__(self, owner: ReusingIndex, searcher: Any) -> None:
        self._owner = owner
        self._searcher = searcher
        self._open = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)

    def __enter__(self) -> _Lent:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._open:
            self._open = False
            self._owner._local.depth -= 1


class ReusingIndex:
    """A Whoosh index whose ``searcher()`` lends this thread's kept searcher; everything else is the index's."""

    def __init__(self, ix: Any) -> None:
        self._ix = ix
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ix, name)

    def searcher(self, **kwargs: Any) -> Any:
        if kwargs:  # a particular weighting: moin never asks, but then it is a searcher of its own
            return self._ix.searcher(**kwargs)
        local = self._local
        kept = getattr(local, "searcher", None)
        depth = getattr(local, "depth", 0)
        if kept is None:
            kept = self._ix.searcher()
        elif not kept.up_to_date():
            if depth:  # the kept one is in use further up this thread: it must not change under it
                return self._ix.searcher()
            # a new searcher, not Whoosh's refresh(): reusing the old segment readers fails ("Reader already
            # closed") when another process merges segments meanwhile; without mmap, opening one is cheap
            old, kept = kept, self._ix.searcher()
            old.close()
        local.searcher = kept
        local.depth = depth + 1
        return _Lent(self, kept)


def settle(storage: Any) -> None:
    """At the end of a request: a searcher moin left open (an abandoned generator) no longer blocks refreshes."""
    indexes = getattr(getattr(storage, "indexer", storage), "ix", None) or {}
    for ix in indexes.values():
        if isinstance(ix, ReusingIndex):
            ix._local.depth = 0


def install(storage: Any) -> None:
    """Wrap the open indexes of moin's indexing middleware (once; indexes opened again later stay moin's)."""
    indexer = getattr(storage, "indexer", storage)
    indexes = getattr(indexer, "ix", None)
    if not isinstance(indexes, dict):
        log.warning("index de moin introuvable : chercheurs Whoosh non réutilisés")
        return
    for name, ix in list(indexes.items()):
        if not isinstance(ix, ReusingIndex):
            indexes[name] = ReusingIndex(ix)
