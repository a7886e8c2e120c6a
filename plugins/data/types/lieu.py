"""The ``lieu`` page type: a small local venue that can host culture (bar, flat, street, hall, third place…)."""

from __future__ import annotations

from typing import Any

from plugins.data.registry import PageType, register
from plugins.data.schema import (
    Commune,
    Count,
    Email,
    Field,
    Group,
    Invalide,
    PageName,
    Phone,
    Position,
    Suggested,
    Text,
    TextList,
    Url,
)
from plugins.data.text import fold
from plugins.indexing.privacy import NO, YES


class YesNo(Field):
    """« oui » or « non » (true/false accepted), kept as a boolean."""

    expected = "oui ou non"

    def clean(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = fold(str(value).strip())
        if text in YES:
            return True
        if text in NO:
            return False
        raise Invalide(f"attendu {self.expected}, trouvé « {value} ».")


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
        YesNo("prive", "Lieu privé (adresse réservée aux membres ; un appartement l'est par défaut)"),
        Text("accessibilite", "Accessibilité"),
        TextList("pratiques", "Pratiques accueillies"),
        Text("conditions", "Conditions d'accueil", long=True),
        PageName("gestionnaire", "Gestionnaire"),
        Group("contact", "Contact", [Email("email", "Courriel"), Phone("telephone", "Téléphone"), Url("site", "Site")]),
    ]
    facets = {"categorie": "categorie", "commune": "commune", "pratique": "pratiques"}
    sections = ("lieu privé", "gestionnaire du lieu")
    sorts = {"nom": "nom", "commune": "commune", "jauge": "jauge", "categorie": "categorie"}
    #: the field whose values the map legend shows
    legend_field = "categorie"
