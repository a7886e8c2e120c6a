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

from flask import request
from moin.macros._base import MacroBlockBase

from plugins import card, listing, query, registry, selection_args
from plugins.macro_support import ArgumentError, error_box, keyword_arguments
from plugins.query import QueryError
from plugins.text import fold

TYPE_NAME = "fiche"


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        page_type = registry.get(TYPE_NAME)
        try:
            fixed = keyword_arguments(arguments, "Classeur")
            selection = selection_args.build(page_type, fixed, request.args)
        except (ArgumentError, QueryError) as exc:
            return error_box(f"Classeur : {exc}", alternative)
        result = query.run(selection)
        base_path = request.path
        fixed_facets = {k for k in selection.filters if k in {fold(a) for a in fixed}}
        rows = [page_type.list_row(page) for page in result.rows]
        body = (
            card.bullet_list(rows, css="eco-liste")
            if rows
            else card.para(["Aucune fiche ne correspond à cette sélection."], "eco-vide")
        )
        return card.div(
            "eco-classeur",
            [
                listing.count_line(result),
                listing.facets_box(result, base_path, fixed_facets),
                card.div("eco-resultats", [body, listing.pager(result, base_path)]),
                listing.export_links(result),
            ],
        )
