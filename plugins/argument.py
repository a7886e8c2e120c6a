"""The ``argument`` page type: one argument for, against or nuancing a page (a position, a scheme…).

An argument is a wiki page of its own (history, ACL, search and export come with it), written through the
short form of ``plugins/web_debat.py`` or by hand: ``sur`` names the page debated, ``sens`` is pour, contre or
nuance, ``sources`` are titles and addresses, ``reponse_a`` (one level) the argument it answers; the body is
the argument itself. Its author is the one moin records in the history, never a field anyone could write.
"""

from __future__ import annotations

from typing import Any

from plugins import card
from plugins.frontmatter import Probleme
from plugins.registry import PageType, Record, register
from plugins.schema import Invalide, ListOf, PageName, Text, Url
from plugins.text import fold

SENS = ("pour", "contre", "nuance")
SENS_LABELS = {"pour": "Pour", "contre": "Contre", "nuance": "Nuance"}


class Sens(Text):
    """pour, contre or nuance (any case, with or without accents)."""

    expected = "pour, contre ou nuance"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        for sens in SENS:
            if fold(text) == sens:
                return sens
        raise Invalide(f"sens inconnu « {text[:60]} » ; sens possibles : {', '.join(SENS)}.")


@register
class Argument(PageType):
    name = "argument"
    label = "Argument"
    plural = "arguments"
    title_field = "sur"
    fields = [
        PageName("sur", "Page débattue", required=True, help="La position, le dispositif… dont on débat."),
        Sens("sens", "Sens", required=True, help="pour, contre ou nuance."),
        ListOf("sources", "Sources", [Text("titre", "Titre"), Url("url", "Adresse")]),
        PageName("reponse_a", "En réponse à", help="Le nom de la page de l'argument auquel celui-ci répond."),
    ]
    facets = {"sur": "sur", "sens": "sens"}
    sorts = {"sur": "sur", "sens": "sens"}

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """« Argument contre : Pour les petits lieux » (the last part of the page debated)."""
        sur = str(data.get("sur", "")).rsplit("/", 1)[-1]
        return f"Argument {data.get('sens', '')} : {sur}".replace("  ", " ") if sur else ""

    def summary(self, data: dict[str, Any]) -> list[Any]:
        return [card.span("eco-details", [f" — {data.get('sens', '?')}"])]

    def card(self, record: Record, problems: list[Probleme]) -> Any:
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
