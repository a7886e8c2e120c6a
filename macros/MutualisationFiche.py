"""MutualisationFiche — (utilisée par la carte d'une fiche) ses offres et ses besoins, « Qui peut vous aider »
et « À qui vous pouvez être utile » : les offres des autres fiches qui répondent à ses besoins, et les besoins
auxquels ses offres répondent. Arguments : ``offres`` et ``besoins`` (listes JSON), écrits par la carte ;
inutile de les écrire à la main.
"""

from __future__ import annotations

import json
from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import mutualisation
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "MutualisationFiche")
            values = {key: json.loads(args.get(key) or "[]") for key in ("offres", "besoins")}
            if not all(isinstance(v, list) for v in values.values()):
                raise ValueError
        except (ArgumentError, ValueError):
            return error_box("MutualisationFiche : arguments « offres » et « besoins » illisibles.", alternative)
        return mutualisation.fiche_box(current_page(page_url), values)
