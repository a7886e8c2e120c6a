"""Private venues (a flat that hosts concerts): the public sees an approximate place, members the exact one.

A venue is private when its page says ``prive: oui``, or when it is a flat (``categorie: appartement``) and
does not say ``prive: non``. For a reader who is not logged in, a private venue has no street address and no
contact, and its position is its commune's centre or, without a commune, the centre of a grid cell of about
1 km (the same point on every request, so that comparing requests reveals nothing). Members (logged-in
accounts) see the exact place. The rule is applied where the data leave the index for a reader
(:func:`plugins.indexing.query.readable`: listings, maps, GeoJSON, CSV, JSON), in search snippets, on the venue's card
(through the ``LieuPrive`` macro, drawn for each reader), and the page's source (raw text, history diffs,
document tree) is closed to anonymous readers, since it holds the address.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Response, request
from moin import flaskg

from plugins.data import communes
from plugins.data.text import fold
from plugins.indexing.structured import get_index

#: fields a visitor never gets for a private venue
HIDDEN = ("adresse", "contact")
#: grid of the blur, in degrees (≈ 1.1 km north-south; ≈ 1.1 km east-west at the latitude of Nantes)
GRID_LAT, GRID_LON = 0.01, 0.015
YES = {"oui", "vrai", "true", "yes", "1"}
NO = {"non", "faux", "false", "no", "0"}


def is_private(data: dict[str, Any] | None) -> bool:
    """Whether a venue's exact place is kept for members: ``prive`` says so, else a flat is private."""
    data = data or {}
    value = data.get("prive")
    if isinstance(value, bool):
        return value
    if value is not None and fold(str(value)) in YES:
        return True
    if value is not None and fold(str(value)) in NO:
        return False
    return fold(str(data.get("categorie") or "")) == "appartement"


def member() -> bool:
    """Whether the current reader is logged in (a member): members see private venues exactly."""

    user = getattr(flaskg, "user", None)
    return bool(user is not None and user.valid)


def approximate(data: dict[str, Any]) -> tuple[float, float] | None:
    """The public point of a private venue: its commune's centre, else its position snapped to a ~1 km cell."""

    commune = communes.find(str(data.get("commune") or ""))
    if commune is not None:
        return commune.lat, commune.lon
    position = data.get("position")
    if isinstance(position, dict) and "lat" in position and "lon" in position:
        lat = (int(float(position["lat"]) // GRID_LAT) + 0.5) * GRID_LAT
        lon = (int(float(position["lon"]) // GRID_LON) + 0.5) * GRID_LON
        return round(lat, 4), round(lon, 4)
    return None


def public_data(data: dict[str, Any]) -> dict[str, Any]:
    """A private venue's data as a visitor may have them: no address, no contact, an approximate position."""
    out = {k: v for k, v in data.items() if k not in HIDDEN and k != "position"}
    point = approximate(data)
    if point is not None and not communes_known(data):
        out["position"] = {"lat": point[0], "lon": point[1], "approximative": True}
    out["prive"] = True
    return out


def communes_known(data: dict[str, Any]) -> bool:

    return communes.find(str(data.get("commune") or "")) is not None


def for_reader(page: Any) -> Any:
    """The page as the current reader may see it (a copy with public data for a private venue and a visitor)."""
    if page.type != "lieu" or not is_private(page.data) or member():
        return page
    return dataclasses.replace(page, data=public_data(page.data))


#: moin's views that show a page's source (its text holds the exact address)
SOURCE_VIEWS = {
    "frontend.get_item", "frontend.download_item", "frontend.highlight_item", "frontend.show_dom",
    "frontend.diff", "frontend.diffraw", "frontend.indexable", "frontend.content_item", "feed.atom",
    "frontend.convert_item", "frontend.slide_item",
}  # fmt: skip


def private_venue_named(name: str) -> bool:
    """Whether ``name`` is a private venue's page (by our index, without reading the page)."""

    index = get_index()
    if index is None or not name:
        return False
    return any(name in (p.fullname, p.name) and is_private(p.data) for p in index.pages("lieu"))


def guard_sources() -> Any:
    """Refuse a private venue's source to visitors (403, in French); its rendered page stays readable."""

    if request.endpoint not in SOURCE_VIEWS or member():
        return None
    name = (request.view_args or {}).get("item_name", "")
    if private_venue_named(str(name)):
        return Response(
            "Ce lieu est privé : son adresse exacte est réservée aux membres connectés.\n",
            status=403,
            mimetype="text/plain",
        )
    return None
