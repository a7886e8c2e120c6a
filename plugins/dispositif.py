"""The ``dispositif`` page type: the archive and critique of a public scheme (what was promised, what was used).

The card computes what follows from the figures: rate of use of the budget and of the intended public, and
the amount per actual beneficiary, written the French way and rounded half up (``plugins/nombres.py``). A
missing figure is shown as missing, never as zero.
"""

from __future__ import annotations

from typing import Any

from moin.utils.tree import moin_page

from plugins import card, nombres
from plugins.frontmatter import Probleme
from plugins.registry import PageType, Record, register
from plugins.schema import Amount, Count, Day, Group, ListOf, Suggested, Text, Url

ECHELLES = ("commune", "métropole", "département", "région", "État", "Europe")


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The computed figures of a scheme (None where a figure is missing)."""
    budget = data.get("budget") or {}
    people = data.get("beneficiaires") or {}
    return {
        "taux_budget": nombres.rate(budget.get("consomme"), budget.get("prevu")),
        "taux_beneficiaires": nombres.rate(people.get("reels"), people.get("vises")),
        "par_beneficiaire": nombres.per(budget.get("consomme"), people.get("reels")),
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
        Text("constats", "Constats"),
        Text("propositions", "Propositions"),
        Text("groupe", "Groupe de travail"),
    ]
    facets = {"porteur": "porteur", "echelle": "echelle", "groupe": "groupe", "annee": "periode"}
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

    def summary(self, data: dict[str, Any]) -> list[Any]:
        details = [x for x in (data.get("porteur"), data.get("echelle")) if x]
        rate = figures(data)["taux_budget"]
        if rate is not None:
            details.append(f"budget utilisé à {nombres.percent(rate)}")
        return [card.span("eco-details", [" — " + " · ".join(details)])] if details else []

    def footer(self, record: Record) -> Any:
        """After the text: the debate on the scheme (computed when shown)."""
        return card.div("eco-pied-debat", [card.macro_call("Arguments", {"titre": record.data.get("nom", "")})])

    def card(self, record: Record, problems: list[Probleme]) -> Any:
        d = record.data
        budget, people, period = d.get("budget") or {}, d.get("beneficiaires") or {}, d.get("periode") or {}
        computed = figures(d)
        children: list[Any] = [card.problems_box(problems)] if problems else []
        children.append(
            card.header("Dispositif", d.get("nom") or "(dispositif sans nom)", (d.get("porteur"), d.get("echelle")))
        )
        entries: list[tuple[str, list[Any]]] = []
        if d.get("public"):
            entries.append(("Public visé", [d["public"]]))
        if period:
            entries.append(("Période", [f"du {period.get('debut', '?')} au {period.get('fin', '?')}"]))
        if d.get("groupe"):
            entries.append(("Groupe de travail", [card.page_link(f"GroupesDeTravail/{d['groupe']}", d["groupe"])]))
        if entries:
            children.append(card.definition_list(entries))
        rows = [
            ("Budget prévu", nombres.euros(budget.get("prevu"))),
            ("Budget consommé", nombres.euros(budget.get("consomme"))),
            ("Taux d'utilisation du budget", nombres.percent(computed["taux_budget"])),
            ("Bénéficiaires visés", nombres.count(people.get("vises"))),
            ("Bénéficiaires réels", nombres.count(people.get("reels"))),
            ("Taux de bénéficiaires atteints", nombres.percent(computed["taux_beneficiaires"])),
            ("Montant par bénéficiaire réel", nombres.euros(computed["par_beneficiaire"])),
        ]
        table_rows = [
            moin_page.table_row(
                children=[moin_page.table_cell(children=[label]), moin_page.table_cell(children=[value])]
            )
            for label, value in rows
        ]
        children.append(card.heading("Les chiffres", 3))
        children.append(
            moin_page.table(
                attrib={moin_page.class_: "eco-chiffres"}, children=[moin_page.table_body(children=table_rows)]
            )
        )
        children.append(
            card.para(
                [
                    "Taux arrondis au dixième de point, montants au centime (au plus proche). "
                    "« non renseigné » : le chiffre manque ; il n'est jamais compté comme zéro."
                ],
                "eco-aide",
            )
        )
        for key, label in (("constats", "Constats"), ("propositions", "Propositions")):
            if d.get(key):
                children += [card.heading(label, 3), card.para([d[key]])]
        if d.get("sources"):
            children.append(card.heading("Sources", 3))
            children.append(
                card.bullet_list(
                    [
                        [
                            card.web_link(s["url"], s.get("titre") or s["url"])
                            if s.get("url")
                            else s.get("titre", "?"),
                            *([f" ({s['date']})"] if s.get("date") else []),
                        ]
                        for s in d["sources"]
                    ]
                )
            )
        # what public subsidy files say this scheme funded (reader's rights, latest files)
        children.append(card.macro_call("SubventionsDispositif", {}))
        children.append(card.heading("Positions qui citent ce dispositif", 3))
        children.append(card.macro_call("PositionsCitant", {"nom": d.get("nom", "")}))
        children.append(card.heading("Interpellations", 3))
        children.append(card.macro_call("InterpellationsLiees", {"cle": "dispositifs", "titre": d.get("nom", "")}))
        if d.get("groupe"):
            children.append(
                card.macro_call("VerifierPage", {"page": f"GroupesDeTravail/{d['groupe']}", "role": "groupe"})
            )
        return card.div("eco-carte eco-dispositif", children)
