"""LieuPrive — (utilisée par la carte d'un lieu privé) l'adresse exacte pour les membres, un lieu approché sinon.

Sans argument : elle lit le lieu de la page où elle se trouve. Un membre connecté voit l'adresse, la position
et le contact ; un visiteur lit que le lieu est privé et où il se trouve à peu près (centre de la commune, ou
à un kilomètre près).
"""

from __future__ import annotations

from typing import Any

from flask import request
from moin.macros._base import MacroBlockBase

from plugins.indexing import privacy
from plugins.indexing.query import readable
from plugins.indexing.structured import get_index
from plugins.views import card
from plugins.views.macro_support import current_page


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        name = current_page(page_url) or request.path[1:]
        index = get_index()
        pages = [p for p in (index.pages("lieu") if index else []) if name in (p.fullname, p.name)]
        venue = next(iter(readable(pages)), None)
        if venue is None:
            return card.span("eco-prive", [])
        d = venue.data
        if privacy.member():
            entries: list[tuple[str, list[Any]]] = []
            if d.get("adresse"):
                entries.append(("Adresse", [str(d["adresse"])]))
            if isinstance(d.get("position"), dict) and "lat" in d["position"]:
                entries.append(("Position", [f"{float(d['position']['lat']):.5f}, {float(d['position']['lon']):.5f}"]))
            links = card.contact_links(d.get("contact") or {})
            if links:
                entries.append(("Contact", card.joined(links, " · ")))
            note = card.para(["Lieu privé : ces informations sont réservées aux membres connectés."], "eco-prive")
            return card.div("eco-prive", [card.definition_list(entries), note] if entries else [note])
        where = f"centre de {d['commune']}" if privacy.communes_known(d) else "à un kilomètre près"
        return card.para(
            [f"Lieu privé : position approximative ({where}) ; l'adresse est communiquée aux membres connectés."],
            "eco-prive",
        )
