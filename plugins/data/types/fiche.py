"""The ``fiche`` page type: one initiative or project holder of the binder (« classeur d'expériences »)."""

from __future__ import annotations

from plugins.data.identifiants import Rna, Siret
from plugins.data.registry import PageType, register
from plugins.data.schema import (
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
        Text("resume", "Résumé", long=True),
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
    sections = ("mutualisation de la fiche", "relations de la fiche", "subventions reçues")
    sorts = {"nom": "nom", "creation": "creation", "commune": "commune"}
