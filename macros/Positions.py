"""Positions — les positions des groupes de travail, avec leur statut.

Arguments (facultatifs) : ``groupe``, ``statut`` (brouillon, en débat, adoptée, transmise, archivée), ``tri``
(``titre``, ``statut``, ``adoption``, ``modification``), ``ordre``, ``limite``. Un brouillon n'apparaît qu'aux
membres de son groupe (et aux administrateurs). Exemple : ``<<Positions(groupe="Culture", statut="adoptée")>>``
"""

from __future__ import annotations

from typing import Any

from flask import request
from moin.macros._base import MacroBlockBase

from plugins import card, listing, query, registry, selection_args
from plugins.macro_support import ArgumentError, error_box, keyword_arguments
from plugins.query import QueryError
from plugins.text import fold


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        page_type = registry.get("position")
        try:
            fixed = keyword_arguments(arguments, "Positions")
            if "tri" not in {fold(k) for k in fixed} and "tri" not in request.args:
                fixed = {"tri": "titre", **fixed}
            selection = selection_args.build(page_type, fixed, request.args)
        except (ArgumentError, QueryError) as exc:
            return error_box(f"Positions : {exc}", alternative)
        result = query.run(selection)
        rows = [page_type.list_row(page) for page in result.rows]
        body = card.bullet_list(rows, css="eco-liste") if rows else card.para(["Aucune position."], "eco-vide")
        fixed_facets = {k for k in selection.filters if k in {fold(a) for a in fixed}}
        return card.div(
            "eco-positions",
            [
                listing.count_line(result),
                listing.facets_box(result, request.path, fixed_facets),
                body,
                listing.pager(result, request.path),
                listing.export_links(result),
            ],
        )
