"""Maps of located pages (venues, fiches, later events): folium (Leaflet) with clustered markers.

Leaflet and MarkerCluster are served by the wiki (XStatic packages, ``/+serve/…``); the tile server is the
only other address a map page asks, set in ``wikiconfig.py``. The places travel as one JSON array inside
the map's script, with ``<``, ``>`` and ``&`` escaped, and the popups are built with DOM text nodes, so no
name can break out of the script or inject markup. Markers are made on the client from that array and
clustered there (folium's one-``Marker``-per-place output is far too heavy for thousands of places).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import folium
from branca.element import MacroElement
from jinja2 import Template
from markupsafe import escape

from plugins.data import communes
from plugins.data.caches import BoundedCache
from plugins.data.registry import PageType
from plugins.data.types.evenement import find_venue
from plugins.indexing.query import readable
from plugins.indexing.selection_args import query_string
from plugins.indexing.structured import IndexedPage, by_alias, get_index
from plugins.views.urls import route_url

#: marker colours by legend rank: the Okabe-Ito palette, told apart by readers with any colour-vision deficiency
#: (each marker also carries the first letter of its category); the last colour, grey, is « autre »
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#777777")
#: text colour on each marker (dark on the light colours, white on the dark ones)
INK = ("#fff", "#000", "#fff", "#000", "#000", "#fff", "#000", "#fff", "#fff")
OTHER = "autre"
DEFAULT_CENTRE = (47.2184, -1.5536)  # Nantes
#: the page types a map can show (events are placed at their venue)
MAPPABLE = ("lieu", "fiche", "evenement")


@dataclass(frozen=True)
class Place:
    page: IndexedPage
    lat: float
    lon: float
    approximate: bool
    category: str


def locate(page: IndexedPage, legend_field: str) -> Place | None:
    """Where a page is: its position, else its commune's centre (approximate), else nowhere (None)."""
    category = str(page.data.get(legend_field) or OTHER)
    position = page.data.get("position")
    if isinstance(position, dict) and "lat" in position and "lon" in position:
        approximate = bool(position.get("approximative"))  # a private venue's blurred point (vie_privee)
        return Place(page, float(position["lat"]), float(position["lon"]), approximate, category)
    commune = communes.find(str(page.data.get("commune") or ""))
    if commune is not None:
        return Place(page, commune.lat, commune.lon, True, category)
    return None


#: the places of a list of pages, by type and revisions. Not kept for venues (a private venue's place depends on
#: who reads, under the same revision: plugins/indexing/privacy.py) nor for events (their venue's place)
_SPLITS: BoundedCache[tuple[Any, ...], tuple[list[Place], list[IndexedPage]]] = BoundedCache(
    __name__, 16, "pages placées sur une carte"
)


def split_located(pages: list[IndexedPage], page_type: PageType) -> tuple[list[Place], list[IndexedPage]]:
    """The pages that can be placed (with where) and the others; kept while the same revisions are shown
    (10,000 fiches: 55 ms a map, every time)."""
    if page_type.name in ("evenement", "lieu"):
        return _split(pages, page_type)
    key = (page_type.name, tuple(p.revid for p in pages))
    return _SPLITS.remember(key, lambda: _split(pages, page_type))


def _split(pages: list[IndexedPage], page_type: PageType) -> tuple[list[Place], list[IndexedPage]]:
    legend_field = getattr(page_type, "legend_field", "")
    venues = by_alias(_readable_venues()) if page_type.name == "evenement" else {}
    places, unplaced = [], []
    for page in pages:
        place = locate(page, legend_field)
        if page_type.name == "evenement" and page.data.get("lieu"):
            venue = find_venue(str(page.data["lieu"]), venues)
            where = locate(venue, "") if venue is not None else None
            if where is not None:
                place = Place(page, where.lat, where.lon, where.approximate, str(page.data.get(legend_field) or OTHER))
        if place is None:
            unplaced.append(page)
        else:
            places.append(place)
    return places, unplaced


def _readable_venues() -> list[IndexedPage]:

    index = get_index()
    return readable(index.pages("lieu")) if index else []


def legend(places: list[Place]) -> list[tuple[str, str, int]]:
    """(category, colour, count), the most frequent first; beyond the palette, « autre »."""
    counts: dict[str, int] = {}
    for place in places:
        counts[place.category] = counts.get(place.category, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    out = [(cat, COLOURS[i], n) for i, (cat, n) in enumerate(ranked[: len(COLOURS) - 1])]
    rest = sum(n for _cat, n in ranked[len(COLOURS) - 1 :])
    if rest:
        out.append((OTHER, COLOURS[-1], rest))
    return out


@dataclass(frozen=True)
class Placed:
    """What a map shows of a listing: its places, its pages without one, its legend."""

    places: list[Place]
    unplaced: list[IndexedPage]
    legend: list[tuple[str, str, int]]
    approximate: int  # places at their commune's centre


#: (listing's key) -> its Placed; an event's place is its venue's, which that key does not follow: not kept
_PLACED: BoundedCache[tuple[Any, ...], Placed] = BoundedCache(__name__, 16, "cartes : pages placées et légende")


def placed(result: Any, page_type: PageType) -> Placed:
    """The places of a listing (``query.Result``), kept under its key (which holds its versions and reader)."""

    def compute() -> Placed:
        places, unplaced = split_located(result.rows, page_type)
        return Placed(places, unplaced, legend(places), sum(1 for p in places if p.approximate))

    if result.key is None or page_type.name == "evenement":
        return compute()
    return _PLACED.remember((*result.key, "placé"), compute)


def page_path(page: IndexedPage) -> str:
    return "/" + quote(page.fullname)


def script_json(value: Any) -> str:
    """JSON safe inside a <script>: ASCII only, and no <, > or & that could close the script."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class ClusteredPlaces(MacroElement):
    """Places as one array, turned into clustered markers on the client."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.eco-pin { width: 16px; height: 16px; border-radius: 50%; border: 2px solid #fff; box-shadow: 0 0 2px #000;
           font: bold 11px/16px sans-serif; text-align: center; }
