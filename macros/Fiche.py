"""Fiche — la carte d'une fiche : celle de la page courante, ou d'une autre page avec ``page="Nom"``.

Une page de type fiche montre déjà sa carte en haut ; cette macro sert à la montrer ailleurs.
Exemple : ``<<Fiche(page="Initiatives/La Ressourcerie du Port")>>``.
"""

from __future__ import annotations

from typing import Any

from flask import request
from moin.macros._base import MacroBlockBase

from plugins.data import registry
from plugins.data.registry import Record
from plugins.indexing import query
from plugins.indexing.structured import get_index
from plugins.views import cards
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Fiche")
            unknown = set(args) - {"page"}
            if unknown:
                raise ArgumentError(f"Fiche : argument inconnu « {unknown.pop()} » ; argument possible : page.")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        name = args.get("page") or current_page(page_url) or request.path[1:]
        index = get_index()
        pages = [p for p in (index.pages("fiche") if index else []) if name in (p.fullname, p.name)]
        pages = query.readable(pages)
        if not pages:
            return error_box(f"Fiche : aucune fiche lisible nommée « {name} ».", alternative)
        page_type = registry.get("fiche")
        page = pages[0]
        return cards.render(Record(type=page_type, data=page.data), [])
