"""The ``argument`` page type: one argument for, against or nuancing a page (a position, a scheme…).

An argument is a wiki page of its own (history, ACL, search and export come with it), written through the
short form of ``plugins/web/debat.py`` or by hand: ``sur`` names the page debated, ``sens`` is pour, contre or
nuance, ``sources`` are titles and addresses, ``reponse_a`` (one level) the argument it answers; the body is
the argument itself. Its author is the one moin records in the history, never a field anyone could write.
"""

from __future__ import annotations

from typing import Any

from plugins.data.registry import PageType, register
from plugins.data.schema import Invalide, ListOf, PageName, Text, Url
from plugins.data.text import fold

SENS = ("pour", "contre", "nuance")
SENS_LABELS = {"pour": "Pour", "contre": "Contre", "nuance": "Nuance"}


def parse_source(line: str) -> dict[str, str]:
    """« Rapport 2024 https://exemple.org/r » → titre and url (the last web address of the line; either may be
    missing). The form's lines and the sources written by hand as plain lines read the same way."""
    words = line.split()
    url = next((w for w in reversed(words) if w.startswith(("http://", "https://"))), "")
    title = " ".join(w for w in words if w != url).strip(" -—:|")
    return {k: v for k, v in (("titre", title), ("url", url)) if v}


class Sources(ListOf):
    """A list of sources: ``- titre: …`` / ``url: …`` entries, or plain lines « titre adresse » as one writes them
    by hand (a single line is a list of one)."""

    def clean(self, value: Any) -> list[dict[str, Any]]:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            value = [parse_source(v) or v if isinstance(v, str) else v for v in value]
        return super().clean(value)


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
    read_with = "sur"
    fields = [
        PageName("sur", "Page débattue", required=True, help="La position, le dispositif… dont on débat."),
        Sens("sens", "Sens", required=True, help="pour, contre ou nuance."),
        Sources("sources", "Sources", [Text("titre", "Titre"), Url("url", "Adresse")]),
        PageName("reponse_a", "En réponse à", help="Le nom de la page de l'argument auquel celui-ci répond."),
    ]
    facets = {"sur": "sur", "sens": "sens"}
    sorts = {"sur": "sur", "sens": "sens"}

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """« Argument contre : Pour les petits lieux » (the last part of the page debated); on an amendment,
        « Argument pour : Pour les petits lieux (amendement 1) »."""
        parts = str(data.get("sur", "")).split("/")
        sur = parts[-1]
        if sur.isdigit() and len(parts) >= 3:
            sur = f"{parts[-3]} ({parts[-2].lower().rstrip('s')} {sur})"
        return f"Argument {data.get('sens', '')} : {sur}".replace("  ", " ") if sur else ""
