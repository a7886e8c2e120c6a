"""The named sections of cards that are known only when a page is shown (the reader's rights, pages that exist).

A page type names them (``PageType.sections``); here each name maps to what renders it: a call of one of our
macros, evaluated by moin at view time for the reader at hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from plugins.data.groupes import space
from plugins.indexing.privacy import is_private
from plugins.views import card


def _when(d: dict[str, Any]) -> dict[str, str]:
    return {k: str(d[k]) for k in ("debut", "fin", "repetition", "jusqu_au", "lieu") if d.get(k)}


#: section name -> renderer of a record's data (an empty list when the section has nothing to show)
SECTIONS: dict[str, Callable[[dict[str, Any]], list[Any]]] = {
    "mutualisation de la fiche": lambda d: [
        card.macro_call(
            "MutualisationFiche", {k: json.dumps(d[k], ensure_ascii=False) for k in ("offres", "besoins") if d.get(k)}
        )
    ],
    "relations de la fiche": lambda d: [
        card.macro_call(
            "RelationsFiche", {"chaines": json.dumps(d["chaines"], ensure_ascii=False)} if d.get("chaines") else {}
        )
    ],
    "subventions reçues": lambda d: [card.macro_call("SubventionsFiche", {})],
    "maillons de la chaîne": lambda d: [card.macro_call("Chaine", {"nom": d["nom"]})] if d.get("nom") else [],
    "lieu privé": lambda d: [card.macro_call("LieuPrive", {})] if is_private(d) else [],
    "gestionnaire du lieu": lambda d: (
        [card.macro_call("VerifierPage", {"page": d["gestionnaire"], "role": "gestionnaire"})]
        if d.get("gestionnaire")
        else []
    ),
    "subventions du dispositif": lambda d: [card.macro_call("SubventionsDispositif", {})],
    "positions qui citent le dispositif": lambda d: [card.macro_call("PositionsCitant", {"nom": d.get("nom", "")})],
    "groupe de travail": lambda d: (
        [card.macro_call("VerifierPage", {"page": space(d["groupe"]), "role": "groupe"})] if d.get("groupe") else []
    ),
    "état de la position": lambda d: [card.macro_call("EtatPosition", {"groupe": d["groupe"]})] if d.get("groupe") else [],
    "dates de l'événement": lambda d: [card.macro_call("QuandEvenement", _when(d))],
    "parcours de la position": lambda d: [
        card.macro_call(
            "ParcoursPosition",
            {"statut": d.get("statut", "brouillon"), "adoption": str(d.get("adoption", "")), "titre": d.get("titre", "")},
        )
    ],
    "interpellations sur la position": lambda d: [
        card.heading("Interpellations", 3),
        card.macro_call("InterpellationsLiees", {"cle": "positions", "titre": d.get("titre", "")}),
    ],
    "interpellations sur le dispositif": lambda d: [
        card.heading("Interpellations", 3),
        card.macro_call("InterpellationsLiees", {"cle": "dispositifs", "titre": d.get("nom", "")}),
    ],
    "examen de l'amendement": lambda d: [card.macro_call("Amendement", {})],
    "état de l'interpellation": lambda d: [
        card.macro_call(
            "EtatInterpellation",
            {
                "envoi": str(d.get("envoi", "")),
                "relances": str(len(d.get("relances") or [])),
                "reponse": str((d.get("reponse") or {}).get("date", "") or ("oui" if d.get("reponse") else "")),
            },
        )
    ],
    # after the free text: the debate of a page (arguments, amendments), computed when shown
    "amendements de la position": lambda d: [card.macro_call("Amendements", {"titre": d.get("titre", "")})],
    "débat de la position": lambda d: [card.macro_call("Arguments", {"titre": d.get("titre", "")})],
    "débat du dispositif": lambda d: [card.macro_call("Arguments", {"titre": d.get("nom", "")})],
    "débat de l'amendement": lambda d: [card.macro_call("Arguments", {})],
}


def section(name: str, data: dict[str, Any]) -> list[Any]:
    """The nodes of one named section of a card."""
    return SECTIONS[name](data)
