"""Reseau — le réseau des acteurs vu d'ensemble : les fiches et leurs liens, dessinés (SVG) et en tableau.

Deux fiches sont liées quand elles sont dans la même chaîne, quand elles se retrouvent dans un même lieu (l'une
le gère, ou intervient à un événement qui s'y tient) ou quand l'offre de l'une répond au besoin de l'autre
(mutualisation). Le dessin est calculé par networkx (toujours le même pour le même réseau) ; le tableau qui le
suit donne les mêmes liens, et les liens de téléchargement les donnent en GraphML (pour Gephi) et en JSON.
Seules les fiches que le lecteur peut lire y figurent.

Arguments, facultatifs : ``secteur`` (les fiches de ce secteur), ``commune`` (les fiches de cette commune).

- <<Reseau>>
- <<Reseau(secteur="Culture")>>
- <<Reseau(Culture, Nantes)>> (sans leur nom, les arguments vont dans l'ordre secteur, commune)
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import reseau
from plugins.views.macro_support import ArgumentError, error_box, ordered_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = reseau.parse_arguments(ordered_arguments(arguments, "Reseau", reseau.ARGUMENTS))
        except (ArgumentError, reseau.NetworkError) as exc:
            return error_box(str(exc), alternative)
        return reseau.network_block(args)
