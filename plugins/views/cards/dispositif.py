"""How a dispositif page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from moin.utils.tree import moin_page

from plugins.data import french, numbers
from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.data.types.dispositif import figures
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    details = [x for x in (data.get("porteur"), data.get("echelle")) if x]
    rate = figures(data)["taux_budget"]
    if rate is not None:
        details.append(f"budget utilisé à {numbers.percent(rate)}")
    return [card.span("eco-details", [" — " + " · ".join(details)])] if details else []


def render(record: Record, problems: list[Probleme]) -> Any:
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
        entries.append(("Période", [french.period(period.get("debut"), period.get("fin"))]))
    if d.get("groupe"):
        entries.append(("Groupe de travail", [card.page_link(f"GroupesDeTravail/{d['groupe']}", d["groupe"])]))
    if entries:
        children.append(card.definition_list(entries))
    rows = [
        ("Budget prévu", numbers.euros(budget.get("prevu"))),
        ("Budget consommé", numbers.euros(budget.get("consomme"))),
        ("Taux d'utilisation du budget", numbers.percent(computed["taux_budget"])),
        ("Bénéficiaires visés", numbers.count(people.get("vises"))),
        ("Bénéficiaires réels", numbers.count(people.get("reels"))),
        ("Taux de bénéficiaires atteints", numbers.percent(computed["taux_beneficiaires"])),
        ("Montant par bénéficiaire réel", numbers.euros(computed["par_beneficiaire"])),
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
                        *([f" ({french.date(s['date'])})"] if s.get("date") else []),
                    ]
                    for s in d["sources"]
                ]
            )
        )
    # what public subsidy files say this scheme funded (reader's rights, latest files)
    children += section("subventions du dispositif", d)
    children.append(card.heading("Positions qui citent ce dispositif", 3))
    children += section("positions qui citent le dispositif", d)
    children += section("interpellations sur le dispositif", d)
    children += section("groupe de travail", d)
    return card.div("eco-card eco-dispositif", children)
