"""Classeur — le classeur des initiatives : les fiches, avec des facettes pour affiner.

Arguments (tous facultatifs, de la forme nom="valeur", séparés par des virgules) :

- ``secteur``, ``commune``, ``theme``, ``forme`` : ne garder que les fiches qui ont cette valeur
  (sans tenir compte des accents ni des majuscules : commune="reze" trouve Rezé) ;
- ``tri`` : ``nom`` (par défaut), ``creation``, ``commune`` ou ``modification`` ;
- ``ordre`` : ``croissant`` (par défaut) ou ``décroissant`` ;
- ``limite`` : nombre de fiches par page (50 par défaut, 500 au plus).

Le lecteur affine la liste en cliquant sur les facettes (secteur, commune, thème, forme) ; la liste est
découpée en pages, et la même sélection se télécharge en CSV ou en JSON. Seules les fiches que le lecteur
a le droit de lire sont listées et comptées.

Exemples :

- ``<<Classeur>>``
- ``<<Classeur(commune="Nantes", tri="creation", ordre="décroissant")>>``
- ``<<Classeur(secteur="Alimentation", limite="20")>>``
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data import registry
from plugins.views import card, cards, fragments, listing

EMPTY = "Aucune fiche ne correspond à cette sélection."


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        selected = listing.select("fiche", "Classeur", arguments, alternative)
        if not isinstance(selected, listing.Selected):
            return selected  # moin's error box
        page_type = registry.get("fiche")
        result = selected.result

        def rows() -> Any:
            listed = [cards.list_row(page_type, page) for page in result.rows]
            return card.bullet_list(listed, css="eco-liste") if listed else card.para([EMPTY], "eco-vide")

        part = fragments.kept(fragments.listing_key(result, "Classeur"), rows)
        return listing.frame(selected, card.div("eco-resultats", [part]), "eco-classeur")
