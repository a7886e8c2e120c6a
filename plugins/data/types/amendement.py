"""The ``amendement`` page type: a proposed change to a position's text, and the group's decision.

The page's body is the proposed text (the position's free text as it would read); ``base`` is the revision
of the position it was written against. A proposal made on a revision whose text has since changed is
*stale*: it is shown as such and never applied blindly (``plugins/indexing/debat.py`` checks it again when a member of
the group accepts). ``statut`` is ouvert, accepté or rejeté; ``motif`` the reason of a refusal.
"""

from __future__ import annotations

from typing import Any

from plugins.data.registry import PageType, register
from plugins.data.schema import Invalide, PageName, Text
from plugins.data.text import fold

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
    read_with = "sur"
    fields = [
        PageName("sur", "Position amendée", required=True),
        Text("base", "Révision de base", required=True, help="La révision de la position sur laquelle il porte."),
        StatutAmendement("statut", "Statut", help="ouvert, accepté ou rejeté."),
        Text("resume", "Résumé", help="En une phrase, ce que change l'amendement."),
        Text("motif", "Motif du rejet"),
    ]
    facets = {"sur": "sur", "statut": "statut"}
    sections = ("examen de l'amendement",)
    footer_sections = ("débat de l'amendement",)
    sorts = {"sur": "sur", "statut": "statut"}

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """« Amendement à Pour les petits lieux : résumé »."""
        sur = str(data.get("sur", "")).rsplit("/", 1)[-1]
        resume = f" : {data['resume']}" if data.get("resume") else ""
        return f"Amendement à {sur}{resume}" if sur else ""
