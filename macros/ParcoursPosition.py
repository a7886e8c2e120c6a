"""ParcoursPosition — (utilisée par la carte d'une position) son parcours : brouillon → en débat → adoptée →
transmise → réponse, chaque étape datée et reliée (historique, premier argument, interpellation, réponse).
Arguments : ``statut``, ``adoption``, ``titre`` (ceux de la position).
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import debat
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "ParcoursPosition")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        return debat.path(
            current_page(page_url), args.get("titre", ""), args.get("statut", "brouillon"), args.get("adoption", "")
        )
