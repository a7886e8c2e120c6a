"""Guards around moin 2.0.0b5's own views and templates, whose holes an outside test found (issue 12).

plugins/web/security.py guards every request (headers, origin, login throttle); this module closes holes in moin's
own views without touching moin's files: templates served in place of moin's (from our theme), views wrapped or
replaced through ``app.view_functions``, answers filtered in ``after_request``. Attached by ``init_app``, called
from ``securite.init_app``.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import sre_constants
import sre_parse
from collections.abc import Callable
from typing import Any

import moin.user
import moin.utils.subscriptions as subscriptions
from flask import Response, flash, redirect, request, url_for
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, TemplateNotFound
from markupsafe import escape
from moin import flaskg
from moin.constants.keys import ACL, CURRENT, LATEST_REVS
from moin.items import Item, acl_validate
from moin.storage.middleware.exceptions import AccessDenied
from moin.storage.middleware.indexing import IndexingMiddleware
from moin.utils.edit_locking import DB_NAME, PREVIEW, SQL
from moin.utils.names import split_fqname
from werkzeug.exceptions import HTTPException, NotFound
from whoosh.qparser import RegexPlugin

from plugins.data.flat import INVISIBLE
from plugins.web import moin_feed, public_cache
from plugins.web.security import SCRIPT_PATHS, defuse_html, executable, french_refusal

#: moin templates served in place of moin's: copies of moin's with the escaping fixed. Not in the theme's
#: ``templates/``: moin imports ``utils.html`` by its plain name (``{% import "utils.html" %}``), which flask-theme
#: does not resolve to the theme, and a theme copy made flask-theme's ``theme("utils.html")`` go through its
#: request-bound loader, which failed in some request sequences (TemplateNotFound). So they live in
#: ``themes/ecossolies/moin_templates/`` and this loader, first in Jinja's chain, serves them under moin's names.
OVERRIDDEN_TEMPLATES = ("utils.html", "ajaxsearch.html")
MOIN_TEMPLATES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "themes", "ecossolies", "moin_templates"
)


class OverrideLoader(BaseLoader):
    """Serves the few overridden moin templates under moin's own names."""

    def __init__(self) -> None:
        self.files = FileSystemLoader(MOIN_TEMPLATES)

    def get_source(self, environment: Any, template: str) -> Any:
        if template not in OVERRIDDEN_TEMPLATES:
            raise TemplateNotFound(template)
        return self.files.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return list(OVERRIDDEN_TEMPLATES)


# --- raw contents: no member upload is ever served as script or HTML --------------------------------------------

#: content types a browser runs as script or as a document with script
ACTIVE_TYPES = re.compile(
    r"^(text/(html|javascript|ecmascript|jscript|livescript|x-javascript|x-ecmascript|xml|xsl|x-component)"
    r"|application/(javascript|ecmascript|x-javascript|x-ecmascript|xhtml\+xml|xml|xslt\+xml|rss\+xml|atom\+xml"
    r"|wasm|json|manifest\+json|mathml\+xml|vnd\.wap\.xhtml\+xml|x-shockwave-flash|pdf)"
    r"|image/svg\+xml|text/css|multipart/)",
    re.IGNORECASE,
)
#: types that stay as they are on /+get: images and sound a page shows (no script runs in them)
PASSIVE_TYPES = re.compile(r"^(image/(png|jpeg|gif|webp|bmp|x-icon|vnd\.microsoft\.icon)|audio/|video/|text/plain)")


#: moin views that serve a member's item as XML for debugging (``/+dom``)
DEBUG_XML = ("/+dom/",)


