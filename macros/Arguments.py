"""Arguments — le débat d'une page : les arguments pour, contre et les nuances, en colonnes, avec leur nombre,
leurs soutiens et leurs réponses ; les membres en ajoutent et en soutiennent (un soutien par compte).

Argument (facultatif) : ``page`` (la page débattue ; par défaut, la page où se trouve l'appel). Les positions et
les dispositifs l'affichent d'eux-mêmes ; toute autre page l'obtient en écrivant ``<<Arguments>>``. Seuls les
arguments que le lecteur peut lire sont montrés et comptés (le débat d'un brouillon reste au groupe).
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.views import debat
from plugins.views.macro_support import ArgumentError, current_page, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Arguments")
            unknown = set(args) - {"page", "titre"}
            if unknown:
                raise ArgumentError(f"Arguments : argument inconnu « {unknown.pop()} » (possibles : page).")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        return debat.arguments(args.get("page") or current_page(page_url), args.get("titre", ""))
