"""EtatPosition — (utilisée par la carte d'une position) qui peut la lire, sa discussion, sa dernière
modification ; pour un membre du groupe, le bouton qui rend un brouillon public. Argument : ``groupe``.
"""

from __future__ import annotations

import datetime
from typing import Any

from babel.dates import format_datetime
from moin import flaskg
from moin.constants.keys import CURRENT, MTIME
from moin.constants.rights import READ
from moin.macros._base import MacroBlockBase
from moin.utils.tree import html

from plugins.data import french
from plugins.operations import groupes
from plugins.views import card, csrf
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments
from plugins.views.urls import route_url


def _changed(name: str) -> str | None:
    item = flaskg.storage.get_item(name_exact=name)
    if not item or not item.allows(READ):
        return None
    mtime = item[CURRENT].meta.get(MTIME)
    if not mtime:
        return None
    when = datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC)
    return format_datetime(when, format="d MMMM y 'à' HH:mm", tzinfo=french.time_zone(), locale=french.locale())


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            group = keyword_arguments(arguments, "EtatPosition").get("groupe", "")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        name = current_page(page_url)
        item = flaskg.storage.get_item(name_exact=name) if name else None
        acl = (item.acl or "") if item else ""
        public = "All:read" in acl.split()
        parts: list[Any] = []
        if public:
            parts.append(card.para(["Position publique : tout le monde peut la lire."], "eco-visibilite"))
        else:
            parts.append(
                card.para(
                    [f"Brouillon : visible seulement par le groupe {group} et les administrateurs."],
                    "eco-visibilite eco-brouillon",
                )
            )
            if item and groupes.is_member(group):
                parts.append(
                    html.form(
                        attrib={html.method: "post", html.action: route_url("ecossolies.publish_position"), html.class_: "eco-publier"},
                        children=[
                            html.input(
                                attrib={html.type: "hidden", html.name: "csrf_token", html.value: csrf.csrf_token()}
                            ),
                            html.input(attrib={html.type: "hidden", html.name: "page", html.value: name}),
                            html.button(
                                attrib={html.type: "submit", html.class_: "moin-button"},
                                children=["Rendre cette position publique"],
                            ),
                        ],
                    )
                )
        changed = _changed(name) if name else None
        if changed:
            parts.append(card.para([f"Dernière modification le {changed}."], "eco-details"))
        discussion = f"{name}/Discussion"
        talk = _changed(discussion)
        parts.append(
            card.para(
                [
                    card.page_link(discussion, "Débattre de cette position"),
                    f" (dernier message le {talk})" if talk else " (pas encore de message)",
                ],
                "eco-discussion",
            )
        )
        return card.div("eco-etat-position", parts)
