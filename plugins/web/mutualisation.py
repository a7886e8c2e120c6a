"""The pooling's feed: open needs and offers as Atom (``/+mutualisation.atom``), for the current reader.

Members follow it in any feed reader; arguments as ``<<Mutualisation>>`` (``genre``, ``commune``,
``secteur``) plus ``cote`` (« besoins », « offres », or both by default). Only fiches the reader may read are
in it, and it is never cached for another reader.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from plugins.data import registry
from plugins.data.text import fold
from plugins.indexing import reseau
from plugins.indexing.query import QueryError
from plugins.views import mutualisation as views
from plugins.views import reseau as reseau_views
from plugins.web import exports, security

blueprint = Blueprint("ecossolies_mutualisation", __name__)


@blueprint.route("/+mutualisation.atom")
def feed() -> Response:
    """Open needs and offers of the network, newest fiches first, as Atom: the registry's ``mutualisation`` export
    of every fiche (``/+donnees/fiche.mutualisation``), under the address members are given; ``commune`` and
    ``secteur`` as in ``<<Mutualisation>>``."""
    secteur = request.args.get("secteur", "").strip()
    fiches = views.readable_fiches()
    if secteur:
        fiches = [
            f
            for f in fiches
            if fold(secteur) in {fold(s) for s in f.data.get("secteurs", []) if isinstance(s, str)}
        ]
    try:
        body = exports.to_pooling_atom(
            registry.get("fiche"),
            fiches,
            request.host_url.rstrip("/"),
            cote=request.args.get("cote", ""),
            genre=request.args.get("genre", ""),
            zone=request.args.get("commune", ""),
            self_url=request.url,
        )
    except QueryError as exc:
        return Response(f"Sélection invalide : {exc}\n", status=400, mimetype="text/plain")
    response = Response(body, content_type=exports.FORMATS["mutualisation"].mimetype)
    response.headers["Content-Disposition"] = 'inline; filename="mutualisation.atom"'
    return exports.private(response)


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
