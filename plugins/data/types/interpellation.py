"""The ``interpellation`` page type: a letter sent to a public body about positions or schemes, and its answer.

Its status is computed, never written: en préparation (no date sent), envoyée, relancée, répondue, or « sans
réponse après N jours » once N days (:data:`DELAI`) have passed since it was sent without answer. The status
depends on today's date, so cards and listings compute it when shown (``<<EtatInterpellation>>``,
``<<Interpellations>>``), never at save time. Per addressee the network publishes the share answered and the
median delay: :func:`by_addressee`.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from plugins.data.registry import PageType, Record, register
from plugins.data.schema import Day, DayList, Group, PageName, Text, TextList
from plugins.data.text import fold

#: days after which a letter sent without answer is « sans réponse »
DELAI = 60
STATUTS = ("en préparation", "envoyée", "relancée", "répondue", "sans réponse")


def _date(value: Any) -> datetime.date | None:
    """A field's ISO date (a year alone counts as its 1st of January); None when missing or unreadable."""
    text = str(value or "")
    if len(text) == 4 and text.isdigit():
        text += "-01-01"
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Etat:
    """The computed status of an interpellation on a given day."""

    code: str  # one of STATUTS
    label: str  # as shown (« sans réponse après 75 jours »)
    jours: int | None  # days waited: until the answer, or until today; None when not sent
    relances: int


def etat(data: dict[str, Any], today: datetime.date | None = None, delai: int = DELAI) -> Etat:
    """The status of an interpellation's data today: answered first, then unanswered past the delay, then
    reminded, then sent."""
    today = today or datetime.date.today()
    sent = _date(data.get("envoi"))
    reminders = len(data.get("relances") or [])
    reponse = data.get("reponse") or {}
    answered = _date(reponse.get("date"))
    has_answer = bool(answered or reponse.get("texte") or reponse.get("fichier"))
    if sent is None:
        if has_answer:
            return Etat("répondue", "répondue", None, reminders)
        return Etat("en préparation", "en préparation (pas encore envoyée)", None, reminders)
    if has_answer:
        days = max(0, (answered - sent).days) if answered else None
        label = f"répondue en {days} jour{'s' if days and days > 1 else ''}" if days is not None else "répondue"
        return Etat("répondue", label, days, reminders)
    days = max(0, (today - sent).days)
    if days >= delai:
        return Etat("sans réponse", f"sans réponse après {days} jours", days, reminders)
    if reminders:
        return Etat("relancée", f"relancée ({reminders} fois), en attente depuis {days} jours", days, reminders)
    return Etat("envoyée", f"envoyée, en attente depuis {days} jour{'s' if days > 1 else ''}", days, reminders)


def concerns(data: dict[str, Any], key: str, names: set[str]) -> bool:
    """Whether the interpellation names one of these pages (folded full names, last parts or titles) in ``key``
    (``positions`` or ``dispositifs``)."""
    return any(fold(p) in names or fold(p.rsplit("/", 1)[-1]) in names for p in data.get(key) or [])


@dataclass
class Bilan:
    """One addressee's record: letters sent, answered, share answered, median delay of the answers."""

    destinataire: str
    envoyees: int
    repondues: int
    sans_reponse: int
    delai_median: float | None

    @property
    def part(self) -> float | None:
        return self.repondues / self.envoyees if self.envoyees else None


def by_addressee(
    datas: Iterable[dict[str, Any]], today: datetime.date | None = None, delai: int = DELAI
) -> list[Bilan]:
    """Per addressee (spelling of its first letter, folded for grouping), letters actually sent only."""
    groups: dict[str, list[Etat]] = {}
    spelling: dict[str, str] = {}
    for data in datas:
        if _date(data.get("envoi")) is None:
            continue
        name = str(data.get("destinataire") or "(destinataire non renseigné)")
        spelling.setdefault(fold(name), name)
        groups.setdefault(fold(name), []).append(etat(data, today, delai))
    out = []
    for key, states in groups.items():
        delays = [s.jours for s in states if s.code == "répondue" and s.jours is not None]
        out.append(
            Bilan(
                destinataire=spelling[key],
                envoyees=len(states),
                repondues=sum(1 for s in states if s.code == "répondue"),
                sans_reponse=sum(1 for s in states if s.code == "sans réponse"),
                delai_median=statistics.median(delays) if delays else None,
            )
        )
    return sorted(out, key=lambda b: fold(b.destinataire))


@register
class Interpellation(PageType):
    name = "interpellation"
    label = "Interpellation"
    plural = "interpellations"
    title_field = "objet"
    fields = [
        Text("objet", "Objet", required=True),
        Text("destinataire", "Destinataire", required=True, help="Une assemblée élue, un service, un élu…"),
        Text("groupe", "Groupe de travail"),
        Day("envoi", "Envoyée le"),
        DayList("relances", "Relances"),
        TextList("positions", "Positions concernées"),
        TextList("dispositifs", "Dispositifs concernés"),
        PageName("lettre", "Lettre (pièce jointe)", help="Nom de la page du fichier ; sinon la lettre est le texte."),
        Group(
            "reponse",
            "Réponse",
            [Day("date", "Reçue le"), Text("texte", "Texte"), PageName("fichier", "Fichier (pièce jointe)")],
        ),
    ]
    facets = {"destinataire": "destinataire", "groupe": "groupe", "annee": "envoi"}
    sections = ("état de l'interpellation",)
    sorts = {"objet": "objet", "destinataire": "destinataire", "envoi": "envoi"}
    facet_labels = {"annee": "Année d'envoi"}
    extra_columns = ("statut", "jours")

    def facet_values(self, record: Record) -> dict[str, list[str]]:
        values = super().facet_values(record)
        values["annee"] = [str(record.data["envoi"])[:4]] if record.data.get("envoi") else []
        return values

    def row(self, record: Record) -> dict[str, Any]:
        row = super().row(record)
        state = etat(record.data)
        row.update(statut=state.code, jours="" if state.jours is None else str(state.jours))
        return row
