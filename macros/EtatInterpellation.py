"""EtatInterpellation — (utilisée par la carte d'une interpellation) son statut aujourd'hui : en préparation,
envoyée, relancée, répondue, ou sans réponse après N jours. Arguments : ``envoi``, ``relances`` (nombre),
``reponse`` (date de la réponse).
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import debat
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "EtatInterpellation")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        return debat.status_line(args.get("envoi", ""), args.get("relances", "0"), args.get("reponse", ""))
