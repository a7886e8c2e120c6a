"""One French way of writing dates and counts for readers (Babel): « 1er juin 2027 », « 18 mars 2024 »,
« 1 subvention », « 2 subventions », « 1 234 fiches ».

The data keep their ISO form (exports, sorting); only what a reader reads goes through here. The locale (which
French: fr_FR, fr_BE, fr_CH…) and the time zone are the wiki's, set once from its configuration
(``locale_default``, ``timezone_default``) by :func:`configure`; every module asks them here.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

#: the locale and time zone of what readers read, until configure() sets the wiki's own
_SETTINGS = {"locale": "fr_FR", "time_zone": "Europe/Paris"}


def configure(locale_name: str | None, time_zone_name: str | None) -> None:
    """Take the wiki's locale and time zone (called when the app starts; a missing one keeps the default)."""
    if locale_name:
        _SETTINGS["locale"] = str(locale_name)
    if time_zone_name:
        ZoneInfo(str(time_zone_name))  # an unknown zone fails here, at start, not on a reader's page
        _SETTINGS["time_zone"] = str(time_zone_name)


def locale() -> str:
    """The locale for Babel (« fr_FR »)."""
    return _SETTINGS["locale"]


def time_zone() -> ZoneInfo:
    """The wiki's time zone: events are written in it, dates are shown in it."""
    return ZoneInfo(_SETTINGS["time_zone"])


def time_zone_name() -> str:
    return _SETTINGS["time_zone"]


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
        return f"{_day(value.day)} {format_date(value, 'MMMM y', locale=locale())}"
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
    return f"{format_date(day, 'EEEE', locale=locale())} {date(day)}"


def moment(value: dt.datetime, whole_day: bool = False) -> str:
    """« mardi 1er juin 2027 à 18 h 30 » in the wiki's time zone (or without the hour for a whole day)."""
    local = value.astimezone(time_zone()) if value.tzinfo else value
    if whole_day:
        return weekday_date(local)
    hour = format_datetime(local, "H 'h' mm", locale=locale())
    return f"{weekday_date(local)} à {hour}"


def period(start: object, end: object) -> str:
    """« du 1er septembre 2019 au 30 juin 2022 » (« ? » for a missing end)."""
    return f"du {date(start) if start else '?'} au {date(end) if end else '?'}"


def number(value: int | float) -> str:
    """« 1 234 », « 2,5 »."""
    return format_decimal(value, locale=locale())


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 0 subvention », « 1 subvention », « 2 subventions » (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{number(count)} {word}"
