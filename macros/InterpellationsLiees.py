"""InterpellationsLiees — (utilisée par les cartes des positions et des dispositifs) les interpellations qui
citent cette page, avec leur statut aujourd'hui. Arguments : ``cle`` (``positions`` ou ``dispositifs``),
``titre`` (le titre de la page). Seules les interpellations que le lecteur peut lire sont listées.
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import debat
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "InterpellationsLiees")
            key = args.get("cle", "positions")
            if key not in ("positions", "dispositifs"):
                raise ArgumentError("InterpellationsLiees : « cle » vaut positions ou dispositifs.")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        return debat.related(key, current_page(page_url), args.get("titre", ""))
