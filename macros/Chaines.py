"""Chaines — toutes les chaînes d'acteurs, avec leur nombre de maillons, d'acteurs et de maillons manquants.

Sans argument. Exemple : ``<<Chaines>>``.
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import chains
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            if keyword_arguments(arguments, "Chaines"):
                raise ArgumentError("x")
        except ArgumentError:
            return error_box("Chaines : cette macro ne prend pas d'argument.", alternative)
        return chains.chains_table()
