"""The ``chaine`` page type: a thematic chain of actors (« la chaîne du libre, de la récup', du bien manger »).

A chain lists its links (maillons) in order; fiches join a chain through their ``chaines`` key. Who stands
at each link depends on other pages and on the reader's rights, so the card only carries a ``<<Chaine>>``
macro call, expanded when the page is shown (see :func:`build_view`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import PageType, Record, register
from plugins.data.schema import Links, Text
from plugins.data.text import fold
from plugins.indexing.query import readable
from plugins.indexing.structured import IndexedPage, get_index


@register
class Chaine(PageType):
    name = "chaine"
    label = "Chaîne"
    plural = "chaînes"
    title_field = "nom"
    fields = [
        Text("nom", "Nom", required=True),
        Text("description", "Description", long=True),
        Links("maillons", "Maillons"),
    ]
    facets = {"maillon": "maillons"}
    sections = ("maillons de la chaîne",)
    sorts = {"nom": "nom"}

    @classmethod
    def validate(cls, data: dict[str, Any], lines: dict[str, int] | None = None) -> Record:
        """As every type, plus: a link named twice is reported and kept once."""
        record = super().validate(data, lines)
        seen: set[str] = set()
        unique = []
        for link in record.data.get("maillons", []):
            if fold(link["nom"]) in seen:
                record.problems.append(
                    Probleme(
                        f"le maillon « {link['nom']} » est en double ; il n'est gardé qu'une fois.",
                        champ="maillons",
                        ligne=(lines or {}).get("maillons"),
                    )
                )
                continue
            seen.add(fold(link["nom"]))
            unique.append(link)
        if "maillons" in record.data:
            record.data["maillons"] = unique
        return record


@dataclass
class LinkView:
    nom: str
    description: str = ""
    actors: list[IndexedPage] = field(default_factory=list)


@dataclass
class ChainView:
    """A chain as a reader sees it: its links with their actors, and the fiches naming unknown links."""

    page: IndexedPage
    links: list[LinkView]
    unknown: list[tuple[str, IndexedPage]]

    @property
    def title(self) -> str:
        return self.page.title

    @property
    def actors(self) -> list[IndexedPage]:
        seen: dict[str, IndexedPage] = {}
        for link in self.links:
            for actor in link.actors:
                seen.setdefault(actor.itemid, actor)
        return list(seen.values())

    @property
    def missing(self) -> list[LinkView]:
        return [link for link in self.links if not link.actors]


def readable_chains() -> list[IndexedPage]:
    index = get_index()
    return readable(index.pages("chaine")) if index else []


def find_chain(name: str, chains: list[IndexedPage] | None = None) -> IndexedPage | None:
    wanted = fold(name)
    return next((c for c in (chains if chains is not None else readable_chains()) if wanted in c.aliases()), None)


def build_view(chain: IndexedPage, fiches: list[IndexedPage] | None = None) -> ChainView:
    """Who stands at each link of a chain, among the fiches the reader may read."""
    if fiches is None:
        index = get_index()
        fiches = readable(index.pages("fiche")) if index else []
    links = [LinkView(nom=m["nom"], description=m.get("description", "")) for m in chain.data.get("maillons", [])]
    by_name = {fold(link.nom): link for link in links}
    chain_names = chain.aliases()
    unknown: list[tuple[str, IndexedPage]] = []
    for fiche in fiches:
        for membership in fiche.data.get("chaines", []):
            if fold(membership.get("chaine", "")) not in chain_names:
                continue
            link = by_name.get(fold(membership.get("maillon", "")))
            if link is None:
                unknown.append((membership.get("maillon", ""), fiche))
            elif fiche not in link.actors:
                link.actors.append(fiche)
    for link in links:
        link.actors.sort(key=lambda p: fold(p.title))
    unknown.sort(key=lambda mp: (fold(mp[1].title), fold(mp[0])))
    return ChainView(page=chain, links=links, unknown=unknown)


def rows(view: ChainView) -> list[dict[str, Any]]:
    """One row per link and actor (a link with no actor gives one row without actor), for CSV/JSON."""
    out: list[dict[str, Any]] = []
    for order, link in enumerate(view.links, 1):
        base = {"chaine": view.title, "ordre": order, "maillon": link.nom, "description": link.description}
        if not link.actors:
            out.append({**base, "acteur": "", "page": "", "commune": "", "statut": "maillon manquant"})
        for actor in link.actors:
            out.append(
                {
                    **base,
                    "acteur": actor.title,
                    "page": actor.fullname,
                    "commune": actor.data.get("commune", ""),
                    "statut": "",
                }
            )
    for maillon, actor in view.unknown:
        out.append(
            {
                "chaine": view.title,
                "ordre": "",
                "maillon": maillon,
                "description": "",
                "acteur": actor.title,
                "page": actor.fullname,
                "commune": actor.data.get("commune", ""),
                "statut": "maillon inconnu",
            }
        )
    return out
