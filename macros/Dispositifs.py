"""Dispositifs — les dispositifs publics comparés dans un tableau (cliquez sur un en-tête pour trier).

Arguments (facultatifs, nom="valeur") : ``porteur``, ``echelle``, ``groupe``, ``annee`` (les dispositifs
en cours cette année-là), ``tri`` (``nom``, ``porteur``, ``echelle``, ``modification``), ``ordre``, ``limite``.
Le tableau donne, pour chacun, le budget prévu et consommé, le taux d'utilisation, les bénéficiaires visés et
réels, leur taux, le montant par bénéficiaire réel ; la sélection se télécharge en CSV ou JSON.

Exemple : ``<<Dispositifs(echelle="département")>>``
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase
from moin.utils.tree import moin_page

from plugins.data import numbers
from plugins.data.types.dispositif import figures
from plugins.views import card, listing

COLUMNS = (
    "Dispositif",
    "Porteur",
    "Échelle",
    "Budget prévu",
    "Consommé",
    "Utilisation",
    "Bénéficiaires visés",
    "Réels",
    "Atteints",
    "Par bénéficiaire",
)


def cell(value: Any) -> Any:
    return moin_page.table_cell(children=[value])


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        selected = listing.select("dispositif", "Dispositifs", arguments, alternative)
        if not isinstance(selected, listing.Selected):
            return selected  # moin's error box
        rows = []
        for page in selected.result.rows:
            d = page.data
            budget, people, computed = d.get("budget") or {}, d.get("beneficiaires") or {}, figures(d)
            rows.append(
                moin_page.table_row(
                    children=[
                        cell(card.page_link(page.fullname, page.title)),
                        cell(d.get("porteur", "")),
                        cell(d.get("echelle", "")),
                        cell(numbers.euros(budget.get("prevu"))),
                        cell(numbers.euros(budget.get("consomme"))),
                        cell(numbers.percent(computed["taux_budget"])),
                        cell(numbers.count(people.get("vises"))),
                        cell(numbers.count(people.get("reels"))),
                        cell(numbers.percent(computed["taux_beneficiaires"])),
                        cell(numbers.euros(computed["par_beneficiaire"])),
                    ]
                )
            )
        table = (
            moin_page.table(
                attrib={moin_page.class_: "moin-sortable eco-dispositifs"},
                children=[
                    moin_page.table_header(children=[moin_page.table_row(children=[cell(c) for c in COLUMNS])]),
                    moin_page.table_body(children=rows),
                ],
            )
            if rows
            else card.para(["Aucun dispositif ne correspond à cette sélection."], "eco-vide")
        )
        return listing.frame(selected, table, "eco-liste-dispositifs")