.eco-filtres { background: #fff; padding: 6px 8px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.4);
               font: 13px/1.4 sans-serif; max-height: 60vh; overflow-y: auto; max-width: 15rem; }
.eco-filtres summary { cursor: pointer; font-weight: bold; }
.eco-filtres label { display: block; white-space: nowrap; }
.eco-filtres select { max-width: 100%; margin-top: 4px; }
.eco-filtres .eco-sw { display: inline-block; width: 12px; height: 12px; border-radius: 50%; vertical-align: -1px;
                       margin-right: 3px; border: 1px solid #333; }
.eco-pin.eco-approx { border-style: dashed; opacity: 0.8; }
.eco-popup strong { display: block; font-size: 14px; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function(map) {
  var places = {{ this.places_json }};
  var colours = {{ this.colours_json }};
  var cluster = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false});
  function popup(p) {
    var box = document.createElement("div"); box.className = "eco-popup";
    var name = document.createElement("strong"); name.textContent = p[2]; box.appendChild(name);
    var what = document.createElement("div");
    what.textContent = [p[4], p[5]].filter(Boolean).join(" · ") + (p[6] ? " (position approximative)" : "");
    box.appendChild(what);
    if (p[8]) {
      var fix = document.createElement("div"); fix.textContent = "Données à corriger"; box.appendChild(fix);
    }
    var link = document.createElement("a"); link.href = p[7]; link.target = "_top";
    link.textContent = "Voir la page"; box.appendChild(link);
    return box;
  }
  var inks = {{ this.inks_json }};
  var names = {{ this.names_json }};
  var markers = places.map(function(p) {
    var letter = (p[4] || "?").charAt(0).toUpperCase().replace(/[^A-ZÀ-Ý?]/, "?");
    var icon = L.divIcon({className: "", iconSize: [20, 20],
      html: '<div class="eco-pin' + (p[6] ? ' eco-approx' : '') + '" style="background:' + colours[p[3]] +
            ';color:' + inks[p[3]] + '">' + letter + '</div>'});
    var marker = L.marker([p[0], p[1]], {icon: icon, title: p[2], alt: p[2], keyboard: true});
    marker.bindPopup(function() { return popup(p); });
    return marker;
  });
  cluster.addLayers(markers);
  map.addLayer(cluster);
  // the legend is also the filter: a category ticked off hides its places; a commune can be chosen
  var hidden = {}, commune = "";
  function refilter() {
    cluster.clearLayers();
    cluster.addLayers(markers.filter(function(m, i) {
      var p = places[i];
      return !hidden[p[3]] && (!commune || p[5] === commune);
    }));
  }
  var Filters = L.Control.extend({options: {position: "topright"}, onAdd: function() {
    var box = L.DomUtil.create("details", "eco-filtres");
    box.open = window.innerWidth > 500;
    var title = document.createElement("summary"); title.textContent = "Légende et filtres"; box.appendChild(title);
    names.forEach(function(row, rank) {
      var label = document.createElement("label");
      var tick = document.createElement("input"); tick.type = "checkbox"; tick.checked = true;
      tick.addEventListener("change", function() { hidden[rank] = !tick.checked; refilter(); });
      var sw = document.createElement("span"); sw.className = "eco-sw"; sw.style.background = colours[rank];
      label.appendChild(tick); label.appendChild(sw);
      label.appendChild(document.createTextNode(row[0] + " (" + row[1] + ")"));
      box.appendChild(label);
    });
    var communes = places.map(function(p) { return p[5]; }).filter(function(c, i, all) {
      return c && all.indexOf(c) === i; }).sort(function(a, b) { return a.localeCompare(b, "fr"); });
    if (communes.length > 1) {
      var choose = document.createElement("select"); choose.setAttribute("aria-label", "Commune");
      [""].concat(communes).forEach(function(c) {
        var o = document.createElement("option"); o.value = c; o.textContent = c || "Toutes les communes";
        choose.appendChild(o);
      });
      choose.addEventListener("change", function() { commune = choose.value; refilter(); });
      box.appendChild(choose);
    }
    L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
    return box;
  }});
  map.addControl(new Filters());
  window.ecoRefilter = function(rank, show) { hidden[rank] = !show; refilter(); return cluster.getLayers().length; };
  window.ecoCluster = cluster;
  window.ecoPlaces = places.length;
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, places: list[Place], legend_rows: list[tuple[str, str, int]]) -> None:
        super().__init__()
        self._name = "ClusteredPlaces"
        rank = {cat: i for i, (cat, _colour, _n) in enumerate(legend_rows)}
        other = len(legend_rows) - 1
        rows = [
            [
                round(p.lat, 6),
                round(p.lon, 6),
                p.page.title,
                rank.get(p.category, other),
                p.category,
                str(p.page.data.get("commune") or ""),
                1 if p.approximate else 0,
                page_path(p.page),
                1 if p.page.problems else 0,
            ]
            for p in places
        ]
        self.places_json = script_json(rows)
        self.colours_json = script_json([colour for _cat, colour, _n in legend_rows] or [COLOURS[0]])
        self.inks_json = script_json([INK[COLOURS.index(colour)] for _cat, colour, _n in legend_rows] or [INK[0]])
        self.names_json = script_json([[cat, n] for cat, _colour, n in legend_rows])


