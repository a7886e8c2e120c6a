"""The ``position`` page type: a policy position drafted by a working group, from draft to transmission.

Who may read a position is moin's ACL of its page: a draft is written with the group's ACL only, and a member
makes it public (``/+position/publier``). The card shows the status as a step of the sequence; whether the
page is public, its discussion and its last change are shown at display time (``<<EtatPosition>>``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from plugins.data.registry import PageType, register
from plugins.data.schema import Day, Invalide, Text, TextList
from plugins.data.text import fold

STATUTS = ("brouillon", "en débat", "adoptée", "transmise", "archivée")


class Statut(Text):
    """One of the steps of a position, written with or without accents."""

    expected = "un statut : " + ", ".join(STATUTS)
    widget: ClassVar[str] = "choice"
    choices: ClassVar[tuple[str, ...]] = STATUTS

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        for statut in STATUTS:
            if fold(statut) == fold(text):
                return statut
        raise Invalide(f"statut inconnu « {text} » ; statuts possibles : {', '.join(STATUTS)}.")


@register
class Position(PageType):
    name = "position"
    label = "Position"
    plural = "positions"
    title_field = "titre"
    fields = [
        Text("titre", "Titre", required=True),
        Text("groupe", "Groupe de travail", required=True),
        Statut("statut", "Statut"),
        TextList("destinataires", "Destinataires"),
        TextList("dispositifs", "Dispositifs liés"),
        Day("adoption", "Date d'adoption"),
        TextList("signataires", "Signataires"),
    ]
    facets = {"groupe": "groupe", "statut": "statut"}
    footer_sections = ("amendements de la position", "débat de la position")
    sections = ("parcours de la position", "interpellations sur la position", "état de la position", "groupe de travail")
    sorts = {"titre": "titre", "statut": "statut", "adoption": "adoption"}


def cites(position_data: dict[str, Any], scheme_names: set[str]) -> bool:
    """Whether a position names one of these scheme pages (full name, last part or title, folded)."""
    return any(
        fold(p) in scheme_names or fold(p.rsplit("/", 1)[-1]) in scheme_names
        for p in position_data.get("dispositifs", [])
    )
