"""ChainesFiche — (utilisée par la carte d'une fiche) les chaînes d'une fiche, avec un message pour une
chaîne inconnue ou un maillon qui n'existe pas dans sa chaîne. Argument : ``chaines`` (liste JSON de
``chaine`` et ``maillon``), écrit par la carte ; inutile de l'écrire à la main.
"""

from __future__ import annotations

import json
from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data.frontmatter import Probleme
from plugins.data.text import fold
from plugins.data.types.chaine import find_chain, readable_chains
from plugins.views import card
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            memberships = json.loads(keyword_arguments(arguments, "ChainesFiche").get("chaines", "[]"))
            if not isinstance(memberships, list):
                raise ValueError
        except (ArgumentError, ValueError):
            return error_box("ChainesFiche : argument « chaines » illisible.", alternative)
        chains = readable_chains()
        items, problems = [], []
        for membership in memberships:
            if not isinstance(membership, dict):
                continue
            name, link = str(membership.get("chaine", "")), str(membership.get("maillon", ""))
            chain = find_chain(name, chains) if name else None
            item: list[Any] = [card.page_link(chain.fullname, chain.title) if chain else name or "?"]
            if link:
                item += [" : ", link]
            items.append(item)
            if chain is None:
                problems.append(f"la chaîne « {name} » n'existe pas (encore) : créez sa page, ou corrigez son nom.")
            elif link:
                known = [m["nom"] for m in chain.data.get("maillons", [])]
                if fold(link) not in {fold(k) for k in known}:
                    problems.append(
                        f"« {link} » n'est pas un maillon de « {chain.title} » "
                        f"(maillons : {', '.join(known) or 'aucun'})."
                    )
        out: list[Any] = [card.bullet_list(items, css="eco-chaines-fiche")]
        if problems:
            out.insert(0, card.problems_box([Probleme(p) for p in problems], title="Chaînes à vérifier"))
        return card.div("eco-chaines", out)
