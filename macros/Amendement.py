"""Amendement — (utilisée par la carte d'un amendement) les différences avec le texte actuel de la position,
l'avertissement si ce texte a changé depuis la proposition, et pour les membres du groupe : accepter ou
rejeter. Sans argument.
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import debat
from plugins.views.macro_support import current_page


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        return debat.amendment(current_page(page_url))
