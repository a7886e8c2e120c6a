"""Our web views (exports) and the French defaults, attached to moin's Flask app."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from moin import flaskg
from moin.themes import render_template
from moin.utils.interwiki import url_for_item

from plugins.data import french, registry
from plugins.data.types.chaine import build_view, find_chain, rows
from plugins.indexing import query, selection_args
from plugins.indexing import search as recherche
from plugins.indexing.query import QueryError
from plugins.subventions import web as subventions_web
from plugins.views import chain_svg, fragments, maps
from plugins.views.urls import route_url
from plugins.web import debat as debat_web
from plugins.web import exports, forms, public_cache, reading, schema_forms, security, write_lock
from plugins.web import mutualisation as mutualisation_web

blueprint = Blueprint("ecossolies", __name__)
blueprint.register_blueprint(subventions_web.blueprint)  # the subsidies' routes, under ours
blueprint.register_blueprint(mutualisation_web.blueprint)  # pooling
blueprint.register_blueprint(debat_web.blueprint)  # debates

@blueprint.route("/+donnees/<type_name>.<fmt>")
def export(type_name: str, fmt: str, filename: str = "") -> Response:
    """A selection of structured pages in any format of the registry (``plugins/web/exports.py``), with the same
    arguments as the listing macros, for the current reader."""
    page_type = registry.get(type_name)
    found = exports.FORMATS.get(fmt)
    if page_type is None or found is None or (found.types is not None and type_name not in found.types):
        abort(404)
    asked = dict(request.args)
    options = {name: asked.pop(name) for name in found.options if name in asked}
    try:
        selection = selection_args.build(page_type, {}, asked)
        result = query.run(selection, all_rows=True)
        body = found.render(page_type, result.rows, request.host_url.rstrip("/"), **options)
    except QueryError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")
    response = Response(body, content_type=found.mimetype)
    extension = found.extension or fmt
    response.headers["Content-Disposition"] = f'inline; filename="{filename or page_type.plural + "." + extension}"'
    return exports.private(response)


@blueprint.route("/+nouvelle/<type_name>", methods=["GET", "POST"])
def new_page(type_name: str) -> Any:
    """The form that creates a page of any type, generated from its schema (plugins/web/schema_forms.py)."""
    return schema_forms.new_page(type_name)


@blueprint.route("/+formulaire/<path:item_name>", methods=["GET", "POST"])
def edit_page(item_name: str) -> Any:
    """The form that edits a structured page (plugins/web/schema_forms.py)."""
    return schema_forms.edit_page(item_name)


@blueprint.route("/+donnees/maillons.<fmt>")
def chain_export(fmt: str) -> Response:
    """A chain (``?chaine=…``) as a diagram (SVG) or as data (CSV, JSON), for the current reader."""

    if fmt not in ("svg", "csv", "json"):
        abort(404)
    chain = find_chain(request.args.get("chaine", ""))
    if chain is None:
        return Response("Chaîne inconnue ou illisible.\n", status=404, mimetype="text/plain")
    view = build_view(chain)
    if fmt == "svg":
        response = Response(chain_svg.render(view), mimetype="image/svg+xml")
    else:
        data = rows(view)
        if fmt == "csv":
            columns = ["chaine", "ordre", "maillon", "description", "acteur", "page", "commune", "statut"]
            response = Response(exports.table_csv(columns, data), content_type=exports.FORMATS["csv"].mimetype)
        else:
            body = json.dumps(
                {"chaine": view.title, "page": chain.fullname, "lignes": data}, ensure_ascii=False, indent=1
            )
            response = Response(body, content_type=exports.FORMATS["json"].mimetype)
    return exports.private(response)


@blueprint.route("/+agenda.ics")
def agenda_feed() -> Response:
    """The agenda as iCalendar (same arguments as <<Agenda>>): the registry's ``ics`` export of events, under the
    address calendar apps were given."""
    return export("evenement", "ics", filename="agenda-ecossolies.ics")


@blueprint.route("/+carte/<type_name>")
def map_page(type_name: str) -> Response:
    """The map document of a selection (shown in a <<Carte>> frame, or alone), for the current reader."""

    page_type = registry.get(type_name)
    if page_type is None or type_name not in maps.MAPPABLE:
        abort(404)
    try:
        selection = selection_args.build(page_type, {}, request.args)
    except QueryError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")
    placed = maps.placed(query.run(selection, all_rows=True), page_type)
    cfg = current_app.cfg
    document = maps.map_document(placed.places, placed.legend, cfg, title=f"Carte des {page_type.plural}")
    return exports.private(security.map_response(document, cfg))


SEARCH_ARGS = ("q", "page", "limite")


@blueprint.route("/+recherche")
@blueprint.route("/+recherche.<fmt>")
def search(fmt: str = "html") -> Any:
    """The wiki's French search (plugins/indexing/search.py): a results page, or JSON for other tools."""


    if fmt not in ("html", "json"):
        abort(404)
    args = request.args
    facet_filters = {k: v for k, v in args.items() if k in recherche.FACETS}
    unknown = [k for k in args if k not in recherche.FACETS and k not in SEARCH_ARGS]
    error = f"argument inconnu « {unknown[0]} »." if unknown else None
    result = None
    if error is None:
        try:
            page = int(args.get("page", "1"))
            limit = int(args.get("limite", str(recherche.PAGE_SIZE)))
        except ValueError:
            error = "« page » et « limite » doivent être des nombres."
        else:
            try:
                result = recherche.search(args.get("q", ""), facet_filters, page, limit)
            except recherche.SearchError as exc:
                error = str(exc)
    if fmt == "json":
        if error:
            body, status = {"erreur": error}, 400
        else:
            body, status = recherche.as_json(result, lambda name: url_for_item(name, _external=True)), 200
        return exports.private(Response(json.dumps(body, ensure_ascii=False), status, content_type=exports.FORMATS["json"].mimetype))

    def link(**changes: Any) -> str:
        """This search with some arguments changed (None removes one); a new selection starts at page 1."""
        kept = {k: v for k, v in args.items() if k != "page"}
        kept.update({k: v for k, v in changes.items() if v is not None})
        for k, v in changes.items():
            if v is None:
                kept.pop(k, None)
        return route_url("ecossolies.search", kept)

    html = render_template(
        "ecossolies/recherche.html",
        title_name="Recherche",
        search_query=args.get("q", ""),
        result=result,
        error=error,
        facet_labels=recherche.FACETS,
        field_names=recherche.field_names(),
        link=link,
        json_url=route_url("ecossolies.search", request.query_string.decode(), fmt="json"),
        page_url=lambda name: url_for_item(name),
    )
    return exports.private(Response(html, 400 if error else 200, mimetype="text/html"))


