"""Our web views (exports) and the French defaults, attached to moin's Flask app."""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from moin import flaskg

from plugins import exports, query, registry, selection_args
from plugins.query import QueryError

blueprint = Blueprint("ecossolies", __name__, template_folder="templates")

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@blueprint.route("/+donnees/<type_name>.<fmt>")
def export(type_name: str, fmt: str) -> Response:
    """A selection of structured pages as CSV or JSON (same arguments as the listing macros)."""
    page_type = registry.get(type_name)
    if page_type is None or fmt not in MIMETYPES:
        abort(404)
    try:
        selection = selection_args.build(page_type, {}, request.args)
    except QueryError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")
    result = query.run(selection, all_rows=True)
    base_url = request.host_url.rstrip("/")
    body = (exports.to_csv if fmt == "csv" else exports.to_json)(page_type, result.rows, base_url)
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'inline; filename="{page_type.plural}.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/+nouvelle/fiche", methods=["GET", "POST"])
def new_fiche() -> Any:
    """The « Nouvelle fiche » form (plugins/forms.py)."""
    from plugins import forms

    return forms.new_fiche()


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


def init_app(app: Any) -> None:
    """Attach our views and French defaults to a moin app (once)."""
    if "ecossolies" in app.blueprints:
        return
    app.register_blueprint(blueprint)
    app.after_request(add_lang)
    # moin 2.0.0b5 looks for wiki_local/custom.css relative to the current directory once its app is made,
    # undoing its own right answer: look where the configuration says (our card styles live there)
    app.cfg.custom_css_path = os.path.isfile(os.path.join(app.cfg.wiki_local_dir, "custom.css"))
    babel = app.extensions.get("babel")
    if babel is not None:
        babel.locale_selector = reader_locale
