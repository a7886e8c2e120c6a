"""Derniers — les pages d'un type modifiées le plus récemment (pour une page d'accueil vivante).

Arguments : ``type`` (``fiche`` par défaut, ou ``lieu``, ``chaine``) et ``limite`` (5 par défaut, 50 au plus).
Exemple : ``<<Derniers(type="fiche", limite="5")>>``. Seules les pages que le lecteur peut lire sont listées.
"""

from __future__ import annotations

import datetime
from typing import Any

from babel.dates import format_date
from moin.macros._base import MacroBlockBase

from plugins.data import french, registry
from plugins.indexing import query
from plugins.indexing.query import Selection
from plugins.views import card
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Derniers")
            if set(args) - {"type", "limite"}:
                raise ArgumentError("Derniers : arguments possibles : type, limite.")
            page_type = registry.get(args.get("type", "fiche"))
            if page_type is None:
                raise ArgumentError(f"Derniers : type inconnu ; types possibles : {', '.join(registry.types())}.")
            limit = int(args.get("limite", "5")) if args.get("limite", "5").isdigit() else -1
            if not 1 <= limit <= 50:
                raise ArgumentError("Derniers : « limite » est un nombre entre 1 et 50.")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        result = query.run(Selection(page_type=page_type, sort="modification", descending=True, limit=limit))
        if not result.rows:
            return card.para([f"Aucune page de type {page_type.label.lower()} pour l'instant."], "eco-vide")
        items = []
        for page in result.rows:
            when = datetime.datetime.fromtimestamp(page.mtime, tz=datetime.UTC).date()
            items.append(
                [
                    card.page_link(page.fullname, page.title),
                    card.span("eco-details", [f" — modifiée le {format_date(when, format='full', locale=french.locale())}"]),
                ]
            )
        return card.bullet_list(items, css="eco-liste eco-derniers")
