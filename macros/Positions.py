"""Positions — les positions des groupes de travail, avec leur statut.

Arguments (facultatifs) : ``groupe``, ``statut`` (brouillon, en débat, adoptée, transmise, archivée), ``tri``
(``titre``, ``statut``, ``adoption``, ``modification``), ``ordre``, ``limite``. Un brouillon n'apparaît qu'aux
membres de son groupe (et aux administrateurs). Exemple : ``<<Positions(groupe="Culture", statut="adoptée")>>``
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data import registry
from plugins.views import card, cards, listing


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        selected = listing.select("position", "Positions", arguments, alternative)
        if not isinstance(selected, listing.Selected):
            return selected  # moin's error box
        page_type = registry.get("position")
        rows = [cards.list_row(page_type, page) for page in selected.result.rows]
        body = card.bullet_list(rows, css="eco-liste") if rows else card.para(["Aucune position."], "eco-vide")
        return listing.frame(selected, body, "eco-positions")
