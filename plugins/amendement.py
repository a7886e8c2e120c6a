"""The ``amendement`` page type: a proposed change to a position's text, and the group's decision.

The page's body is the proposed text (the position's free text as it would read); ``base`` is the revision
of the position it was written against. A proposal made on a revision whose text has since changed is
*stale*: it is shown as such and never applied blindly (``plugins/debat.py`` checks it again when a member of
the group accepts). ``statut`` is ouvert, accepté or rejeté; ``motif`` the reason of a refusal.
"""

from __future__ import annotations

from typing import Any

from plugins import card
from plugins.frontmatter import Probleme
from plugins.registry import PageType, Record, register
from plugins.schema import Invalide, PageName, Text
from plugins.text import fold

STATUTS = ("ouvert", "accepté", "rejeté")


class StatutAmendement(Text):
    expected = "ouvert, accepté ou rejeté"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        for statut in STATUTS:
            if fold(statut) == fold(text):
                return statut
        raise Invalide(f"statut inconnu « {text[:60]} » ; statuts possibles : {', '.join(STATUTS)}.")


@register
class Amendement(PageType):
    name = "amendement"
    label = "Amendement"
    plural = "amendements"
    title_field = "sur"
    fields = [
        PageName("sur", "Position amendée", required=True),
        Text("base", "Révision de base", required=True, help="La révision de la position sur laquelle il porte."),
        StatutAmendement("statut", "Statut", help="ouvert, accepté ou rejeté."),
        Text("resume", "Résumé", help="En une phrase, ce que change l'amendement."),
        Text("motif", "Motif du rejet"),
    ]
    facets = {"sur": "sur", "statut": "statut"}
    sorts = {"sur": "sur", "statut": "statut"}

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """« Amendement à Pour les petits lieux : résumé »."""
        sur = str(data.get("sur", "")).rsplit("/", 1)[-1]
        resume = f" : {data['resume']}" if data.get("resume") else ""
        return f"Amendement à {sur}{resume}" if sur else ""

    def summary(self, data: dict[str, Any]) -> list[Any]:
        return [card.span("eco-details", [f" — {data.get('statut', 'ouvert')}"])]

    def footer(self, record: Record) -> Any:
        """After the proposed text: the arguments about the proposal."""
        return card.div("eco-pied-debat", [card.macro_call("Arguments", {})])

    def card(self, record: Record, problems: list[Probleme]) -> Any:
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
        children.append(card.macro_call("Amendement", {}))
        children.append(card.heading("Texte proposé", 3))
        return card.div(f"eco-carte eco-amendement eco-amendement-{fold(statut)}", children)