def neutral_raw(response: Response) -> Response:
    """A member's upload (``/+get``, ``/+download``) is never served with a type a browser runs.

    ``<script src="/+get/x.js">`` ran a member's script with the wiki's origin (``script-src 'self'``), and
    ``/+download/…?mimetype=`` let anyone choose the type. Text is served as ``text/plain``, anything else
    (HTML, XML, PDF, unknown) as a download; images, sound and video keep their type, SVG as a download (an
    ``<img>`` still shows it).
    Any other answer with a script type outside the wiki's script paths becomes plain text too.
    """
    mimetype = (response.mimetype or "").lower()
    path = request.path
    raw = path.startswith(("/+get/", "/+download/"))
    if raw and not PASSIVE_TYPES.match(mimetype) and mimetype != "image/svg+xml":
        if mimetype.startswith("text/") or ACTIVE_TYPES.match(mimetype):
            charset = response.mimetype_params.get("charset")  # the bytes are unchanged: so is their encoding
            response.headers["Content-Type"] = "text/plain" + (f"; charset={charset}" if charset else "")
        else:
            response.headers["Content-Type"] = "application/octet-stream"
        if mimetype.startswith(("text/html", "application/xhtml", "application/pdf")) or not mimetype.startswith(
            "text/"
        ):
            response.headers["Content-Disposition"] = _attachment(response)
    elif raw and mimetype == "image/svg+xml":
        # an <img> (how moin shows an SVG in a page) ignores the disposition and runs no script; opened as a
        # page or in a frame, an SVG runs its scripts: downloaded instead, even in a browser without the CSP
        response.headers["Content-Disposition"] = _attachment(response)
    elif path.startswith(DEBUG_XML) and mimetype != "text/html":
        # moin's DOM of an item, as XML: a browser would render it (XHTML elements, stylesheets): shown as text
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
    elif not raw and "javascript" in mimetype and not path.startswith(SCRIPT_PATHS):
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(response: Response) -> str:
    current = response.headers.get("Content-Disposition", "")
    if current.startswith("attachment"):
        return current
    return "attachment" + current[len("inline") :] if current.startswith("inline") else "attachment"


# --- executable URLs in served HTML -------------------------------------------------------------------------------

def defuse_urls(response: Response) -> Response:
    """No executable URL leaves the wiki in HTML, whatever markup or converter of moin wrote it.

    moin writes a transclusion ``{{javascript://%0Aalert(1)}}`` as ``<object data="javascript:…">`` and its
    overlay link as ``href="javascript:…"``; each such attribute becomes ``#``.
    """
    if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return response
    if public_cache.served_from_cache():  # defused when it was kept
        return response
    body = response.get_data(as_text=True)
    if ":" not in body:
        return response
    fixed = defuse_html(body)
    if fixed != body:
        response.set_data(fixed)
    return response


# --- user-supplied regular expressions (ReDoS) --------------------------------------------------------------------

MAX_PATTERN = 200
#: repeats a pattern may hold: each over one character only (no group repeated), so matching stays polynomial
MAX_REPEATS = 2
SINGLE = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN}
REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
ALLOWED = SINGLE | REPEATS | {sre_constants.AT, sre_constants.SUBPATTERN, sre_constants.BRANCH}


class UnsafePattern(ValueError):
    """A user's regular expression that could take exponential time (or is not one at all)."""


def check_pattern(pattern: str) -> None:
    """Accept a member's regular expression only if Python's engine runs it in bounded time.

    Backtracking blows up on a repeated group (``(a+)+``, ``(a|a)*``) and on many repeats in a row: accepted are
    literal text, ``.``, classes, anchors, alternatives and groups, and at most two repeats, each over one character.
    """
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(f"expression trop longue (au plus {MAX_PATTERN} caractères)")
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise UnsafePattern(f"expression invalide ({exc})") from None
    repeats = 0

    def walk(items: Any) -> None:
        nonlocal repeats
        for op, arg in items:
            if op not in ALLOWED:
                raise UnsafePattern("construction refusée (références, assertions…)")
            if op in REPEATS:
                repeats += 1
                body = list(arg[2])
                if len(body) != 1 or body[0][0] not in SINGLE:
                    raise UnsafePattern("répétition d'un groupe refusée (temps de calcul explosif)")
            elif op == sre_constants.SUBPATTERN:
                walk(arg[-1])
            elif op == sre_constants.BRANCH:
                for branch in arg[1]:
                    walk(branch)

    walk(parsed)
    if repeats > MAX_REPEATS:
        raise UnsafePattern(f"trop de répétitions (au plus {MAX_REPEATS})")


