"""RelationsFiche — (utilisée par la carte d'une fiche) toutes ses relations, dans les deux sens, une ligne par
sorte avec son nombre : chaînes, lieux qu'elle gère (champ ``gestionnaire`` des lieux), événements dans ces
lieux ou qui la nomment (``lieu``, ``intervenants``), positions qu'elle signe ou qui la nomment parmi leurs
destinataires, dispositifs et subventions reçues, rapprochements de la mutualisation. Seules les pages que le
lecteur peut lire comptent. Argument : ``chaines`` (liste JSON de ``chaine`` et ``maillon``), écrit par la
carte ; inutile de l'écrire à la main.
"""

from __future__ import annotations

import json
from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import relations as relations_views
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            chains = json.loads(keyword_arguments(arguments, "RelationsFiche").get("chaines", "[]"))
            if not isinstance(chains, list):
                raise ValueError
        except (ArgumentError, ValueError):
            return error_box("RelationsFiche : argument « chaines » illisible.", alternative)
        return relations_views.relations_box(current_page(page_url), chains)
