"""How a chaine page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    links = [link["nom"] for link in data.get("maillons", [])]
    return [card.span("eco-details", [" — " + " → ".join(links)])] if links else []


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(card.header("Chaîne", d.get("nom") or "(chaîne sans nom)"))
    if d.get("description"):
        children.append(card.para([d["description"]], "eco-resume"))
    children += section("maillons de la chaîne", d)
    return card.div("eco-card eco-chaine", children)
