"""Guards of a public wiki, attached to moin's Flask app by ``init_app`` (one line in ``plugins/web/routes.py``).

moin 2.0.0b5 sends no Content-Security-Policy, its edit form has no CSRF token, any request carrying
``login_submit`` tries a password with no limit, ``?regex=`` on any page view compiles the visitor's regular
expression, and self-registration is either closed or open to bots. This module closes or contains each of
these in our layer, without touching moin's files:

- response headers on every answer (CSP, nosniff, Referrer-Policy, frame-ancestors, Permissions-Policy), and a
  sandboxing CSP on raw item contents (``/+get``, ``/+download``) so an uploaded SVG or HTML file runs nothing;
- an Origin / Referer check on every state-changing request (moin's forms have no CSRF token);
- ``?regex=`` is reduced to literal words (no ReDoS through moin's highlighter);
- failed logins are counted per account and per address in a small SQLite file shared by the workers: after
  ``login_max_failures`` failures of one account (``login_max_failures_per_address`` from one address) within
  ``login_window`` seconds the next attempt gets HTTP 429;
- self-registration asks a question whose answer is set in ``wikiconfig.py``, and may require an
  administrator's approval (the account is created disabled).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import sqlite3
import time
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, flash, g, request, session
from markupsafe import escape
from moin import flaskg
from moin import user as moin_user
from moin.apps.frontend.views import RegistrationForm
from moin.constants.keys import DISABLED
from moin.themes import render_template
from werkzeug.datastructures import ImmutableMultiDict

#: inline event handlers of moin's own templates (edit form buttons, slideshow); allowed by hash
#: ('unsafe-hashes'), so that no other inline script runs
MOIN_INLINE_HANDLERS = (
    "$('#moin-modify').removeClass('moin-changed-input')",
    "document.getElementById('moin-save-text-button').click()",
    "document.getElementById('moin-preview-text-button').click()",
    "document.getElementById('moin-cancel-text-button').click()",
    "prevSlide()",
    "nextSlide()",
    "showSlide(1)",
    "lastSlide()",
)
#: the longest ``?regex=`` a page view accepts (it becomes literal words anyway)
MAX_REGEX = 200
#: raw contents a browser may show inline without the sandbox (no script can run in them anyway)
INLINE_SAFE = re.compile(r"^(image/(png|jpeg|gif|webp|bmp|x-icon)|audio/|video/|application/pdf)")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


#: paths that serve the wiki's own scripts (moin's static files, XStatic packages, wiki_local, moin's i18n script)
SCRIPT_PATHS = ("/static/", "/+serve/", "/+template/dictionary.js", "/_themes/")


def script_sources() -> str:
    """The script sources of the CSP: this host's script paths only, not 'self' (which accepts /+get)."""
    host = request.host.lower()
    return " ".join(f"{host}{p}" for p in SCRIPT_PATHS)


def inline_script_hashes(document: str) -> str:
    """The CSP hashes of a document's inline scripts (a generated document we trust, such as a map)."""
    return " ".join(sorted({_hash(body) for body in INLINE_SCRIPT.findall(document)}))


def content_security_policy() -> str:
    """The wiki's CSP: scripts and styles from the wiki only, moin's few inline handlers by hash.

    Styles keep 'unsafe-inline': moin's editors (CKEditor) and some templates write inline styles, and a style
    cannot run code in today's browsers; moin's converters strip ``style`` attributes from page content anyway.
    Scripts: only from the paths that serve the wiki's own scripts, not 'self' (which accepted a member's
    upload served by ``/+get``: plugins/web/moin_guards.py).
    """

    handlers = " ".join(_hash(h) for h in MOIN_INLINE_HANDLERS)
    return (
        "default-src 'self'; "
        f"script-src {script_sources()} 'unsafe-hashes' {handlers}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "font-src 'self' data:; "
        "connect-src 'self'; "
        "frame-src 'self'; "
        "object-src 'self'; "
        "media-src 'self'; "
        "worker-src 'self'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'self'"
    )


