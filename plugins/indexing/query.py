"""The one query layer of every listing, map and export: filter, check read rights, count, sort, page.

Facet counts are computed after the ACL check, so a page a reader may not read never shows, not even
as a number. Read rights are asked of moin (its protecting middleware, with its own caches) once per
distinct ACL, not once per page.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from moin import flaskg
from moin.constants.keys import ACL, ITEMID, NAME, NAMESPACE

from plugins.data.caches import BoundedCache
from plugins.data.errors import UserError
from plugins.data.registry import PageType, get
from plugins.data.text import fold, folded_values
from plugins.indexing import dependencies
from plugins.indexing.privacy import for_reader
from plugins.indexing.structured import IndexedPage, get_index

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class QueryError(UserError):
    """A selection that cannot be run; the message (French) says what would be right."""


@dataclass
class Selection:
    """What a reader asks for: a page type, facet filters, a sort, a page."""

    page_type: PageType
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "nom"
    descending: bool = False
    limit: int = DEFAULT_PAGE_SIZE
    page: int = 1

    def validate(self) -> None:
        facets = self.page_type.facets
        for key in self.filters:
            if key not in facets:
                raise QueryError(f"filtre inconnu « {key} » ; filtres possibles : {', '.join(facets)}.")
        sorts = self.sort_names()
        if self.sort not in sorts:
            raise QueryError(f"tri inconnu « {self.sort} » ; tris possibles : {', '.join(sorts)}.")
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise QueryError(f"« limite » doit être un nombre entre 1 et {MAX_PAGE_SIZE}.")
        if self.page < 1:
            raise QueryError("« page » doit être un nombre à partir de 1.")

    def sort_names(self) -> list[str]:
        return [*self.page_type.sorts, "modification"]


@dataclass
class Result:
    selection: Selection
    rows: list[IndexedPage]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    #: what the matching pages and facets were kept under (every version they depend on, the reader, the
    #: selection but its page); None when computed over given pages
    key: tuple[Any, ...] | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.selection.limit))


#: moin's verdicts, kept across requests: (index, its rights version, reader's rights) -> ACL key -> may read.
#: A change to a group (or to a page whose rights others inherit) makes a new rights version, hence new verdicts;
#: a page's own ACL is part of the ACL key.
_VERDICTS: BoundedCache[tuple[Any, ...], dict[tuple[Any, ...], bool]] = BoundedCache(
    __name__, 256, "droits de lecture par lecteur"
)


def _verdicts_for_reader() -> dict[tuple[Any, ...], bool]:
    index = get_index()
    if index is None:
        return {}
    snapshot = index.snapshot()
    key = (index.directory, snapshot.rights(), reader_key())
    return _VERDICTS.setdefault(key, dict)


def readable(pages: Iterable[IndexedPage]) -> list[IndexedPage]:
    """The pages the current reader may read, by moin's ACLs (asked once per distinct ACL, and remembered
    for this reader's rights until the next change to the wiki), and, for a page that belongs to another
    (``PageType.read_with``: an argument, an amendment), only if the reader may read that page too."""
    reader = _Reader()
    return [for_reader(page) for page in pages if reader.may_read(page)]  # for_reader: plugins/indexing/privacy.py


class _Reader:
    """The read verdicts of one call of ``readable``."""

    def __init__(self) -> None:
        self.verdicts = _verdicts_for_reader()
        self.hierarchic: dict[str, bool] = {}
        self.subjects: dict[str, bool] = {}

    def may_read(self, page: IndexedPage, depth: int = 0) -> bool:
        if page.namespace not in self.hierarchic:
            self.hierarchic[page.namespace] = _hierarchic(page.namespace)
        key = (page.namespace, page.acl, page.names[:1] if self.hierarchic[page.namespace] else ())
        verdict = self.verdicts.get(key)
        if verdict is None:
            storage = flaskg.storage
            meta = {ITEMID: page.itemid, NAME: list(page.names), NAMESPACE: page.namespace}
            if page.acl is not None:
                meta[ACL] = page.acl
            verdict = bool(storage.may_read_rev(meta))
            storage.meta = None  # do not leave our partial meta in moin's ACL lookup shortcut
            self.verdicts[key] = verdict
        page_type = get(page.type)
        if verdict and page_type is not None and page_type.read_with:
            verdict = self.may_read_subject(str(page.data.get(page_type.read_with) or ""), depth)
        return verdict

    def may_read_subject(self, name: str, depth: int) -> bool:
        """Whether the reader may read the page ``name`` names (its full name, or a structured page's title):
        an unreadable subject and an unknown one read the same, and a chain of belongings is followed three
        steps at most (an argument on an amendment of a position)."""
        name = name.strip()
        if not name:
            return True
        if name not in self.subjects:
            self.subjects[name] = False  # a page that belongs to itself, through a loop, is not shown
            subject = structured_subject(name)
            if subject is not None:
                self.subjects[name] = depth < 3 and self.may_read(subject, depth + 1)
            else:
                self.subjects[name] = bool(flaskg.user.may.read(name))
        return self.subjects[name]


def structured_subject(name: str) -> IndexedPage | None:
    """The structured page a debate page names: by its full name, else by its title (as written by hand)."""
    index = get_index()
    if index is None:
        return None
    snapshot = index.snapshot()
    table = snapshot.memo.get("subjects")
    if table is None:
        table = {}
        for pages in snapshot.by_type.values():
            for page in pages:
                table.setdefault(fold(page.title), page)
        for pages in snapshot.by_type.values():
            for page in pages:
                table[fold(page.fullname)] = page  # a full name wins over another page's title
        snapshot.memo["subjects"] = table
    return table.get(fold(name))


def _hierarchic(namespace: str) -> bool:
    for ns, acls in flaskg.storage.acl_mapping:
        if ns == namespace:
            return bool(acls.get("hierarchic"))
    return False


def _folded(page: IndexedPage, facet: str) -> Mapping[str, str]:
    """A page's values for a facet, folded (accents, case) -> as written."""
    return folded_values(tuple(page.facets.get(facet, ())))


def _matches(page: IndexedPage, filters: dict[str, str]) -> bool:
    return all(fold(wanted) in _folded(page, key) for key, wanted in filters.items())


def _ordered(
    pages: list[IndexedPage], key: str | None, descending: bool, folded: list[Folded] | None = None
) -> list[IndexedPage]:
    """Sort on a field (pages without it last, by title) or, with ``key`` None, on the last change; ``folded``,
    the pages' folded texts in the same order, spares folding them again."""
    rows = list(zip(pages, folded if folded is not None else [Folded.of(p) for p in pages], strict=True))
    if key is None:
        return [p for p, f in sorted(rows, key=lambda pf: (pf[0].mtime, pf[1].title), reverse=descending)]
    present = [(p, f) for p, f in rows if p.data.get(key) not in (None, "", [])]
    missing = sorted(((p, f) for p, f in rows if p.data.get(key) in (None, "", [])), key=lambda pf: pf[1].title)

    def value(row: tuple[IndexedPage, Folded]) -> tuple[Any, ...]:
        page, f = row
        v = page.data[key]
        if isinstance(v, (int, float)):
            return (0, v, f.title)
        return (1, f.values[key] if key in f.values else fold(str(v)), f.title)

    return [p for p, _f in sorted(present, key=value, reverse=descending) + missing]


def reader_key() -> tuple[Any, ...]:
    """What moin's ACL evaluation knows of the reader: names, logged in or not, trusted or not."""
    user = flaskg.user
    return (tuple(user.name), bool(user.valid), bool(getattr(user, "trusted", False)))


#: recent results: (index, type and rights versions, reader, selection) -> (ordered matching pages, facets)
_RESULTS: BoundedCache[tuple[Any, ...], tuple[list[IndexedPage], dict[str, list[tuple[str, int]]]]] = BoundedCache(
    __name__, 64, "listes calculées (classeur, carte, exports)"
)


@dataclass(frozen=True)
class Folded:
    """A page's texts as listings compare them (accents and case folded), made once per revision."""

    facets: dict[str, Mapping[str, str]]  # facet -> folded value -> as written
    title: str
    values: dict[str, str]  # field its type sorts on -> its value as text, folded (fields that are not numbers)

    @classmethod
    def of(cls, page: IndexedPage) -> Folded:
        """Only the fields a listing sorts on are folded (every field took 9 MiB of each worker at 20,000 pages)."""
        page_type = get(page.type)
        sorted_on = page_type.sorts.values() if page_type else ()
        return cls(
            {facet: _folded(page, facet) for facet in page.facets},
            fold(page.title),
            {k: fold(str(v)) for k in sorted_on if not isinstance(v := page.data.get(k), (int, float, type(None)))},
        )


def _compute(
    selection: Selection, pages: list[IndexedPage], snapshot: Any = None
) -> tuple[list[IndexedPage], dict[str, Any]]:
    visible = readable(pages)
    matching = [p for p in visible if _matches(p, selection.filters)] if selection.filters else visible
    # folded once per revision, kept with the index snapshot; a page changed for this reader (a private venue
    # for a visitor: plugins/indexing/privacy.py) is folded as it is
    table = snapshot.derived("pliés", Folded.of) if snapshot is not None else {}
    by_itemid = snapshot.by_itemid if snapshot is not None else {}
    folded = [table[p.itemid] if by_itemid.get(p.itemid) is p else Folded.of(p) for p in matching]
    facets: dict[str, list[tuple[str, int]]] = {}
    for facet in selection.page_type.facets:
        held = [f.facets.get(facet, {}) for f in folded]
        counts = Counter(chain.from_iterable(held))  # counted by C loops: 10,000 fiches × 4 facets
        spelling: dict[str, str] = {}
        for values in reversed(held):  # the first page's writing is the last one put
            spelling.update(values)
        facets[facet] = sorted(((spelling[k], n) for k, n in counts.items()), key=lambda vn: (-vn[1], fold(vn[0])))
    sort_field = None if selection.sort == "modification" else selection.page_type.sorts[selection.sort]
    return _ordered(matching, sort_field, selection.descending, folded), facets


def _listing_version(snapshot: Any, page_type: PageType) -> Any:
    """What a cached listing depends on: its type's pages and the rights, or, for pages that belong to others
    (their visibility follows another page's ACL), the whole index."""
    return snapshot.version if page_type.read_with else snapshot.type_version(page_type.name)


def run(selection: Selection, pages: list[IndexedPage] | None = None, all_rows: bool = False) -> Result:
    """Run a selection over the index (or over ``pages``) for the current reader; page it unless ``all_rows``.

    Results over the index are kept a while, keyed by the version of the type's pages and of the rights (a
    save of a fiche leaves the cached listings of venues alone; a change to a group renews them all), by what
    moin's ACLs know of the reader and by the selection: output computed for one reader is never served to a
    reader with other rights.
    """
    selection.validate()
    key = None
    if pages is not None:
        ordered, facets = _compute(selection, pages)
    elif selection.page_type.read_with:  # visible as the pages they belong to are: depends on every page
        dependencies.everything()
        key, (ordered, facets) = _over_index(selection)
    else:
        with dependencies.declared(dependencies.type_tag(selection.page_type.name)):
            key, (ordered, facets) = _over_index(selection)
    total = len(ordered)
    if not all_rows:
        start = (selection.page - 1) * selection.limit
        ordered = ordered[start : start + selection.limit]
    return Result(selection=selection, rows=ordered, total=total, facets=facets, key=key)


def _over_index(selection: Selection) -> tuple[tuple[Any, ...], tuple[list[IndexedPage], dict[str, Any]]]:
    """A selection over the index's pages of its type, for the current reader (kept a while, see :func:`run`)."""
    index = get_index()
    snapshot = index.snapshot() if index else None
    pages = snapshot.by_type.get(selection.page_type.name, []) if snapshot else []
    key = (
        index.directory if index else None,
        _listing_version(snapshot, selection.page_type) if snapshot else None,
        reader_key(),
        selection.page_type.name,
        tuple(sorted(selection.filters.items())),
        selection.sort,
        selection.descending,
    )
    return key, _RESULTS.remember(key, lambda: _compute(selection, pages, snapshot))
