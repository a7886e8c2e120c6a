"""The ``fiche`` page type: one initiative or project holder of the binder (« classeur d'expériences »)."""

from __future__ import annotations

import json
from typing import Any

from plugins import card
from plugins.frontmatter import Probleme
from plugins.identifiants import Rna, Siret
from plugins.registry import PageType, Record, register
from plugins.schema import Commune, Email, Group, ListOf, Phone, Position, Suggested, Text, TextList, Url, Year

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
        Text("resume", "Résumé", long=True),
        Commune("commune", "Commune"),
        Text("adresse", "Adresse"),
        Position("position", "Position"),
        Group("contact", "Contact", [Email("email", "Courriel"), Phone("telephone", "Téléphone"), Url("site", "Site")]),
        Year("creation", "Année de création"),
        ListOf("parcours", "Parcours", [Year("annee", "Année"), Text("etape", "Étape")]),
        ListOf("chaines", "Chaînes", [Text("chaine", "Chaîne"), Text("maillon", "Maillon")]),
        TextList("offres", "Offres"),
        TextList("besoins", "Besoins"),
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
        if d.get("chaines"):
            children.append(card.heading("Chaînes", 3))
            # which chain pages and links exist is known when the page is shown: a macro call
            children.append(card.macro_call("ChainesFiche", {"chaines": json.dumps(d["chaines"], ensure_ascii=False)}))
        for key, label in (
            ("offres", "Offres (compétences et ressources proposées)"),
            ("besoins", "Besoins (compétences et ressources recherchées)"),
        ):
            if d.get(key):
                children.append(card.heading(label, 3))
                children.append(card.bullet_list(d[key], css=f"eco-{key}"))
        # subsidies received, from public files (reader's rights, latest files): known when the page is shown
        children.append(card.macro_call("SubventionsFiche", {}))
        children.append(card.para(["Licence du contenu : ", d.get("licence") or LICENCE_PAR_DEFAUT], "eco-licence"))
        return card.div("eco-carte eco-fiche", children)
