"""The « Nouvelle fiche » form (generated from the fiche's schema): a member creates a fiche without YAML;
mistakes keep every field. Every type's forms are tested in tests/test_formulaires.py."""

from __future__ import annotations

import re

from tests.helpers import content, login


def token(client) -> str:
    html = client.get("/+nouvelle/fiche").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_anonymous_is_asked_to_log_in_and_cannot_create(client, app):
    html = client.get("/+nouvelle/fiche").get_data(as_text=True)
    assert "connectez-vous" in html and '<label for="f_nom">' not in html  # told before filling anything
    response = client.post("/+nouvelle/fiche", data={"nom": "Intruse"})
    assert response.status_code == 403
    with app.app_context():
        assert not app.storage.has_item("Initiatives/Intruse")


def test_member_creates_fiche_with_clean_data_block(wiki, client):
    wiki.create_user("Alice")
    login(client, "Alice")
    form = {
        "csrf_token": token(client),
        "nom": "Café du Coin",
        "porteurs.0": "Jeanne",
        "porteurs.1": "Paul",
        "commune": "reze",
        "creation": "2015",
        "contact.email": "bonjour@cafe.example",
        "parcours.0.annee": "2015",
        "parcours.0.etape": "ouverture",
        "parcours.1.annee": "2020",
        "parcours.1.etape": "passage en coopérative",
        "offres.0.description": "Salle, le soir",
        "offres.1.description": "Concerts",
        "texte": "Un café associatif.",
    }
    response = client.post("/+nouvelle/fiche", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/Initiatives/Caf%C3%A9%20du%20Coin")
    raw = client.get("/+get/Initiatives/Café du Coin").get_data(as_text=True)
    assert (
        raw.startswith("---\ntype: fiche\nnom: Café du Coin\n") and "commune: Rezé" in raw and "creation: 2015" in raw
    )
    assert "offres: ['Salle, le soir', Concerts]" in raw and raw.rstrip().endswith("Un café associatif.")
    html = content(client, "/Initiatives/Café du Coin")
    assert "passage en coopérative" in html and "Jeanne" in html and "Données à corriger" not in html
    history = client.get("/+history/Initiatives/Café du Coin").get_data(as_text=True)
    assert "Nouvelle fiche (formulaire)" in history and "Alice" in history


def test_mistakes_keep_every_field_and_say_what_is_expected(wiki, client, app):
    wiki.create_user("Alice")
    login(client, "Alice")
    form = {
        "csrf_token": token(client),
        "nom": "Atelier",
        "commune": "Atlantis",
        "creation": "jadis",
        "resume": "Un résumé précieux",
        "contact.site": "javascript:alert(1)",
    }
    response = client.post("/+nouvelle/fiche", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "commune inconnue « Atlantis »" in html and "année sur quatre chiffres" in html and "https://" in html
    assert 'value="Atlantis"' in html and "Un résumé précieux</textarea>" in html  # nothing lost
    assert "Année de création : attendu une année" in html and "Contact, Site : attendu une adresse web" in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert not app.storage.has_item("Initiatives/Atelier")


def test_form_refuses_missing_csrf_token_and_existing_page(wiki, client):
    wiki.create_user("Alice")
    wiki.save("Initiatives/Déjà là", "---\ntype: fiche\nnom: Déjà là\n---\n")
    login(client, "Alice")
    assert client.post("/+nouvelle/fiche", data={"nom": "Sans jeton"}).status_code == 400
    response = client.post("/+nouvelle/fiche", data={"csrf_token": token(client), "nom": "Déjà là"})
    assert response.status_code == 422 and "ce nom n&#39;est pas disponible" in response.get_data(as_text=True)


def test_hostile_values_are_escaped_in_the_form(wiki, client):
    wiki.create_user("Alice")
    login(client, "Alice")
    evil = '"><script>alert(1)</script>'
    html = client.post(
        "/+nouvelle/fiche", data={"csrf_token": token(client), "nom": evil, "resume": evil, "commune": evil}
    ).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
