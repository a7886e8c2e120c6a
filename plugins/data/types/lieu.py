"""The ``lieu`` page type: a small local venue that can host culture (bar, flat, street, hall, third place…)."""

from __future__ import annotations

from plugins.data.registry import PageType, register
from plugins.data.schema import Commune, Count, Email, Group, PageName, Phone, Position, Suggested, Text, TextList, Url

CATEGORIES = (
    "bar",
    "café associatif",
    "appartement",
    "rue / espace public",
    "salle associative",
    "tiers-lieu",
    "médiathèque",
    "jardin",
    "atelier",
    "salle de spectacle",
)


@register
class Lieu(PageType):
    name = "lieu"
    label = "Lieu"
    plural = "lieux"
    title_field = "nom"
    fields = [
        Text("nom", "Nom", required=True),
        Suggested("categorie", "Catégorie", CATEGORIES),
        Commune("commune", "Commune"),
        Text("adresse", "Adresse"),
        Position("position", "Position"),
        Count("jauge", "Jauge (personnes)"),
        Text("accessibilite", "Accessibilité"),
        TextList("pratiques", "Pratiques accueillies"),
        Text("conditions", "Conditions d'accueil", long=True),
        PageName("gestionnaire", "Gestionnaire"),
        Group("contact", "Contact", [Email("email", "Courriel"), Phone("telephone", "Téléphone"), Url("site", "Site")]),
    ]
    facets = {"categorie": "categorie", "commune": "commune", "pratique": "pratiques"}
    sections = ("gestionnaire du lieu",)
    sorts = {"nom": "nom", "commune": "commune", "jauge": "jauge", "categorie": "categorie"}
    #: the field whose values the map legend shows
    legend_field = "categorie"
