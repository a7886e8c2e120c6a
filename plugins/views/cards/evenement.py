"""How a evenement page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data import french
from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.data.types.evenement import parse_moment
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    details = [x for x in (data.get("categorie"), data.get("lieu")) if x]
    if data.get("debut"):
        start, whole = parse_moment(data["debut"])
        details.insert(0, french.moment(start, whole))
    return [card.span("eco-details", [" — " + " · ".join(details)])] if details else []


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(
        card.header("Événement", d.get("titre") or "(événement sans titre)", (d.get("categorie"), d.get("commune")))
    )
    entries: list[tuple[str, list[Any]]] = []
    if d.get("debut"):
        start, whole = parse_moment(d["debut"])
        entries.append(("Début", [french.moment(start, whole)]))
    if d.get("fin"):
        end, whole = parse_moment(d["fin"])
        entries.append(("Fin", [french.moment(end, whole)]))
    if d.get("repetition"):
        entries.append(
            (
                "Répétition",
                [d["repetition"] + (f" jusqu'au {d['jusqu_au']}" if d.get("jusqu_au") else " (pendant un an)")],
            )
        )
    if d.get("lieu"):
        entries.append(("Lieu", [d["lieu"]]))
    for key, label in (("intervenants", "Intervenants"), ("themes", "Thèmes")):
        if d.get(key):
            entries.append((label, card.joined(d[key])))
    if d.get("inscription"):
        entries.append(("Inscription", [d["inscription"]]))
    if entries:
        children.append(card.definition_list(entries))
    # past or to come, and whether the venue is a page of the wiki, are known when the page is shown
    children += section("dates de l'événement", d)
    return card.div("eco-card eco-evenement", children)
