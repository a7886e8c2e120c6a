"""AideMacros — le mode d'emploi de chaque macro du wiki, tiré de sa documentation. Sans argument."""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import help


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        return help.macros_manual()
