"""How a position page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data import french
from plugins.data.frontmatter import Probleme
from plugins.data.groupes import space
from plugins.data.registry import Record
from plugins.data.types.position import STATUTS
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    details = [x for x in (data.get("statut", "brouillon"), data.get("groupe")) if x]
    if data.get("adoption"):
        details.append(f"adoptée le {french.date(data['adoption'])}")
    return [card.span("eco-details", [" — " + " · ".join(details)])]


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    statut = d.get("statut", "brouillon")
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(card.header("Position", d.get("titre") or "(position sans titre)", (statut, d.get("groupe"))))
    steps = [card.span("eco-etape-courante" if s == statut else "eco-etape", [s]) for s in STATUTS]
    children.append(card.bullet_list(steps, ordered=True, css="eco-etapes"))
    entries: list[tuple[str, list[Any]]] = []
    if d.get("groupe"):
        entries.append(("Groupe de travail", [card.page_link(space(d["groupe"]), d["groupe"])]))
    if d.get("adoption"):
        entries.append(("Adoptée le", [d["adoption"]]))
    if d.get("destinataires"):
        entries.append(("Destinataires", card.joined(d["destinataires"])))
    if d.get("dispositifs"):
        entries.append(("Dispositifs liés", card.joined([card.page_link(p) for p in d["dispositifs"]])))
    if d.get("signataires"):
        entries.append(("Signataires", card.joined(d["signataires"])))
    if entries:
        children.append(card.definition_list(entries))
    # the path, the debate, the letters: they change without this page changing, so computed when shown
    children += section("parcours de la position", d)
    children += section("interpellations sur la position", d)
    children += section("état de la position", d)
    children += section("groupe de travail", d)
    return card.div("eco-card eco-position", children)
