"""The ``lieu`` page type: a small local venue that can host culture (bar, flat, street, hall, third place…)."""

from __future__ import annotations

from typing import Any

from plugins import card
from plugins.frontmatter import Probleme
from plugins.registry import PageType, Record, register
from plugins.schema import (
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
from plugins.text import fold
from plugins.vie_privee import NO, YES, is_private


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
        Text("conditions", "Conditions d'accueil"),
        PageName("gestionnaire", "Gestionnaire"),
        Group("contact", "Contact", [Email("email", "Courriel"), Phone("telephone", "Téléphone"), Url("site", "Site")]),
    ]
    facets = {"categorie": "categorie", "commune": "commune", "pratique": "pratiques"}
    sorts = {"nom": "nom", "commune": "commune", "jauge": "jauge", "categorie": "categorie"}
    #: the field whose values the map legend shows
    legend_field = "categorie"

    def summary(self, data: dict[str, Any]) -> list[Any]:
        details = [x for x in (data.get("categorie"), data.get("commune")) if x]
        if data.get("jauge"):
            details.append(f"{data['jauge']} personnes")
        return [card.span("eco-details", [" — " + " · ".join(details)])] if details else []

    def card(self, record: Record, problems: list[Probleme]) -> Any:
        d = record.data
        children: list[Any] = [card.problems_box(problems)] if problems else []
        children.append(card.header("Lieu", d.get("nom") or "(lieu sans nom)", (d.get("categorie"), d.get("commune"))))
        entries: list[tuple[str, list[Any]]] = []
        private = is_private(d)
        for key, label in (("categorie", "Catégorie"), ("commune", "Commune"), ("adresse", "Adresse")):
            if d.get(key) and not (private and key == "adresse"):
                entries.append((label, [d[key]]))
        if private:
            pass  # address, position and contact: drawn for each reader by <<LieuPrive>> (moin caches this card)
        elif d.get("position"):
            entries.append(("Position", [f"{d['position']['lat']:.5f}, {d['position']['lon']:.5f}"]))
        elif d.get("commune"):
            entries.append(("Position", ["approximative (centre de la commune)"]))
        if d.get("jauge") is not None:
            entries.append(("Jauge", [f"{d['jauge']} personnes"]))
        for key, label in (("accessibilite", "Accessibilité"), ("conditions", "Conditions d'accueil")):
            if d.get(key):
                entries.append((label, [d[key]]))
        if d.get("pratiques"):
            entries.append(("Pratiques accueillies", card.joined(d["pratiques"])))
        if d.get("gestionnaire"):
            entries.append(("Gestionnaire", [card.page_link(d["gestionnaire"])]))
        links = card.contact_links(d.get("contact") or {}) if not private else []
        if links:
            entries.append(("Contact", card.joined(links, " · ")))
        if entries:
            children.append(card.definition_list(entries))
        if private:
            children.append(card.macro_call("LieuPrive", {}))
        if d.get("gestionnaire"):
            # whether that page exists is known when the page is shown
            children.append(card.macro_call("VerifierPage", {"page": d["gestionnaire"], "role": "gestionnaire"}))
        return card.div("eco-carte eco-lieu", children)