def safe_pattern(pattern: str) -> bool:
    try:
        check_pattern(pattern)
    except UnsafePattern:
        return False
    return True


def safe_subscriptions(patterns: Any) -> list[str]:
    """A user's subscriptions without the ``namere:`` ones our checker refuses (saved before it existed)."""
    kept = []
    for subscription in patterns or ():
        keyword, _, value = str(subscription).partition(":")
        if keyword == "namere" and not safe_pattern(value.partition(":")[2]):
            continue
        kept.append(subscription)
    return kept


def guard_subscription_matching() -> None:
    """moin runs every subscriber's ``namere:`` pattern at every save: run only the safe ones.

    moin keeps the function in two modules (``moin.utils.subscriptions`` and ``moin.user``); both names are
    wrapped (at run time, moin's files unchanged).
    """

    original = subscriptions.get_matched_subscription_patterns
    if getattr(original, "eco_guarded", False):
        return

    def matched(subscription_patterns: Any, **meta: Any) -> Any:
        return original(safe_subscriptions(subscription_patterns), **meta)

    matched.eco_guarded = True  # type: ignore[attr-defined]
    subscriptions.get_matched_subscription_patterns = matched
    moin.user.get_matched_subscription_patterns = matched


def guard_query_parser() -> None:
    """moin's query parser accepts ``r"…"`` regular expressions (Whoosh's RegexPlugin), run against every term.

    Anyone reaches it with a POST to ``/+search`` or ``/+tickets``: ``r"(a+)+b"`` against one long word a member
    saved took seconds per request (exponential in the word's length). The plugin is removed: ``r"…"`` is read as
    plain words. Wrapped at run time on moin's class, moin's files unchanged.
    """
    original = IndexingMiddleware.query_parser
    if getattr(original, "eco_guarded", False):
        return

    def query_parser(self: Any, default_fields: list[str], idx_name: str = LATEST_REVS) -> Any:
        parser = original(self, default_fields, idx_name=idx_name)
        parser.remove_plugin_class(RegexPlugin)
        return parser

    query_parser.eco_guarded = True  # type: ignore[attr-defined]
    IndexingMiddleware.query_parser = query_parser  # type: ignore[method-assign]


def subscriptions_guard() -> Response | None:
    """The settings form refuses a ``namere:`` subscription our checker refuses (French 400)."""
    if request.method != "POST" or not request.path.startswith("/+usersettings"):
        return None
    for key, value in request.form.items(multi=True):
        if "subscriptions" not in key:
            continue
        for line in value.splitlines():
            keyword, _, rest = line.strip().partition(":")
            if keyword == "namere":
                try:
                    check_pattern(rest.partition(":")[2])
                except UnsafePattern as exc:

                    return french_refusal(
                        400,
                        "Abonnement refusé",
                        f"L'abonnement « {line.strip()} » est refusé : {exc}. Utilisez un préfixe de nom "
                        "(nameprefix:) ou une expression simple.",
                    )
    return None


# --- wrapping moin's views -----------------------------------------------------------------------------------------


