"""The listing view shared by listing macros: facets to narrow, rows, pager, export links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request

from plugins.data import registry
from plugins.data.text import fold
from plugins.indexing import query, selection_args
from plugins.indexing.query import QueryError, Result
from plugins.indexing.selection_args import query_string
from plugins.views import card, fragments
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments
from plugins.views.urls import route_url

EXPORT_FORMATS = (
    ("csv", "CSV", "text/csv"),
    ("json", "JSON", "application/json"),
    ("atom", "Atom", "application/atom+xml"),
)
#: formats of the registry (``plugins/web/exports.py``) that only some types have, linked from their listings
TYPE_EXPORT_FORMATS = {"fiche": (("mutualisation", "besoins et offres (Atom)", "application/atom+xml"),)}


def export_url(type_name: str, fmt: str, result: Result) -> str:
    qs = query_string(result.selection, page=None, limite=None)
    return route_url("ecossolies.export", qs, type_name=type_name, fmt=fmt)


def export_links(result: Result) -> Any:
    type_name = result.selection.page_type.name
    links = [
        card.url_link(export_url(type_name, fmt, result), label, css=f"eco-export eco-export-{fmt}", mimetype=mime)
        for fmt, label, mime in (*EXPORT_FORMATS, *TYPE_EXPORT_FORMATS.get(type_name, ()))
    ]
    return card.para(["Télécharger cette sélection : ", *card.joined(links, " · ")], "eco-exports")


def facets_box(result: Result, base_path: str, fixed: set[str]) -> Any:
    """One list per facet: each value with its count links to the narrowed selection."""
    sel = result.selection
    groups = []
    for facet, values in result.facets.items():
        if facet in fixed or not (facet in sel.filters or values):
            continue

        def values_list(facet: str = facet, values: list[tuple[str, int]] = values) -> Any:
            if facet in sel.filters:
                remove = f"{base_path}?{query_string(sel, page=None, **{facet: None})}"
                items = [
                    [
                        card.strong(sel.filters[facet]),
                        " ",
                        card.url_link(remove, "(retirer ce filtre)", css="eco-retirer"),
                    ]
                ]
            else:
                items = [
                    [
                        card.url_link(
                            f"{base_path}?{query_string(sel, page=None, **{facet: value})}", value, css="eco-facette"
                        ),
                        f" ({count})",
                    ]
                    for value, count in values[:30]
                ]
            return card.bullet_list(items)

        part = fragments.kept(fragments.listing_key(result, "facette", facet, base_path), values_list)
        groups.append(card.div("eco-facette-groupe", [card.heading(sel.page_type.facet_label(facet), 3), part]))
    return card.div("eco-facettes", groups)


def pager(result: Result, base_path: str) -> Any:
    sel = result.selection
    parts: list[Any] = [f"Page {sel.page} sur {result.pages}"]
    if sel.page > 1:
        parts += [
            " · ",
            card.url_link(
                f"{base_path}?{query_string(sel, page=sel.page - 1)}", "page précédente", css="eco-precedente"
            ),
        ]
    if sel.page < result.pages:
        parts += [
            " · ",
            card.url_link(f"{base_path}?{query_string(sel, page=sel.page + 1)}", "page suivante", css="eco-suivante"),
        ]
    return card.para(parts, "eco-pages")


def count_line(result: Result) -> Any:
    plural = result.selection.page_type.plural
    n = result.total
    label = result.selection.page_type.label.lower() if n <= 1 else plural  # « 0 fiche », « 1 fiche »
    filters = ", ".join(f"{k} : {v}" for k, v in result.selection.filters.items())
    return card.para([f"{n} {label}" + (f" ({filters})" if filters else "")], "eco-compte")


@dataclass
class Selected:
    """A macro's selection, run for the current reader."""

    result: Result
    fixed: set[str]  # facets fixed by the macro's arguments (not offered to narrow)


def select(
    type_name: str, macro_name: str, arguments: Any, alternative: str, defaults: dict[str, str] | None = None
) -> Selected | Any:
    """Parse a listing macro's arguments, narrow by the query string, run: a Selected, or moin's error box."""

    page_type = registry.get(type_name)
    try:
        fixed = {**(defaults or {}), **keyword_arguments(arguments, macro_name)}
        selection = selection_args.build(page_type, fixed, request.args)
    except (ArgumentError, QueryError) as exc:
        return error_box(f"{macro_name} : {exc}", alternative)
    return Selected(query.run(selection), {k for k in selection.filters if k in {fold(a) for a in fixed}})


def frame(selected: Selected, body: Any, css: str) -> Any:
    """A listing as readers see it: count, facets, the body, pages, export links."""

    result = selected.result
    return card.div(
        css,
        [
            count_line(result),
            facets_box(result, request.path, selected.fixed),
            body,
            pager(result, request.path),
            export_links(result),
        ],
    )
