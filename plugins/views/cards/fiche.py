"""How a fiche page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.data.types.fiche import LICENCE_PAR_DEFAUT
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    details = [x for x in (data.get("forme"), data.get("commune")) if x]
    if data.get("secteurs"):
        details.append(", ".join(data["secteurs"]))
    nodes: list[Any] = [card.span("eco-details", [" — " + " · ".join(details)])] if details else []
    if data.get("resume"):
        nodes.append(card.para([data["resume"]], "eco-resume"))
    return nodes


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(card.header("Fiche", d.get("nom") or "(fiche sans nom)", (d.get("forme"), d.get("commune"))))
    if d.get("resume"):
        children.append(card.para([d["resume"]], "eco-resume"))
    entries: list[tuple[str, list[Any]]] = []
    for key, label in (
        ("porteurs", "Porteurs"),
        ("forme", "Forme juridique"),
        ("secteurs", "Secteurs"),
        ("themes", "Thèmes"),
        ("commune", "Commune"),
        ("adresse", "Adresse"),
        ("siret", "SIRET"),
        ("rna", "Numéro RNA"),
    ):
        value = d.get(key)
        if value:
            entries.append((label, card.joined(value) if isinstance(value, list) else [value]))
    links = card.contact_links(d.get("contact") or {})
    if links:
        entries.append(("Contact", card.joined(links, " · ")))
    if d.get("creation"):
        entries.append(("Création", [str(d["creation"])]))
    if d.get("position"):
        entries.append(("Position", [f"{d['position']['lat']:.5f}, {d['position']['lon']:.5f}"]))
    if entries:
        children.append(card.definition_list(entries))
    if d.get("parcours"):
        steps = sorted(d["parcours"], key=lambda s: s.get("annee", 0))
        children.append(card.heading("Parcours", 3))
        children.append(
            card.bullet_list(
                [[card.span("eco-annee", [str(s.get("annee", "?"))]), " ", s.get("etape", "")] for s in steps],
                ordered=True,
                css="eco-parcours",
            )
        )
    # offers and needs (expired or not), who meets them, and the fiche's ties both ways (its chains among them)
    children += section("mutualisation de la fiche", d)
    children += section("relations de la fiche", d)
    # subsidies received, from public files (reader's rights, latest files): known when the page is shown
    children += section("subventions reçues", d)
    children.append(card.para(["Licence du contenu : ", d.get("licence") or LICENCE_PAR_DEFAUT], "eco-licence"))
    return card.div("eco-card eco-fiche", children)