def wrap_view(app: Any, endpoint: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace a moin view by ``make(original)`` (once)."""
    original = app.view_functions.get(endpoint)
    if original is None or getattr(original, "eco_wrapped", False):
        return
    view = make(original)
    view.eco_wrapped = True  # type: ignore[attr-defined]
    app.view_functions[endpoint] = view


def admins_only(original: Callable[..., Any]) -> Callable[..., Any]:
    """``/+lookup`` searches moin's index without ACLs (names and revision ids of restricted items)."""

    def view(*args: Any, **kwargs: Any) -> Any:


        if not flaskg.user.may.superuser():
            return french_refusal(
                403, "Accès refusé", "Cette recherche technique est réservée aux administrateurs du wiki."
            )
        return original(*args, **kwargs)

    return view


def post_only(original: Callable[..., Any]) -> Callable[..., Any]:
    """A settings change (quicklink, subscription) by a plain link is a CSRF: GET asks, POST does."""

    def view(*args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            return original(*args, **kwargs)
        action = escape(request.path)
        body = (
            '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Confirmer - Les Écossolies</title>'
            "</head><body><main><h1>Confirmer</h1><p>Confirmez-vous ce changement de vos réglages ?</p>"
            f'<form method="post" action="{action}"><button type="submit">Confirmer</button></form>'
            '<p><a href="/">Retour à l\'accueil</a></p></main></body></html>\n'
        )
        return Response(body, status=200, mimetype="text/html")

    return view


def logout_everywhere(original: Callable[..., Any]) -> Callable[..., Any]:
    """moin's logout makes a new session token without saving it: the old cookie kept working. Save it."""

    def view(*args: Any, **kwargs: Any) -> Any:

        user = flaskg.user
        if user is not None and user.valid:
            user.generate_session_token(save=True)
        return original(*args, **kwargs)

    return view


def french_on_error(status: int, title: str, message: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A moin view that fails on odd arguments (KeyError, NotImplementedError…): a French answer, not a 500."""

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def view(*args: Any, **kwargs: Any) -> Any:

            try:
                return original(*args, **kwargs)
            except Exception:  # noqa: BLE001  (logged; the visitor gets a French page instead of a traceback)

                logging.getLogger(__name__).warning("vue de moin en échec : %s", request.full_path, exc_info=True)
                return french_refusal(status, title, message)

        return view

    return make


def known_revision(original: Callable[..., Any]) -> Callable[..., Any]:
    """``/+show/+<rev>/…``, ``/+meta/+<rev>/…``, ``/+highlight/+<rev>/…`` of an unknown revision: a French 404.

    moin looks the revision up in the item's list (``ValueError: 'abc' is not in list``): a 500 in English.
    """

    def view(*args: Any, **kwargs: Any) -> Any:
        try:
            return original(*args, **kwargs)
        except (ValueError, KeyError):
            if kwargs.get("rev") in (None, CURRENT):
                raise
            return french_refusal(404, "Révision introuvable", "Cette page n'a pas de révision de ce nom.")

    return view


#: the only template moin's pages load through ``/+template/`` (its translations for scripts)
SERVED_TEMPLATES = ("dictionary.js",)


def known_template(original: Callable[..., Any]) -> Callable[..., Any]:
    """``/+template/<path>`` rendered any template by name (and a traversal was a 500): only moin's script."""

    def view(filename: str = "", **kwargs: Any) -> Any:

        if filename not in SERVED_TEMPLATES:
            return french_refusal(404, "Page introuvable", "Cette adresse ne correspond à aucune page du wiki.")
        return original(filename=filename, **kwargs)

    return view


def modify_acl(item_name: str) -> Any:
    """moin's ``/+admin/modify_acl`` with the item's content kept.

    moin saved the new ACL with ``data=None``, which copies the current revision's data *stream*: already read
    for a CSV item, it gave an empty revision (the table lost). Here the bytes are read from the start and saved.
    """

    fqname = split_fqname(item_name)
    item = Item.create(item_name)
    meta = dict(item.meta)
    old_acl = meta.get(ACL, "")
    new_acl = request.form.get(fqname.fullname)
    back = redirect(url_for("admin.item_acl_report"))
    if new_acl is None or old_acl == new_acl:
        flash(f"Rien n'a changé, rien n'est enregistré. Page : {fqname.fullname}, ACL : {new_acl}", "error")
        return back
    if not acl_validate(new_acl):
        flash(f"ACL invalide, rien n'est enregistré. Page : {fqname.fullname}, ACL : {new_acl}", "error")
        return back
    if new_acl in ("Empty", ""):
        meta[ACL] = ""
    elif new_acl == "None":
        meta.pop(ACL, None)
    else:
        meta[ACL] = new_acl
    stream = item.rev.data
    stream.seek(0)
    try:
        item._save(meta=meta, data=stream.read(), comment="ACL modifiée")
    except AccessDenied:
        flash(f"Refusé : vous n'avez pas le droit admin sur {fqname.fullname}.", "error")
        return back
    flash(f"ACL enregistrée. Page : {fqname.fullname}, ACL : {new_acl}", "info")
    return back


#: the French title and sentence of an HTTP error a route raised (werkzeug's own page is in English, unthemed)
HTTP_ERRORS = {
    400: ("Requête invalide", "Cette adresse est incomplète ou invalide."),
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page du wiki."),
    405: ("Action impossible ici", "Cette adresse ne s'ouvre pas ainsi : elle attend l'envoi d'un formulaire."),
    410: ("Page disparue", "Cette page n'existe plus."),
    413: ("Envoi trop volumineux", "Ce que vous envoyez dépasse la taille permise."),
    500: ("Erreur du wiki", "Une erreur est survenue de notre côté ; elle a été notée. Réessayez dans un moment."),
}


def french_http_error(error: HTTPException) -> Any:
    """Any HTTP error no moin handler took (our routes' 404, a 405, a 500…): a French page in the wiki's theme.

    moin themes its 403 and its own pages' 404 only; the rest reached the reader as werkzeug's English page,
    without the wiki's header nor a viewport for a phone. A redirect or a code below 400 goes through untouched.
    """
    code = error.code or 500
    if code < 400:
        return error
    title, message = HTTP_ERRORS.get(code, ("Requête refusée", "Le wiki ne peut pas répondre à cette demande."))
    try:
        from moin.themes import render_template  # late: moin.themes needs the app set up

        body = render_template("error.html", item_name="", title=title, description=message)
    except Exception:  # noqa: BLE001  (the page machinery itself failed: the plain French page)
        logging.getLogger(__name__).warning("page d'erreur du thème en échec", exc_info=True)
        return french_refusal(code, title, message)
    response = Response(body, status=code, mimetype="text/html")
    kept = dict(error.get_headers())
    for header in ("Allow", "Retry-After"):
        if header in kept:
            response.headers[header] = kept[header]
    return response


def named_or_french(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """moin's 404 prints the error's description as the page's name: a bare ``abort(404)`` (``/+register`` when
    registration is closed) showed « La page « The requested URL was not found on the server… » n'existe pas »."""

    def handler(error: Any) -> Any:
        if getattr(error, "description", None) == NotFound.description:
            return french_http_error(error)
        return original(error)

    return handler


def access_denied(error: Exception) -> Response:
    """moin lets AccessDenied escape from some views (``/+indexable`` of a restricted item): a French 403."""

    return french_refusal(403, "Accès refusé", "Cette page n'existe pas ou vous n'avez pas le droit de la lire.")


#: moin's views that create or name an item from a POST
NAMING_ENDPOINTS = (
    "frontend.modify_item",
    "frontend.rename_item",
    "frontend.create_item",
    "frontend.ajaxmodify",
    "frontend.jfu_server",
    "frontend.convert_item",
    "frontend.index",
)


def invisible_names() -> Response | None:
    """No item is named with a NUL, a zero-width or a bidirectional character, through moin's forms either."""
    if request.method != "POST" or request.endpoint not in NAMING_ENDPOINTS:
        return None

    names = [str((request.view_args or {}).get("item_name", ""))]
    names += [v for k, v in request.form.items(multi=True) if k == "target" or "name" in k]
    names += [f.filename or "" for f in request.files.values()]
    if any(INVISIBLE.search(name) for name in names):

        return french_refusal(
            400,
            "Nom refusé",
            "Ce nom contient un caractère invisible ou de direction d'écriture (U+200B, U+202E…) : retirez-le.",
        )
    return None


def login_by_get() -> Response | None:
    """A login is a POST from the login form: a link carrying a password must not log the browser in."""
    if request.method in ("GET", "HEAD") and any(k.startswith("login_") for k in request.args):

        return french_refusal(
            400, "Requête refusée", "La connexion se fait par le formulaire de connexion, pas par un lien."
        )
    return None


# --- moin's edit-lock database, made before the first request --------------------------------------------------

EDIT_TABLES = (
    "CREATE TABLE IF NOT EXISTS editlock(item_id TEXT NOT NULL PRIMARY KEY, item_name TEXT, user_name TEXT,"
    " timeout FLOAT)",
    "CREATE TABLE IF NOT EXISTS editdraft(user_name TEXT NOT NULL PRIMARY KEY, item_id TEXT, item_name TEXT,"
    " rev_number INTEGER, save_time INTEGER, rev_id TEXT)",
)


def make_edit_tables(instance_dir: str) -> str:
    """Create moin's edit-lock tables once, atomically, when the app is made (not at the first edit).

    moin tests whether the file exists and then creates its tables: a second worker could open the new, still
    empty file and fail (``no such table: editdraft``, a 500 on a fresh instance's first edits). The file is
    built aside and linked into place in one step; an existing file gets any missing table.
    """


    os.makedirs(os.path.join(instance_dir, SQL), exist_ok=True)
    os.makedirs(os.path.join(instance_dir, PREVIEW), exist_ok=True)
    path = os.path.join(instance_dir, SQL, DB_NAME)
    if not os.path.exists(path):
        aside = f"{path}.{os.getpid()}.tmp"
        with sqlite3.connect(aside) as connection:
            for statement in EDIT_TABLES:
                connection.execute(statement)
        connection.close()
        try:
            os.link(aside, path)  # fails if another worker was first: its file is complete too
        except FileExistsError:
            pass
        finally:
            os.remove(aside)
    with sqlite3.connect(path, timeout=30) as connection:
        for statement in EDIT_TABLES:
            connection.execute(statement)
    connection.close()
    return path


def init_app(app: Any) -> None:
    """Attach these guards to moin's app (from ``securite.init_app``)."""
    make_edit_tables(app.cfg.instance_dir)
    app.jinja_env.loader = ChoiceLoader([OverrideLoader(), app.jinja_env.loader])
    app.before_request_funcs.setdefault(None, []).insert(0, login_by_get)
    app.before_request(subscriptions_guard)
    app.before_request(invisible_names)
    app.after_request(defuse_urls)
    app.after_request(neutral_raw)
    guard_subscription_matching()
    guard_query_parser()
    wrap_view(
        app,
        "frontend.lookup",
        lambda original: admins_only(
            french_on_error(400, "Requête invalide", "Cette recherche est invalide.")(original)
        ),
    )
    wrap_view(app, "admin.modify_acl", lambda original: modify_acl)
    wrap_view(app, "frontend.logout", logout_everywhere)
    for endpoint in ("frontend.quicklink_item", "frontend.subscribe_item", "frontend.bookmark"):
        rule = next((r for r in app.url_map.iter_rules() if r.endpoint == endpoint), None)
        if rule is not None and "POST" not in (rule.methods or ()):
            app.add_url_rule(rule.rule, endpoint=endpoint, methods=["POST"])
        wrap_view(app, endpoint, post_only)

    app.register_error_handler(AccessDenied, access_denied)
    app.register_error_handler(HTTPException, french_http_error)
    frontend_404 = app.error_handler_spec.get("frontend", {}).get(404, {})
    for exception_class, original in list(frontend_404.items()):
        frontend_404[exception_class] = named_or_french(original)
    wrap_view(app, "frontend.template", known_template)
    for endpoint in ("frontend.show_item", "frontend.show_item_meta", "frontend.highlight_item"):
        wrap_view(app, endpoint, known_revision)
    unknown = french_on_error(400, "Requête invalide", "Cette adresse est incomplète ou invalide.")
    for endpoint in (
        "frontend.dispatch",
        "frontend.new",
        "frontend.tickets",
        "frontend.ticket_search",
        "frontend.jfu_server",  # a POST without its file field
    ):
        wrap_view(app, endpoint, unknown)

    wrap_view(app, "feed.atom", lambda original: moin_feed.atom)
    app.jinja_env.globals.setdefault("eco_safe_url", lambda url: not executable(str(url)))
