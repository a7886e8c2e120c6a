"""Amendements — (utilisée par la carte d'une position) ses amendements ouverts, acceptés et rejetés, et le lien
pour en proposer un. Argument facultatif : ``titre`` (le titre de la position).
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import debat
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Amendements")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        return debat.amendments(current_page(page_url), args.get("titre", ""))
