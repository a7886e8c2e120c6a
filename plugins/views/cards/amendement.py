"""How an amendement page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.data.text import fold
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    return [card.span("eco-details", [f" — {data.get('statut', 'ouvert')}"])]


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    statut = d.get("statut", "ouvert")
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(card.header("Amendement", d.get("resume") or "Proposition de modification", (statut,)))
    entries: list[tuple[str, list[Any]]] = []
    if d.get("sur"):
        entries.append(("Position", [card.page_link(d["sur"])]))
    if d.get("motif"):
        entries.append(("Motif du rejet", [d["motif"]]))
    if entries:
        children.append(card.definition_list(entries))
    # the diff against the position's current text, whether it is stale, the decision forms: when shown
    children += section("examen de l'amendement", d)
    children.append(card.heading("Texte proposé", 3))
    return card.div(f"eco-carte eco-amendement eco-amendement-{fold(statut)}", children)
