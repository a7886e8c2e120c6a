"""SubventionsDispositif — (utilisée par la carte d'un dispositif) ce que ce dispositif a financé d'après les
fichiers publics de subventions : une subvention dont le champ ``dispositifAide`` nomme ce dispositif (son nom
ou le nom de sa page) lui est reliée. Montant total, nombre de subventions, bénéficiaires. Sans argument ;
inutile de l'écrire à la main.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from moin.macros._base import MacroBlockBase

from plugins.subventions import analysis
from plugins.subventions.views import funded_box
from plugins.views import card
from plugins.views.macro_support import current_page


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        name = current_page(page_url)
        w = analysis.world(current_app)
        indices = w.by_scheme.get(name, [])
        if not indices:
            return card.div("eco-subventions-dispositif", [])
        return funded_box(w, indices)
