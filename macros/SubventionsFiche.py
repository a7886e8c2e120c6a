"""SubventionsFiche — (utilisée par la carte d'une fiche) les subventions publiques reçues par cette initiative.

Une subvention des fichiers importés (format SCDL) est reliée à la fiche qui porte le même SIRET (champ
``siret``), le même numéro RNA (champ ``rna``) ou le même nom. La liste donne la date, l'attribuant, l'objet, le
montant et le fichier source ; seuls les fichiers que le lecteur peut lire comptent. Sans argument ; inutile de
l'écrire à la main.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from moin.macros._base import MacroBlockBase

from plugins.subventions import analysis
from plugins.subventions.views import received_box
from plugins.views import card
from plugins.views.macro_support import current_page


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        name = current_page(page_url)
        found, _world = analysis.received(current_app, name)
        if not found:
            return card.div("eco-subventions-fiche", [])
        return received_box(name, found)
