"""One French way of writing dates and counts for readers (Babel): « 1er juin 2027 », « 18 mars 2024 »,
« 1 subvention », « 2 subventions », « 1 234 fiches ».

The data keep their ISO form (exports, sorting); only what a reader reads goes through here.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

PARIS_TZ = "Europe/Paris"


def _day(day: int) -> str:
    """« 1er », « 2 »… : the first of the month is written « 1er » in French."""
    return "1er" if day == 1 else str(day)


def date(value: object) -> str:
    """A day as a French reader writes it: « 18 mars 2024 », « 1er juin 2027 »; a year stays « 2024 ».

    Anything else (a value the schema already flagged) is given back as written.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{_day(value.day)} {format_date(value, 'MMMM y', locale='fr')}"
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date(dt.date.fromisoformat(text))
        except ValueError:
            return text
    return text


def weekday_date(value: dt.date | dt.datetime) -> str:
    """« mardi 1er juin 2027 »."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return f"{format_date(day, 'EEEE', locale='fr')} {date(day)}"


def moment(value: dt.datetime, whole_day: bool = False) -> str:
    """« mardi 1er juin 2027 à 18 h 30 » in Paris time (or without the hour for a whole day)."""

    local = value.astimezone(ZoneInfo(PARIS_TZ)) if value.tzinfo else value
    if whole_day:
        return weekday_date(local)
    hour = format_datetime(local, "H 'h' mm", locale="fr")
    return f"{weekday_date(local)} à {hour}"


def period(start: object, end: object) -> str:
    """« du 1er septembre 2019 au 30 juin 2022 » (« ? » for a missing end)."""
    return f"du {date(start) if start else '?'} au {date(end) if end else '?'}"


def number(value: int | float) -> str:
    """« 1 234 », « 2,5 »."""
    return format_decimal(value, locale="fr")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 0 subvention », « 1 subvention », « 2 subventions » (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{number(count)} {word}"
