"""Forms generated from each type's schema: create and edit every type over HTTP, as a browser would."""

from __future__ import annotations

import html
import re
from html import unescape
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import unquote, urlsplit

import pytest
from moin.app import before_wiki

from plugins.operations.groupes import create_group
from tests.helpers import content, form_values, login, modify
from tests.hostile import PAYLOADS, dangers


def quote(name: str) -> str:
    """A page name in a URL, as the wiki writes it (Werkzeug's safe characters)."""
    return url_quote(name, safe="/!$&'()*+,:;=@")


def opened(client: Any, path: str) -> dict[str, str]:
    """The form as served (status 200): the values a browser would send, CSRF token and revision included."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return form_values(response.get_data(as_text=True))


def raw(client: Any, name: str) -> str:
    return client.get("/+get/" + quote(name)).get_data(as_text=True)


def member(wiki: Any, client: Any, app: Any) -> None:
    wiki.create_user("Alice")
    with app.app_context():
        before_wiki()
        create_group(app, "Culture", ["Alice"])
    login(client, "Alice")


#: type -> (values typed in the new form, page created, lines its block must hold, an edit, a line it then holds)
CASES: dict[str, tuple[dict[str, str], str, list[str], dict[str, str], str]] = {
    "fiche": (
        {
            "nom": "Récup' Estuaire",
            "commune": "saint nazaire",
            "secteurs.0": "Récup'",
            "secteurs.1": "Réemploi",
            "contact.email": "bonjour@recup.example",
            "parcours.0.annee": "2019",
            "parcours.0.etape": "Création de l'association",
            "siret": "732 829 320 00074",
            "texte": "Une ressourcerie.\n",
        },
        "Initiatives/Récup' Estuaire",
        [
            "commune: Saint-Nazaire",
            "secteurs: [Récup', Réemploi]",
            "contact:\n  email: bonjour@recup.example",
            "parcours:\n  - annee: 2019\n    etape: Création de l'association",
            "siret: '73282932000074'",
        ],
        {"commune": "Clisson"},
        "commune: Clisson",
    ),
    "lieu": (
        {
            "nom": "Le Hangar",
            "categorie": "tiers-lieu",
            "commune": "Clisson",
            "position.lat": "47.087",
            "position.lon": "-1.28",
            "jauge": "80",
        },
        "Lieux/Le Hangar",
        ["categorie: tiers-lieu", "commune: Clisson", "position:\n  lat: 47.087\n  lon: -1.28", "jauge: 80"],
        {"jauge": "120", "position.lat": "", "position.lon": ""},
        "jauge: 120",
    ),
    "chaine": (
        {
            "nom": "La chaîne du pain",
            "maillons.0.nom": "Blé",
            "maillons.1.nom": "Moulin",
            "maillons.1.description": "Farine locale",
            "maillons.2.nom": "Boulangerie",
        },
        "Chaînes/La chaîne du pain",
        ["maillons:\n  - nom: Blé\n  - nom: Moulin\n    description: Farine locale\n  - nom: Boulangerie"],
        {
            "maillons.0.nom": "Moulin",
            "maillons.0.description": "Farine locale",
            "maillons.1.nom": "Blé",
            "maillons.1.description": "",
        },
        "maillons:\n  - nom: Moulin\n    description: Farine locale\n  - nom: Blé\n  - nom: Boulangerie",
    ),
    "evenement": (
        {
            "titre": "Pique-nique à Ancenis",
            "categorie": "pique-nique",
            "debut.date": "2027-06-13",
            "debut.heure": "12:00",
            "commune": "Ancenis-Saint-Géréon",
            "themes.0": "Bien manger",
        },
        "Agenda/Pique-nique à Ancenis",
        ["debut: 2027-06-13 12:00", "commune: Ancenis-Saint-Géréon", "themes: [Bien manger]"],
        {"debut.heure": ""},
        "debut: 2027-06-13\n",
    ),
    "dispositif": (
        {
            "nom": "Pass découverte",
            "echelle": "département",
            "periode.debut": "2024-09-01",
            "periode.fin": "2025-06-30",
            "budget.prevu": "1 234 000",
            "sources.0.titre": "Rapport",
            "sources.0.url": "https://exemple.org/rapport",
            "sources.0.date": "2025-07-01",
        },
        "Dispositifs/Pass découverte",
        [
            "periode:\n  debut: 2024-09-01\n  fin: 2025-06-30",
            "budget:\n  prevu: 1234000",
            "sources:\n  - titre: Rapport\n    url: https://exemple.org/rapport\n    date: 2025-07-01",
        ],
        {"budget.consomme": "300000,50"},
        "budget:\n  prevu: 1234000\n  consomme: 300000.5",
    ),
    "position": (
        {"titre": "Pour les petits lieux", "destinataires.0": "Conseil départemental"},
        "GroupesDeTravail/Culture/Pour les petits lieux",
        ["groupe: Culture", "statut: brouillon", "destinataires: [Conseil départemental]"],
        {"statut": "en débat"},
        "statut: en débat",
    ),
}


@pytest.mark.parametrize("type_name", list(CASES))
def test_each_type_is_created_and_edited_through_its_form(wiki: Any, client: Any, app: Any, type_name: str) -> None:
    typed, name, lines, change, after = CASES[type_name]
    member(wiki, client, app)
    path = f"/+nouvelle/{type_name}" + ("?groupe=Culture" if type_name == "position" else "")
    form = opened(client, path)
    form.update(typed)
    response = client.post(path, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert unquote(response.headers["Location"]).endswith("/" + name)
    text = raw(client, name)
    assert text.startswith(f"---\ntype: {type_name}\n"), text
    for line in lines:
        assert line in text, (line, text)
    assert "Données à corriger" not in content(client, "/" + name)
    # the page offers its form beside moin's « Modifier », and the form opens with its values
    shown = client.get("/" + quote(name)).get_data(as_text=True)
    button = re.search(r'class="eco-formulaire-bouton" href="([^"]+)"', shown)
    assert button and unquote(html.unescape(button.group(1))) == "/+formulaire/" + name
    form = opened(client, "/+formulaire/" + quote(name))
    for key, value in typed.items():
        # a commune, a SIRET and an amount come back in their clean form (« Rezé », digits, « 100000 »)
        if key != "texte" and key in form and key not in ("commune", "siret", "budget.prevu"):
            assert form[key] in (value, value.replace(" ", "")), key
    assert form["revision"]
    form.update(change)
    response = client.post("/+formulaire/" + quote(name), data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    edited = raw(client, name)
    assert after in edited, edited
    history = client.get("/+history/" + quote(name)).get_data(as_text=True)
    assert "Modification (formulaire)" in history


def test_created_fiche_is_written_in_the_readmes_style(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    form = opened(client, "/+nouvelle/fiche")
    form.update(
        {
            "nom": "La Ressourcerie",
            "forme": "association",
            "secteurs.0": "Récup'",
            "secteurs.1": "Réemploi",
            "commune": "nantes",
            "creation": "2012",
            "parcours.0.annee": "2012",
            "parcours.0.etape": "Création de l'association",
            "texte": "Le texte libre.\r\nDeux lignes.\r\n",
        }
    )
    assert client.post("/+nouvelle/fiche", data=form).status_code == 302
    assert raw(client, "Initiatives/La Ressourcerie") == (
        "---\ntype: fiche\nnom: La Ressourcerie\nforme: association\nsecteurs: [Récup', Réemploi]\ncommune: Nantes\n"
        "creation: 2012\nparcours:\n  - annee: 2012\n    etape: Création de l'association\n---\n"
        "Le texte libre.\nDeux lignes.\n"
    )


ODD_PAGE = (
    "---\ntype: fiche\nnom: Atelier Vélo\nresume: Réparer ensemble\ncommune: Rezé\ncontact:\n  email: a@velo.example\n"
    "  fax: 02 40 00 00 00\nremarque_interne:\n  suivi: [appel, visite]\n  note: 'garder : tel quel'\n"
    "secteurs: [Mobilité]\n---\n== Présentation ==\n  Indenté, avec des espaces en fin   \n\n\n---\nUn faux bloc.\n"
    "\tTabulation, « guillemets », émoji 🚲 et @DATE pas une variable\n"
)


def test_unknown_keys_and_free_text_come_back_byte_for_byte(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    wiki.save("Initiatives/Atelier Vélo", ODD_PAGE)
    form = opened(client, "/+formulaire/Initiatives/Atelier Vélo")
    assert form["contact.email"] == "a@velo.example" and form["secteurs.0"] == "Mobilité"
    assert "remarque_interne" not in " ".join(form) and "fax" not in " ".join(form)
    form["resume"] = "Réparer ensemble, le samedi"
    assert client.post("/+formulaire/Initiatives/Atelier Vélo", data=form).status_code == 302
    assert raw(client, "Initiatives/Atelier Vélo") == ODD_PAGE.replace(
        "resume: Réparer ensemble\n", "resume: Réparer ensemble, le samedi\n"
    )


def test_crossing_edit_overwrites_nothing_and_shows_what_changed(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    wiki.save("Lieux/Le Bar", "---\ntype: lieu\nnom: Le Bar\njauge: 40\n---\nTexte.\n")
    form = opened(client, "/+formulaire/Lieux/Le Bar")
    other = "---\ntype: lieu\nnom: Le Bar\njauge: 45\n---\nTexte complété par Bob.\n"
    wiki.save("Lieux/Le Bar", other)
    form["jauge"] = "60"
    response = client.post("/+formulaire/Lieux/Le Bar", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert raw(client, "Lieux/Le Bar") == other
    assert "rien n'a été enregistré" in unescape(html)
    assert '<li class="eco-ajout"><code>+jauge: 45</code></li>' in html
    assert '<li class="eco-retrait"><code>-jauge: 40</code></li>' in html
    assert 'value="60"' in html  # the member's value is kept
    # sending again, having seen the changes, replaces the new version (the form now carries it)
    again = form_values(html)
    assert again["revision"] != form["revision"]
    assert client.post("/+formulaire/Lieux/Le Bar", data=again).status_code == 302
    assert "jauge: 60" in raw(client, "Lieux/Le Bar")


SLIP = (
    "---\ntype: fiche\nnom: Jardin du Coin\ncommune: Clisson\nsecteurs: [Alimentation]\nparcours:\n"
    "- annee: 2015\n  etape: Création\n  - annee: 2019\n    etape: Déménagement\n---\nTexte.\n"
)


def test_a_slip_in_moins_editor_never_hides_the_page(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    wiki.save("Classeur", "<<Classeur>>\n")
    for i in range(2):
        wiki.save(f"Initiatives/Autre {i}", f"---\ntype: fiche\nnom: Autre {i}\ncommune: Nantes\n---\n")
    good = "---\ntype: fiche\nnom: Jardin du Coin\ncommune: Clisson\nsecteurs: [Alimentation]\n---\nTexte.\n"
    assert modify(client, "Initiatives/Jardin du Coin", good).status_code == 302
    response = modify(client, "Initiatives/Jardin du Coin", SLIP)
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    # moin's editor warned at once: the line, the field's label, the way to the form
    assert "son bloc de données est à corriger" in shown and "Ligne 9" in shown
    assert 'href="/+formulaire/Initiatives/Jardin%20du%20Coin">Modifier avec le formulaire</a>' in shown
    listing = content(client, "/Classeur")
    assert "Jardin du Coin" in listing and "données à corriger" in listing and "3 fiches" in listing
    assert "Alimentation" in listing  # its last valid values: it stays under its sector
    geo = client.get("/+donnees/fiche.geojson").get_json()
    flagged = {f["properties"]["nom"]: f["properties"]["a_corriger"] for f in geo["features"]}
    assert flagged == {"Jardin du Coin": True, "Autre 0": False, "Autre 1": False}  # on the map, at Clisson's centre
    # the form opens on the last valid values and writes a correct block
    form = opened(client, "/+formulaire/Initiatives/Jardin du Coin")
    assert form["commune"] == "Clisson" and form["secteurs.0"] == "Alimentation"
    form.update({"parcours.0.annee": "2015", "parcours.0.etape": "Création"})
    assert client.post("/+formulaire/Initiatives/Jardin du Coin", data=form).status_code == 302
    assert "parcours:\n  - annee: 2015\n    etape: Création\n" in raw(client, "Initiatives/Jardin du Coin")
    assert "données à corriger" not in content(client, "/Classeur")


def test_the_commune_list_offers_accented_names_to_a_member_typing_without_accents(
    wiki: Any, client: Any, app: Any
) -> None:
    member(wiki, client, app)
    html = client.get("/+nouvelle/lieu").get_data(as_text=True)
    assert '<option value="Guérande">44350 · guerande</option>' in html  # the browser matches the text too
    assert '<option value="Clisson">44190</option>' in html  # nothing added where there is no accent


def test_a_page_broken_from_its_first_save_is_listed_by_its_name(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    wiki.save("Classeur", "<<Classeur>>\n")
    wiki.save("Initiatives/Sans Bloc Correct", "---\ntype: fiche\nnom: [Sans Bloc\ncommune: Nantes\n---\nTexte.\n")
    listing = content(client, "/Classeur")
    assert "Sans Bloc Correct" in listing and "données à corriger" in listing


@pytest.mark.parametrize("typed", ["Saint-Nazaire", "ancenis saint géréon", "CLISSON", "Chapelle-sur-Erdre"])
def test_communes_of_the_whole_departement_are_accepted(wiki: Any, client: Any, app: Any, typed: str) -> None:
    member(wiki, client, app)
    form = opened(client, "/+nouvelle/lieu")
    assert '<option value="Saint-Nazaire">44600</option>' in client.get("/+nouvelle/lieu").get_data(as_text=True)
    form.update({"nom": "Salle", "commune": typed})
    assert client.post("/+nouvelle/lieu", data=form).status_code == 302
    expected = {
        "Saint-Nazaire": "Saint-Nazaire",
        "ancenis saint géréon": "Ancenis-Saint-Géréon",
        "CLISSON": "Clisson",
        "Chapelle-sur-Erdre": "La Chapelle-sur-Erdre",
    }[typed]
    assert f"commune: {expected}\n" in raw(client, "Lieux/Salle")


def test_mistakes_name_the_fields_label_and_keep_every_value(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    form = opened(client, "/+nouvelle/fiche")
    form.update(
        {
            "nom": "Atelier",
            "contact.email": "pas-un-courriel",
            "parcours.0.annee": "jadis",
            "parcours.0.etape": "Début",
            "commune": "Atlantis",
            "siret": "123 456 789 00012",
            "rna": "X12",
            "resume": "Un résumé précieux",
            "secteurs.0": "Culture",
        }
    )
    response = client.post("/+nouvelle/fiche", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Contact, Courriel : attendu une adresse électronique" in html
    assert "Parcours, ligne 1, Année : attendu une année sur quatre chiffres" in html
    assert "Commune : commune inconnue « Atlantis »" in html
    assert "SIRET : ce numéro n&#39;existe pas, sa clé de contrôle est fausse" in html
    assert "Numéro RNA : attendu un numéro RNA" in html
    assert "« email »" not in html and "« annee »" not in html and ".." not in html.replace("...", "")
    kept = form_values(html)
    for key in ("contact.email", "parcours.0.annee", "parcours.0.etape", "commune", "resume", "secteurs.0", "siret"):
        assert kept[key] == form[key], key
    assert 'aria-invalid="true"' in html and 'href="#f_contact_email"' in html
    with app.app_context():
        assert not app.storage.has_item("Initiatives/Atelier")


def test_anonymous_is_told_to_log_in_before_the_form(wiki: Any, client: Any, app: Any) -> None:
    wiki.save("Lieux/Le Bar", "---\ntype: lieu\nnom: Le Bar\n---\n")
    for path in ("/+nouvelle/fiche", "/+nouvelle/lieu", "/+formulaire/Lieux/Le Bar"):
        html = client.get(path).get_data(as_text=True)
        assert "connectez-vous d&#39;abord" in html and "/+login" in html
        assert "eco-formulaire-genere" not in html and 'name="nom"' not in html
    assert client.post("/+nouvelle/fiche", data={"nom": "Intruse"}).status_code == 403
    with app.app_context():
        assert not app.storage.has_item("Initiatives/Intruse")


def test_form_refuses_missing_token_existing_page_and_unknown_type(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    wiki.save("Initiatives/Déjà là", "---\ntype: fiche\nnom: Déjà là\n---\n")
    assert client.post("/+nouvelle/fiche", data={"nom": "Sans jeton"}).status_code == 400
    form = opened(client, "/+nouvelle/fiche")
    form["nom"] = "Déjà là"
    response = client.post("/+nouvelle/fiche", data=form)
    assert response.status_code == 422 and "ce nom n'est pas disponible" in html.unescape(response.get_data(as_text=True))  # one answer for a taken name and an unreadable one
    assert client.get("/+nouvelle/inconnu").status_code == 404
    assert client.get("/+formulaire/Page inexistante").status_code == 404


def test_a_group_draft_keeps_its_acl_when_edited_through_the_form(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    form = opened(client, "/+nouvelle/position?groupe=Culture")
    form["titre"] = "Brouillon"
    assert client.post("/+nouvelle/position?groupe=Culture", data=form).status_code == 302
    form = opened(client, "/+formulaire/GroupesDeTravail/Culture/Brouillon")
    form["signataires.0"] = "Alice"
    assert client.post("/+formulaire/GroupesDeTravail/Culture/Brouillon", data=form).status_code == 302
    client.get("/+logout")
    assert client.get("/GroupesDeTravail/Culture/Brouillon").status_code == 403


def test_suggestions_are_the_values_already_used_with_their_counts(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    for i in range(3):
        wiki.save(f"Initiatives/R{i}", f"---\ntype: fiche\nnom: R{i}\nsecteurs: [Récup']\n---\n")
    wiki.save("Initiatives/Secret", "---\ntype: fiche\nnom: Secret\nsecteurs: [Confidentiel]\n---\n", acl="All:")
    html = client.get("/+nouvelle/fiche").get_data(as_text=True)
    assert '<option value="Récup&#39;">3 fiches</option>' in html
    assert "Confidentiel" not in html  # a page the member may not read is not counted


def test_hostile_values_through_every_widget_are_escaped(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    for type_name in ("fiche", "lieu", "evenement", "dispositif", "chaine"):
        blank = opened(client, f"/+nouvelle/{type_name}")
        for i, payload in enumerate(PAYLOADS[::8]):
            form = {k: (v if k in ("csrf_token", "revision") else payload) for k, v in blank.items()}
            response = client.post(f"/+nouvelle/{type_name}", data=form)
            html = response.get_data(as_text=True)
            assert response.status_code in (302, 422), (type_name, payload, response.status_code)
            assert not dangers(html), (type_name, payload, dangers(html))
            if response.status_code == 302:
                assert not dangers(client.get(response.headers["Location"]).get_data(as_text=True)), payload
            safe = dict(blank, texte=payload, **{"nom" if type_name != "evenement" else "titre": f"Page {i}"})
            if type_name == "evenement":
                safe["debut.date"] = "2027-01-01"
            response = client.post(f"/+nouvelle/{type_name}", data=safe)
            assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
            page = response.headers["Location"]
            assert not dangers(client.get(page).get_data(as_text=True)), payload
            edit = form_values(client.get("/+formulaire" + urlsplit(page).path).get_data(as_text=True))
            assert edit["texte"] == payload.replace("\r\n", "\n")


def test_moins_editor_names_the_fields_label_at_save_time(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    text = "---\ntype: fiche\nnom: Le Local\ncontact:\n  email: pas-un-courriel\n---\nTexte.\n"
    response = modify(client, "Initiatives/Le Local", text)
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ligne 4, champ « Contact » (contact) : « Courriel » (email) : attendu une adresse électronique" in shown
    assert "Modifier avec le formulaire</a>" in shown
    # the editor itself offers the form, and the form shows the value to correct with the field's label
    editor = client.get("/+modify/Initiatives/Le Local").get_data(as_text=True)
    assert 'class="eco-editeur-formulaire"' in editor and "numeros-lignes.js" in editor
    form = opened(client, "/+formulaire/Initiatives/Le Local")
    assert form["contact.email"] == "pas-un-courriel"
    response = client.post("/+formulaire/Initiatives/Le Local", data=form)
    assert response.status_code == 422
    assert "Contact, Courriel : attendu une adresse électronique" in response.get_data(as_text=True)


def test_the_207_communes_of_loire_atlantique_with_their_former_names() -> None:
    from plugins.data import communes

    assert len(communes.all_communes()) == 207 and len(communes.names()) == 207
    nazaire = communes.find("saint nazaire")
    assert (nazaire.insee, nazaire.codes_postaux, nazaire.epci) == ("44184", ("44600",), "244400644")
    assert (round(nazaire.lat, 2), round(nazaire.lon, 2)) == (47.28, -2.25)  # where a venue without position goes
    assert communes.find("Ancenis").nom == communes.find("Saint-Géréon").nom == "Ancenis-Saint-Géréon"
    assert communes.find("Chapelle-sur-Erdre").nom == "La Chapelle-sur-Erdre"
    assert communes.find("Nantes").codes_postaux == ("44000", "44100", "44200", "44300")
    assert communes.find("Atlantis") is None and communes.find("Paris") is None
