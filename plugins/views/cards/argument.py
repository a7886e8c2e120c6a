"""How an argument page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.views import card


def summary(data: dict[str, Any]) -> list[Any]:
    return [card.span("eco-details", [f" — {data.get('sens', '?')}"])]


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    sens = d.get("sens", "")
    children: list[Any] = [card.problems_box(problems)] if problems else []
    title = f"Argument {sens}" if sens else "Argument"
    children.append(card.header("Argument", title, ()))
    entries: list[tuple[str, list[Any]]] = []
    if d.get("sur"):
        entries.append(("Sur", [card.page_link(d["sur"])]))
    if d.get("reponse_a"):
        entries.append(("En réponse à", [card.page_link(d["reponse_a"])]))
    if entries:
        children.append(card.definition_list(entries))
    if d.get("sources"):
        children.append(card.heading("Sources", 3))
        children.append(card.bullet_list([source_link(s) for s in d["sources"]]))
    return card.div(f"eco-carte eco-argument eco-sens-{sens or 'inconnu'}", children)


def source_link(source: dict[str, str]) -> Any:
    """A source as a link (address checked by the schema) or its title alone."""
    if source.get("url"):
        return card.web_link(source["url"], source.get("titre") or source["url"])
    return source.get("titre", "?")
