"""ChainesFiche — (utilisée par la carte d'une fiche) les chaînes d'une fiche, avec un message pour une
chaîne inconnue ou un maillon qui n'existe pas dans sa chaîne. Argument : ``chaines`` (liste JSON de
``chaine`` et ``maillon``), écrit par la carte ; inutile de l'écrire à la main.
"""

from __future__ import annotations

import json
from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data.frontmatter import Probleme
from plugins.views import card
from plugins.views.chains import memberships as chain_memberships
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            memberships = json.loads(keyword_arguments(arguments, "ChainesFiche").get("chaines", "[]"))
            if not isinstance(memberships, list):
                raise ValueError
        except (ArgumentError, ValueError):
            return error_box("ChainesFiche : argument « chaines » illisible.", alternative)
        items, problems, _count = chain_memberships(memberships)
        out: list[Any] = [card.bullet_list(items, css="eco-chaines-fiche")]
        if problems:
            out.insert(0, card.problems_box([Probleme(p) for p in problems], title="Chaînes à vérifier"))
        return card.div("eco-chaines", out)