#: raw item contents (``/+get``): nothing runs, no origin (sandbox), may be shown in a frame of the wiki
RAW_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; media-src 'self'; sandbox; frame-ancestors 'self'"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def add_headers(response: Response) -> Response:
    """Security headers on every answer; a view that set its own (stricter) CSP keeps it.

    So does a policy written in wikiconfig.py (``content_security_policy``, which moin's views send).
    """
    headers = response.headers
    path = request.path
    if path.startswith(("/+get/", "/+download/")) and not INLINE_SAFE.match(response.mimetype or ""):
        headers["Content-Security-Policy"] = RAW_CSP
    elif "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = content_security_policy()
    elif "frame-ancestors" not in headers["Content-Security-Policy"]:
        headers["Content-Security-Policy"] += "; frame-ancestors 'self'"
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def french_refusal(status: int, title: str, message: str, retry_after: int | None = None) -> Response:
    """A short French page for a refused request (before moin has set up its page machinery)."""
    body = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - Les Écossolies</title></head>"
        f'<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p><p><a href="/">Retour à l\'accueil</a></p>'
        "</main></body></html>\n"
    )
    response = Response(body, status=status, mimetype="text/html")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


# --- executable URLs in served HTML (pages: moin_guards.defuse_urls; feed: moin_feed) -----------------

URL_ATTRIBUTE = re.compile(
    r"""(\s(?:[\w:-]*href|src|data|action|formaction|xlink:href|poster|background|cite|srcset|codebase|dynsrc|lowsrc)\s*=\s*)"""
    r"""("[^"]*"|'[^']*')""",
    re.IGNORECASE,
)
EXECUTABLE_SCHEME = re.compile(r"^(javascript|vbscript|livescript|mocha|data(?!:image/(png|jpeg|gif|webp)[;,])):", re.I)
CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def executable(url: str) -> bool:
    """Whether a browser would run this attribute value (entities decoded, blanks and controls dropped)."""
    value = CONTROL.sub("", html.unescape(url))
    return bool(EXECUTABLE_SCHEME.match(value))


def defuse_html(body: str) -> str:
    """The HTML with every executable URL attribute replaced by ``#`` (pages, and the feed's HTML content)."""

    def fix(match: re.Match[str]) -> str:
        value = match.group(2)
        return match.group(1) + '"#"' if executable(value[1:-1]) else match.group(0)

    return URL_ATTRIBUTE.sub(fix, body)


# --- CSRF: the origin of state-changing requests -------------------------------------------------------------


def _host_of(url: str) -> str | None:
    parts = urlsplit(url)
    return parts.netloc.lower() if parts.scheme and parts.netloc else None


def same_origin() -> bool:
    """A browser sends Origin (or at least Referer) with a form POST: it must name this wiki's host.

    The host, not the scheme: behind a proxy that ends TLS the wiki sees http while the browser says https.
    A request with neither header comes from a program, not from a page of another site, so it is no CSRF.
    """
    own = {request.host.lower()}
    own.update(_host_of(o) or o.lower() for o in getattr(current_app.cfg, "trusted_origins", ()) or ())
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() != "null" and _host_of(origin) in own
    referer = request.headers.get("Referer")
    if referer is not None:
        return _host_of(referer) in own
    return True


# --- ReDoS: ?regex= ---------------------------------------------------------------------------------------------


def literal_regex() -> Response | None:
    """moin's highlighter compiles ``?regex=`` as given: keep it to literal words, or refuse it if too long."""
    value = request.args.get("regex")
    if value is None:
        return None
    if len(value) > MAX_REGEX:
        return french_refusal(
            400, "Requête refusée", f"Le paramètre « regex » est trop long (au plus {MAX_REGEX} caractères)."
        )
    args = request.args.copy()
    args.setlist("regex", [" ".join(re.escape(word) for word in value.split())])
    request.args = ImmutableMultiDict(args)  # werkzeug caches args: the page view reads this one
    return None


# --- failed logins ----------------------------------------------------------------------------------------------


