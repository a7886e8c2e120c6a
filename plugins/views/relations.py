"""A fiche's « Relations » box: every kind of tie once, with its count, as the reader may see them."""

from __future__ import annotations

from typing import Any

from flask import current_app

from plugins.data import numbers
from plugins.data.frontmatter import Probleme
from plugins.data.text import fold
from plugins.indexing.query import readable
from plugins.indexing.relations import ties
from plugins.indexing.structured import get_index
from plugins.subventions import analysis
from plugins.subventions.views import euros
from plugins.views import card
from plugins.views.chains import memberships as chain_memberships
from plugins.views.mutualisation import match_count


def _links(pages: list[Any], detail: Any = None) -> list[Any]:
    items = []
    for page in pages:
        item: list[Any] = [card.page_link(page.fullname, page.title or page.fullname)]
        extra = detail(page) if detail else ""
        if extra:
            item.append(card.span("eco-details", [f" ({extra})"]))
        items.append(item)
    return card.joined(items, " · ")


def _flat(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(item if isinstance(item, list) else [item])
    return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{numbers.count(n)} {one if n <= 1 else many}"


def relations_box(page_name: str, chain_entries: list[Any] | None = None) -> Any:
    """The relations of the fiche ``page_name``: chains, venues, events, positions, schemes, subsidies, pooling.

    ``chain_entries`` are the chains the fiche declares (its card passes them, so a preview shows its own).
    """
    index = get_index()
    snapshot = index.snapshot() if index else None
    by_type = snapshot.by_type if snapshot else {}
    page = next((p for p in by_type.get("fiche", []) if p.fullname == page_name), None)
    if page is not None:
        aliases, data = page.aliases(), page.data
    else:
        last = page_name.rsplit("/", 1)[-1]
        aliases, data = {fold(page_name), fold(last)}, {}
    aliases |= {fold(page_name)}
    found = ties(
        aliases,
        readable(by_type.get("lieu", [])),
        readable(by_type.get("evenement", [])),
        readable(by_type.get("position", [])),
    )
    entries: list[tuple[str, list[Any]]] = []

    def add(label: str, pages: list[Any], detail: Any = None) -> None:
        if pages:
            entries.append((f"{label} ({numbers.count(len(pages))})", _flat(_links(pages, detail))))

    chain_items, chain_problems, chain_count = chain_memberships(
        data.get("chaines", []) if chain_entries is None else chain_entries, readable(by_type.get("chaine", []))
    )
    if chain_items:
        entries.append((f"Chaînes ({numbers.count(chain_count)})", _flat(card.joined(chain_items, " · "))))
    add("Lieux gérés", found.lieux, lambda p: p.data.get("commune", ""))
    add("Événements", found.evenements, lambda p: str(p.data.get("debut", ""))[:10])
    add("Positions signées", found.positions_signees, lambda p: p.data.get("statut", "brouillon"))
    add("Positions qui la citent", found.positions_citant, lambda p: p.data.get("statut", "brouillon"))
    world = analysis.world(current_app)
    indices = world.by_fiche.get(page_name, [])
    schemes = {}
    for i in indices:
        if world.scheme[i] is not None:
            schemes[world.scheme[i].fullname] = world.scheme[i]
    add("Dispositifs", sorted(schemes.values(), key=lambda p: fold(p.title)))
    if indices:
        total = sum(world.visible.records[i].montant for i in indices)

        entries.append(
            (
                f"Subventions reçues ({numbers.count(len(indices))})",
                [f"{euros(total)} au total (détail ci-dessous)"],
            )
        )
    helped, useful = match_count(page_name)
    if helped or useful:
        entries.append(
            (
                f"Mutualisation ({numbers.count(helped + useful)})",
                [
                    f"{_plural(helped, 'offre répond', 'offres répondent')} à ses besoins · "
                    f"{_plural(useful, 'besoin', 'besoins')} auxquels ses offres répondent"
                ],
            )
        )
    children: list[Any] = [card.heading("Relations", 3, "eco-relations-titre")]
    if chain_problems:
        children.append(card.problems_box([Probleme(p) for p in chain_problems], title="Chaînes à vérifier"))
    if entries:
        children.append(card.definition_list(entries, "eco-champs eco-relations"))
    else:
        children.append(card.para(["Aucune autre page du wiki ne la relie encore."], "eco-vide"))
    return card.div("eco-relations-fiche", children)
