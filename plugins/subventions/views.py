"""What readers see of the subsidies, as moin DOM: the <<Financements>> view, a fiche's and a scheme's boxes.

Every figure is also in a table (the charts are pictures of the tables); names go in as text nodes and
links through IRIs, so nothing from a public file can inject markup.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import quote

from flask import request
from moin.utils.tree import html, moin_page

from plugins.data import french, numbers
from plugins.subventions import analysis
from plugins.subventions.analysis import Figures, Filters, Line, World
from plugins.subventions.scdl import Subvention
from plugins.subventions.store import Parsed, may_import
from plugins.views import card
from plugins.views.urls import route_url


def link(endpoint: str, filters: Filters, **values: str) -> str:
    """A link to a route of the subsidies (plugins/subventions/web.py) with the reader's filters."""
    return route_url(f"ecossolies.ecossolies_financements.{endpoint}", filters.query_string(), **values)

def cell(value: Any) -> Any:
    return moin_page.table_cell(children=[value])


def table(columns: list[str], rows: list[list[Any]], css: str) -> Any:
    return moin_page.table(
        attrib={moin_page.class_: f"moin-sortable eco-tableau {css}"},
        children=[
            moin_page.table_header(children=[moin_page.table_row(children=[cell(c) for c in columns])]),
            moin_page.table_body(children=[moin_page.table_row(children=[cell(v) for v in row]) for row in rows]),
        ],
    )


def chart(name: str, filters: Filters, alt: str) -> Any:
    return html.img(
        attrib={
            html.src: link("chart", filters, name=name),
            html.alt: alt,
            html.class_: f"eco-schema eco-graphique eco-graphique-{name}",  # eco-schema: fits the screen
        }
    )


@functools.lru_cache(maxsize=4096)
def share(part: int, whole: int) -> str:
    return numbers.percent(numbers.rate(part, whole))


@functools.lru_cache(maxsize=4096)
def euros(cents: int) -> str:
    """Amounts in cents, written the French way (memoised: a view writes many, babel is slow at it)."""
    return numbers.euros(Decimal(cents) / 100)


def narrowed(filters: Filters, **change: Any) -> str:
    return f"{request.path}?{filters.query_string(**change)}"


def deciles(points: list[tuple[Fraction, Fraction]]) -> list[list[Any]]:
    """« the poorest x % receive y % » for x = 10 … 100 (linear between the beneficiaries)."""
    if not points:
        return []
    n = len(points) - 1
    rows = []
    for d in range(1, 11):
        k = Fraction(n * d, 10)
        i = int(k)
        y = points[i][1] if i >= n else points[i][1] + (k - i) * (points[i + 1][1] - points[i][1])
        rows.append([f"{d * 10} %", numbers.percent(analysis.rounded(y * 100, "0.1"))])
    return rows


def split_rows(lines: list[Line], total: int, filters: Filters, facet: str | None, limit: int = 100) -> list:
    rows = []
    for line in lines[:limit]:
        label: Any = line.label
        if line.page is not None:
            label = card.page_link(line.page.fullname, line.label)
        elif facet:
            label = card.url_link(narrowed(filters, **{facet: line.label}), line.label, css="eco-facette")
        rows.append(
            [
                label,
                numbers.count(line.count),
                numbers.count(line.beneficiaries),
                euros(line.cents),
                share(line.cents, total),
            ]
        )
    return rows


SPLIT_COLUMNS = ["Subventions", "Bénéficiaires", "Montant", "Part du total"]


