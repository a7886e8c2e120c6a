"""The agenda: occurrences of events in a period, as a list, a month view and an iCalendar feed (RFC 5545).

Every occurrence is computed in local time (Europe/Paris) and written to iCalendar in UTC, so calendar apps
show the right hour on both sides of a daylight-saving change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote

from babel.dates import format_date

from plugins.evenement import PARIS, occurrences
from plugins.index import IndexedPage
from plugins.query import QueryError

PERIODS = ("à venir", "passés", "AAAA-MM (par exemple 2026-03)")


@dataclass(frozen=True)
class Occurrence:
    start: dt.datetime
    end: dt.datetime
    whole_day: bool
    page: IndexedPage


def window(periode: str, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime, str]:
    """(start, end, French label) of a period; raises QueryError with the valid values."""
    now = now or dt.datetime.now(PARIS)
    text = periode.strip().lower().replace("a venir", "à venir").replace("passes", "passés")
    if text in ("", "à venir"):
        return now, now + dt.timedelta(days=366), "à venir"
    if text == "passés":
        return now - dt.timedelta(days=731), now, "passés"
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        start = dt.datetime(year, month, 1, tzinfo=PARIS)
        end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=PARIS)
        return start, end, format_date(start.date(), "MMMM y", locale="fr")
    raise QueryError(f"« periode » inconnue « {periode} » ; valeurs possibles : {', '.join(PERIODS)}.")


def entries(
    pages: list[IndexedPage], start: dt.datetime, end: dt.datetime, past_first: bool = False
) -> list[Occurrence]:
    out = [Occurrence(s, e, whole, page) for page in pages for s, e, whole in occurrences(page.data, start, end)]
    return sorted(out, key=lambda o: (o.start, o.page.title), reverse=past_first)


def month_weeks(year: int, month: int) -> list[list[dt.date | None]]:
    """The weeks of a month, Monday first; None outside the month."""
    return [
        [day if day.month == month else None for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def _text(value: str) -> str:
    """TEXT value escaped as RFC 5545 §3.3.11 says."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 §3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(occurrences_: list[Occurrence], base_url: str, name: str = "Agenda des Écossolies") -> str:
    """An iCalendar document with one VEVENT per occurrence (UTC times, whole days as dates)."""
    stamp = _utc(dt.datetime.now(dt.UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Les Ecossolies//Wiki//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(name)}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    for o in occurrences_:
        d = o.page.data
        lines += [
            "BEGIN:VEVENT",
            f"UID:{o.page.itemid}-{o.start.strftime('%Y%m%dT%H%M')}@ecossolies",
            f"DTSTAMP:{stamp}",
        ]
        if o.whole_day:
            lines += [
                f"DTSTART;VALUE=DATE:{o.start.strftime('%Y%m%d')}",
                f"DTEND;VALUE=DATE:{o.end.strftime('%Y%m%d')}",
            ]
        else:
            lines += [f"DTSTART:{_utc(o.start)}", f"DTEND:{_utc(o.end)}"]
        lines.append(f"SUMMARY:{_text(o.page.title)}")
        if d.get("lieu"):
            lines.append(f"LOCATION:{_text(str(d['lieu']))}")
        if d.get("categorie"):
            lines.append(f"CATEGORIES:{_text(str(d['categorie']))}")
        lines += [f"URL:{base_url}/{quote(o.page.fullname)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
