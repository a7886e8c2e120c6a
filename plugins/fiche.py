"""The ``fiche`` page type: one initiative or project holder of the binder (« classeur d'expériences »)."""

from __future__ import annotations

import json
from typing import Any

from plugins import card
from plugins.frontmatter import Probleme
from plugins.identifiants import Rna, Siret
from plugins.registry import PageType, Record, register
from plugins.schema import (
    GENRES,
    Commune,
    Email,
    Group,
    ListOf,
    Phone,
    Position,
    Resources,
    Suggested,
    Text,
    TextList,
    Url,
    Year,
    resource_line,
)

#: licence of a fiche that names none (the seed content's licence)
LICENCE_PAR_DEFAUT = "CC BY-SA 4.0"

FORMES = (
    "association",
    "SCOP",
    "SCIC",
    "coopérative",
    "mutuelle",
    "collectif",
    "fondation",
    "entreprise d'insertion",
    "CAE",
    "entreprise de l'ESS",
)


#: how members write an offer or a need on one line (forms, imports)
RESOURCES_HELP = (
    "Une par ligne : « genre : description (commune, jusqu'au AAAA-MM-JJ) », genre et parenthèse facultatifs ; "
    "genres : " + ", ".join(GENRES) + "."
)


@register
class Fiche(PageType):
    name = "fiche"
    label = "Fiche"
    plural = "fiches"
    title_field = "nom"
    fields = [
        Text("nom", "Nom", required=True),
        TextList("porteurs", "Porteurs"),
        Suggested("forme", "Forme juridique", FORMES),
        TextList("secteurs", "Secteurs"),
        TextList("themes", "Thèmes"),
        Text("resume", "Résumé"),
        Commune("commune", "Commune"),
        Text("adresse", "Adresse"),
        Position("position", "Position"),
        Group("contact", "Contact", [Email("email", "Courriel"), Phone("telephone", "Téléphone"), Url("site", "Site")]),
        Year("creation", "Année de création"),
        ListOf("parcours", "Parcours", [Year("annee", "Année"), Text("etape", "Étape")]),
        ListOf("chaines", "Chaînes", [Text("chaine", "Chaîne"), Text("maillon", "Maillon")]),
        Resources("offres", "Offres (compétences et ressources proposées)", help=RESOURCES_HELP),
        Resources("besoins", "Besoins (compétences et ressources recherchées)", help=RESOURCES_HELP),
        Text("licence", "Licence"),
        Siret("siret", "SIRET"),
        Rna("rna", "Numéro RNA"),
    ]
    facets = {"secteur": "secteurs", "commune": "commune", "theme": "themes", "forme": "forme"}
    sorts = {"nom": "nom", "creation": "creation", "commune": "commune"}

    def summary(self, data: dict[str, Any]) -> list[Any]:
        details = [x for x in (data.get("forme"), data.get("commune")) if x]
        if data.get("secteurs"):
            details.append(", ".join(data["secteurs"]))
        nodes: list[Any] = [card.span("eco-details", [" — " + " · ".join(details)])] if details else []
        if data.get("resume"):
            nodes.append(card.para([data["resume"]], "eco-resume"))
        return nodes

    def row(self, record: Record) -> dict[str, Any]:
        """As every type, with offers and needs in their one-line form (« genre : description (commune) »)."""
        row = super().row(record)
        for key in ("offres", "besoins"):
            row[key] = " ; ".join(resource_line(e) for e in record.data.get(key) or [])
        return row

    def card(self, record: Record, problems: list[Probleme]) -> Any:
        d = record.data
        children: list[Any] = [card.problems_box(problems)] if problems else []
        children.append(card.header("Fiche", d.get("nom") or "(fiche sans nom)", (d.get("forme"), d.get("commune"))))
        if d.get("resume"):
            children.append(card.para([d["resume"]], "eco-resume"))
        entries: list[tuple[str, list[Any]]] = []
        for key, label in (
            ("porteurs", "Porteurs"),
            ("forme", "Forme juridique"),
            ("secteurs", "Secteurs"),
            ("themes", "Thèmes"),
            ("commune", "Commune"),
            ("adresse", "Adresse"),
            ("siret", "SIRET"),
            ("rna", "Numéro RNA"),
        ):
            value = d.get(key)
            if value:
                entries.append((label, card.joined(value) if isinstance(value, list) else [value]))
        links = card.contact_links(d.get("contact") or {})
        if links:
            entries.append(("Contact", card.joined(links, " · ")))
        if d.get("creation"):
            entries.append(("Création", [str(d["creation"])]))
        if d.get("position"):
            entries.append(("Position", [f"{d['position']['lat']:.5f}, {d['position']['lon']:.5f}"]))
        if entries:
            children.append(card.definition_list(entries))
        if d.get("parcours"):
            steps = sorted(d["parcours"], key=lambda s: s.get("annee", 0))
            children.append(card.heading("Parcours", 3))
            children.append(
                card.bullet_list(
                    [[card.span("eco-annee", [str(s.get("annee", "?"))]), " ", s.get("etape", "")] for s in steps],
                    ordered=True,
                    css="eco-parcours",
                )
            )
        # offers and needs, whether each has expired, who meets them and the fiche's ties depend on the day,
        # on other pages and on the reader: known when the page is shown
        pooled = {k: json.dumps(d[k], ensure_ascii=False) for k in ("offres", "besoins") if d.get(k)}
        children.append(card.macro_call("MutualisationFiche", pooled))
        # its ties both ways (the chains it declares among them, checked against the chain pages)
        chains = {"chaines": json.dumps(d["chaines"], ensure_ascii=False)} if d.get("chaines") else {}
        children.append(card.macro_call("RelationsFiche", chains))
        # subsidies received, from public files (reader's rights, latest files): known when the page is shown
        children.append(card.macro_call("SubventionsFiche", {}))
        children.append(card.para(["Licence du contenu : ", d.get("licence") or LICENCE_PAR_DEFAUT], "eco-licence"))
        return card.div("eco-carte eco-fiche", children)