def body(figures: Figures, filters: Filters, top: int) -> list[Any]:
    total = figures.total
    out: list[Any] = []
    essentials = [
        ("Montant total", [euros(total)]),
        ("Subventions", [numbers.count(figures.count)]),
        ("Bénéficiaires", [numbers.count(len(figures.beneficiaries))]),
        (
            "Part des 10 % les mieux dotés",
            [f"{numbers.percent(figures.top_share)} ({_top_label(figures.top_count)})"],
        ),
        ("Indice de Gini", [numbers.index(figures.gini)]),
    ]
    out += [card.heading("L'essentiel", 3), card.definition_list(essentials, css="eco-champs eco-essentiel")]
    out.append(
        card.para(
            [
                "L'indice de Gini va de 0 (tous les bénéficiaires reçoivent autant) à presque 1 (un seul reçoit tout). "
                "Les 10 % les mieux dotés : le dixième des bénéficiaires (arrondi au-dessus) qui reçoit le plus."
            ],
            "eco-aide",
        )
    )
    out.append(card.para([analysis.METHOD], "eco-aide eco-methode"))
    out += [
        card.heading("Concentration", 3),
        chart("lorenz", filters, "Courbe de Lorenz de la sélection ; ses chiffres sont dans le tableau qui suit."),
        table(
            ["Bénéficiaires les moins dotés", "Part du total qu'ils reçoivent"], deciles(figures.lorenz), "eco-deciles"
        ),
    ]
    out += [
        card.heading("Les bénéficiaires les mieux dotés", 3),
        chart(
            "beneficiaires", filters, "Montants des bénéficiaires les mieux dotés ; chiffres dans le tableau qui suit."
        ),
        table(
            ["Rang", "Bénéficiaire", "Commune", "Subventions", "Montant", "Part du total"],
            [
                [
                    str(rank),
                    _named(line),
                    line.commune,
                    numbers.count(line.count),
                    euros(line.cents),
                    share(line.cents, total),
                ]
                for rank, line in enumerate(figures.beneficiaries[:top], 1)
            ],
            "eco-palmares",
        ),
    ]
    out += [
        card.heading("Par année", 3),
        chart("annees", filters, "Montant par année ; chiffres dans le tableau qui suit."),
        table(["Année", *SPLIT_COLUMNS], split_rows(figures.by_year, total, filters, "annee"), "eco-par-annee"),
        card.heading("Par nature d'aide", 3),
        chart("natures", filters, "Montant par nature d'aide ; chiffres dans le tableau qui suit."),
        table(["Nature", *SPLIT_COLUMNS], split_rows(figures.by_nature, total, filters, "nature"), "eco-par-nature"),
        card.heading("Par attribuant", 3),
        table(
            ["Attribuant", *SPLIT_COLUMNS],
            split_rows(figures.by_attribuant, total, filters, "attribuant", 20),
            "eco-par-attribuant",
        ),
    ]
    if figures.by_scheme:
        out += [
            card.heading("Par dispositif d'aide", 3),
            table(
                ["Dispositif", *SPLIT_COLUMNS],
                split_rows(figures.by_scheme, total, filters, "dispositif", 30),
                "eco-par-dispositif",
            ),
        ]
    placed, unplaced = analysis.located(figures.by_commune)
    frame = html.iframe(
        attrib={
            html.src: link("map_page", filters),
            html("title"): f"Carte des montants par commune des bénéficiaires ({len(placed)} communes)",
            html.class_: "eco-carte-frame",
            html("sandbox"): "allow-scripts allow-popups allow-top-navigation-by-user-activation",
        }
    )
    out += [
        card.heading("Par commune des bénéficiaires", 3),
        card.div("eco-carte-cadre", [frame]),
        table(
            ["Commune", *SPLIT_COLUMNS], split_rows(figures.by_commune, total, filters, "commune"), "eco-par-commune"
        ),
    ]
    unknown = sum(line.cents for line in unplaced)
    if unknown:
        out.append(
            card.para(
                [
                    f"{euros(unknown)} vont à des bénéficiaires dont la commune n'est pas connue ou est hors de la carte : "
                    "donnez son SIRET ou son numéro RNA à leur fiche, ou chargez une table SIRET → commune."
                ],
                "eco-aide",
            )
        )
    return out


def sources_and_links(figures: Figures | None, filters: Filters) -> list[Any]:
    out: list[Any] = []
    if figures is not None and figures.sources:
        out.append(card.heading("Sources", 3))
        out.append(
            card.bullet_list(
                [
                    [
                        _source_link(parsed),
                        f" : {french.plural(n, 'subvention')} de la sélection. ",
                        card.span("eco-origine", [_short_hash(parsed.comment)]),
                    ]
                    for parsed, n in figures.sources
                ],
                css="eco-sources",
            )
        )
    links = [
        card.url_link(link("export", filters, name=name), label, css=f"eco-export eco-export-{css}", mimetype=mime)
        for name, label, css, mime in (
            ("subventions.csv", "CSV au schéma SCDL 2.1.1", "csv", "text/csv"),
            ("subventions-enrichi.csv", "CSV enrichi (fiche, commune, source, avertissements)", "enrichi", "text/csv"),
            ("subventions.json", "JSON", "json", "application/json"),
        )
    ]
    out.append(card.para(["Télécharger cette sélection : ", *card.joined(links, " · ")], "eco-exports"))
    if figures is not None and figures.outside_schema:
        out.append(
            card.para(
                [
                    f"{numbers.count(figures.outside_schema)} subvention(s) de la sélection ne peuvent s'écrire au "
                    "schéma SCDL 2.1.1 (date réduite à l'année, SIREN sans SIRET, valeur obligatoire absente…) : "
                    "elles ne sont que dans le CSV enrichi, avec la raison."
                ],
                "eco-aide",
            )
        )
    if figures is not None and figures.apart:
        out.append(
            card.para(
                [
                    f"{numbers.count(figures.apart)} prêt(s) ou garantie(s) publié(s) sans montant dans les fichiers "
                    "lus : gardés à part, non comptés dans les montants."
                ],
                "eco-aide",
            )
        )
    if may_import():
        out.append(card.para([card.url_link(route_url("ecossolies.ecossolies_financements.upload"), "Importer un fichier de subventions (SCDL)")], "eco-import"))
    return out


