"""Chaine — une chaîne d'acteurs, maillon par maillon : qui est à chaque maillon, et où la chaîne est rompue.

Argument : ``nom`` (le nom de la chaîne, ou le nom de sa page). Exemple : ``<<Chaine(nom="La chaîne du libre")>>``.

Chaque maillon est montré dans l'ordre, avec les fiches qui s'y rattachent (champ ``chaines`` d'une fiche :
``chaine`` et ``maillon``) et leur commune ; un maillon sans acteur est signalé « maillon manquant » ; une
fiche qui nomme un maillon que la chaîne n'a pas est listée comme « maillon inconnu ». La chaîne est aussi
dessinée (schéma SVG) et se télécharge en CSV ou en JSON. La page d'une chaîne montre déjà tout cela.
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data.types.chaine import build_view, find_chain
from plugins.views import chains
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Chaine")
            if set(args) - {"nom"} or not args.get("nom"):
                raise ArgumentError('Chaine : un seul argument, nom="nom de la chaîne".')
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        chain = find_chain(args["nom"])
        if chain is None:
            return error_box(
                f"Chaine : aucune chaîne lisible nommée « {args['nom']} » ; la liste des chaînes est "
                "sur la page Chaînes.",
                alternative,
            )
        return chains.chain_block(build_view(chain))
