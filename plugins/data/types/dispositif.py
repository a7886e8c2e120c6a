"""The ``dispositif`` page type: the archive and critique of a public scheme (what was promised, what was used).

The card computes what follows from the figures: rate of use of the budget and of the intended public, and
the amount per actual beneficiary, written the French way and rounded half up (``plugins/data/numbers.py``). A
missing figure is shown as missing, never as zero.
"""

from __future__ import annotations

from typing import Any

from plugins.data import numbers
from plugins.data.frontmatter import Probleme
from plugins.data.registry import PageType, Record, register
from plugins.data.schema import Amount, Count, Day, Group, ListOf, Suggested, Text, Url

ECHELLES = ("commune", "métropole", "département", "région", "État", "Europe")


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The computed figures of a scheme (None where a figure is missing)."""
    budget = data.get("budget") or {}
    people = data.get("beneficiaires") or {}
    return {
        "taux_budget": numbers.rate(budget.get("consomme"), budget.get("prevu")),
        "taux_beneficiaires": numbers.rate(people.get("reels"), people.get("vises")),
        "par_beneficiaire": numbers.per(budget.get("consomme"), people.get("reels")),
    }


@register
class Dispositif(PageType):
    name = "dispositif"
    label = "Dispositif"
    plural = "dispositifs"
    title_field = "nom"
    fields = [
        Text("nom", "Nom", required=True),
        Text("porteur", "Porteur public"),
        Suggested("echelle", "Échelle", ECHELLES),
        Text("public", "Public visé"),
        Group("periode", "Période", [Day("debut", "Début"), Day("fin", "Fin")]),
        Group("budget", "Budget", [Amount("prevu", "Prévu"), Amount("consomme", "Consommé")]),
        Group("beneficiaires", "Bénéficiaires", [Count("vises", "Visés"), Count("reels", "Réels")]),
        ListOf("sources", "Sources", [Text("titre", "Titre"), Url("url", "Adresse"), Day("date", "Date")]),
        Text("constats", "Constats", long=True),
        Text("propositions", "Propositions", long=True),
        Text("groupe", "Groupe de travail"),
    ]
    facets = {"porteur": "porteur", "echelle": "echelle", "groupe": "groupe", "annee": "periode"}
    footer_sections = ("débat du dispositif",)
    sections = ("subventions du dispositif", "positions qui citent le dispositif", "interpellations sur le dispositif", "groupe de travail")
    sorts = {"nom": "nom", "porteur": "porteur", "echelle": "echelle"}
    facet_labels = {"annee": "Année"}
    extra_columns = ("taux_budget", "taux_beneficiaires", "montant_par_beneficiaire")

    @classmethod
    def validate(cls, data: dict[str, Any], lines: dict[str, int] | None = None) -> Record:
        """As every type, plus: the period ends after it starts; more used than planned is pointed out."""
        record = super().validate(data, lines)
        lines = lines or {}
        period = record.data.get("periode") or {}
        if period.get("debut") and period.get("fin") and period["fin"] < period["debut"]:
            record.problems.append(
                Probleme(
                    f"la fin ({period['fin']}) est avant le début ({period['debut']}).",
                    champ="periode",
                    ligne=lines.get("periode"),
                )
            )
        budget = record.data.get("budget") or {}
        if budget.get("prevu") and budget.get("consomme", 0) > budget["prevu"]:
            record.problems.append(
                Probleme(
                    "le budget consommé dépasse le budget prévu : vérifiez les chiffres "
                    "(le taux d'utilisation dépasse 100 %).",
                    champ="budget",
                    ligne=lines.get("budget"),
                )
            )
        people = record.data.get("beneficiaires") or {}
        if people.get("vises") and people.get("reels", 0) > people["vises"]:
            record.problems.append(
                Probleme(
                    "plus de bénéficiaires réels que visés : vérifiez les chiffres.",
                    champ="beneficiaires",
                    ligne=lines.get("beneficiaires"),
                )
            )
        return record

    def facet_values(self, record: Record) -> dict[str, list[str]]:
        values = super().facet_values(record)
        period = record.data.get("periode") or {}
        start, end = str(period.get("debut", ""))[:4], str(period.get("fin", ""))[:4]
        if start.isdigit():
            last = int(end) if end.isdigit() and int(end) >= int(start) else int(start)
            values["annee"] = [str(y) for y in range(int(start), min(last, int(start) + 50) + 1)]
        else:
            values["annee"] = []
        return values

    def row(self, record: Record) -> dict[str, Any]:
        row = super().row(record)
        computed = figures(record.data)
        row.update(
            taux_budget=str(computed["taux_budget"] or ""),
            taux_beneficiaires=str(computed["taux_beneficiaires"] or ""),
            montant_par_beneficiaire=str(computed["par_beneficiaire"] or ""),
        )
        return row
