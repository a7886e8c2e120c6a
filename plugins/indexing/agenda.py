"""The agenda: occurrences of events in a period, as a list, a month view and an iCalendar feed (RFC 5545).

Every occurrence is computed in the wiki's time zone (``timezone_default``) and written to iCalendar in
UTC, so calendar apps show the right hour on both sides of a daylight-saving change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote

import icalendar
from babel.dates import format_date

from plugins.data import french
from plugins.data.types.evenement import occurrences
from plugins.indexing.query import QueryError
from plugins.indexing.structured import IndexedPage

PERIODS = ("à venir", "passés", "AAAA-MM (par exemple 2026-03)")


@dataclass(frozen=True)
class Occurrence:
    start: dt.datetime
    end: dt.datetime
    whole_day: bool
    page: IndexedPage


def window(periode: str, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime, str]:
    """(start, end, French label) of a period; raises QueryError with the valid values."""
    now = now or dt.datetime.now(french.time_zone())
    text = periode.strip().lower().replace("a venir", "à venir").replace("passes", "passés")
    if text in ("", "à venir"):
        return now, now + dt.timedelta(days=366), "à venir"
    if text == "passés":
        return now - dt.timedelta(days=731), now, "passés"
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        start = dt.datetime(year, month, 1, tzinfo=french.time_zone())
        end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=french.time_zone())
        return start, end, format_date(start.date(), "MMMM y", locale=french.locale())
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


def ics(occurrences_: list[Occurrence], base_url: str, name: str = "Agenda des Écossolies") -> str:
    """An iCalendar document (RFC 5545, written by the ``icalendar`` library): one VEVENT per occurrence,
    UTC times, whole days as dates."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Les Ecossolies//Wiki//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", french.time_zone_name())
    stamp = dt.datetime.now(dt.UTC)
    for o in occurrences_:
        d = o.page.data
        event = icalendar.Event()
        event.add("uid", f"{o.page.itemid}-{o.start.strftime('%Y%m%dT%H%M')}@ecossolies")
        event.add("dtstamp", stamp)
        if o.whole_day:
            event.add("dtstart", o.start.date())
            event.add("dtend", o.end.date())
        else:
            event.add("dtstart", o.start.astimezone(dt.UTC))
            event.add("dtend", o.end.astimezone(dt.UTC))
        event.add("summary", o.page.title)
        if d.get("lieu"):
            event.add("location", str(d["lieu"]))
        if d.get("categorie"):
            event.add("categories", [str(d["categorie"])])
        event.add("url", f"{base_url}/{quote(o.page.fullname)}")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")
