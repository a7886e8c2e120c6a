"""The ``fiche`` page type: one initiative or project holder of the binder (« classeur d'expériences »)."""

from __future__ import annotations

from plugins.data.identifiants import Rna, Siret
from plugins.data.registry import PageType, register
from plugins.data.schema import Commune, Email, Group, ListOf, Phone, Position, Suggested, Text, TextList, Url, Year

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
        Text("resume", "Résumé"),
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
    sections = ("chaînes de la fiche", "subventions reçues")
    sorts = {"nom": "nom", "creation": "creation", "commune": "commune"}
