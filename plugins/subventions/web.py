"""Web views of the subsidies: exports of a selection, its charts (SVG), its map, and the admins' upload form.

This module is imported with ``plugins/web/routes.py`` (its blueprint is nested in ours, so it is registered in the
same step); it stays light: matplotlib, folium and the data layer are imported by the views that use them.

Every view computes for the current reader (moin's ACLs on the source files, fiches and schemes) and is
never cached for another (``Cache-Control: private, no-store``). The selection arguments are those of
``<<Financements>>`` (``?annee=2023&commune=Rezé``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, abort, current_app, request, url_for
from moin import flaskg
from moin.themes import render_template

from plugins.data.csv_files import neutralise
from plugins.operations.bulk import ImportRefused
from plugins.subventions import analysis, csv_preview
from plugins.subventions.scdl import COLUMNS, MAX_FILE_BYTES
from plugins.subventions.store import IMPORT_PATH, import_file, may_import
from plugins.views.csrf import csrf_ok, csrf_token
from plugins.web import exports, security

if TYPE_CHECKING:
    from plugins.subventions.analysis import Filters

blueprint = Blueprint("ecossolies_financements", __name__, template_folder="templates")

CHARTS = {
    "lorenz": "Courbe de Lorenz",
    "annees": "Montant par année",
    "natures": "Montant par nature d'aide",
    "beneficiaires": "Les bénéficiaires les mieux dotés",
    "attribuants": "Montant par attribuant",
}
#: bars drawn at most in a chart (the tables and exports have all)
CHART_BARS = 15
#: bad rows listed on the upload page (the command lists them all)
SHOWN_ERRORS = 1000
#: where the upload form lives (only admins may use it)


@blueprint.record_once
def source_files_as_data(state: Any) -> None:
    """Public data files: indexed by name and metadata only, shown as a preview (``plugins/subventions/csv_preview.py``)."""
    csv_preview.configure(state.app)


def _filters() -> Filters | Response:

    try:
        return analysis.filters_from({}, request.args)
    except analysis.SelectionError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")


def scdl_csv(rows: list[dict[str, str]]) -> str:
    """CSV as the official examples are written (« , », UTF-8 without BOM), every cell neutralised."""


    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row.get(c, "")) for c in COLUMNS])
    return out.getvalue()


#: the exports of a selection: strictly SCDL 2.1.1, enriched CSV, JSON
EXPORTS = ("subventions.csv", "subventions-enrichi.csv", "subventions.json")
#: how many selected subsidies the strict export leaves out (they are in the enriched one)
LEFT_OUT_HEADER = "X-Subventions-Hors-Schema"


@blueprint.route("/+donnees/subventions.csv", defaults={"name": "subventions.csv"})
@blueprint.route("/+donnees/subventions-enrichi.csv", defaults={"name": "subventions-enrichi.csv"})
@blueprint.route("/+donnees/subventions.json", defaults={"name": "subventions.json"})
def export(name: str) -> Response:
    """The selected subsidies: ``subventions.csv`` strictly as the SCDL 2.1.1 schema (its columns, order and
    formats; the records it cannot hold are left out and counted in a header), ``subventions-enrichi.csv`` with
    our additions, ``subventions.json`` with numbers as numbers."""

    if name not in EXPORTS:
        abort(404)
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    w = analysis.world(current_app)
    left = None
    if name == "subventions.csv":
        data, left = analysis.scdl_rows(w, filters)
        response = Response(scdl_csv(data), content_type="text/csv; charset=utf-8")
    elif name == "subventions-enrichi.csv":
        text = exports.table_csv(list(analysis.ENRICHED_COLUMNS), analysis.rows(w, filters))
        response = Response(text, content_type="text/csv; charset=utf-8")
    else:
        items = analysis.json_rows(w, filters)
        body = json.dumps(
            {
                "selection": dict(filters.items()),
                "nombre": len(items),
                "methode": analysis.METHOD,
                "subventions": items,
            },
            ensure_ascii=False,
        )
        response = Response(body, content_type="application/json; charset=utf-8")
    if left is not None:
        response.headers[LEFT_OUT_HEADER] = str(left)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return exports.private(response)


@blueprint.route("/+financements/graphique/<name>.svg")
def chart(name: str) -> Response:
    """A chart of the selection, as SVG."""
    if name not in CHARTS:
        abort(404)
    filters = _filters()
    if isinstance(filters, Response):
        return filters
    from plugins.subventions import charts  # matplotlib takes seconds to load: on the first chart, not at start

    w = analysis.world(current_app)
    figures = analysis.compute(w, filters)

    def draw() -> str:
        if name == "lorenz":
            return charts.lorenz_svg(figures)
        if name == "annees":
            return charts.bars_svg(figures.by_year, CHARTS[name], horizontal=False)
        lines = {"natures": figures.by_nature, "beneficiaires": figures.beneficiaries}.get(name, figures.by_attribuant)
        return charts.bars_svg(lines[:CHART_BARS], CHARTS[name])

    # drawn once per state of the data, reader's rights and selection (the key says all three)
    svg = analysis.remember(("svg", name, w.key, filters), draw)
    response = Response(svg, mimetype="image/svg+xml")
    # an SVG opened alone must not run anything
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return exports.private(response)


@blueprint.route("/+financements/carte")
def map_page() -> Response:
    """The map of amounts by commune of the beneficiaries (shown in the macro's frame, or alone)."""

    filters = _filters()
    if isinstance(filters, Response):
        return filters
    from plugins.subventions import charts  # matplotlib takes seconds to load: on the first map, not at start

    w = analysis.world(current_app)
    figures = analysis.compute(w, filters)
    cfg = current_app.cfg
    document = analysis.remember(
        ("carte", w.key, filters), lambda: charts.map_document(figures.by_commune, cfg)
    )
    return exports.private(security.map_response(document, cfg))


@blueprint.route(IMPORT_PATH, methods=["GET", "POST"])
def upload() -> Any:
    """GET: the upload form. POST: check the file whole, say what it holds (rows, total, years, grantors,
    warnings by kind), then store it (all or nothing) unless « Vérifier sans importer » was pressed."""


    allowed = may_import()
    report, errors, summary, status = "", [], "", 200
    found: list[str] = []
    noted: list[str] = []
    if request.method == "POST":
        if not csrf_ok():
            summary, status = "Le formulaire a expiré : envoyez-le de nouveau.", 400
        elif not allowed:
            summary, status = "Seuls les administrateurs importent des fichiers de subventions.", 403
        else:
            sent = request.files.get("fichier")
            if sent is None or not sent.filename:
                summary, status = "Choisissez un fichier CSV.", 422
            else:
                data = sent.stream.read(MAX_FILE_BYTES + 1)  # never more than the import accepts
                try:
                    result = import_file(
                        current_app,
                        data,
                        sent.filename,
                        origine=request.form.get("origine", ""),
                        user=flaskg.user.name[0],
                        dry_run=bool(request.form.get("essai")),
                    )
                    report, found, noted = str(result), result.summary, result.warnings
                except ImportRefused as exc:
                    summary, status = f"Import refusé, rien n'a été écrit : {exc.summary}", 422
                    errors = exc.rows[:SHOWN_ERRORS]
                    if len(exc.rows) > SHOWN_ERRORS:
                        errors.append(
                            f"… et {len(exc.rows) - SHOWN_ERRORS} autre(s) : la commande make import-subventions "
                            "les donne toutes."
                        )
    elif not allowed:
        status = 403
    html = render_template(
        "ecossolies/import_subventions.html",
        title_name="Importer des subventions",
        allowed=allowed,
        logged_in=bool(flaskg.user.valid),
        report=report,
        summary=summary,
        errors=errors,
        found=found,
        noted=noted,
        origine=request.form.get("origine", ""),
        csrf_token=csrf_token(),
        action=url_for("ecossolies.ecossolies_financements.upload"),
    )
    return html, status