class LoginFailures:
    """Failed logins per key (account or address) in a SQLite file that every worker process shares.

    A file rather than process memory: with several workers behind one server, a count kept in each process
    would let an attacker make N times more attempts by spreading them over the workers.
    """

    def __init__(self, path: str) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=5)
        connection.execute("CREATE TABLE IF NOT EXISTS echecs (cle TEXT NOT NULL, quand REAL NOT NULL)")
        connection.execute("CREATE INDEX IF NOT EXISTS echecs_cle ON echecs (cle, quand)")
        return connection

    def count(self, keys: list[str], window: float) -> int:
        """The largest number of failures of any of the keys within the window."""
        since = time.time() - window
        with self._connect() as connection:
            return max(
                connection.execute("SELECT COUNT(*) FROM echecs WHERE cle = ? AND quand > ?", (k, since)).fetchone()[0]
                for k in keys
            )

    def reserve(self, limits: dict[str, int], window: float) -> float | None:
        """Check and count an attempt in one step: None if refused, else the time it was counted at.

        ``limits`` maps each key (an account, an address) to the failures it may have within the window.
        Counting before the password is tried (and taking it back on a success) closes the race in which a
        burst of parallel attempts all read the same count before any was written (18 tries instead of 5).
        """
        now = time.time()
        keys = list(limits)
        connection = self._connect()
        connection.isolation_level = None  # explicit transactions
        try:
            connection.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
            since = now - window
            for key, limit in limits.items():
                seen = connection.execute(
                    "SELECT COUNT(*) FROM echecs WHERE cle = ? AND quand > ?", (key, since)
                ).fetchone()[0]
                if seen >= limit:
                    connection.execute("ROLLBACK")
                    return None
            connection.executemany("INSERT INTO echecs VALUES (?, ?)", [(k, now) for k in keys])
            connection.execute("DELETE FROM echecs WHERE quand < ?", (since,))
            connection.execute("COMMIT")
            return now
        finally:
            connection.close()

    def release(self, keys: list[str], when: float) -> None:
        """Take back an attempt counted by ``reserve`` (it succeeded)."""
        with self._connect() as connection:
            connection.executemany("DELETE FROM echecs WHERE cle = ? AND quand = ?", [(k, when) for k in keys])

    def record(self, keys: list[str], window: float) -> None:
        now = time.time()
        with self._connect() as connection:
            connection.executemany("INSERT INTO echecs VALUES (?, ?)", [(k, now) for k in keys])
            connection.execute("DELETE FROM echecs WHERE quand < ?", (now - window,))

    def clear(self, key: str) -> None:
        with self._connect() as connection:
            connection.execute("DELETE FROM echecs WHERE cle = ?", (key,))


def login_failures() -> LoginFailures:
    cfg = current_app.cfg
    path = getattr(cfg, "login_failures_path", None) or os.path.join(cfg.instance_dir, "connexions-echouees.sqlite")
    return LoginFailures(path)


def client_address() -> str:
    """The visitor's address; behind ``proxies_in_front`` proxies, the one they added to X-Forwarded-For.

    Without this, behind a web server every visitor has the proxy's address and one visitor's failures would
    lock every one out. Only the entries our own proxies wrote are trusted (a client can forge the others).
    """
    proxies = int(getattr(current_app.cfg, "proxies_in_front", 0) or 0)
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.remote_addr or "?"


def _login_keys() -> tuple[str, list[str]]:
    account = unicodedata.normalize("NFC", request.values.get("login_username", "")).strip().casefold()
    return account, [f"compte:{account}", f"adresse:{client_address()}"]


def throttle_login() -> Response | None:
    """Any request with ``login_submit`` tries a password (moin's setup_user): refuse it after too many failures."""
    if "login_submit" not in request.values:
        return None
    cfg = current_app.cfg
    window = float(getattr(cfg, "login_window", 300))
    account, keys = _login_keys()
    # an address is shared by everyone behind it (an office, a workshop room logging in together): it may
    # fail more often than one account before it is refused
    limits = {
        keys[0]: int(getattr(cfg, "login_max_failures", 5)),
        keys[1]: int(getattr(cfg, "login_max_failures_per_address", 20)),
    }
    when = login_failures().reserve(limits, window)
    if when is None:
        minutes = max(1, round(window / 60))
        return french_refusal(
            429,
            "Trop de tentatives de connexion",
            f"Trop de tentatives de connexion échouées pour ce compte ou depuis cette adresse : réessayez dans "
            f"{minutes} minutes. Mot de passe oublié ? Demandez-en un nouveau depuis la page de connexion.",
            retry_after=int(window),
        )
    g.eco_login_attempt = (account, keys, when)
    return None


