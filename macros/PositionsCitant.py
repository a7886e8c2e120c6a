"""PositionsCitant — (utilisée par la carte d'un dispositif) les positions qui citent ce dispositif.
Argument : ``nom`` (le nom du dispositif). Seules les positions que le lecteur peut lire sont listées.
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data.text import fold
from plugins.data.types.position import cites
from plugins.indexing.query import readable
from plugins.indexing.structured import get_index
from plugins.views import card
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            title = keyword_arguments(arguments, "PositionsCitant").get("nom", "")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        name = current_page(page_url)
        names = {fold(n) for n in (name, name.rsplit("/", 1)[-1], title) if n}
        index = get_index()
        positions = [p for p in readable(index.pages("position") if index else []) if cites(p.data, names)]
        if not positions:
            return card.para(["Aucune position du réseau ne cite encore ce dispositif."], "eco-vide")
        return card.bullet_list(
            [
                [card.page_link(p.fullname, p.title), f" ({p.data.get('statut', 'brouillon')})"]
                for p in sorted(positions, key=lambda p: fold(p.title))
            ]
        )
