"""Help generated from the code: field tables from the schemas, macro manuals from their docstrings."""

from __future__ import annotations

from typing import Any

from flask import current_app
from moin.utils.plugins import importWikiPlugin, wikiPlugins
from moin.utils.tree import moin_page

from plugins.data.registry import PageType
from plugins.data.schema import Group, ListOf
from plugins.views import card


def _describe(field: Any) -> str:
    text = field.expected
    if isinstance(field, (Group, ListOf)):
        text += " : " + ", ".join(f"{f.key} ({f.label.lower()})" for f in field.fields.values())
    return text


def fields_table(page_type: PageType) -> Any:
    rows = [moin_page.table_row(children=[moin_page.table_cell(children=[c]) for c in ("Champ", "Libellé", "Attendu")])]
    for f in page_type.fields:
        key = f.key + (" (obligatoire)" if f.required else "")
        rows.append(
            moin_page.table_row(
                children=[
                    moin_page.table_cell(children=[moin_page.code(children=[key])]),
                    moin_page.table_cell(children=[f.label]),
                    moin_page.table_cell(children=[_describe(f)]),
                ]
            )
        )
    header = moin_page.table_header(children=[rows[0]])
    body = moin_page.table_body(children=rows[1:])
    return moin_page.table(attrib={moin_page.class_: "eco-champs-table"}, children=[header, body])


def macro_names() -> list[str]:
    """Our macros, as moin's plugin loader finds them in the wiki's plugin dirs."""
    return sorted(wikiPlugins("macros", current_app.cfg))


def macro_doc(name: str) -> str:
    """The docstring of a macro module (its user manual), loaded by moin's plugin loader as moin itself does."""
    return (importWikiPlugin(current_app.cfg, "macros", name, None).__doc__ or "").strip()


def macros_manual() -> Any:
    sections: list[Any] = []
    for name in macro_names():
        doc = macro_doc(name)
        title, _, rest = doc.partition("\n")
        sections.append(card.heading(f"<<{name}>>", 3))
        sections.append(card.para([title.strip()]))
        for paragraph in rest.strip().split("\n\n"):
            if paragraph.strip():
                sections.append(
                    moin_page.blockcode(children=[paragraph.strip()])
                    if paragraph.lstrip().startswith("-")
                    else card.para([" ".join(paragraph.split())])
                )
    return card.div("eco-aide-macros", sections)
