"""Exports of a selection, one registry of formats behind one route shape (``/+donnees/<type>.<format>``):
CSV (UTF-8, spreadsheet formulas neutralised, columns from the schema), JSON, GeoJSON (located types), an Atom
feed of every listing (its latest changes first) and iCalendar (events)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from plugins.data import flat
from plugins.data.csv_files import neutralise
from plugins.data.registry import PageType, Record
from plugins.indexing import agenda
from plugins.indexing.structured import IndexedPage
from plugins.views import maps


def page_url(base_url: str, page: IndexedPage) -> str:
    return f"{base_url}/{quote(page.fullname)}"


def _record(page_type: PageType, page: IndexedPage) -> Record:
    return Record(type=page_type, data=page.data)


def table_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    """CSV (separator « ; », UTF-8 with a BOM for spreadsheets), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(str(row.get(c, ""))) for c in columns])
    return "\ufeff" + out.getvalue()


def to_csv(page_type: PageType, pages: list[IndexedPage], base_url: str = "") -> str:
    """One line per page: the page and its address, one column a field as the bulk import reads them back
    (``plugins/data/flat.py``), then the type's computed columns."""
    columns = ["page", "adresse_wiki", *flat.columns(page_type), *page_type.extra_columns]
    rows = []
    for page in pages:
        computed = page_type.row(_record(page_type, page))
        rows.append(
            {
                "page": page.fullname,
                "adresse_wiki": page_url(base_url, page),
                **flat.to_row(page_type, page.data),
                **{c: computed.get(c, "") for c in page_type.extra_columns},
            }
        )
    return table_csv(columns, rows)


def to_json(page_type: PageType, pages: list[IndexedPage], base_url: str = "") -> str:
    items: list[dict[str, Any]] = [
        {
            "page": p.fullname,
            "adresse_wiki": page_url(base_url, p),
            "type": page_type.name,
            "modification": p.mtime,
            "donnees": p.data,
        }
        for p in pages
    ]
    return json.dumps({"type": page_type.name, "nombre": len(items), "elements": items}, ensure_ascii=False, indent=1)


def private(response: Any) -> Any:
    """Data shown to one reader (ACLs) is never cached for another: every export and data view goes out so."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def to_geojson(page_type: PageType, pages: list[IndexedPage], base_url: str = "") -> str:
    """The located pages of a selection as GeoJSON (those without a place listed apart)."""
    places, unplaced = maps.split_located(pages, page_type)
    return json.dumps(maps.geojson(places, unplaced, base_url), ensure_ascii=False)


#: entries of a listing's feed: its latest changes
FEED_ENTRIES = 50


@dataclass(frozen=True)
class FeedEntry:
    """One entry of an Atom feed: a page, its time, and what a feed reader shows of it."""

    url: str
    id: str
    title: str
    updated: int
    author: str = ""
    summary: str = ""
    content: str = ""


def atom(feed_id: str, title: str, link: str, entries: list[FeedEntry], self_link: str = "") -> str:
    """The one Atom writer of the wiki (listings' exports and debates' feeds): entries given oldest first end
    latest on top; text an XML document cannot carry is dropped, so the feed always parses."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(_xml_safe(title))
    feed.link(href=link, rel="alternate")
    if self_link:
        feed.link(href=self_link, rel="self")
    feed.language("fr")
    feed.updated(_moment(max((e.updated for e in entries), default=0)))
    for e in entries:  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(e.id)
        entry.title(_xml_safe(e.title) or "(sans titre)")
        entry.link(href=e.url)
        entry.updated(_moment(e.updated))
        if e.author:
            entry.author(name=_xml_safe(e.author))
        if e.summary:
            entry.summary(_xml_safe(e.summary))
        if e.content:
            entry.content(_xml_safe(e.content), type="text")
    return feed.atom_str(pretty=True).decode("utf-8")


def to_atom(page_type: PageType, pages: list[IndexedPage], base_url: str = "") -> str:
    """An Atom feed of a listing, latest changes first: to follow new fiches, venues, positions… of a selection."""
    own = f"{base_url}/+donnees/{page_type.name}.atom"
    entries = []
    for page in sorted(pages, key=lambda p: (p.mtime, p.fullname))[-FEED_ENTRIES:]:
        row = flat.to_row(page_type, page.data)
        summary = " · ".join(v for k, v in row.items() if v and k != page_type.title_field)
        url = page_url(base_url, page)
        entries.append(FeedEntry(url, url, page.title or page.name, page.mtime, summary=summary[:500]))
    return atom(own, f"{page_type.plural.capitalize()} — Les Écossolies", own, entries, self_link=own)


#: the two sides of the pooling's feed, as ``cote`` names them, and how an entry's title names each
POOLING_SIDES = {"besoins": "Besoin", "offres": "Offre"}
#: entries in the pooling's feed at most (the most recently changed fiches first)
POOLING_FEED_SIZE = 200


