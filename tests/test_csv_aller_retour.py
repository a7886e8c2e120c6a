"""The CSV export of every page type is importable as it is, and export → import → export gives the same bytes.

The columns come from each type's schema (``plugins/data/flat.py``): one column a field, a position as
``lat``/``lon``, a contact as ``email``/``telephone``/``site``, lists separated by « ; », entries such as a
fiche's ``parcours`` as « 2015 : création ; 2018 : … ».
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from moin.app import destroy_app

from plugins.operations.bulk import import_fiches, read_source
from tests.conftest import make_app
from tests.helpers import Wiki

PAGES = {
    "fiche": {
        "Initiatives/La Ressourcerie": (
            "nom: La Ressourcerie\nporteurs: [Collectif Récup', Ville de Rezé]\nforme: association\n"
            "secteurs: [Récup', Réemploi]\nthemes: [Déchets]\nresume: Des objets réparés ; revendus.\n"
            "commune: Rezé\nadresse: 3 rue du Port\nposition: {lat: 47.19, lon: -1.56}\n"
            "contact: {email: ressourcerie@exemple.org, telephone: 02 40 00 00 00, site: https://exemple.org}\n"
            "creation: 2012\nparcours:\n  - annee: 2012\n    etape: Création\n  - annee: 2018\n"
            "    etape: Déménagement\nchaines:\n  - chaine: La chaîne de la récup'\n    maillon: Réemploi\n"
            "offres:\n  - genre: local\n    description: Salle de réunion\n    commune: Rezé\n"
            "besoins: [Des bénévoles le samedi]\nlicence: CC BY-SA 4.0\n"
        ),
        "Initiatives/Cantine": "nom: Cantine\ncommune: Saint-Nazaire\nsecteurs: [Bien manger]\n",
    },
    "lieu": {
        "Lieux/Le Hangar": (
            "nom: Le Hangar\ncategorie: salle associative\ncommune: Clisson\nadresse: 1 quai\n"
            "position: {lat: 47.087, lon: -1.28}\njauge: 80\npratiques: [concert, théâtre]\n"
            "contact: {email: hangar@exemple.org}\n"
        ),
    },
    "dispositif": {
        "Dispositifs/Pass": (
            "nom: Pass culture et sport\nporteur: Département\nechelle: département\n"
            "periode: {debut: 2019-09-01, fin: 2022-06-30}\nbudget: {prevu: 100000, consomme: 42000}\n"
            "beneficiaires: {vises: 5000, reels: 1200}\nsources:\n  - titre: Rapport\n"
            "    url: https://exemple.org/rapport\n    date: 2023-01-15\nconstats: Peu utilisé.\n"
        ),
    },
    "evenement": {
        "Agenda/Pique-nique": (
            "titre: Pique-nique\ncategorie: pique-nique\ndebut: 2027-06-01 12:00\nfin: 2027-06-01 16:00\n"
            "commune: Nantes\nthemes: [Rencontre, Été]\n"
        ),
    },
}


def export(app: Any, type_name: str) -> bytes:
    with app.test_client() as client:
        response = client.get(f"/+donnees/{type_name}.csv")
        assert response.status_code == 200
        return response.get_data()


@pytest.mark.parametrize("type_name", sorted(PAGES))
def test_export_import_export_is_byte_identical(type_name: str, tmp_path: Any) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "cible").mkdir()
    source = make_app(tmp_path / "source")
    try:
        wiki = Wiki(source)
        for name, block in PAGES[type_name].items():
            wiki.save(name, f"---\ntype: {type_name}\n{block}---\nTexte.\n")
        first = export(source, type_name)
    finally:
        destroy_app(source)
    rows = list(csv.DictReader(io.StringIO(first.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(PAGES[type_name])
    path = tmp_path / f"{type_name}.csv"
    path.write_bytes(first)
    target = make_app(tmp_path / "cible")
    try:
        pages = read_source(str(path), None, type_name)
        with target.app_context():
            assert sorted(import_fiches(target, pages)) == sorted(PAGES[type_name])
        second = export(target, type_name)
    finally:
        destroy_app(target)
    assert second == first


def test_fiche_columns_are_one_a_field_with_readable_entries(app: Any, wiki: Any, client: Any) -> None:
    wiki.save("Initiatives/La Ressourcerie", "---\ntype: fiche\n" + PAGES["fiche"]["Initiatives/La Ressourcerie"] + "---\n")
    text = client.get("/+donnees/fiche.csv").get_data().decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["lat"] == "47.19" and row["lon"] == "'-1.56"  # neutralised for spreadsheets, read back by the import
    assert row["email"] == "ressourcerie@exemple.org" and row["site"] == "https://exemple.org"
    assert row["parcours"] == "2012 : Création ; 2018 : Déménagement"
    assert row["secteurs"] == "Récup' ; Réemploi"
    assert row["offres"] == "local : Salle de réunion (Rezé)"
    assert "contact" not in row and "position" not in row


def test_a_lieu_csv_imports_as_venues(app: Any, tmp_path: Any) -> None:
    path = tmp_path / "lieux.csv"
    path.write_text("nom;categorie;commune;lat;lon;email\nLa Cale;bar;Ancenis-Saint-Géréon;47.37;-1.18;cale@exemple.org\n", "utf-8")
    pages = read_source(str(path), None, "lieu")
    assert [p.name for p in pages] == ["Lieux/La Cale"]
    assert "type: lieu" in pages[0].text and "lat: 47.37" in pages[0].text and "cale@exemple.org" in pages[0].text