def view(figures: Figures, filters: Filters, top: int) -> Any:
    """The whole <<Financements>> block: the selection, the figures, the sources, the links."""
    children: list[Any] = []
    chosen = filters.items()
    if chosen:
        children.append(
            card.para(
                [
                    "Sélection : " + ", ".join(f"{k} : {v}" for k, v in chosen) + " ",
                    card.url_link(request.path, "(tout voir)", css="eco-retirer"),
                ],
                "eco-compte",
            )
        )
    if figures.count == 0:
        children.append(card.para(["Aucune subvention ne correspond à cette sélection."], "eco-vide"))
    else:
        children += body(figures, filters, top)
    children += sources_and_links(figures, filters)
    return card.div("eco-financements", children)


def _source_link(parsed: Parsed) -> Any:
    """A link to a source file: it exists (it was just read), so no lookup as for a wiki link."""
    return card.url_link("/" + quote(parsed.source.name), parsed.source.title, css="eco-source")


def received_box(fiche_name: str, found: list[tuple[Subvention, Parsed]]) -> Any:
    """A fiche's subsidies from public files: total, then one line each (date, from whom, what, how much, source)."""
    total = sum(record.part for record, _origin in found)
    shown = found[:50]
    rows = [
        [french.date(record.date), record.attribuant, record.objet or "—", euros(record.montant), _source_link(origin)]
        for record, origin in shown
    ]
    more = (
        [card.para([f"… et {french.plural(len(found) - len(shown), 'autre')} : voir l'export CSV."], "eco-aide")]
        if len(found) > len(shown)
        else []
    )
    filters = Filters(fiche=fiche_name)
    return card.div(
        "eco-subventions-fiche",
        [
            card.heading("Subventions reçues (données publiques)", 3),
            card.para(
                [
                    f"{french.plural(len(found), 'subvention')}, {euros(total)} au total, d'après les fichiers publics "
                    "importés dans le wiki (format SCDL)."
                ],
                "eco-compte",
            ),
            table(["Date", "Attribuant", "Objet", "Montant reçu", "Source"], rows, "eco-subventions-recues"),
            *more,
            card.para(
                [
                    card.url_link(
                        link("export", filters, name="subventions-enrichi.csv"),
                        "Télécharger en CSV",
                        css="eco-export eco-export-csv",
                        mimetype="text/csv",
                    )
                ],
                "eco-exports",
            ),
        ],
    )


def _part(record: Subvention) -> str:
    """What the beneficiary received: its share, and of which total when the grant is shared."""
    if record.part == record.montant:
        return euros(record.montant)
    ratio = numbers.percent(analysis.rounded(Fraction(record.pourcentage) * 100, "0.1"))
    return f"{euros(record.part)} ({ratio} de {euros(record.montant)})"


def funded_box(w: World, indices: list[int]) -> Any:
    """What a scheme funded according to public files: totals and the beneficiaries, best-funded first."""
    records = w.visible.records
    total = sum(records[i].part for i in indices)
    lines = analysis.split(w, indices, lambda i: w.who[i].key, lambda i: w.who[i].fiche)
    names = {w.who[i].key: w.who[i].name for i in indices}
    rows = [
        [
            card.page_link(line.page.fullname, names[line.label]) if line.page is not None else names[line.label],
            numbers.count(line.count),
            euros(line.cents),
        ]
        for line in lines[:50]
    ]
    sources = sorted(
        {w.visible.origins[i].source.name: w.visible.origins[i] for i in indices}.values(), key=lambda p: p.source.name
    )
    return card.div(
        "eco-subventions-dispositif",
        [
            card.heading("Ce que le dispositif a financé (données publiques)", 3),
            card.para(
                [
                    f"{french.plural(len(indices), 'subvention')} à {french.plural(len(lines), 'bénéficiaire')}, "
                    f"{euros(total)} au total."
                ],
                "eco-compte",
            ),
            table(["Bénéficiaire", "Subventions", "Montant"], rows, "eco-finances-par-dispositif"),
            card.para(["Sources : ", *card.joined([_source_link(p) for p in sources])], "eco-aide"),
        ],
    )


def _named(line: Line) -> Any:
    """A beneficiary in the ranking: its fiche or its name, and the other spellings it is published under."""
    name: Any = card.page_link(line.page.fullname, line.label) if line.page is not None else line.label
    others = [s for s in line.spellings if s != line.label]
    if not others:
        return name
    return moin_page.span(
        children=[name, card.span("eco-graphies", [" (aussi écrit : " + " ; ".join(others[:5]) + ")"])]
    )


def _top_label(k: int) -> str:
    return "le premier bénéficiaire" if k == 1 else f"les {numbers.count(k)} premiers bénéficiaires"


def _short_hash(comment: str) -> str:
    """The revision comment, its SHA-256 cut short (the whole one is in the item's history; it would not wrap)."""
    comment = re.sub(r"\b(\d{4}-\d{2}-\d{2})\b", lambda m: french.date(m.group(1)), comment)  # « 2 décembre 2026 »
    return re.sub(r"\b([0-9a-f]{12})[0-9a-f]{52}\b", r"\1…", comment)
