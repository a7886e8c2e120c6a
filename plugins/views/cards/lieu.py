"""How a lieu page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.indexing.privacy import is_private
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    details = [x for x in (data.get("categorie"), data.get("commune")) if x]
    if data.get("jauge"):
        details.append(f"{data['jauge']} personnes")
    return [card.span("eco-details", [" — " + " · ".join(details)])] if details else []


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(card.header("Lieu", d.get("nom") or "(lieu sans nom)", (d.get("categorie"), d.get("commune"))))
    entries: list[tuple[str, list[Any]]] = []
    private = is_private(d)
    for key, label in (("categorie", "Catégorie"), ("commune", "Commune"), ("adresse", "Adresse")):
        if d.get(key) and not (private and key == "adresse"):
            entries.append((label, [d[key]]))
    if private:
        pass  # address, position and contact: drawn for each reader by the « lieu privé » section
    elif d.get("position"):
        entries.append(("Position", [f"{d['position']['lat']:.5f}, {d['position']['lon']:.5f}"]))
    elif d.get("commune"):
        entries.append(("Position", ["approximative (centre de la commune)"]))
    if d.get("jauge") is not None:
        entries.append(("Jauge", [f"{d['jauge']} personnes"]))
    for key, label in (("accessibilite", "Accessibilité"), ("conditions", "Conditions d'accueil")):
        if d.get(key):
            entries.append((label, [d[key]]))
    if d.get("pratiques"):
        entries.append(("Pratiques accueillies", card.joined(d["pratiques"])))
    if d.get("gestionnaire"):
        entries.append(("Gestionnaire", [card.page_link(d["gestionnaire"])]))
    links = card.contact_links(d.get("contact") or {}) if not private else []
    if links:
        entries.append(("Contact", card.joined(links, " · ")))
    if entries:
        children.append(card.definition_list(entries))
    children += section("lieu privé", d)
    children += section("gestionnaire du lieu", d)
    return card.div("eco-card eco-lieu", children)