def count_login(response: Response) -> Response:
    """After a login attempt: a success takes back its advance count and clears the account's failures."""
    attempt = g.pop("eco_login_attempt", None)
    if attempt is None:
        return response

    account, keys, when = attempt
    user = getattr(flaskg, "user", None)
    names = [n.casefold() for n in (getattr(user, "name", None) or [])] if user is not None else []
    if user is not None and user.valid and account in names:
        failures = login_failures()
        failures.release(keys, when)  # the attempt counted in advance was no failure
        failures.clear(keys[0])
    # a failure was counted before the attempt (throttle_login)
    return response


# --- self-registration ------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def registration_guard() -> Any:
    """A POST to moin's registration form must answer the question set in wikiconfig.py."""
    if request.path != "/+register" or request.method != "POST":
        return None
    cfg = current_app.cfg
    question = getattr(cfg, "registration_question", None)
    if not question:
        return None

    if flaskg.user.may.superuser():  # an administrator creating an account answers nothing
        return None
    answers = {_fold(a) for a in getattr(cfg, "registration_answers", ())}
    if _fold(request.form.get("eco_reponse", "")) in answers:
        g.eco_registering = request.form.get("register_username", "")
        return None

    flash("Réponse incorrecte à la question : relisez-la et réessayez.", "error")
    form = RegistrationForm.from_flat(request.form)
    return render_template("register.html", title_name="Créer un compte", form=form), 400


def approve_later(response: Response) -> Response:
    """With ``registration_approval``, a new account stays disabled until an administrator enables it."""
    name = g.pop("eco_registering", None)
    if not name or response.status_code != 302 or not getattr(current_app.cfg, "registration_approval", False):
        return response

    account = moin_user.User(auth_username=name)
    if account.exists():
        account.profile[DISABLED] = True
        account.save(force=True)
        # moin has already queued « account created, log in »: say what really happens
        session.pop("_flashes", None)
        flash(
            "Compte créé. Un administrateur doit le valider avant la première connexion : vous serez prévenu.",
            "info",
        )
    return response


# --- wiring -----------------------------------------------------------------------------------------------------


def guard_request() -> Response | None:
    """Runs before moin's own set-up (which tries logins): origin, regex, login throttle."""
    if request.method in UNSAFE_METHODS and not same_origin():
        return french_refusal(
            403,
            "Requête refusée",
            "Ce formulaire a été envoyé depuis un autre site que le wiki : pour vous protéger, il n'est pas pris en "
            "compte. Rouvrez la page sur le wiki et envoyez-le de nouveau.",
        )
    return literal_regex() or throttle_login()


def init_app(app: Any) -> None:
    """Attach the guards to a moin app: first of the before-request hooks, so they run before moin's login."""
    app.before_request_funcs.setdefault(None, []).insert(0, guard_request)
    app.before_request(registration_guard)
    app.after_request(count_login)
    app.after_request(approve_later)
    app.after_request(add_headers)
    from plugins.web import moin_guards  # it imports this module: loaded once both are defined

    moin_guards.init_app(app)  # moin's own views and templates


# --- the map documents (folium) ----------------------------------------------------------------------


def map_response(document: str, cfg: Any) -> Any:
    """A map document as a French page that may load what the wiki serves and the tiles, nothing else."""
    response = Response(document.replace("<html>", '<html lang="fr">', 1), mimetype="text/html")
    # folium's inline scripts are allowed one by one by their hash: no 'unsafe-inline' for scripts
    scripts = f"{script_sources()} {inline_script_hashes(document)}"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: {tiles_origin(cfg.map_tiles_url)}; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'"
    )
    return response


def tiles_origin(url: str) -> str:
    """The origin of the tile server (for the map's Content-Security-Policy)."""
    parts = urlsplit(url.replace("{s}.", "a."))
    host = parts.netloc
    if "{s}." in url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"
