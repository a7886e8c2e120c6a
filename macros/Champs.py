"""Champs — le tableau des champs d'un type de page (nom, libellé, ce qui est attendu).

Argument : ``type`` (par exemple ``fiche``). Exemple : ``<<Champs(type="fiche")>>``.
Le tableau est tiré du schéma du type : il est toujours à jour.
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data import registry
from plugins.views import help
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Champs")
            if set(args) - {"type"}:
                raise ArgumentError("Champs : seul l'argument « type » est possible.")
            page_type = registry.get(args.get("type", ""))
            if page_type is None:
                raise ArgumentError(f"Champs : type inconnu ; types possibles : {', '.join(registry.types())}.")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        return help.fields_table(page_type)
