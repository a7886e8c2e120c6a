"""Putting moin's own index right after a crash, and setting aside what a killed write left half-done.

A process killed while moin stores a revision can leave a revision whose metadata is empty or cut short:
it was never confirmed to anyone (the request died with it) and moin cannot read it, which would make its
own ``index-update`` fail. Such revisions are moved, bytes intact, to ``<instance>/quarantaine/`` (never
silently deleted), then moin's index is updated from the storage.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from moin.constants.keys import ALL_REVS, REVID

log = logging.getLogger(__name__)

QUARANTINE = "quarantaine"


def moin_index_gaps(indexer: Any) -> tuple[set[tuple[str, str]], set[str]]:
    """(backend, revid) stored but not in moin's index, and revids indexed but no longer stored."""
    stored = set(indexer.backend)
    with indexer.ix[ALL_REVS].searcher() as searcher:
        indexed = {doc[REVID] for doc in searcher.all_stored_fields()}
    return {(b, r) for b, r in stored if r not in indexed}, indexed - {r for _, r in stored}


def moin_index_drift(indexer: Any) -> int:
    """How many revisions moin's own index and its storage disagree on."""
    missing, extra = moin_index_gaps(indexer)
    return len(missing) + len(extra)


def unreadable(indexer: Any, candidates: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Those of the candidate revisions whose metadata moin cannot read (a write cut short)."""
    broken = []
    for backend_name, revid in candidates:
        try:
            _meta, data = indexer.backend.retrieve(backend_name, revid)
            data.close()
        except (ValueError, KeyError, OSError):
            broken.append((backend_name, revid))
    return broken


def set_aside(indexer: Any, broken: list[tuple[str, str]], instance_dir: str) -> list[str]:
    """Move broken revisions' metadata out of the storage into the quarantine folder; return the files."""
    folder = os.path.join(instance_dir, QUARANTINE)
    os.makedirs(folder, exist_ok=True)
    kept = []
    for backend_name, revid in broken:
        store = indexer.backend.backends[backend_name].meta_store
        try:
            raw = store[revid]
        except KeyError:
            continue
        path = os.path.join(folder, f"{backend_name}-{revid}.meta")
        with open(path, "wb") as f:
            f.write(raw if isinstance(raw, bytes) else bytes(raw))
        del store[revid]
        kept.append(path)
        log.warning("révision illisible %s/%s mise de côté dans %s", backend_name, revid, path)
    return kept


def repair_moin_index(app: Any) -> tuple[int, list[str]]:
    """Set aside unreadable revisions, then run moin's index update; return (drift before, files set aside)."""
    indexer = app.storage
    missing, extra = moin_index_gaps(indexer)
    if not (missing or extra):
        return 0, []
    kept = set_aside(indexer, unreadable(indexer, missing), app.cfg.instance_dir)
    indexer.update()
    return len(missing) + len(extra), kept