class FitWhenSized(MacroElement):
    """Fits the map to its ``points`` once its frame has a size, and again when the frame is resized, until the
    reader moves the map (every map of the wiki). Folium's ``fit_bounds`` fits once, when the script runs, and an
    iframe may then still be 0×0: Leaflet drew the lines of such a map as empty paths (seen in Chromium)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function(map) {
  var bounds = {{ this.bounds_json }};
  function fit() {
    map.invalidateSize();
    map.fitBounds(bounds, {padding: [{{ this.padding }}, {{ this.padding }}], maxZoom: {{ this.max_zoom }}});
  }
  fit();
  window.addEventListener("load", fit);
  var touched = false;
  map.on("dragstart", function() { touched = true; });
  map.getContainer().addEventListener("wheel", function() { touched = true; });
  map.on("resize", function() { if (!touched) { fit(); } });
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, points: list[tuple[float, float]], padding: int = 20, max_zoom: int = 13) -> None:
        super().__init__()
        self._name = "FitWhenSized"
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        self.bounds_json = script_json([[min(lats), min(lons)], [max(lats), max(lons)]])
        self.padding = int(padding)
        self.max_zoom = int(max_zoom)


class MetricScale(MacroElement):
    """The map's scale in kilometres only (folium's own scale adds miles)."""

    _template = Template(
        "{% macro script(this, kwargs) %}L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


def map_url(type_name: str, selection: Any) -> str:
    """Where the map document of a selection is served (``/+carte/<type>?filters``)."""

    qs = query_string(selection, page=None, limite=None)
    return route_url("ecossolies.map_page", qs, type_name=type_name)


def local_map(cfg: Any) -> folium.Map:
    """A folium map whose scripts and styles are served by the wiki, with the configured tile server."""
    fmap = folium.Map(location=DEFAULT_CENTRE, zoom_start=11, tiles=None, control_scale=False, prefer_canvas=False)
    fmap.default_js = [
        ("leaflet", "/+serve/leaflet/leaflet.js"),
        ("markercluster", "/+serve/leaflet_markercluster/leaflet.markercluster.js"),
    ]
    fmap.default_css = [
        ("leaflet_css", "/+serve/leaflet/leaflet.css"),
        ("markercluster_css", "/+serve/leaflet_markercluster/MarkerCluster.css"),
        ("markercluster_default_css", "/+serve/leaflet_markercluster/MarkerCluster.Default.css"),
    ]
    folium.TileLayer(tiles=cfg.map_tiles_url, attr=cfg.map_tiles_attribution, name="Fond de carte", max_zoom=19).add_to(
        fmap
    )
    MetricScale().add_to(fmap)
    return fmap


def map_document(places: list[Place], legend_rows: list[tuple[str, str, int]], cfg: Any, title: str = "Carte") -> str:
    """The whole map as an HTML document (served to an iframe, or opened alone: then its tab says what it shows),
    with only local scripts and styles."""
    fmap = local_map(cfg)
    ClusteredPlaces(places, legend_rows).add_to(fmap)
    if places:
        FitWhenSized([(p.lat, p.lon) for p in places], padding=20, max_zoom=15).add_to(fmap)
    root = fmap.get_root()
    root.title = str(escape(f"{title} — {cfg.html_pagetitle or cfg.sitename}"))
    return root.render()


def geojson(places: list[Place], unplaced: list[IndexedPage], base_url: str) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the located pages (the others are listed apart, without geometry)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "nom": p.page.title,
                    "page": p.page.fullname,
                    "url": base_url + page_path(p.page),
                    "categorie": p.category,
                    "commune": p.page.data.get("commune"),
                    "approximatif": p.approximate,
                    "a_corriger": bool(p.page.problems),
                    "donnees": p.page.data,
                },
            }
            for p in places
        ],
        "non_localises": [{"nom": p.title, "page": p.fullname, "url": base_url + page_path(p)} for p in unplaced],
    }
