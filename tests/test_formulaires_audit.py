"""What a member's hand-written block keeps through the form, communes as members write them, SIRET keys."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest

from plugins.data import communes
from plugins.data.identifiants import siret_key_ok
from tests.test_formulaires import member, opened, raw

#: a block written by hand in moin's editor: comments, flow style, quotes, a paragraph, a list of entries, a
#: group with a key the form does not know (indented by four), unicode; and free text without a final newline
HAND_WRITTEN = (
    "---\n"
    "# Fiche relue par le groupe Récup'\n"
    "type: fiche\n"
    "nom: Atelier Vélo  # nom court\n"
    "resume: Réparer ensemble\n"
    "suivi_interne: {appels: [2024-01-02, 2024-03-04], note: \"à rappeler — 📞\"}  # pour le CA\n"
    "historique: |\n"
    "  Créé en 2012.\n"
    "  Repris en 2020 : « nouvelle équipe ».\n"
    "\n"
    "partenaires:\n"
    "- nom: 'Ville de Rezé'\n"
    "  depuis: 2015\n"
    "- nom: Vélocampus\n"
    "contact:\n"
    "    # le standard\n"
    "    email: atelier@velo.example\n"
    "    fax: \"02 40 00 00 00\"   # encore utilisé\n"
    "    horaires:\n"
    "        mardi: 14h-18h\n"
    "commune: Rezé\n"
    "# fin du bloc\n"
    "---\n"
    "== Présentation ==\n"
    "  Indenté, espaces en fin   \n"
    "\tTabulation, émoji 🚲\n"
    "---\n"
    "pas un bloc"
)


def test_a_hand_written_block_keeps_every_key_the_form_does_not_own_byte_for_byte(
    wiki: Any, client: Any, app: Any
) -> None:
    member(wiki, client, app)
    wiki.save("Initiatives/Atelier Vélo", HAND_WRITTEN)
    form = opened(client, "/+formulaire/Initiatives/Atelier Vélo")
    assert form["nom"] == "Atelier Vélo" and form["contact.email"] == "atelier@velo.example"
    form["resume"] = "Réparer ensemble, le samedi"
    form["contact.email"] = "bonjour@velo.example"
    assert client.post("/+formulaire/Initiatives/Atelier Vélo", data=form).status_code == 302
    assert raw(client, "Initiatives/Atelier Vélo") == (
        HAND_WRITTEN.replace("resume: Réparer ensemble\n", "resume: Réparer ensemble, le samedi\n")
        # the group the form owns is written with the canonical indentation; its unknown key, as it was
        .replace(
            "contact:\n    # le standard\n    email: atelier@velo.example\n    fax: \"02 40 00 00 00\"   # encore utilisé\n"
            "    horaires:\n        mardi: 14h-18h\n",
            "contact:\n  # le standard\n  email: bonjour@velo.example\n  fax: \"02 40 00 00 00\"   # encore utilisé\n"
            "  horaires:\n      mardi: 14h-18h\n",
        )
    )


def test_sending_the_form_unchanged_writes_no_revision(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    wiki.save("Initiatives/Atelier Vélo", HAND_WRITTEN)
    form = opened(client, "/+formulaire/Initiatives/Atelier Vélo")
    assert client.post("/+formulaire/Initiatives/Atelier Vélo", data=form).status_code == 302
    assert raw(client, "Initiatives/Atelier Vélo") == HAND_WRITTEN
    assert opened(client, "/+formulaire/Initiatives/Atelier Vélo")["revision"] == form["revision"]


def test_the_fields_the_form_owns_are_written_in_the_canonical_style(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    text = "---\ntype: fiche\nnom: \"Jardin\"\nsecteurs:\n- Alimentation\n- Récup'\nparcours:\n-   annee: 2015\n    etape: Création\n---\nTexte.\n"
    wiki.save("Initiatives/Jardin", text)
    form = opened(client, "/+formulaire/Initiatives/Jardin")
    form["resume"] = "Un jardin partagé"
    assert client.post("/+formulaire/Initiatives/Jardin", data=form).status_code == 302
    assert raw(client, "Initiatives/Jardin") == (
        "---\ntype: fiche\nnom: Jardin\nsecteurs: [Alimentation, Récup']\nparcours:\n  - annee: 2015\n"
        "    etape: Création\nresume: Un jardin partagé\n---\nTexte.\n"
    )


def test_a_block_saved_with_crlf_line_ends_keeps_them(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    text = "---\r\ntype: lieu\r\nnom: La Cale\r\nnote_privee: garder  # ceci\r\njauge: 40\r\n---\r\nLe texte.\r\n"
    wiki.save("Lieux/La Cale", text)
    form = opened(client, "/+formulaire/Lieux/La Cale")
    form["jauge"] = "45"
    assert client.post("/+formulaire/Lieux/La Cale", data=form).status_code == 302
    assert raw(client, "Lieux/La Cale") == text.replace("jauge: 40", "jauge: 45")


@pytest.mark.parametrize(
    ("typed", "official"),
    [
        ("La Baule-Escoublac", "La Baule-Escoublac"),
        ("la baule", "La Baule-Escoublac"),
        ("Baule-Escoublac (La)", "La Baule-Escoublac"),
        ("LE CROISIC", "Le Croisic"),
        ("croisic", "Le Croisic"),
        ("Croisic, Le", "Le Croisic"),
        ("St-Nazaire", "Saint-Nazaire"),
        ("st nazaire", "Saint-Nazaire"),
        ("Ste Luce sur Loire", "Sainte-Luce-sur-Loire"),
        ("ancenis saint gereon", "Ancenis-Saint-Géréon"),
        ("Ancenis", "Ancenis-Saint-Géréon"),
        ("clisson", "Clisson"),
        ("guerande", "Guérande"),
        ("Machecoul", "Machecoul-Saint-Même"),
        ("44184", "Saint-Nazaire"),
    ],
)
def test_communes_as_members_write_them(typed: str, official: str) -> None:
    found = communes.find(typed, beginning=True)
    assert found is not None and found.nom == official


def test_a_beginning_is_a_commune_only_where_members_write_it() -> None:
    assert communes.find("Saint-Malo") is None  # in a subsidy file, the one of Ille-et-Vilaine
    assert communes.find("Saint-Malo", beginning=True).nom == "Saint-Malo-de-Guersac"
    assert communes.find("Saint-Julien", beginning=True) is None  # two communes begin so


@pytest.mark.parametrize(
    ("typed", "near"),
    [("Saint-Nazair", ["Saint-Nazaire"]), ("Cliston", ["Clisson"]), ("Paris", []), ("la chapelle", None)],
)
def test_an_unknown_commune_is_refused_with_the_names_it_is_close_to(typed: str, near: list[str] | None) -> None:
    assert communes.find(typed, beginning=True) is None
    if near is not None:
        assert communes.close(typed) == near
    else:  # « La Chapelle » names six communes: the first ones are offered
        assert communes.close(typed) == ["La Chapelle-des-Marais", "La Chapelle-Glain", "La Chapelle-Heulin"]


def test_the_form_says_which_commune_was_meant(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    form = opened(client, "/+nouvelle/lieu")
    form.update({"nom": "Salle des fêtes", "commune": "Saint-Nazair"})
    response = client.post("/+nouvelle/lieu", data=form)
    assert response.status_code == 422
    assert "Commune : commune inconnue « Saint-Nazair » : vouliez-vous dire « Saint-Nazaire » ?" in unescape(
        response.get_data(as_text=True)
    )
    form = opened(client, "/+nouvelle/lieu")
    form.update({"nom": "Salle des fêtes", "commune": "la baule"})
    assert client.post("/+nouvelle/lieu", data=form).status_code == 302
    assert "commune: La Baule-Escoublac\n" in raw(client, "Lieux/Salle des fêtes")


@pytest.mark.parametrize(
    ("digits", "right"),
    [
        ("73282932000074", True),  # Luhn
        ("73282932000075", False),
        ("35600000000048", True),  # La Poste's head office: Luhn, although its digits add up to 26
        ("35600000049837", True),  # a La Poste establishment: digits adding up to a multiple of 5, not Luhn
        ("35600000012345", False),
        ("3560000004983", False),
    ],
)
def test_siret_keys_with_la_postes_exception(digits: str, right: bool) -> None:
    assert siret_key_ok(digits) is right


def test_la_postes_siret_goes_through_the_form(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    form = opened(client, "/+nouvelle/fiche")
    form.update({"nom": "Bureau de poste", "siret": "356 000 000 00048", "rna": "w442001234"})
    response = client.post("/+nouvelle/fiche", data=form)
    assert response.status_code == 302, unescape(response.get_data(as_text=True))[-800:]
    text = raw(client, "Initiatives/Bureau de poste")
    assert "siret: '35600000000048'\n" in text and "rna: W442001234\n" in text


def test_an_entry_keeps_its_unknown_keys_wherever_it_is_moved(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    wiki.save(
        "Chaînes/Du pain",
        "---\ntype: chaine\nnom: Du pain\nmaillons:\n  - nom: Blé\n    note: semences paysannes\n  - nom: Moulin\n"
        "---\nTexte.\n",
    )
    form = opened(client, "/+formulaire/Chaînes/Du pain")
    assert form["maillons.0._ligne"] == "0" and "maillons.1._ligne" not in form
    # « Descendre » on the first link, as the page's script does: the row's inputs are renumbered together
    moved = {k: v for k, v in form.items() if not k.startswith("maillons.")}
    moved.update({"maillons.0.nom": "Moulin", "maillons.1.nom": "Blé", "maillons.1._ligne": "0"})
    assert client.post("/+formulaire/Chaînes/Du pain", data=moved).status_code == 302
    assert raw(client, "Chaînes/Du pain") == (
        "---\ntype: chaine\nnom: Du pain\nmaillons:\n  - nom: Moulin\n  - nom: Blé\n    note: semences paysannes\n"
        "---\nTexte.\n"
    )


def test_a_sector_typed_another_way_is_written_as_the_pages_write_it(wiki: Any, client: Any, app: Any) -> None:
    member(wiki, client, app)
    for i in range(2):
        wiki.save(f"Initiatives/R{i}", f"---\ntype: fiche\nnom: R{i}\nsecteurs: [Récup', Bien manger]\n---\n")
    wiki.save("Initiatives/Secret", "---\ntype: fiche\nnom: Secret\nsecteurs: [Ré-emploi]\n---\n", acl="All:")
    html = client.get("/+nouvelle/fiche").get_data(as_text=True)
    assert '<option value="Récup&#39;">2 fiches</option>' in html
    form = opened(client, "/+nouvelle/fiche")
    form.update({"nom": "R2", "secteurs.0": "RECUP’", "secteurs.1": "bien-manger", "secteurs.2": "reemploi"})
    assert client.post("/+nouvelle/fiche", data=form).status_code == 302
    # a spelling only a page the member may not read uses is not imposed (nor revealed)
    assert "secteurs: [Récup', Bien manger, reemploi]\n" in raw(client, "Initiatives/R2")
