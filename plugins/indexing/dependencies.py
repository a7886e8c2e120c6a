"""What a computation read of the wiki: the page types it listed, the pages whose existence it shows, or
everything.

The anonymous-answer cache (plugins/web/public_cache.py) keeps an answer until something it depends on
changes. It learns what an answer depends on here, while the answer is computed: a listing over one page type
(``plugins/indexing/query.py``) declares ``type:<name>``; any other read of the structured index
(``StructuredIndex.snapshot`` and ``searcher``) counts as a read of *everything*, unless it happens inside a
declared block; a link drawn as missing or not (plugins/views/macro_reads.py) notes ``name:<page>``. A caller
that reads the wiki in a way this module cannot see (moin's storage, a macro nobody reviewed) says so with
:func:`everything`. Without a recording (outside such a request) all of this costs a context-variable lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Recording:
    """The dependencies noted for one answer."""

    tags: set[str] = field(default_factory=set)
    #: read something not declared: the answer depends on every page
    everything: bool = False
    #: inside how many declared blocks the computation is now
    declared_depth: int = 0


_CURRENT: ContextVar[Recording | None] = ContextVar("ecossolies_dependencies", default=None)


def start() -> Recording:
    """Begin recording for the current request (replacing any earlier recording of this thread)."""
    recording = Recording()
    _CURRENT.set(recording)
    return recording


def stop() -> None:
    _CURRENT.set(None)


def current() -> Recording | None:
    return _CURRENT.get()


def everything() -> None:
    """What is being computed depends on the whole wiki."""
    recording = _CURRENT.get()
    if recording is not None:
        recording.everything = True


def note_index_read() -> None:
    """The structured index is being read: outside a declared block, that is a read of everything."""
    recording = _CURRENT.get()
    if recording is not None and not recording.declared_depth:
        recording.everything = True


@contextmanager
def declared(*tags: str) -> Iterator[None]:
    """Reads made inside depend only on ``tags`` (e.g. ``type:fiche``), which are recorded."""
    recording = _CURRENT.get()
    if recording is None:
        yield
        return
    recording.tags.update(tags)
    recording.declared_depth += 1
    try:
        yield
    finally:
        recording.declared_depth -= 1


def type_tag(type_name: str) -> str:
    return f"type:{type_name}"


def item_tag(itemid: str) -> str:
    return f"item:{itemid}"


def name_tag(name: str) -> str:
    """What depends on whether a page of this name exists (a link to it, drawn as missing or not)."""
    return f"name:{name}"


def note_names(*names: str) -> None:
    """What is being computed shows whether these pages exist: their creation renews it."""
    recording = _CURRENT.get()
    if recording is not None:
        recording.tags.update(name_tag(name) for name in names)


@contextmanager
def apart() -> Iterator[Recording | None]:
    """Record what is read inside into a recording of its own (None outside a recording), for a part kept and
    used again elsewhere (plugins/views/fragments.py), whose tags are then added where it is used."""
    outer = _CURRENT.get()
    if outer is None:
        yield None
        return
    recording = Recording(declared_depth=outer.declared_depth)  # inside a declared block, still inside it
    token = _CURRENT.set(recording)
    try:
        yield recording
    finally:
        _CURRENT.reset(token)


def replay(tags: frozenset[str], everything_read: bool) -> None:
    """Add what a kept part recorded (:func:`apart`) to the current recording, where it is used again."""
    recording = _CURRENT.get()
    if recording is not None:
        recording.tags.update(tags)
        recording.everything = recording.everything or everything_read
