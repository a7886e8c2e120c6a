"""From macro arguments and query strings to a :class:`Selection`, with French errors.

Shared by every listing macro and by the export views, so that a listing and its CSV/JSON links always
mean the same selection.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from plugins.data.registry import PageType
from plugins.data.text import fold
from plugins.indexing.query import DEFAULT_PAGE_SIZE, QueryError, Selection

ORDERS = {"croissant": False, "decroissant": True}


def _int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        raise QueryError(f"« {name} » doit être un nombre entier, pas « {value} ».") from None


def default_sort(page_type: PageType) -> str:
    """A type's first sort (« nom » for fiches, « debut » for events…)."""
    return next(iter(page_type.sorts), "modification")


def build(page_type: PageType, fixed: Mapping[str, str], asked: Mapping[str, str] | None = None) -> Selection:
    """A selection from fixed arguments (the macro's) narrowed by asked ones (the reader's query string).

    Argument names are matched without accents or case ("thème" is "theme"). Raises QueryError.
    """
    selection = Selection(page_type=page_type, sort=default_sort(page_type))
    valid = [*page_type.facets, "tri", "ordre", "limite"]
    for source, allow_page in ((fixed, False), (asked or {}, True)):
        for raw_key, value in source.items():
            key = fold(raw_key)
            if key in page_type.facets:
                if value.strip():
                    selection.filters[key] = value.strip()
            elif key == "tri":
                selection.sort = fold(value)
            elif key == "ordre":
                if fold(value) not in ORDERS:
                    raise QueryError(f"« ordre » vaut « croissant » ou « décroissant », pas « {value} ».")
                selection.descending = ORDERS[fold(value)]
            elif key == "limite":
                selection.limit = _int("limite", value)
            elif key == "page" and allow_page:
                selection.page = _int("page", value)
            elif source is fixed:
                raise QueryError(f"argument inconnu « {raw_key} » ; arguments possibles : {', '.join(valid)}.")
    selection.validate()
    return selection


def query_string(selection: Selection, **changes: str | int | None) -> str:
    """The query string that asks for this selection (with some parameters changed or removed)."""
    params: dict[str, str | int] = dict(selection.filters)
    if selection.sort != default_sort(selection.page_type):
        params["tri"] = selection.sort
    if selection.descending:
        params["ordre"] = "décroissant"
    if selection.limit != DEFAULT_PAGE_SIZE:
        params["limite"] = selection.limit
    if selection.page != 1:
        params["page"] = selection.page
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(params)
