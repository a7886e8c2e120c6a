"""A page type registered later gets its forms for free: lists of entries, and kinds the form does not know."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from plugins.data import registry
from plugins.data.registry import PageType, Record
from plugins.data.schema import Commune, Day, Field, Invalide, ListOf, Suggested, Text
from plugins.views import card
from tests.helpers import form_values, login


class Reglages(Field):
    """A kind no form knows (a set of settings): the form edits it as YAML."""

    def clean(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalide("attendu un ensemble de champs « nom: valeur ».")
        return value


class Essai(PageType):
    name = "essai"
    label = "Essai"
    plural = "essais"
    title_field = "titre"
    fields = [
        Text("titre", "Titre", required=True),
        ListOf(
            "offres",
            "Offres",
            [
                Suggested("genre", "Genre", ("compétence", "local", "matériel")),
                Text("description", "Description"),
                Commune("commune", "Commune"),
                Day("jusqu_au", "Jusqu'au"),
            ],
        ),
        Reglages("reglages", "Réglages"),
    ]

    def card(self, record: Record, problems: list[Any]) -> Any:
        return card.div("eco-carte", [card.para([record.title])])


@pytest.fixture
def essai() -> Iterator[None]:
    registry.register(Essai)
    try:
        yield
    finally:
        registry._TYPES.pop("essai", None)


def test_a_new_type_is_created_and_edited_through_its_generated_form(essai: None, wiki: Any, client: Any) -> None:
    wiki.create_user("Alice")
    login(client, "Alice")
    form = form_values(client.get("/+nouvelle/essai").get_data(as_text=True))
    assert {"titre", "offres.0.genre", "offres.0.commune", "offres.0.jusqu_au", "reglages"} <= set(form)
    form.update(
        {
            "titre": "Salle prêtée",
            "offres.0.genre": "local",
            "offres.0.description": "Une salle",
            "offres.0.commune": "clisson",
            "offres.0.jusqu_au": "2027-01-31",
            "reglages": "couleur: [verte",
        }
    )
    response = client.post("/+nouvelle/essai", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Réglages : le texte n&#39;est pas du YAML valide" in html
    form = form_values(html)
    assert form["reglages"] == "couleur: [verte" and form["offres.0.commune"] == "clisson"
    form["reglages"] = "couleur: verte\ntaille: 3"
    response = client.post("/+nouvelle/essai", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    text = client.get("/+get/Essais/Salle prêtée").get_data(as_text=True)
    assert text == (
        "---\ntype: essai\ntitre: Salle prêtée\noffres:\n  - genre: local\n    description: Une salle\n"
        "    commune: Clisson\n    jusqu_au: 2027-01-31\nreglages:\n  couleur: verte\n  taille: 3\n---\n"
    )
    form = form_values(client.get("/+formulaire/Essais/Salle prêtée").get_data(as_text=True))
    assert form["reglages"] == "couleur: verte\ntaille: 3" and form["offres.0.jusqu_au"] == "2027-01-31"
    form.update(
        {"offres.1.genre": "matériel", "offres.1.description": "Des chaises", "offres.1.jusqu_au": "31/02/2027"}
    )
    response = client.post("/+formulaire/Essais/Salle prêtée", data=form)
    assert response.status_code == 422
    assert "Offres, ligne 2, Jusqu&#39;au : attendu une date" in response.get_data(as_text=True)
    form["offres.1.jusqu_au"] = "2027-02-28"
    assert client.post("/+formulaire/Essais/Salle prêtée", data=form).status_code == 302
    text = client.get("/+get/Essais/Salle prêtée").get_data(as_text=True)
    assert "  - genre: matériel\n    description: Des chaises\n    jusqu_au: 2027-02-28\n" in text
