"""The pooling's feed: open needs and offers as Atom (``/+mutualisation.atom``), for the current reader.

Members follow it in any feed reader; arguments as ``<<Mutualisation>>`` (``genre``, ``commune``,
``secteur``) plus ``cote`` (« besoins », « offres », or both by default). Only fiches the reader may read are
in it, and it is never cached for another reader.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, request

from plugins.data.schema import resource_line
from plugins.indexing import reseau
from plugins.views import mutualisation as views
from plugins.views import reseau as reseau_views
from plugins.web import exports, security

blueprint = Blueprint("ecossolies_mutualisation", __name__)

#: entries in the feed at most (the most recently changed fiches first)
FEED_SIZE = 200
SIDES = {"besoins": "Besoin", "offres": "Offre"}


#: characters XML 1.0 refuses (a page may hold them; the feed must still be written)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _feed(entries: list[Any], base_url: str, title: str, self_url: str) -> bytes:


    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=self_url, rel="self")
    feed.link(href=f"{base_url}/Mutualisation", rel="alternate")
    feed.language("fr")
    feed.author({"name": "Les Écossolies"})
    newest = max((e.page.mtime for e in entries), default=0)
    feed.updated(dt.datetime.fromtimestamp(newest, dt.UTC))
    for entry in reversed(entries):  # feedgen puts each new entry first
        url = f"{base_url}/{quote(entry.page.fullname)}"
        line = resource_line(
            {
                "genre": entry.genre,
                "description": entry.description,
                "commune": "tout le département" if entry.whole_area else entry.commune,
                "jusqu_au": entry.until.isoformat() if entry.until else None,
            }
        )
        item = feed.add_entry()
        item.id(_xml(f"{url}#{entry.side}-{entry.number}"))
        item.title(_xml(f"{SIDES[entry.side]} — {entry.page.title} : {entry.description}"))
        item.link(href=url)
        item.updated(dt.datetime.fromtimestamp(entry.page.mtime, dt.UTC))
        item.summary(_xml(f"{SIDES[entry.side]} de {entry.page.title} : {line}"))
        if entry.kind:
            item.category(term=entry.kind)
    return feed.atom_str(pretty=True)


@blueprint.route("/+mutualisation.atom")
def feed() -> Response:
    """Open needs and offers of the network, newest fiches first, as an Atom feed."""

    args = {k: v for k, v in request.args.items() if k in ("genre", "commune", "secteur")}
    side = request.args.get("cote", "")
    try:
        parsed = views.parse_arguments(args)
        if side not in ("", *SIDES):
            raise views.ListingError("« cote » vaut « besoins » ou « offres ».")
    except views.ListingError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")
    entries = views.open_entries(parsed["genre"], parsed["commune"], parsed["secteur"], [side] if side else list(SIDES))
    entries = sorted(entries, key=lambda e: (-e.page.mtime, e.page.fullname, e.side, e.number))[:FEED_SIZE]
    base_url = request.host_url.rstrip("/")
    body = _feed(entries, base_url, "Écossolies — besoins et offres du réseau", request.url)
    return exports.private(Response(body, mimetype="application/atom+xml"))


@blueprint.route("/+reseau/carte")
def network_map() -> Response:
    """The ties between communes on the map (arguments as <<Reseau>>), for the current reader."""


    try:
        args = reseau_views.parse_arguments({k: v for k, v in request.args.items()})
    except reseau_views.NetworkError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")
    document = reseau_views.map_document(reseau_views.reader_network(args), current_app.cfg)
    return exports.private(security.map_response(document, current_app.cfg))


NETWORK_TYPES = {
    "svg": "image/svg+xml",
    "graphml": "application/graphml+xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


@blueprint.route("/+reseau.<fmt>")
def network(fmt: str) -> Response:
    """The network of actors (arguments as <<Reseau>>) as SVG, GraphML or JSON, for the current reader."""


    if fmt not in NETWORK_TYPES:
        abort(404)
    try:
        args = reseau_views.parse_arguments({k: v for k, v in request.args.items()})
    except reseau_views.NetworkError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")
    graph = reseau_views.reader_network(args)
    base_url = request.host_url.rstrip("/")
    if fmt == "svg":
        body = reseau.svg(graph, base_url)
    elif fmt == "graphml":
        body = reseau.graphml(graph)
    else:
        body = reseau.as_json(graph, base_url)
    response = Response(body, mimetype=NETWORK_TYPES[fmt].split(";")[0])
    response.headers["Content-Type"] = NETWORK_TYPES[fmt]
    response.headers["Content-Disposition"] = f'inline; filename="reseau.{fmt}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return exports.private(response)
