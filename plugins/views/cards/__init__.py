"""Cards (what a structured page shows above its text) and listing rows, one module a page type.

A page type (``plugins/data/types``) says which fields it has and which named sections its card holds
(``PageType.sections``); the modules here say how they look. A type with no module of its own (one added later)
gets the generic card: its fields, labelled by its schema, in schema order.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import PageType, Record, flatten
from plugins.views import card
from plugins.views.cards import (
    amendement,
    argument,
    chaine,
    dispositif,
    evenement,
    fiche,
    interpellation,
    lieu,
    position,
)
from plugins.views.cards.sections import section

#: page type name -> the module that renders its card and summary
RENDERERS: dict[str, ModuleType] = {
    "fiche": fiche,
    "chaine": chaine,
    "lieu": lieu,
    "dispositif": dispositif,
    "position": position,
    "evenement": evenement,
    "interpellation": interpellation,
    "argument": argument,
    "amendement": amendement,
}


def render(record: Record, problems: list[Probleme]) -> Any:
    """The card of a record (problems shown on top)."""
    module = RENDERERS.get(record.type.name)
    return module.render(record, problems) if module else generic(record, problems)


def footer(record: Record) -> Any:
    """What follows the free text of a page (its type's ``footer_sections``, e.g. a position's debate), or None."""
    nodes = [node for name in record.type.footer_sections for node in section(name, record.data)]
    return card.div("eco-pied-debat", nodes) if nodes else None


def summary(page_type: PageType, data: dict[str, Any]) -> list[Any]:
    """What a listing shows under the title of a page of this type."""
    module = RENDERERS.get(page_type.name)
    return module.summary(data) if module else []


def list_row(page_type: PageType, page: Any) -> list[Any]:
    """One entry of a listing: a link to the page, a flag if its data needs fixing, its summary."""
    nodes: list[Any] = [card.page_link(page.fullname, page.title or page.name)]
    if page.problems:
        nodes += [" ", card.span("eco-a-corriger", [f"données à corriger ({len(page.problems)})"])]
    return nodes + summary(page_type, page.data)


def generic(record: Record, problems: list[Probleme]) -> Any:
    """The card of a type without a module of its own: its fields with their French labels."""
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(card.header(record.type.label, record.title or f"({record.type.label.lower()} sans titre)"))
    entries = [
        (f.label, [flatten(record.data[f.key])])
        for f in record.type.fields
        if f.key != record.type.title_field and record.data.get(f.key) not in (None, "", [])
    ]
    if entries:
        children.append(card.definition_list(entries))
    return card.div(f"eco-card eco-{record.type.name}", children)
