"""The generations of what anonymous answers depend on, shared by every worker process of one wiki.

A small file of the instance (``.generation-publique``) holds a table of ``SLOTS`` random tokens. A tag (a page,
``item:<id>``; a page type, ``type:fiche``) has its slot; a write replaces the tokens of the tags it changes
(``os.pwrite`` of 8 bytes each: writers never undo each other's changes). Slot 0 (:data:`GLOBAL`) is part of
every answer and is replaced by any write this layer cannot describe (a rename, an ACL, a group, a command);
slot 1 (:data:`ANY_WRITE`) is replaced by every write and is part of the answers that read the whole wiki
(search, feeds, a page with an unreviewed macro). Two tags may share a slot: a change to one then renews the
answers of the other too, never the reverse.

An answer keeps the tokens of its slots as they were when its computation began; it is served only while
they are all unchanged. Every worker reads the table at each request (mapped in memory: one ``stat``, no
read). The file's change time is the time of the last write (``Last-Modified``).
"""

from __future__ import annotations

import hashlib
import mmap
import os
import threading
from collections.abc import Iterable
from typing import Any

FILE = ".generation-publique"
SLOTS = 4096
TOKEN = 8
GLOBAL = 0
ANY_WRITE = 1


def path(app: Any) -> str:
    return os.path.join(app.cfg.instance_dir, FILE)


def slot(tag: str) -> int:
    """The slot of a tag (2 … SLOTS-1)."""
    digest = hashlib.blake2b(tag.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return 2 + int.from_bytes(digest, "big") % (SLOTS - 2)


def slots(tags: Iterable[str], everything: bool) -> tuple[int, ...]:
    """The slots an answer depends on: always :data:`GLOBAL`, :data:`ANY_WRITE` if it read everything."""
    chosen = {GLOBAL, ANY_WRITE} if everything else {GLOBAL}
    chosen.update(slot(t) for t in tags)
    return tuple(sorted(chosen))


def renewed(tags: Iterable[str]) -> tuple[int, ...]:
    """The slots a described write replaces: its tags', and :data:`ANY_WRITE` (never :data:`GLOBAL`)."""
    return tuple(sorted({ANY_WRITE, *(slot(t) for t in tags)}))


def tokens(table: bytes, chosen: Iterable[int]) -> bytes:
    """The tokens of ``chosen`` slots in a table (what an answer keeps, and what it is checked against)."""
    return b"".join(table[s * TOKEN : (s + 1) * TOKEN] for s in chosen)


def _create(file: str) -> None:
    """A new table of random tokens, put in place only if none is there (another process may be first)."""
    os.makedirs(os.path.dirname(file), exist_ok=True)
    tmp = f"{file}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "wb") as f:
        f.write(os.urandom(SLOTS * TOKEN))
    try:
        os.link(tmp, file)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


#: each table this process reads, mapped in memory once: path -> (device, inode, map)
_MAPS: dict[str, tuple[int, int, mmap.mmap]] = {}
_MAPS_LOCK = threading.Lock()


def read(app: Any) -> tuple[Any, float]:
    """The table of tokens (a live, read-only view: copy it with ``bytes()`` to keep the tokens of now) and the
    time of the last write. The file is mapped once per process (no read at each request); a table replaced
    (a restored instance) is mapped again."""
    file = path(app)
    for _attempt in range(3):
        try:
            st = os.stat(file)
        except FileNotFoundError:
            _create(file)
            continue
        kept = _MAPS.get(file)
        if kept is not None and kept[:2] == (st.st_dev, st.st_ino):
            return kept[2], st.st_mtime
        if st.st_size != SLOTS * TOKEN:
            os.replace(file, f"{file}.abime")  # cut short (a disk that was full): a new table renews every answer
            _create(file)
            continue
        with _MAPS_LOCK, open(file, "rb") as f:
            table = mmap.mmap(f.fileno(), SLOTS * TOKEN, access=mmap.ACCESS_READ)
            _MAPS[file] = (st.st_dev, st.st_ino, table)
        return table, st.st_mtime
    raise OSError(f"table des générations illisible : {file}")


def bump(app: Any, chosen: Iterable[int] = (GLOBAL,)) -> None:
    """A write happened: new tokens for the ``chosen`` slots (by default, every answer is renewed)."""
    file = path(app)
    if not os.path.exists(file):
        read(app)  # creates it
    fd = os.open(file, os.O_WRONLY)
    try:
        for s in sorted(set(chosen)):
            os.pwrite(fd, os.urandom(TOKEN), s * TOKEN)
    finally:
        os.close(fd)
