"""VerifierPage — (utilisée par les cartes) un message quand une page nommée par un champ n'existe pas.

Arguments : ``page`` (le nom de la page) et ``role`` (le champ qui la nomme, par exemple gestionnaire).
N'affiche rien quand la page existe.
"""

from __future__ import annotations

from typing import Any

from moin import flaskg
from moin.macros._base import MacroBlockBase

from plugins.data.frontmatter import Probleme
from plugins.views import card
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "VerifierPage")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        name = args.get("page", "")
        # moin's has_item does not check ACLs: a restricted page must look like a missing one (no leak)
        if not name or (flaskg.storage.has_item(name) and flaskg.user.may.read(name)):
            return card.span("eco-verifie", [])
        role = args.get("role", "page")
        return card.problems_box(
            [
                Probleme(
                    f"la page « {name} » n'existe pas (ou vous ne pouvez pas la lire) : créez-la, ou corrigez le nom.",
                    champ=role,
                )
            ],
            title="Lien à vérifier",
        )
