"""RelationsFiche — (utilisée par la carte d'une fiche) toutes ses relations, dans les deux sens, une ligne par
sorte avec son nombre : chaînes, lieux qu'elle gère (champ ``gestionnaire`` des lieux), événements dans ces
lieux ou qui la nomment (``lieu``, ``intervenants``), positions qu'elle signe ou qui la nomment parmi leurs
destinataires, dispositifs et subventions reçues, rapprochements de la mutualisation. Seules les pages que le
lecteur peut lire comptent. Sans argument ; inutile de l'écrire à la main.
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins import relations_views
from plugins.macro_support import current_page


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        return relations_views.relations_box(current_page(page_url))
