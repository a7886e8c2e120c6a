"""Agenda — les événements de l'université populaire, par date, avec la vue du mois.

Arguments (facultatifs) : ``categorie``, ``theme``, ``lieu``, ``commune`` (filtres), ``periode`` :
``à venir`` (par défaut, l'année qui vient), ``passés`` (les deux dernières années) ou un mois ``AAAA-MM``
(avec la vue du mois en calendrier) ; ``limite`` : nombre de dates montrées (50 par défaut). Un événement répété (« chaque premier mardi du mois ») apparaît à chacune
de ses dates. Liens : l'agenda au format iCalendar (à ajouter à son agenda) et la carte des événements.

Exemples : ``<<Agenda>>``, ``<<Agenda(periode="2026-03")>>``, ``<<Agenda(categorie="atelier", commune="Rezé")>>``
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date
from flask import request
from moin.macros._base import MacroBlockBase
from moin.utils.tree import moin_page

from plugins.data import french, registry
from plugins.data.text import fold
from plugins.indexing import agenda, query, selection_args
from plugins.indexing.query import QueryError
from plugins.views import card, maps
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments
from plugins.views.urls import route_url

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def month_view(start: dt.datetime, found: list[agenda.Occurrence]) -> Any:
    by_day: dict[dt.date, list[agenda.Occurrence]] = {}
    for o in found:
        by_day.setdefault(o.start.date(), []).append(o)
    header = moin_page.table_header(
        children=[
            moin_page.table_row(
                # the full name on a computer, « lun. » on a phone (seven columns of 45 px cut « mercredi »)
                children=[
                    moin_page.table_cell(
                        children=[card.span("eco-jour-long", [d]), card.span("eco-jour-court", [d[:3] + "."])]
                    )
                    for d in DAYS
                ]
            )
        ]
    )
    rows = []
    for week in agenda.month_weeks(start.year, start.month):
        cells = []
        for day in week:
            content: list[Any] = []
            if day is not None:
                content.append(card.span("eco-jour", [str(day.day)]))
                for o in by_day.get(day, []):
                    content += [" ", card.page_link(o.page.fullname, o.page.title)]
            cells.append(moin_page.table_cell(children=content or [""]))
        rows.append(moin_page.table_row(children=cells))
    return moin_page.table(
        attrib={moin_page.class_: "eco-mois"}, children=[header, moin_page.table_body(children=rows)]
    )


def _month_link(day: dt.date, text: str) -> Any:
    """A link to this page showing the month of ``day`` (other arguments of the reader kept)."""
    args = {k: v for k, v in request.args.items() if k != "periode"}
    args["periode"] = f"{day.year:04d}-{day.month:02d}"
    return card.url_link(f"{request.path}?{urlencode(args)}", text)


def month_navigation(month_start: dt.datetime | None) -> Any:
    """« ← février 2027 · Tout ce qui vient · avril 2027 → » around the month shown, or « Voir par mois »."""
    if month_start is None:
        today = dt.datetime.now(french.time_zone()).date()
        return card.para([_month_link(today, "Voir mois par mois (calendrier)")], "eco-mois-nav")
    first = month_start.date()
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    args = {k: v for k, v in request.args.items() if k != "periode"}
    upcoming = request.path + (f"?{urlencode(args)}" if args else "")
    return card.para(
        [
            _month_link(previous, f"← {format_date(previous, 'MMMM y', locale=french.locale())}"),
            " · ",
            card.url_link(upcoming, "à venir"),
            " · ",
            _month_link(following, f"{format_date(following, 'MMMM y', locale=french.locale())} →"),
        ],
        "eco-mois-nav",
    )


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        page_type = registry.get("evenement")
        try:
            fixed = keyword_arguments(arguments, "Agenda")
            asked = dict(request.args)
            written = next((v for k, v in fixed.items() if fold(k) == "periode"), "")
            # a period written in the page (« Événements passés ») is the author's: the reader's ?periode= (the
            # month they browse) applies only to an agenda that names none
            periode = written or asked.pop("periode", None) or ""
            asked.pop("periode", None)
            fixed = {k: v for k, v in fixed.items() if fold(k) != "periode"}
            start, end, label = agenda.window(periode)
            selection = selection_args.build(page_type, fixed, asked)
        except (ArgumentError, QueryError) as exc:
            return error_box(f"Agenda : {exc}", alternative)
        pages = query.run(selection, all_rows=True).rows
        found = agenda.entries(pages, start, end, past_first=(label == "passés"))[: selection.limit]
        children: list[Any] = [card.para([f"{len(found)} date{'s' if len(found) > 1 else ''} ({label})"], "eco-compte")]
        if not written:  # the reader browses: month by month, or back to what is coming
            children.append(month_navigation(start if label not in ("à venir", "passés") else None))
        if periode and label not in ("à venir", "passés"):
            children.append(month_view(start, found))
        month, items = None, []
        for o in found:
            current = format_date(o.start.date(), "MMMM y", locale=french.locale())
            if current != month:
                if items:
                    children.append(card.bullet_list(items, css="eco-liste eco-agenda"))
                children.append(card.heading(current[:1].upper() + current[1:], 3))
                month, items = current, []
            items.append(
                [
                    card.strong(french.moment(o.start, o.whole_day)),
                    " — ",
                    card.page_link(o.page.fullname, o.page.title),
                    *([f" ({o.page.data['categorie']})"] if o.page.data.get("categorie") else []),
                    *([f" · {o.page.data['lieu']}"] if o.page.data.get("lieu") else []),
                ]
            )
        if items:
            children.append(card.bullet_list(items, css="eco-liste eco-agenda"))
        if not found:
            children.append(card.para(["Aucun événement pour cette période."], "eco-vide"))
        params = {**selection.filters, **({"periode": periode} if periode else {})}
        children.append(
            card.para(
                [
                    card.url_link(
                        route_url("ecossolies.agenda_feed", params),
                        "Ajouter à mon agenda (iCalendar)",
                        css="eco-export",
                        mimetype="text/calendar",
                    ),
                    " · ",
                    card.url_link(maps.map_url("evenement", selection), "Carte des événements", css="eco-export"),
                    " · Les heures sont celles de Paris.",
                ],
                "eco-exports",
            )
        )
        return card.div("eco-agenda-macro", children)
