"""Carte — la carte des pages situées d'un type (lieux, fiches…), avec marqueurs regroupés.

Arguments (de la forme nom="valeur") :

- ``type`` : ``lieu`` (par défaut), ``fiche`` ou ``evenement`` (placé à son lieu) ;
- les filtres de ce type : pour les lieux ``categorie``, ``commune``, ``pratique`` ; pour les fiches
  ``secteur``, ``commune``, ``theme``, ``forme`` ;
- ``limite`` : nombre de lieux par page dans la liste sous la carte (50 par défaut) ;
- ``taille="petite"`` : une petite carte sans la liste (pour une page d'accueil, par exemple).

Chaque marqueur ouvre une bulle avec le nom, la catégorie, la commune et un lien vers la page. Une page sans
coordonnées mais avec une commune connue est placée au centre de sa commune (position approximative) ; une
page sans l'une ni l'autre est listée comme « non localisée ». Sous la carte, la légende et les mêmes lieux en
liste, pour qui préfère lire ; la sélection se télécharge en GeoJSON, CSV ou JSON.

Exemples : ``<<Carte>>``, ``<<Carte(type="lieu", commune="Rezé")>>``, ``<<Carte(type="fiche", secteur="Culture")>>``
"""

from __future__ import annotations

from typing import Any

from flask import request
from moin.macros._base import MacroBlockBase
from moin.utils.tree import html

from plugins.data import registry
from plugins.indexing import query, selection_args
from plugins.indexing.query import QueryError
from plugins.views import card, fragments, listing, maps
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Carte")
            type_name = args.pop("type", "lieu")
            small = args.pop("taille", "normale")
            if small not in ("normale", "petite"):
                raise ArgumentError("Carte : « taille » vaut « normale » ou « petite ».")
            if type_name not in maps.MAPPABLE:
                raise ArgumentError(
                    f"Carte : type « {type_name} » impossible ; types possibles : {', '.join(maps.MAPPABLE)}."
                )
            page_type = registry.get(type_name)
            selection = selection_args.build(page_type, args, request.args)
        except (ArgumentError, QueryError) as exc:
            return error_box(f"Carte : {exc}" if not str(exc).startswith("Carte") else str(exc), alternative)
        result = query.run(selection, all_rows=True)
        fixed_filters = {k for k in selection.filters if k in args}  # fixed by the page: not offered
        placed = maps.placed(result, page_type)
        places, unplaced = placed.places, placed.unplaced
        # an event's place is its venue's: the parts depend on the venues too, which result.key does not hold
        key = None if type_name == "evenement" else fragments.listing_key(result, "Carte")
        label = page_type.plural
        map_url = maps.map_url(type_name, selection)
        frame = html.iframe(
            attrib={
                html.src: map_url,
                html("title"): f"Carte des {label} ({len(places)} sur la carte)",
                html.class_: "eco-carte-frame" + (" eco-carte-petite" if small == "petite" else ""),
                html("sandbox"): "allow-scripts allow-popups allow-top-navigation-by-user-activation",
            }
        )
        approx = placed.approximate
        summary = (
            f"{len(places)} {label if len(places) > 1 else page_type.label.lower()} sur la carte"
            + (
                f", dont {approx} au centre de {'sa' if approx == 1 else 'leur'} commune (position approximative)"
                if approx
                else ""
            )
            + (f" ; {len(unplaced)} non localisé{'s' if len(unplaced) > 1 else ''}" if unplaced else "")
            + "."
        )
        if small == "petite":
            section = {"lieu": "/Lieux", "fiche": "/Initiatives", "evenement": "/Agenda"}[type_name]
            return card.div(
                "eco-carte-macro",
                [
                    card.div("eco-carte-cadre", [frame]),
                    card.para([summary, " ", card.url_link(section, f"Voir tous les {label}")], "eco-compte"),
                ],
            )

        def legend_list() -> Any:
            legend_items = [
                [card.span(f"eco-pastille eco-couleur-{i}", [" "]), f" {cat} ({n})"]
                for i, (cat, _colour, n) in enumerate(placed.legend)
            ]
            return card.bullet_list(legend_items, css="eco-legende-liste")

        def places_list() -> Any:
            start = (selection.page - 1) * selection.limit
            items = [
                [
                    card.page_link(p.page.fullname, p.page.title),
                    " — "
                    + " · ".join(
                        x
                        for x in (p.category if p.category != maps.OTHER else "", str(p.page.data.get("commune") or ""))
                        if x
                    ),
                    *([" ", card.span("eco-approx", ["(position approximative)"])] if p.approximate else []),
                ]
                for p in places[start : start + selection.limit]
            ]
            return (
                card.bullet_list(items, css="eco-liste eco-liste-carte") if items else card.para(["Aucun."], "eco-vide")
            )

        def unplaced_list() -> Any:
            return card.bullet_list([card.page_link(p.fullname, p.title) for p in unplaced], css="eco-liste")

        def part(name: str, build: Any) -> Any:
            return fragments.kept(None if key is None else (*key, name), build)

        pages_result = query.Result(selection=selection, rows=[], total=len(places), facets={})
        children: list[Any] = [
            card.div("eco-carte-cadre", [frame]),
            card.para(
                [summary, " ", card.url_link(map_url, "Ouvrir la carte seule", css="eco-carte-seule")], "eco-compte"
            ),
            card.div("eco-legende", [card.heading("Légende", 3), part("légende", legend_list)])
            if placed.legend
            else card.para(["Aucun lieu situé pour cette sélection."], "eco-vide"),
            # the same filters without a script (by category, commune…): the map and the list follow the link
            card.div(
                "eco-carte-filtres",
                [card.heading("Filtrer la carte", 3), listing.facets_box(result, request.path, fixed_filters)],
            ),
            card.heading(f"Les {label} de la carte", 3),
            part("liste", places_list),
            listing.pager(pages_result, request.path),
        ]
        if unplaced:
            children += [card.heading("Non localisés", 3), part("non localisés", unplaced_list)]
        links = [
            card.url_link(
                listing.export_url(type_name, fmt, result), text, css=f"eco-export eco-export-{fmt}", mimetype=mime
            )
            for fmt, text, mime in (("geojson", "GeoJSON", "application/geo+json"), *listing.EXPORT_FORMATS)
        ]
        children.append(card.para(["Télécharger cette sélection : ", *card.joined(links, " · ")], "eco-exports"))
        return card.div("eco-carte-macro", children)
