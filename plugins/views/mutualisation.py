"""The pooling as readers see it: a fiche's offers and needs with who meets them, and the network's open needs.

Only the fiches the reader may read (moin's ACLs, through ``plugins/indexing/query.py``) are matched, counted or
shown; the matcher of a reader is kept with the index snapshot (dropped at the next change to the wiki), by
what moin's ACLs know of the reader and by the day (an entry expires at midnight).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from plugins.data import communes, french
from plugins.data.schema import GENRES, TOUT_DEPARTEMENT
from plugins.data.text import fold
from plugins.indexing.mutualisation import BESOINS, OFFRES, Entry, Match, Matcher, entries_of
from plugins.indexing.query import readable, reader_key
from plugins.indexing.structured import get_index
from plugins.views import card
from plugins.views.urls import route_url

#: how many offers (or needs) are shown for each entry
SHOWN = 3
DEFAULT_LIMIT = 50
#: the macro's arguments, in the order they may be written without their names
ARGUMENTS = ("genre", "commune", "secteur", "limite")
MAX_LIMIT = 500


def french_date(day: dt.date) -> str:
    return format_date(day, format="long", locale=french.locale())


def readable_fiches() -> list[Any]:
    index = get_index()
    return readable(index.pages("fiche")) if index else []


def reader_matcher() -> Matcher:
    """The matcher over every offer and need the current reader may read (kept until the wiki changes)."""
    index = get_index()
    today = dt.date.today()
    if index is None:
        return Matcher([], today)
    snapshot = index.snapshot()
    key = ("mutualisation", reader_key(), today)
    matcher = snapshot.memo.get(key)
    if matcher is None:
        entries = []
        for page in readable(snapshot.by_type.get("fiche", [])):
            entries += entries_of(page, OFFRES) + entries_of(page, BESOINS)
        matcher = snapshot.memo[key] = Matcher(entries, today)
    return matcher


@dataclass
class _Stub:
    """A page being previewed (not yet in the index): what the matcher reads of it."""

    fullname: str
    title: str
    data: dict[str, Any]
    mtime: int = 0


def _current(page_name: str) -> Any:
    index = get_index()
    if index is not None:
        for page in index.pages("fiche"):
            if page.fullname == page_name:
                return page
    return _Stub(page_name, page_name.rsplit("/", 1)[-1], {})


# -- pieces -----------------------------------------------------------------------------------------------


def _where(entry: Entry) -> str:
    if entry.whole_area:
        return TOUT_DEPARTEMENT
    return entry.commune or ""


def entry_nodes(entry: Entry, today: dt.date) -> list[Any]:
    """An offer or need: its kind, its description, where, until when (or since when it expired)."""
    nodes: list[Any] = []
    if entry.genre:
        nodes += [card.span("eco-genre", [entry.genre]), " "]
    nodes.append(entry.description)
    details = [x for x in (_where(entry),) if x]
    if entry.until:
        if entry.expired(today):
            nodes += [" ", card.span("eco-expiree", [f"expirée depuis le {french_date(entry.until)}"])]
        else:
            details.append(f"jusqu'au {french_date(entry.until)}")
    if details:
        nodes.append(card.span("eco-details", [" — " + " · ".join(details)]))
    return nodes


def match_nodes(match: Match, side: str) -> list[Any]:
    """One match seen from ``side``: the other fiche, its entry, how far, whether it crosses sectors."""
    other = match.other(side)
    nodes: list[Any] = [card.page_link(other.page.fullname, other.page.title or other.page.fullname), " : "]
    if other.genre:
        nodes += [card.span("eco-genre", [other.genre]), " "]
    nodes.append(other.description)
    details = []
    if _where(other):
        details.append(_where(other))
    if match.distance is not None and match.distance >= 1:
        details.append(f"à {match.distance:.0f} km")
    if details:
        nodes.append(card.span("eco-details", [" — " + " · ".join(details)]))
    if match.cross_sector:
        sectors = ", ".join(other.page.data.get("secteurs", []))
        nodes += [" ", card.span("eco-autre-secteur", [f"autre secteur ({sectors})"])]
    return nodes


def _entry_with_matches(entry: Entry, matches: list[Match], side: str, today: dt.date) -> list[Any]:
    nodes = entry_nodes(entry, today)
    if matches:
        nodes.append(card.bullet_list([match_nodes(m, side) for m in matches], css="eco-rapprochements"))
    return nodes


# -- a fiche ----------------------------------------------------------------------------------------------


def fiche_box(page_name: str, values: dict[str, list[Any]]) -> Any:
    """A fiche's offers and needs, then « Qui peut vous aider » and « À qui vous pouvez être utile »."""
    today = dt.date.today()
    page = _current(page_name)
    entries = {side: entries_of(page, side, values.get(side) or []) for side in (OFFRES, BESOINS)}
    children: list[Any] = []
    for side, label in (
        (OFFRES, "Offres (compétences et ressources proposées)"),
        (BESOINS, "Besoins (compétences et ressources recherchées)"),
    ):
        if entries[side]:
            children.append(card.heading(label, 3))
            children.append(card.bullet_list([entry_nodes(e, today) for e in entries[side]], css=f"eco-{side}"))
    if not children:
        return card.div("eco-mutualisation-fiche", [])
    matcher = reader_matcher()
    for side, title, empty in (
        (BESOINS, "Qui peut vous aider", "Aucune offre du réseau ne répond encore à ces besoins."),
        (OFFRES, "À qui vous pouvez être utile", "Aucun besoin du réseau ne correspond encore à ces offres."),
    ):
        open_entries = [e for e in entries[side] if not e.expired(today)]
        if not open_entries:
            continue
        found = [(e, matcher.matches(e, SHOWN)) for e in open_entries]
        total = sum(len(m) for _e, m in found)
        children.append(card.heading(f"{title} ({total})", 3, "eco-mutualisation-titre"))
        with_matches = [(e, m) for e, m in found if m]
        if not with_matches:
            children.append(card.para([empty], "eco-vide"))
            continue
        children.append(
            card.bullet_list(
                [_entry_with_matches(e, m, side, today) for e, m in with_matches], css=f"eco-mutualisation-{side}"
            )
        )
    return card.div("eco-mutualisation-fiche", children)


