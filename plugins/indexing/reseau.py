"""The network as a whole: actors (fiches) and their ties, laid out by networkx, as SVG, GraphML and JSON.

Ties, from the structured index: two actors of the same chain (« chaîne »), two actors tied to the same venue
(it manages the venue, or speaks at an event held there: « lieu partagé »), an offer that meets a need
(« mutualisation », from the offer's fiche to the need's). The layout is networkx's spring layout with a fixed
seed, so the same network is always drawn the same way. Data only: callers give the pages and the matches
the reader may read (``plugins/views/reseau.py``).
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from plugins.data import communes
from plugins.data.text import fold

#: kinds of ties, and how they are drawn (stroke colour and dash)
KINDS = {
    "chaîne": ("#0b5d5b", ""),
    "lieu partagé": ("#5a3d8a", "6 3"),
    "mutualisation": ("#8a3a0b", "2 3"),
}
#: a chain with more actors than this ties each actor to the next one only (not every pair)
MAX_PAIRS_ACTORS = 12
WIDTH, HEIGHT, MARGIN = 900, 640, 70
#: the drawing shows at most this many actors, the most tied first (the table and the exports have them all)
MAX_DRAWN = 120
LAYOUT_SEED = 44


@dataclass
class Tie:
    source: str
    target: str
    kind: str
    label: str


@dataclass
class Network:
    """Actors (by page name) and ties, with their layout (x, y in the SVG's coordinates)."""

    actors: dict[str, Any] = field(default_factory=dict)
    ties: list[Tie] = field(default_factory=list)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)

    def degree(self, name: str) -> int:
        return sum(1 for t in self.ties if name in (t.source, t.target))


#: characters XML 1.0 refuses (a page may hold them; the drawing and GraphML must still be read)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _names(value: Any) -> set[str]:
    values = value if isinstance(value, list) else [value]
    out = set()
    for v in values:
        if isinstance(v, str) and v.strip():
            out |= {fold(v), fold(v.rsplit("/", 1)[-1])}
    return out


def build(
    fiches: list[Any],
    chains: list[Any],
    venues: list[Any],
    events: list[Any],
    matches: Iterable[tuple[Any, Any, str]] = (),
) -> Network:
    """The network of these fiches; ``matches`` are (offer's page, need's page, label) of the pooling."""
    network = Network(actors={f.fullname: f for f in fiches})
    alias: dict[str, str] = {}
    for fiche in fiches:
        for a in fiche.aliases() | {fold(fiche.fullname)}:
            alias.setdefault(a, fiche.fullname)
    seen: set[tuple[str, str, str]] = set()

    def tie(a: str, b: str, kind: str, label: str) -> None:
        key = (min(a, b), max(a, b), kind)
        if kind != "mutualisation":  # undirected: in name order (a match goes from the offer to the need)
            a, b = key[0], key[1]
        if a != b and key not in seen:
            seen.add(key)
            network.ties.append(Tie(a, b, kind, label))

    chain_names = {a: c for c in chains for a in c.aliases()}
    members: dict[str, list[str]] = {}
    for fiche in fiches:
        for membership in fiche.data.get("chaines", []):
            chain = chain_names.get(fold(str(membership.get("chaine", ""))))
            if chain is not None and fiche.fullname not in members.setdefault(chain.title, []):
                members[chain.title].append(fiche.fullname)
    for title, names in sorted(members.items()):
        pairs = combinations(names, 2) if len(names) <= MAX_PAIRS_ACTORS else zip(names, names[1:], strict=False)
        for a, b in pairs:
            tie(a, b, "chaîne", title)
    for venue in venues:
        tied = {alias[n] for n in _names(venue.data.get("gestionnaire")) if n in alias}
        venue_names = venue.aliases() | {fold(venue.fullname)}
        for event in events:
            if _names(event.data.get("lieu")) & venue_names:
                tied |= {alias[n] for n in _names(event.data.get("intervenants")) if n in alias}
        for a, b in combinations(sorted(tied), 2):
            tie(a, b, "lieu partagé", venue.title)
    for offer_page, need_page, label in matches:
        if offer_page.fullname in network.actors and need_page.fullname in network.actors:
            tie(offer_page.fullname, need_page.fullname, "mutualisation", label)
    network.positions = layout(network)
    return network


def drawn(network: Network) -> set[str]:
    """The actors the drawing shows: all of them, or the MAX_DRAWN most tied."""
    if len(network.actors) <= MAX_DRAWN:
        return set(network.actors)
    degrees: dict[str, int] = {}
    for t in network.ties:
        degrees[t.source] = degrees.get(t.source, 0) + 1
        degrees[t.target] = degrees.get(t.target, 0) + 1
    return set(sorted(network.actors, key=lambda n: (-degrees.get(n, 0), n))[:MAX_DRAWN])


