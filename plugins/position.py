"""The ``position`` page type: a policy position drafted by a working group, from draft to transmission.

Who may read a position is moin's ACL of its page: a draft is written with the group's ACL only, and a member
makes it public (``/+position/publier``). The card shows the status as a step of the sequence; whether the
page is public, its discussion and its last change are shown at display time (``<<EtatPosition>>``).
"""

from __future__ import annotations

from typing import Any

from plugins import card
from plugins.frontmatter import Probleme
from plugins.groupes import space
from plugins.registry import PageType, Record, register
from plugins.schema import Day, Invalide, Text, TextList
from plugins.text import fold

STATUTS = ("brouillon", "en débat", "adoptée", "transmise", "archivée")


class Statut(Text):
    """One of the steps of a position, written with or without accents."""

    expected = "un statut : " + ", ".join(STATUTS)

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
    sorts = {"titre": "titre", "statut": "statut", "adoption": "adoption"}

    def summary(self, data: dict[str, Any]) -> list[Any]:
        details = [x for x in (data.get("statut", "brouillon"), data.get("groupe")) if x]
        if data.get("adoption"):
            details.append(f"adoptée le {data['adoption']}")
        return [card.span("eco-details", [" — " + " · ".join(details)])]

    def footer(self, record: Record) -> Any:
        """After the text: its amendments and its debate (computed when shown)."""
        title = record.data.get("titre", "")
        return card.div(
            "eco-pied-debat",
            [card.macro_call("Amendements", {"titre": title}), card.macro_call("Arguments", {"titre": title})],
        )

    def card(self, record: Record, problems: list[Probleme]) -> Any:
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
        title = d.get("titre", "")
        children.append(
            card.macro_call(
                "ParcoursPosition", {"statut": statut, "adoption": str(d.get("adoption", "")), "titre": title}
            )
        )
        children.append(card.heading("Interpellations", 3))
        children.append(card.macro_call("InterpellationsLiees", {"cle": "positions", "titre": title}))
        if d.get("groupe"):
            children.append(card.macro_call("EtatPosition", {"groupe": d["groupe"]}))
            children.append(card.macro_call("VerifierPage", {"page": space(d["groupe"]), "role": "groupe"}))
        return card.div("eco-carte eco-position", children)


def cites(position_data: dict[str, Any], scheme_names: set[str]) -> bool:
    """Whether a position names one of these scheme pages (full name, last part or title, folded)."""
    return any(
        fold(p) in scheme_names or fold(p.rsplit("/", 1)[-1]) in scheme_names
        for p in position_data.get("dispositifs", [])
    )