@blueprint.route("/+position/publier", methods=["POST"])
def publish_position() -> Any:
    """A member makes a draft position public (plugins/web/forms.py)."""

    return forms.publish_position()


def reader_locale() -> str:
    """The reader's language: the one chosen in their settings, otherwise the wiki's (French)."""
    user = getattr(flaskg, "user", None)
    locale = getattr(user, "locale", None) if user else None
    return locale or current_app.cfg.locale_default


def add_lang(response: Response) -> Response:
    """moin's base template has a bare <html>: say which language the page is in."""
    if response.mimetype == "text/html" and not response.direct_passthrough and not response.is_streamed:
        head = response.get_data()[:400]
        if b"<html>" in head:
            lang = reader_locale().replace("_", "-")
            response.set_data(response.get_data().replace(b"<html>", f'<html lang="{lang}">'.encode(), 1))
    return response


_INIT_LOCK = threading.Lock()


def init_app(app: Any) -> None:
    """Attach our views and French defaults to a moin app (once)."""
    with _INIT_LOCK:  # a threaded worker's first requests arrive together: one registers, the others wait
        _init_app(app)


def _init_app(app: Any) -> None:
    if "ecossolies" in app.blueprints:
        return
    app.register_blueprint(blueprint)
    # dates, hours and numbers of our pages in the wiki's own locale and time zone (wikiconfig.py)
    french.configure(getattr(app.cfg, "locale_default", None), getattr(app.cfg, "timezone_default", None))
    app.after_request(add_lang)
    write_lock.init_app(app)
    security.init_app(app)  # security headers and guards
    app.jinja_env.globals["eco_form_url"] = schema_forms.edit_link  # itemviews.html
    reading.init_app(app)  # moin's screens for French readers
    public_cache.init_app(app)  # anonymous answers kept (after security)
    fragments.init_app(app)  # kept parts of listings put in place first of all after_request (registered last)
    # moin 2.0.0b5 looks for wiki_local/custom.css relative to the current directory once its app is made,
    # undoing its own right answer: look where the configuration says (our card styles live there)
    app.cfg.custom_css_path = os.path.isfile(os.path.join(app.cfg.wiki_local_dir, "custom.css"))
    babel = app.extensions.get("babel")
    if babel is not None:
        babel.locale_selector = reader_locale
