"""How chains are shown: a chain with its links and actors, and the table of all chains."""

from __future__ import annotations

from typing import Any

from moin.utils.tree import html, moin_page

from plugins.data.text import fold
from plugins.data.types.chaine import ChainView, build_view, find_chain, readable_chains
from plugins.indexing.query import readable
from plugins.indexing.structured import get_index
from plugins.views import card
from plugins.views.urls import route_url


def data_url(view: ChainView, fmt: str) -> str:
    return route_url("ecossolies.chain_export", {"chaine": view.page.fullname}, fmt=fmt)


def chain_block(view: ChainView) -> Any:
    items = []
    for link in view.links:
        item: list[Any] = [card.strong(link.nom)]
        if link.description:
            item += [" — ", link.description]
        if link.actors:
            actors = [
                [card.page_link(a.fullname, a.title), *([f" ({a.data['commune']})"] if a.data.get("commune") else [])]
                for a in link.actors
            ]
            item.append(card.bullet_list(actors, css="eco-acteurs"))
        else:
            item += [" ", card.span("eco-manquant", ["maillon manquant"])]
        items.append(item)
    children: list[Any] = [
        html.img(
            attrib={
                html.src: data_url(view, "svg"),
                html.alt: f"Schéma de la chaîne {view.title} : " + " → ".join(link.nom for link in view.links),
                html.class_: "eco-schema",
            }
        ),
        card.heading("Maillons", 3),
        card.bullet_list(items, ordered=True, css="eco-maillons") if items else card.para(["Aucun maillon."]),
    ]
    if view.unknown:
        children.append(card.heading("Maillons inconnus", 3))
        children.append(
            card.bullet_list(
                [
                    [
                        card.page_link(fiche.fullname, fiche.title),
                        f" se dit au maillon « {maillon} », que la chaîne n'a pas.",
                    ]
                    for maillon, fiche in view.unknown
                ],
                css="eco-inconnus",
            )
        )
    missing = len(view.missing)
    children.append(
        card.para(
            [
                f"{len(view.actors)} acteur{'s' if len(view.actors) > 1 else ''}, "
                f"{missing} maillon{'s' if missing > 1 else ''} manquant{'s' if missing > 1 else ''}. Télécharger : ",
                card.url_link(data_url(view, "csv"), "CSV", css="eco-export", mimetype="text/csv"),
                " · ",
                card.url_link(data_url(view, "json"), "JSON", css="eco-export", mimetype="application/json"),
            ],
            "eco-exports",
        )
    )
    return card.div("eco-chaine-vue", children)


def chains_table() -> Any:
    index = get_index()
    fiches = readable(index.pages("fiche")) if index else []
    views = sorted((build_view(c, fiches) for c in readable_chains()), key=lambda v: fold(v.title))
    if not views:
        return card.para(["Aucune chaîne pour l'instant."], "eco-vide")
    header = moin_page.table_header(
        children=[
            moin_page.table_row(
                children=[
                    moin_page.table_cell(children=[t]) for t in ("Chaîne", "Maillons", "Acteurs", "Maillons manquants")
                ]
            )
        ]
    )
    rows = [
        moin_page.table_row(
            children=[
                moin_page.table_cell(children=[card.page_link(v.page.fullname, v.title)]),
                moin_page.table_cell(children=[str(len(v.links))]),
                moin_page.table_cell(children=[str(len(v.actors))]),
                moin_page.table_cell(children=[", ".join(link.nom for link in v.missing) if v.missing else "aucun"]),
            ]
        )
        for v in views
    ]
    return moin_page.table(
        attrib={moin_page.class_: "eco-chaines-table"}, children=[header, moin_page.table_body(children=rows)]
    )


def memberships(entries: list[Any], chains: list[Any] | None = None) -> tuple[list[list[Any]], list[str], int]:
    """A fiche's chain memberships as shown on its card: one item each (the chain linked when the reader may
    read it, then its link), the French problems (unknown chain or link), and how many distinct chains."""

    chains = readable_chains() if chains is None else chains
    items: list[list[Any]] = []
    problems: list[str] = []
    distinct: set[str] = set()
    for membership in entries:
        if not isinstance(membership, dict):
            continue
        name, link = str(membership.get("chaine", "")), str(membership.get("maillon", ""))
        chain = find_chain(name, chains) if name else None
        distinct.add(chain.fullname if chain else fold(name))
        item: list[Any] = [card.page_link(chain.fullname, chain.title) if chain else name or "?"]
        if link:
            item += [" : ", link]
        items.append(item)
        if chain is None:
            problems.append(f"la chaîne « {name} » n'existe pas (encore) : créez sa page, ou corrigez son nom.")
        elif link:
            known = [m["nom"] for m in chain.data.get("maillons", [])]
            if fold(link) not in {fold(k) for k in known}:
                problems.append(
                    f"« {link} » n'est pas un maillon de « {chain.title} » (maillons : {', '.join(known) or 'aucun'})."
                )
    return items, problems, len(distinct)
