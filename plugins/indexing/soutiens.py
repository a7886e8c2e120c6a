"""Support of arguments: one per account and argument, kept server-side in a small SQLite file.

The file lives in the instance directory (``soutiens.sqlite``), beside the wiki's storage; a support names an
argument by its moin item id (so it survives renames) and a member by their moin user id. Nothing here knows
who may read what: callers only ask about arguments the reader may read.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from typing import Any

_LOCK = threading.Lock()
FILENAME = "soutiens.sqlite"


def _path(cfg: Any) -> str:
    return os.path.join(cfg.instance_dir, FILENAME)


def _connect(cfg: Any) -> sqlite3.Connection:
    connection = sqlite3.connect(_path(cfg), timeout=30)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS soutien (argument TEXT NOT NULL, membre TEXT NOT NULL, quand REAL NOT NULL, "
        "PRIMARY KEY (argument, membre))"
    )
    return connection


def add(cfg: Any, argument: str, member: str) -> bool:
    """Record a member's support; False when they already support it (once per account)."""
    with _LOCK:
        connection = _connect(cfg)
        try:
            with connection:
                cursor = connection.execute(
                    "INSERT OR IGNORE INTO soutien (argument, membre, quand) VALUES (?, ?, ?)",
                    (argument, member, time.time()),
                )
            return cursor.rowcount == 1
        finally:
            connection.close()


def remove(cfg: Any, argument: str, member: str) -> bool:
    """Withdraw a member's support; False when there was none."""
    with _LOCK:
        connection = _connect(cfg)
        try:
            with connection:
                cursor = connection.execute("DELETE FROM soutien WHERE argument = ? AND membre = ?", (argument, member))
            return cursor.rowcount == 1
        finally:
            connection.close()


def counts(cfg: Any, arguments: Iterable[str], member: str | None = None) -> tuple[dict[str, int], set[str]]:
    """Support counts of these arguments, and those among them the member supports."""
    wanted = list(arguments)
    if not wanted or not os.path.exists(_path(cfg)):
        return {}, set()
    connection = _connect(cfg)
    try:
        listed = json.dumps(wanted)  # one parameter: the list, read by SQLite's json_each
        found = dict(
            connection.execute(
                "SELECT argument, COUNT(*) FROM soutien WHERE argument IN (SELECT value FROM json_each(?)) "
                "GROUP BY argument",
                (listed,),
            ).fetchall()
        )
        mine: set[str] = set()
        if member:
            rows = connection.execute(
                "SELECT argument FROM soutien WHERE membre = ? AND argument IN (SELECT value FROM json_each(?))",
                (member, listed),
            )
            mine = {row[0] for row in rows}
        return found, mine
    finally:
        connection.close()