def layout(network: Network) -> dict[str, tuple[float, float]]:
    """networkx's spring layout (fixed seed) of the drawn actors, scaled into the drawing's frame."""
    shown = drawn(network)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(shown))
    graph.add_edges_from((t.source, t.target) for t in network.ties if t.source in shown and t.target in shown)
    if not graph:
        return {}
    raw = nx.spring_layout(graph, seed=LAYOUT_SEED) if len(graph) > 1 else {next(iter(graph)): (0.0, 0.0)}
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {
        n: (
            MARGIN + (float(p[0]) - min(xs)) / span_x * (WIDTH - 2 * MARGIN),
            MARGIN + (float(p[1]) - min(ys)) / span_y * (HEIGHT - 2 * MARGIN),
        )
        for n, p in raw.items()
    }


def to_graph(network: Network) -> nx.MultiGraph:
    graph = nx.MultiGraph()
    for name, page in sorted(network.actors.items()):
        graph.add_node(
            xml_text(name),
            label=xml_text(page.title or name),
            commune=xml_text(page.data.get("commune", "")),
            secteurs=xml_text(", ".join(page.data.get("secteurs", []))),
        )
    for t in network.ties:
        graph.add_edge(xml_text(t.source), xml_text(t.target), type=t.kind, label=xml_text(t.label))
    return graph


def graphml(network: Network) -> str:
    out = io.BytesIO()
    nx.write_graphml(to_graph(network), out, encoding="utf-8")
    return out.getvalue().decode("utf-8")


def as_json(network: Network, base_url: str = "") -> str:

    nodes = [
        {
            "id": name,
            "nom": page.title or name,
            "adresse_wiki": f"{base_url}/{quote(name)}",
            "commune": page.data.get("commune", ""),
            "secteurs": page.data.get("secteurs", []),
            "liens": network.degree(name),
        }
        for name, page in sorted(network.actors.items())
    ]
    edges = [{"source": t.source, "cible": t.target, "type": t.kind, "libelle": t.label} for t in network.ties]
    return json.dumps({"acteurs": nodes, "liens": edges}, ensure_ascii=False, indent=1)


def svg(network: Network, base_url: str = "") -> str:
    """The drawing: ties as lines (colour and dash by kind, with a legend), actors as labelled links."""

    hidden = len(network.actors) - len(network.positions)
    summary = (
        f"{len(network.actors)} acteurs et {len(network.ties)} liens : "
        + ", ".join(f"{sum(1 for t in network.ties if t.kind == k)} {k}" for k in KINDS)
        + ". Le tableau qui suit le dessin donne les mêmes liens."
        + (f" Le dessin montre les {len(network.positions)} acteurs les plus liés ({hidden} autres)." if hidden else "")
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 40}" width="{WIDTH}" '
        f'height="{HEIGHT + 40}" role="img" aria-labelledby="titre desc" font-family="sans-serif" font-size="12">',
        '<title id="titre">Le réseau des acteurs</title>',
        f'<desc id="desc">{escape(summary)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT + 40}" fill="#ffffff"/>',
    ]
    pos = network.positions
    for t in network.ties:
        if t.source not in pos or t.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[t.source], pos[t.target]
        colour, dash = KINDS[t.kind]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="2"'
            f"{dash_attr}><title>{escape(f'{t.kind} : {t.label}')}</title></line>"
        )
    for name, page in sorted(network.actors.items()):
        if name not in pos:
            continue
        x, y = pos[name]
        label = textwrap.shorten(page.title or name, 28, placeholder="…")
        href = quoteattr(f"{base_url}/{quote(name)}")
        parts.append(
            f"<a href={href}><title>{escape(page.title or name)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 + min(8, network.degree(name))}" fill="#f6fbfb" '
            f'stroke="#0b5d5b" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + 24:.1f}" text-anchor="middle" fill="#1a1a1a">{escape(label)}</text></a>'
        )
    x = MARGIN
    for kind, (colour, dash) in KINDS.items():
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" y1="{HEIGHT + 20}" x2="{x + 30}" y2="{HEIGHT + 20}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/><text x="{x + 36}" y="{HEIGHT + 24}" fill="#1a1a1a">{escape(kind)}</text>'
        )
        x += 200
    parts.append("</svg>")
    return xml_text("\n".join(parts))


@dataclass
class CommuneTie:
    """The ties between the actors of two communes (or within one), by kind."""

    a: str
    b: str
    kinds: dict[str, int]


def commune_ties(network: Network) -> tuple[dict[str, int], list[CommuneTie]]:
    """Actors by commune, and the ties between communes (actors without a known commune are left out)."""

    where = {}
    for name, page in network.actors.items():
        found = communes.find(str(page.data.get("commune") or ""))
        if found is not None:
            where[name] = found.nom
    actors: dict[str, int] = {}
    for town in where.values():
        actors[town] = actors.get(town, 0) + 1
    pairs: dict[tuple[str, str], dict[str, int]] = {}
    for t in network.ties:
        if t.source in where and t.target in where and where[t.source] != where[t.target]:
            key = tuple(sorted((where[t.source], where[t.target])))
            kinds = pairs.setdefault(key, {})
            kinds[t.kind] = kinds.get(t.kind, 0) + 1
    return actors, [CommuneTie(a, b, kinds) for (a, b), kinds in sorted(pairs.items())]
