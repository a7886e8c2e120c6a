"""Mutualisation — les besoins ouverts du réseau, chacun avec les offres qui peuvent y répondre.

Pour chaque besoin (champ ``besoins`` des fiches) encore ouvert, les trois meilleures offres (champ ``offres``
des autres fiches) : même genre, mêmes mots (racines et accents comme la recherche, « local de répétition »
rencontre « prêt de locaux pour répétitions »), communes proches, fiches récentes. Un rapprochement entre
secteurs différents est signalé « autre secteur ». Un besoin ou une offre dont la date « jusqu'au » est passée
n'est plus rapproché. Seules les fiches que le lecteur peut lire comptent.

Arguments, tous facultatifs : ``genre`` (compétence, local, matériel, bénévolat, formation, transport,
financement, communication), ``commune`` (les besoins de cette commune, et ceux de « tout le département »),
``secteur`` (le secteur de la fiche qui a le besoin), ``limite`` (nombre de besoins montrés, 50 par défaut).

- <<Mutualisation>>
- <<Mutualisation(genre="local", commune="Nantes")>>
- <<Mutualisation(secteur="Culture", limite=20)>>
- <<Mutualisation(local, Nantes)>> (sans leur nom, les arguments vont dans l'ordre genre, commune, secteur, limite)
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import mutualisation
from plugins.views.macro_support import ArgumentError, error_box, ordered_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = mutualisation.parse_arguments(ordered_arguments(arguments, "Mutualisation", mutualisation.ARGUMENTS))
        except (ArgumentError, mutualisation.ListingError) as exc:
            return error_box(str(exc), alternative)
        return mutualisation.listing(args)
