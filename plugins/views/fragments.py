"""The heavy parts of a listing, turned into HTML once by moin's own converters and kept.

moin expands a macro's output with the rest of the page, at every view: its macro converter walks it, its link
converter resolves each link, its HTML converter copies each node, then the page is serialised. For a binder
of 50 fiches with its facets that was three quarters of the time of the page, for members at every view
(``benchmarks/apres_enregistrement.py``). The rows of a listing and the values of its facets hold no heading,
footnote or anchor (moin's only page-wide state while converting), so converting them alone gives the very
HTML they give in place. They are converted once with moin's link and HTML converters, kept under a key that
holds all they depend on (the listing's versions and reader, from ``query.run``; the address and query string
of the page), and stand in the page as a placeholder naming a random token, which :func:`substitute` replaces
by the kept HTML once moin has serialised the page. Only moin's page view uses them: any other view (preview,
feeds) renders the parts in place, as before.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, g, has_request_context, request
from moin.converters import default_registry
from moin.items.content import conv_serialize
from moin.utils.mime import Type, type_moin_document
from moin.utils.tree import html, moin_page

from plugins.data.caches import BoundedCache
from plugins.indexing import dependencies

#: the views whose HTML answer :func:`substitute` completes
ENDPOINTS = frozenset({"frontend.show_item"})
CSS = "eco-fragment"
_PLACEHOLDER = re.compile(rf'<div class="{CSS}">([0-9a-f]{{32}})</div>')
_WRAPPER_OPEN = f'<div xmlns="{html.namespace}">'

#: (part key, page address) -> the part's HTML, and what its conversion read (plugins/indexing/dependencies.py)
_KEPT: BoundedCache[tuple[Hashable, ...], tuple[str, frozenset[str], bool]] = BoundedCache(
    __name__, 256, "parties de listes en HTML"
)


def enabled() -> bool:
    """Parts are kept for moin's page view, in an app that completes its answers (``routes.init_app``)."""
    return (
        has_request_context()
        and request.endpoint in ENDPOINTS
        and request.method in ("GET", "HEAD")
        and bool(current_app.extensions.get("ecossolies_fragments"))
        and getattr(current_app.cfg, "listing_fragments", True)
    )


def to_html(element: Any) -> str:
    """What moin's page view makes of ``element`` (its link converter, then its HTML converter)."""
    links = default_registry.get(type_moin_document, type_moin_document, links="extern")
    to_dom = default_registry.get(type_moin_document, Type("application/x-xhtml-moin-page"))
    wrapper = html.div(children=[to_dom(links(element))])  # serialised alone, the part would declare its namespace
    return conv_serialize(wrapper, {html.namespace: ""}).removeprefix(_WRAPPER_OPEN).removesuffix("</div>")


def _converted(build: Callable[[], Any]) -> tuple[str, frozenset[str], bool]:
    """The part's HTML, and what its conversion read (the pages its links name)."""
    with dependencies.apart() as recording:
        text = to_html(build())
    if recording is None:
        return text, frozenset(), False
    return text, frozenset(recording.tags), recording.everything


def listing_key(result: Any, *parts: Hashable) -> tuple[Hashable, ...] | None:
    """The key of a part of a listing's answer (``query.Result``): its versions, reader, page; None if unkept."""
    if result.key is None:
        return None
    return (*parts, result.key, result.selection.page, result.selection.limit)


def kept(key: tuple[Hashable, ...] | None, build: Callable[[], Any]) -> Any:
    """``build()``'s element, or, in a page view, a placeholder for its HTML, made once per ``key``.

    ``key`` must hold every version the part depends on (``query.Result.key`` does for a listing's rows and
    facets) and what tells its parts apart; None renders the part in place.
    """
    if key is None or not enabled():
        return build()
    full_key = (*key, request.script_root, request.path, request.query_string)
    text, tags, everything = _KEPT.remember(full_key, lambda: _converted(build))
    dependencies.replay(tags, everything)  # the links it draws, as if converted again here
    token = secrets.token_hex(16)
    pieces = g.setdefault("ecossolies_fragments", {})
    pieces[token] = text
    return moin_page.div(attrib={moin_page.class_: CSS}, children=[token])


def substitute(response: Any) -> Any:
    """Put the kept HTML of each part in place of its placeholder (``after_request``, before the others)."""
    pieces: dict[str, str] | None = g.pop("ecossolies_fragments", None)
    if not pieces or response.direct_passthrough or response.is_streamed or response.mimetype != "text/html":
        return response
    body = response.get_data(as_text=True)
    response.set_data(_PLACEHOLDER.sub(lambda m: pieces.get(m.group(1), m.group(0)), body))
    return response


def init_app(app: Any) -> None:
    """Complete the page view's answers: registered last, so that it runs first of the ``after_request``."""
    app.extensions["ecossolies_fragments"] = True
    app.after_request(substitute)
