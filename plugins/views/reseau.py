"""« Réseau » as readers see it: the drawing (SVG, by URL), the same ties as a table, the exports."""

from __future__ import annotations

import html as html_text
from typing import Any

import folium
from moin.utils.tree import html, moin_page

from plugins.data import communes
from plugins.data.text import fold
from plugins.indexing.mutualisation import BESOINS
from plugins.indexing.query import readable, reader_key
from plugins.indexing.reseau import KINDS, MAX_DRAWN, Network, build, commune_ties
from plugins.indexing.structured import get_index
from plugins.views import card, maps
from plugins.views.mutualisation import reader_matcher
from plugins.views.urls import route_url

ARGUMENTS = ("secteur", "commune")
#: networks kept per state of the wiki (readers × selections)
MAX_KEPT = 32


class NetworkError(ValueError):
    """A wrong argument of « Reseau »; the message (French) says what is valid."""


def parse_arguments(args: dict[str, str]) -> dict[str, str]:
    for key in args:
        if key not in ARGUMENTS:
            raise NetworkError(f"Reseau : argument inconnu « {key} » ; arguments possibles : {', '.join(ARGUMENTS)}.")
    out = {k: v.strip() for k, v in args.items() if v.strip()}
    if "commune" in out:

        found = communes.find(out["commune"])
        if found is None:
            raise NetworkError(
                f"Reseau : commune inconnue « {out['commune']} » ; écrivez le nom d'une commune de Loire-Atlantique."
            )
        out["commune"] = found.nom
    return out


def reader_network(args: dict[str, str]) -> Network:
    """The network of the fiches the reader may read (filtered by sector and commune), with their ties; kept
    with the index snapshot (until the next change to the wiki), by reader's rights and arguments."""
    index = get_index()
    if index is None:
        return build([], [], [], [])
    snapshot = index.snapshot()
    key = ("reseau", reader_key(), tuple(sorted(args.items())))
    network = snapshot.memo.get(key)
    if network is None:
        network = _network(snapshot.by_type, args)
        if sum(1 for k in snapshot.memo if isinstance(k, tuple) and k[:1] == ("reseau",)) < MAX_KEPT:
            snapshot.memo[key] = network  # bounded: arguments come from query strings
    return network


def _network(by_type: dict[str, list[Any]], args: dict[str, str]) -> Network:
    fiches = readable(by_type.get("fiche", []))
    if args.get("secteur"):
        fiches = [f for f in fiches if fold(args["secteur"]) in {fold(s) for s in f.data.get("secteurs", [])}]
    if args.get("commune"):
        fiches = [f for f in fiches if fold(f.data.get("commune", "")) == fold(args["commune"])]
    wanted = {f.fullname for f in fiches}
    matcher = reader_matcher()
    matches = [
        (m.offer.page, m.need.page, f"{m.offer.description} → {m.need.description}")
        for need in matcher.open_entries(BESOINS)
        if need.page.fullname in wanted
        for m in matcher.matches(need, 3)
    ]
    return build(
        fiches,
        readable(by_type.get("chaine", [])),
        readable(by_type.get("lieu", [])),
        readable(by_type.get("evenement", [])),
        matches,
    )


def data_url(fmt: str, args: dict[str, str]) -> str:
    if fmt == "carte":  # the map document has a route of its own
        return route_url("ecossolies.ecossolies_mutualisation.network_map", args)
    return route_url("ecossolies.ecossolies_mutualisation.network", args, fmt=fmt)


