"""The ``evenement`` page type: the agenda of the popular university (study days, workshops, picnics…).

Times are local to the wiki's time zone (``timezone_default``), written as « 2026-03-03 18:30 » (or a date
alone for a whole day). A recurring event is written once, with ``repetition`` (« chaque premier mardi du
mois ») and ``jusqu_au``; its dates are computed with dateutil's rrule in local time, so daylight-saving
changes keep the local hour.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from dateutil import rrule

from plugins.data import french
from plugins.data.frontmatter import Probleme
from plugins.data.registry import PageType, Record, register
from plugins.data.schema import Commune, Day, Invalide, Suggested, Text, TextList
from plugins.data.text import fold

CATEGORIES = (
    "journée d'études",
    "atelier",
    "université populaire",
    "débat public",
    "campement nomade",
    "pique-nique",
    "concert",
    "assemblée",
)
MAX_OCCURRENCES = 400
WEEKDAYS = {
    "lundi": rrule.MO,
    "mardi": rrule.TU,
    "mercredi": rrule.WE,
    "jeudi": rrule.TH,
    "vendredi": rrule.FR,
    "samedi": rrule.SA,
    "dimanche": rrule.SU,
}
ORDINALS = {
    "premier": 1,
    "1er": 1,
    "deuxieme": 2,
    "2e": 2,
    "troisieme": 3,
    "3e": 3,
    "quatrieme": 4,
    "4e": 4,
    "dernier": -1,
}


class Moment(Text):
    """A local date and time (« 2026-03-03 18:30 », « 03/03/2026 18h30 ») or a date alone (a whole day)."""

    expected = "une date et une heure, par exemple 2026-03-03 18:30 (ou une date seule : 2026-03-03)"
    widget: ClassVar[str] = "datetime"

    def clean(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None).isoformat(timespec="minutes")
        if isinstance(value, dt.date):
            return value.isoformat()
        text = super().clean(value)
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:h](\d{2})?)?", text) or re.fullmatch(
            r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(?:à\s+)?(\d{1,2})[:h](\d{2})?)?", text
        )
        if not match:
            raise Invalide(f"attendu {self.expected}, trouvé « {text} ».")
        parts = match.groups()
        year, month, day = (parts[0], parts[1], parts[2]) if len(parts[0]) == 4 else (parts[2], parts[1], parts[0])
        try:
            date = dt.date(int(year), int(month), int(day))
            if parts[3] is None:
                return date.isoformat()
            moment = dt.datetime(date.year, date.month, date.day, int(parts[3]), int(parts[4] or 0))
        except ValueError:
            raise Invalide(f"la date « {text} » n'existe pas.") from None
        return moment.isoformat(timespec="minutes")


class Recurrence(Text):
    """« chaque semaine », « chaque mois », « chaque mardi », « chaque premier mardi du mois »…"""

    expected = (
        "une répétition comme « chaque semaine », « chaque mois », « chaque mardi » ou "
        "« chaque premier mardi du mois » (premier, deuxième, troisième, quatrième, dernier)"
    )

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if parse_recurrence(text) is None:
            raise Invalide(f"répétition incomprise « {text} » : attendu {self.expected}.")
        return text


def parse_recurrence(text: str) -> dict[str, Any] | None:
    """rrule arguments for a French repetition, or None."""
    words = fold(text).replace("toutes les", "chaque").replace("tous les", "chaque").split()
    if not words or words[0] != "chaque":
        return None
    rest = " ".join(words[1:])
    if rest in ("semaine", "semaines"):
        return {"freq": rrule.WEEKLY}
    if rest in ("mois",):
        return {"freq": rrule.MONTHLY}
    if rest in ("jour", "jours"):
        return {"freq": rrule.DAILY}
    match = re.fullmatch(r"(?:(\w+) )?(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?(?: du mois)?", rest)
    if not match:
        return None
    ordinal, day = match.groups()
    if ordinal is None:
        return {"freq": rrule.WEEKLY, "byweekday": WEEKDAYS[day]}
    if ordinal not in ORDINALS:
        return None
    return {"freq": rrule.MONTHLY, "byweekday": WEEKDAYS[day](ORDINALS[ordinal])}


def parse_moment(text: str) -> tuple[dt.datetime, bool]:
    """(local aware datetime, whole day?) of a cleaned Moment."""
    if "T" in text:
        return dt.datetime.fromisoformat(text).replace(tzinfo=french.time_zone()), False
    day = dt.date.fromisoformat(text)
    return dt.datetime(day.year, day.month, day.day, tzinfo=french.time_zone()), True


def occurrences(
    data: dict[str, Any], start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, bool]]:
    """(start, end, whole day) of every occurrence of an event that overlaps [start, end)."""
    if not data.get("debut"):
        return []
    first, whole_day = parse_moment(data["debut"])
    if data.get("fin"):
        last, _ = parse_moment(data["fin"])
        duration = last - first + (dt.timedelta(days=1) if whole_day else dt.timedelta())
    else:
        duration = dt.timedelta(days=1) if whole_day else dt.timedelta(hours=2)
    rule = parse_recurrence(data["repetition"]) if data.get("repetition") else None
    if rule is None:
        starts = [first]
    else:
        until = (
            dt.date.fromisoformat(str(data["jusqu_au"])[:10])
            if len(str(data.get("jusqu_au", ""))) >= 10
            else first.date().replace(year=first.year + 1)
        )
        naive = rrule.rrule(
            dtstart=first.replace(tzinfo=None), until=dt.datetime.combine(until, dt.time(23, 59)), count=None, **rule
        )
        starts = [d.replace(tzinfo=french.time_zone()) for _, d in zip(range(MAX_OCCURRENCES), naive, strict=False)]
    return [(s, s + duration, whole_day) for s in starts if s < end and s + duration > start]




@register
class Evenement(PageType):
    name = "evenement"
    label = "Événement"
    plural = "événements"
    title_field = "titre"
    fields = [
        Text("titre", "Titre", required=True),
        Suggested("categorie", "Catégorie", CATEGORIES),
        Moment("debut", "Début", required=True),
        Moment("fin", "Fin"),
        Recurrence("repetition", "Répétition"),
        Day("jusqu_au", "Jusqu'au"),
        Text("lieu", "Lieu (page d'un lieu, ou adresse)"),
        Commune("commune", "Commune"),
        TextList("intervenants", "Intervenants"),
        TextList("themes", "Thèmes"),
        Text("inscription", "Inscription"),
    ]
    facets = {"categorie": "categorie", "theme": "themes", "lieu": "lieu", "commune": "commune"}
    sections = ("dates de l'événement",)
    sorts = {"debut": "debut", "titre": "titre"}
    legend_field = "categorie"

    @classmethod
    def validate(cls, data: dict[str, Any], lines: dict[str, int] | None = None) -> Record:
        """As every type, plus: the end comes after the start."""
        record = super().validate(data, lines)
        d = record.data
        if d.get("debut") and d.get("fin"):
            (start, _), (end, _) = parse_moment(d["debut"]), parse_moment(d["fin"])
            if end < start:
                record.problems.append(
                    Probleme(
                        f"la fin ({d['fin']}) est avant le début ({d['debut']}).",
                        champ="fin",
                        ligne=(lines or {}).get("fin"),
                    )
                )
                del d["fin"]
        return record


def find_venue(name: str, venues: dict[str, Any]) -> Any:
    """The venue page an event names (by page name, last part or title), or None; ``venues`` from by_alias()."""
    return venues.get(fold(name))


def looks_like_address(text: str) -> bool:
    return bool(re.search(r"\d|,", text))