def to_pooling_atom(
    page_type: PageType,
    pages: list[IndexedPage],
    base_url: str = "",
    cote: str = "",
    genre: str = "",
    zone: str = "",
    self_url: str = "",
) -> str:
    """The open needs and offers of the selected fiches (the reader's, as every export) as an Atom feed that
    members follow: ``cote`` (besoins, offres, both by default), ``genre``, ``zone`` (a commune: the entries
    there and those of « tout le département »). Expired entries are not in it."""
    from plugins.indexing.query import QueryError  # late: only for this format
    from plugins.views import mutualisation  # late: only for this format

    try:
        parsed = mutualisation.parse_arguments({"genre": genre, "commune": zone})
    except mutualisation.ListingError as exc:
        raise QueryError(str(exc).replace("Mutualisation : ", "")) from exc
    if cote not in ("", *POOLING_SIDES):
        raise QueryError("« cote » vaut « besoins » ou « offres ».")
    wanted = {p.fullname for p in pages}
    sides = [cote] if cote else list(POOLING_SIDES)
    entries = [
        e
        for e in mutualisation.open_entries(parsed["genre"], parsed["commune"], None, sides)
        if e.page.fullname in wanted
    ]
    entries = sorted(entries, key=lambda e: (-e.page.mtime, e.page.fullname, e.side, e.number))[:POOLING_FEED_SIZE]
    self_url = self_url or f"{base_url}/+donnees/{page_type.name}.mutualisation"
    return pooling_feed(entries, base_url, "Écossolies — besoins et offres du réseau", self_url)


def pooling_feed(entries: list[Any], base_url: str, title: str, self_url: str) -> str:
    """Atom (RFC 4287) of offers and needs: one entry each, its kind as category, its line as summary."""
    from plugins.data.schema import TOUT_DEPARTEMENT, resource_line  # late: only for this format

    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=self_url, rel="self")
    feed.link(href=f"{base_url}/Mutualisation", rel="alternate")
    feed.language("fr")
    feed.author({"name": "Les Écossolies"})
    feed.updated(_moment(max((e.page.mtime for e in entries), default=0)))
    for entry in reversed(entries):  # feedgen puts each new entry first
        url = f"{base_url}/{quote(entry.page.fullname)}"
        line = resource_line(
            {
                "genre": entry.genre,
                "description": entry.description,
                "commune": TOUT_DEPARTEMENT if entry.whole_area else entry.commune,
                "jusqu_au": entry.until.isoformat() if entry.until else None,
            }
        )
        side = POOLING_SIDES[entry.side]
        item = feed.add_entry()
        item.id(_xml_safe(f"{url}#{entry.side}-{entry.number}"))
        item.title(_xml_safe(f"{side} — {entry.page.title} : {entry.description}"))
        item.link(href=url, rel="alternate")
        item.updated(_moment(entry.page.mtime))
        item.summary(_xml_safe(f"{side} de {entry.page.title} : {line}"))
        if entry.kind:
            item.category(term=entry.kind)
    return feed.atom_str(pretty=True).decode("utf-8")


def to_ics(page_type: PageType, pages: list[IndexedPage], base_url: str = "", periode: str = "") -> str:
    """The events of a selection in a period (``periode``: à venir by default, passés, 2026-03) as iCalendar;
    ``/+agenda.ics`` is this export under the name calendar apps were given."""
    start, end, _label = agenda.window(periode)
    return agenda.ics(agenda.entries(pages, start, end), base_url)


def _moment(mtime: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(mtime or 0, dt.UTC)


def _xml_safe(text: str) -> str:
    """Text an XML document may hold (a control character in a page would make the feed unreadable)."""
    return "".join(
        c
        for c in text
        if c in "\t\n\r" or (ord(c) >= 0x20 and c not in "\ufffe\uffff" and not 0xD800 <= ord(c) <= 0xDFFF)
    )


@dataclass(frozen=True)
class Format:
    """One export format: its content type, what writes it, the page types it applies to (None: all), and the
    request arguments it reads itself (passed to ``render`` by name, never taken as filters)."""

    mimetype: str
    render: Callable[..., str]
    types: tuple[str, ...] | None = None
    options: tuple[str, ...] = ()
    #: the file name's extension, when the format's name is not one (``mutualisation`` is Atom)
    extension: str = ""


#: the one registry of export formats: ``/+donnees/<type>.<format>`` for every one
FORMATS: dict[str, Format] = {
    "csv": Format("text/csv; charset=utf-8", to_csv),
    "json": Format("application/json; charset=utf-8", to_json),
    "geojson": Format("application/geo+json; charset=utf-8", to_geojson, maps.MAPPABLE),
    "atom": Format("application/atom+xml; charset=utf-8", to_atom),
    "ics": Format("text/calendar; charset=utf-8", to_ics, ("evenement",), ("periode",)),
    # the open needs and offers of a selection of fiches (``/+mutualisation.atom`` is this one for all fiches)
    "mutualisation": Format(
        "application/atom+xml; charset=utf-8", to_pooling_atom, ("fiche",), ("cote", "genre", "zone"), "atom"
    ),
}