def network_block(args: dict[str, str]) -> Any:
    """The drawing, then the table of ties (the same data), then the exports."""
    network = reader_network(args)
    counts = ", ".join(f"{sum(1 for t in network.ties if t.kind == k)} {k}" for k in KINDS)
    alone = sorted((p for n, p in network.actors.items() if not network.degree(n)), key=lambda p: fold(p.title))
    children: list[Any] = [
        card.para([f"{len(network.actors)} acteur(s), {len(network.ties)} lien(s) : {counts}."], "eco-compte")
    ]
    if len(network.actors) > MAX_DRAWN:
        children.append(
            card.para(
                [
                    f"Le dessin montre les {len(network.positions)} acteurs les plus liés ; le tableau et les "
                    "téléchargements les donnent tous. Pour voir les autres, choisissez un secteur ou une commune."
                ],
                "eco-aide",
            )
        )
    if network.actors:
        children.append(
            html.img(
                attrib={
                    html.src: data_url("svg", args),
                    html.alt: f"Dessin du réseau : {len(network.actors)} acteurs, {len(network.ties)} liens "
                    "(détail dans le tableau qui suit).",
                    html.class_: "eco-schema eco-reseau",
                }
            )
        )
    if network.ties:
        children.append(card.heading("Les liens", 3))
        header = ["Acteur", "Lien", "Acteur", "Par"]
        rows = [
            moin_row(
                [card.page_link(t.source, network.actors[t.source].title)],
                [t.kind],
                [card.page_link(t.target, network.actors[t.target].title)],
                [t.label],
            )
            for t in sorted(network.ties, key=lambda t: (t.kind, fold(network.actors[t.source].title)))
        ]
        children.append(table(header, rows))
    if alone:
        children.append(
            card.para(
                ["Sans lien pour l'instant : ", *card.joined([card.page_link(p.fullname, p.title) for p in alone])]
            )
        )
    _actors, between = commune_ties(network)
    if between:
        children.append(card.heading("Les liens entre communes", 3))
        children.append(
            html.iframe(
                attrib={
                    html.src: data_url("carte", args),
                    html("title"): f"Carte des liens entre communes ({len(between)} paires de communes)",
                    html.class_: "eco-carte-frame",
                    html("sandbox"): "allow-scripts allow-popups allow-top-navigation-by-user-activation",
                }
            )
        )
        children.append(
            card.bullet_list(
                [
                    f"{link.a} – {link.b} : " + ", ".join(f"{n} {kind}" for kind, n in sorted(link.kinds.items()))
                    for link in between
                ],
                css="eco-liens-communes",
            )
        )
    children.append(
        card.para(
            [
                "Télécharger : ",
                card.url_link(data_url("graphml", args), "GraphML (Gephi…)", "eco-export", "application/graphml+xml"),
                " · ",
                card.url_link(data_url("json", args), "JSON", "eco-export", "application/json"),
                " · ",
                card.url_link(data_url("svg", args), "SVG", "eco-export", "image/svg+xml"),
            ],
            "eco-exports",
        )
    )
    return card.div("eco-reseau-vue", children)


def moin_row(*cells: list[Any]) -> Any:

    return moin_page.table_row(children=[moin_page.table_cell(children=list(c)) for c in cells])


def table(header: list[str], rows: list[Any]) -> Any:

    head = moin_page.table_header(children=[moin_row(*[[h] for h in header])])
    return moin_page.table(
        attrib={moin_page.class_: "eco-reseau-liens"}, children=[head, moin_page.table_body(children=rows)]
    )


def map_document(network: Network, cfg: Any) -> str:
    """The ties between communes on the map: a line between two communes' centres, a circle per commune."""




    fmap = maps.local_map(cfg)
    actors, links = commune_ties(network)
    for link in links:
        a, b = communes.find(link.a), communes.find(link.b)
        count = sum(link.kinds.values())
        what = ", ".join(f"{n} {kind}" for kind, n in sorted(link.kinds.items()))
        colour = KINDS[max(link.kinds, key=lambda k: link.kinds[k])][0]
        folium.PolyLine(
            [(a.lat, a.lon), (b.lat, b.lon)],
            color=colour,
            weight=2 + min(6, count),
            opacity=0.8,
            tooltip=html_text.escape(f"{link.a} – {link.b} : {what}"),
        ).add_to(fmap)
    for town, n in sorted(actors.items()):
        c = communes.find(town)
        folium.CircleMarker(
            (c.lat, c.lon),
            radius=4 + min(10, n),
            color="#0b5d5b",
            fill=True,
            fill_opacity=0.7,
            tooltip=html_text.escape(f"{town} : {n} acteur(s)"),
        ).add_to(fmap)
    points = [(communes.find(t).lat, communes.find(t).lon) for t in actors]
    if points:
        maps.FitWhenSized(points, padding=20, max_zoom=13).add_to(fmap)
    return fmap.get_root().render()