def match_count(page_name: str) -> tuple[int, int]:
    """How many offers meet this fiche's open needs, and how many needs its open offers meet (reader's view)."""
    page = _current(page_name)
    matcher = reader_matcher()
    counts = []
    for side in (BESOINS, OFFRES):
        counts.append(sum(len(matcher.matches(e, SHOWN)) for e in entries_of(page, side)))
    return counts[0], counts[1]


# -- the network --------------------------------------------------------------------------------------------


class ListingError(ValueError):
    """A wrong argument of « Mutualisation »; the message (French) says what is valid."""


def parse_arguments(args: dict[str, str]) -> dict[str, Any]:
    known = ARGUMENTS
    for key in args:
        if key not in known:
            raise ListingError(
                f"Mutualisation : argument inconnu « {key} » ; arguments possibles : {', '.join(known)}."
            )
    out: dict[str, Any] = {"genre": None, "commune": None, "secteur": None, "limite": DEFAULT_LIMIT}
    if args.get("genre"):
        genre = next((g for g in GENRES if fold(g) == fold(args["genre"])), None)
        if genre is None:
            raise ListingError(
                f"Mutualisation : genre inconnu « {args['genre']} » ; genres possibles : {', '.join(GENRES)}."
            )
        out["genre"] = genre
    if args.get("commune"):

        found = communes.find(args["commune"])
        if found is None:
            raise ListingError(
                f"Mutualisation : commune inconnue « {args['commune']} » ; écrivez le nom d'une commune de "
                "Loire-Atlantique."
            )
        out["commune"] = found.nom
    if args.get("secteur"):
        out["secteur"] = args["secteur"]
    if args.get("limite"):
        text = args["limite"].strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
            raise ListingError(
                f"Mutualisation : « limite » doit être un nombre entre 1 et {MAX_LIMIT}, pas « {text} »."
            )
        out["limite"] = int(text)
    return out


def open_entries(genre: str | None, commune: str | None, secteur: str | None, sides: list[str]) -> list[Entry]:
    """The open needs and offers (``sides``) the reader may read, filtered."""
    matcher = reader_matcher()
    return [e for side in sides for e in _filtered(matcher.open_entries(side), genre, commune, secteur)]


def _filtered(needs: list[Entry], genre: str | None, commune: str | None, secteur: str | None) -> list[Entry]:
    if genre:
        needs = [e for e in needs if e.kind == genre]
    if commune:
        needs = [e for e in needs if e.whole_area or fold(e.commune or "") == fold(commune)]
    if secteur:
        needs = [e for e in needs if fold(secteur) in e.sectors]
    return needs


def open_needs(genre: str | None, commune: str | None, secteur: str | None) -> tuple[Matcher, list[Entry]]:
    """The open needs the reader may read, filtered, by fiche."""
    matcher = reader_matcher()
    needs = _filtered(matcher.open_entries(BESOINS), genre, commune, secteur)
    return matcher, sorted(needs, key=lambda e: (fold(e.page.title), e.number))


def listing(args: dict[str, Any]) -> Any:
    """The open needs of the network with their best offers; matches across sectors are marked."""
    today = dt.date.today()
    matcher, needs = open_needs(args["genre"], args["commune"], args["secteur"])
    found = [(e, matcher.matches(e, SHOWN)) for e in needs]
    met = sum(1 for _e, m in found if m)
    crossing = sum(1 for _e, m in found for x in m if x.cross_sector)
    found.sort(key=lambda em: (not em[1], fold(em[0].page.title), em[0].number))
    shown = found[: args["limite"]]
    summary = (
        f"{len(needs)} besoin(s) ouvert(s), dont {met} rencontrent au moins une offre du réseau ; "
        f"{crossing} rapprochement(s) entre secteurs différents."
    )
    children: list[Any] = [
        card.para([summary], "eco-compte"),
        card.para(
            [
                card.url_link(
                    route_url("ecossolies.ecossolies_mutualisation.feed"),
                    "Suivre les besoins et les offres (flux Atom)",
                    "eco-export",
                    "application/atom+xml",
                )
            ],
            "eco-exports",
        ),
    ]
    if not needs:
        children.append(card.para(["Aucun besoin ouvert pour cette sélection."], "eco-vide"))
        return card.div("eco-mutualisation", children)
    rows = []
    for need, matches in shown:
        nodes: list[Any] = [card.page_link(need.page.fullname, need.page.title or need.page.fullname), " : "]
        nodes += entry_nodes(need, today)
        if matches:
            nodes.append(card.bullet_list([match_nodes(m, BESOINS) for m in matches], css="eco-rapprochements"))
        else:
            nodes += [" ", card.span("eco-sans-offre", ["(aucune offre pour l'instant)"])]
        rows.append(nodes)
    children.append(card.bullet_list(rows, css="eco-besoins-ouverts"))
    if len(found) > len(shown):
        children.append(card.para([f"… et {len(found) - len(shown)} autre(s) besoin(s) ; augmentez « limite »."]))
    return card.div("eco-mutualisation", children)
