"""The reader's side of moin's own screens: template filters of our theme, and moin's search sent to ours.

moin 2.0.0b5 leaves English or broken bits in its screens that its templates cannot fix alone; this module gives
our template overrides (themes/ecossolies/templates) the small helpers they need, attached by ``init_app``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import unquote

from babel.dates import format_datetime
from babel.numbers import format_decimal
from flask import current_app, redirect, request
from markupsafe import Markup

from plugins.data import french
from plugins.indexing import privacy
from plugins.views.urls import route_url

#: moin's side-by-side diff escapes the no-break spaces it adds before an indented change (« &amp;nbsp; »)
_ESCAPED_NBSP = re.compile(r"<span>((?:&amp;nbsp;)+)")


def _unescape_indent(match: re.Match[str]) -> str:
    return "<span>" + "&nbsp;" * match.group(1).count("&amp;nbsp;")


def diff_spaces(diffs: Any) -> Any:
    """moin's diff rows with the indentation it escaped by mistake shown as spaces, not as « &nbsp; ».

    moin's ``diff_html.indent`` prefixes a Markup segment with the str « &nbsp; », which Markup escapes: the
    reader sees a literal « &nbsp; » wherever a changed segment begins with spaces. Only that exact place (right
    after the opening ``<span>`` of a change) is repaired; the rows are moin's escaped HTML already.
    """
    if not diffs:
        return diffs
    fixed = []
    for llineno, lcontent, rlineno, rcontent in diffs:
        fixed.append(
            (
                llineno,
                Markup(_ESCAPED_NBSP.sub(_unescape_indent, str(lcontent))),  # nosec B704 - moin's escaped diff row
                rlineno,
                Markup(_ESCAPED_NBSP.sub(_unescape_indent, str(rcontent))),  # nosec B704 - moin's escaped diff row
            )
        )
    return fixed


def search_to_ours() -> Any:
    """moin's /+search page (English forms, a jQuery file that answers 404) sends readers to the wiki's search.

    Its ajax calls (``boolajax``) go too: only moin's search page makes them, and moin's snippets come from a
    page's raw text (a private venue's address, plugins/indexing/privacy.py).
    """
    if request.method != "GET" or request.path != "/+search":
        return None
    query = request.args.get("q", "").strip()
    return redirect(route_url("ecossolies.search", {"q": query} if query else ""), code=302)


def moment(value: Any) -> str:
    """A revision's time for a reader: « 2 décembre 2026 à 8 h 54 (heure de Paris) » (moin: « 07:54:16z »)."""



    when = value if isinstance(value, dt.datetime) else dt.datetime.fromtimestamp(int(value), dt.UTC)
    local = when.astimezone(french.time_zone())
    hour = format_datetime(local, "H 'h' mm", locale=french.locale())
    return f"{french.date(local.date())} à {hour} (heure de Paris)"


def size(value: Any) -> str:
    """« 2,6 ko », « 812 octets », « 1,2 Mo » (moin's filesizeformat says « 2.6 kB »)."""

    n = int(value or 0)
    if n < 1000:
        return f"{n} octet{'s' if n > 1 else ''}"
    for unit, scale in (("Go", 1e9), ("Mo", 1e6), ("ko", 1e3)):
        if n >= scale:
            return f"{format_decimal(n / scale, format='#,##0.#', locale=french.locale())} {unit}"
    return str(n)


#: a page's format in words a member knows (moin shows « Moinmoin », « Markdown », « Plain Text [...] »)
FORMATS = {
    "text/x.moin.wiki": "texte wiki",
    "text/x.moin.creole": "texte wiki (Creole)",
    "text/x-markdown": "Markdown",
    "text/x-mediawiki": "texte wiki (MediaWiki)",
    "text/x-rst": "reStructuredText",
    "text/html": "HTML",
    "text/plain": "texte brut",
    "text/csv": "tableau CSV",
    "application/pdf": "document PDF",
    "application/zip": "archive ZIP",
}
FAMILIES = {"image": "image", "audio": "son", "video": "vidéo", "text": "texte"}


def content_format(contenttype: Any) -> str:
    """« texte wiki », « Markdown », « image (PNG) »…: what kind of page or file it is, without moin's jargon."""
    mimetype = str(contenttype or "").split(";")[0].strip().lower()
    if mimetype in FORMATS:
        return FORMATS[mimetype]
    family, _slash, sub = mimetype.partition("/")
    if family in FAMILIES:
        return f"{FAMILIES[family]} ({sub.removeprefix('x-').upper()})" if sub else FAMILIES[family]
    return "fichier"


FORM_ENDPOINT = "ecossolies.edit_page"


def form_url(fqname: Any) -> str | None:
    """The « Modifier avec le formulaire » address of a page, when this wiki has that form (its route exists)."""
    name = getattr(fqname, "fullname", None) or str(fqname or "")
    if not name or FORM_ENDPOINT not in current_app.view_functions:
        return None
    return route_url(FORM_ENDPOINT, item_name=name)


_ENTRY = re.compile(r"(?s)\s*<entry>.*?</entry>")
_ENTRY_ID = re.compile(r"<id>[^<]*/\+show/\+[0-9a-f]+/([^<]*)</id>")


def feed_for_reader(response: Any) -> Any:
    """moin's Atom feeds: no « None » for an author without account, and no private venue for a visitor.

    A feed entry carries the page's text or its diff, so a private venue's entries (its address) are left out
    of the whole-wiki feed for visitors (plugins/indexing/privacy.py closes the venue's own feed).
    """
    if request.endpoint != "feed.atom" or response.direct_passthrough or response.status_code != 200:
        return response


    body = response.get_data(as_text=True)
    body = re.sub(r"(<title>[^<]*?) - None( - |</title>)", r"\1\2", body)
    if not privacy.member():

        def keep(match: re.Match[str]) -> str:
            found = _ENTRY_ID.search(match.group(0))
            return "" if found and privacy.private_venue_named(unquote(found.group(1))) else match.group(0)

        body = _ENTRY.sub(keep, body)
    response.set_data(body)
    return response


def init_app(app: Any) -> None:
    """Register the filters and functions our templates use, and the search redirect."""
    app.jinja_env.filters["eco_espaces"] = diff_spaces
    app.jinja_env.filters["eco_moment"] = moment
    app.jinja_env.filters["eco_taille"] = size
    app.jinja_env.filters["eco_format"] = content_format
    app.jinja_env.globals["eco_formulaire_url"] = form_url
    app.before_request(search_to_ours)
    app.after_request(feed_for_reader)
    app.before_request(privacy.guard_sources)
