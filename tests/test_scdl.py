"""Subsidy files as they are really published: the official SCDL examples judged as the official validator
(frictionless and the shipped schema) judges them, a file shaped as the Loire-Atlantique département's, one
beneficiary under several spellings, shares of split grants, and exports the validator accepts."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest
from frictionless import Resource, Schema
from moin.app import before_wiki
from moin.constants.keys import NAME_EXACT
from moin.utils.names import CompositeName

from plugins.subventions import analysis
from plugins.subventions import scdl as subventions
from plugins.subventions.store import PREFIX, import_file
from tests.helpers import content, fiche, login

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(HERE, "fixtures", "scdl")
VALID = os.path.join(FIXTURES, "exemple_valide-2.1.1.csv")
INVALID_CELLS = os.path.join(FIXTURES, "exemple_invalide_erreurs_cellules-2.1.1.csv")
INVALID_COLUMNS = os.path.join(FIXTURES, "exemple_invalide_erreurs_colonnes-2.1.1.csv")


def official_report(path: str | None = None, data: bytes | None = None) -> list[tuple[int, str, str]]:
    """The official validator's findings: frictionless with the shipped schema 2.1.1 (its core checks; the
    Validata-only custom checks are left out), as (row number, field name, error type); header rows are 0."""
    with open(subventions.SCHEMA_2, encoding="utf-8") as f:
        descriptor = json.load(f)
    descriptor.pop("custom_checks")
    schema = Schema.from_descriptor(descriptor)
    if data is not None:
        resource = Resource(data=list(csv.reader(io.StringIO(data.decode("utf-8")))), schema=schema)
    else:
        resource = Resource(path=os.path.relpath(path, HERE), basepath=HERE, schema=schema)
    report = resource.validate()
    return [(row or 0, name, kind) for row, name, kind in report.flatten(["rowNumber", "fieldName", "type"])]


def read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def plain(html: str) -> str:
    return html.replace("\u202f", " ").replace("\xa0", " ").replace("&#39;", "'")


def importing(app, data: bytes, name: str = "f.csv", **kw):
    with app.app_context():
        before_wiki()
        return import_file(app, data, name, **kw)


# -- the official examples ----------------------------------------------------------------------------------


def test_the_official_valid_example_is_accepted_as_the_validator_accepts_it():
    assert official_report(VALID) == []
    result = subventions.parse(read(VALID))
    assert result.error_count == 0 and len(result.records) == 29 and result.rows == 29
    assert result.version == "2.x" and result.convention == "noms des champs"
    # slash periods and combined natures, kept as the schema writes them
    first = result.records[0]
    assert first.periode == "2017-03-30/2017-05-24" and first.pourcentage == "0.05" and first.montant == 9978657
    natures = {r.nature for r in result.records}
    assert "aide en numéraire;aide en nature" in natures
    # what the pattern accepts but no calendar has is kept, with a warning naming the row and the column
    (impossible,) = [w for w in result.warnings[subventions.W_PERIOD] if "2017-30-05" in w.reason]
    assert (impossible.line, impossible.column) == (27, "datesPeriodeVersement")
    assert not result.warning_counts[subventions.W_UNDERSCORE] and not result.warning_counts[subventions.W_FORMAT]


def test_the_official_invalid_cells_example_every_finding_of_the_validator_is_reported_at_its_row_and_column():
    official = official_report(INVALID_CELLS)
    assert len(official) == 16  # what frictionless finds in it
    result = subventions.parse(read(INVALID_CELLS))
    assert result.error_count and not result.records  # refused whole
    found = result.located()
    for row, name, _kind in official:
        assert (row, name) in found, (row, name)
    errors = {(e.line, e.column): e.reason for e in result.errors}
    assert "supérieur à 1" in errors[(2, "pourcentageSubvention")]  # 100 where the maximum is 1
    assert "supérieur à 1" in errors[(3, "pourcentageSubvention")]  # 80
    assert "« W3222 » n'est pas un numéro RNA" in errors[(5, "rnaBeneficiaire")]
    assert errors[(10, "montant")] == "valeur obligatoire manquante"
    # the combined nature, the free payment conditions and the slash period of row 2 are no errors
    assert not [key for key in errors if key[0] == 2 and key[1] != "pourcentageSubvention"]
    underscore = result.warnings[subventions.W_UNDERSCORE]
    assert [(w.line, w.column) for w in underscore] == [(8, "datesPeriodeVersement")]  # said, in a 2.x file
    decimal_comma = [w for w in result.warnings[subventions.W_FORMAT] if w.line == 6 and w.column == "montant"]
    assert "le schéma attend un nombre au point décimal" in decimal_comma[0].reason


def test_the_official_invalid_columns_example_reports_its_column_names_and_order():
    official = official_report(INVALID_COLUMNS)
    labels = {name for row, name, kind in official if kind in ("missing-label", "incorrect-label")}
    assert labels == {"dispositifAide", "nomAttribuant", "idAttribuant", "nomBeneficiaire"}
    result = subventions.parse(read(INVALID_COLUMNS))
    header = {w.column: w.reason for w in result.warnings[subventions.W_HEADER]}
    assert set(header) == labels  # the same columns as the validator
    assert "« NOM_Beneficiaire » lu comme « nomBeneficiaire »" in header["nomBeneficiaire"]
    assert "le schéma place ici « nomAttribuant »" in header["idAttribuant"]
    assert header["dispositifAide"] == "colonne du schéma 2.x absente"
    # the two invalid examples no longer give the same report
    cells = subventions.parse(read(INVALID_CELLS))
    assert set(w.column for w in cells.warnings[subventions.W_HEADER]) == {"dispositifAide"}
    # its cell errors are those of the cells example (our reading goes by name, not position)
    assert {(e.line, e.column) for e in result.errors} == {(e.line, e.column) for e in cells.errors}


# -- a file shaped as the Loire-Atlantique département's ---------------------------------------------------

LOIRE_ATLANTIQUE = (
    # the field titles of SCDL 1.x as headers, then four columns of the département's own
    "Nom de l'attribuant;Identification de l'attribuant;Date de la convention de subvention;Référence de la décision;"
    "Nom du bénéficiaire;Identification du bénéficiaire;Objet de la subvention;Montant total de la subvention;"
    "Nature de la subvention;Conditions de versement de la subvention;Date ou période de versement;"
    "Numéro unique de référencement dans le Répertoire des Aides aux Entreprises;"
    "Aide d'Etat notifiée à la Commission européenne;"
    "Pourcentage du montant total de la subvention attribuée au bénéficiaire;"
    "Direction;Thématique;Commune du bénéficiaire;Code postal\n"
    # line 2…: a 9-digit SIREN for the département and most beneficiaries, the year alone as the date
    "Département de Loire-Atlantique;224400028;2015;CP-2015-01;LES ECOSSOLIES;400000001;Fonctionnement;20000;"
    "aide en numéraire;unique;;;non;100;Solidarités;ESS;Nantes;44000\n"
    "Département de Loire-Atlantique;224400028;2016;CP-2016-07;Ecossolies (Les);400000001;Festival;15000.50;"
    "aide en numéraire;unique;2016-03-01_2016-12-31;;non;100;Solidarités;ESS;Nantes;44000\n"
    "Département de Loire-Atlantique;224400028;2017;CP-2017-03;Les Écossolies;;Fonctionnement;25000;"
    "aide en numéraire;unique;;;non;100;Solidarités;ESS;Nantes;44000\n"
    "Département de Loire-Atlantique;224400028;2016;CP-2016-11;Théâtre du Cyclope;400000002;Création;8000;"
    "aide en numéraire;unique;;;non;50;Culture;Théâtre;Rezé;44400\n"
    "Département de Loire-Atlantique;224400028;2017;CP-2017-09;THEATRE DU CYCLOPE;400000002;Tournée;7000;"
    "aide en numéraire;unique;;;non;;Culture;Théâtre;Rezé;44400\n"
    "Département de Loire-Atlantique;224400028;2016;CP-2016-12;Les Amis du Jardin;;Jardin partagé;1500;"
    "aide en nature;unique;;;non;;Environnement;Jardins;Orvault;44700\n"
    "Département de Loire-Atlantique;224400028;2017;CP-2017-20;Musiques Rurales;400000003;Prêt d'honneur;;"
    "prêt;unique;;;non;;Culture;Musique;Ancenis;44150\n"
    "Département de Loire-Atlantique;224400028;2017;CP-2017-21;Coop Habitat;400000004;Garantie d'emprunt;;"
    "garantie d'emprunt;unique;;;non;;Habitat;Logement;Nantes;44000\n"
    "Département de Loire-Atlantique;224400028;2017;CP-2017-22;Coop Habitat;400000004;Aide au démarrage;4500;"
    "aide en numéraire;unique;;;non;;Habitat;Logement;Nantes;44000\n"
).encode()


def test_a_file_shaped_as_the_loire_atlantique_one_is_read_with_warnings_and_every_figure_checks(app, wiki, client):
    result = subventions.parse(LOIRE_ATLANTIQUE)
    assert result.error_count == 0 and result.version == "1.x" and result.convention == "titres des champs"
    assert result.ignored_columns == ["Direction", "Thématique", "Commune du bénéficiaire", "Code postal"]
    assert len(result.records) == 7 and len(result.apart) == 2  # the loan and the guarantee kept apart
    counts = result.warning_counts
    assert counts[subventions.W_YEAR] == 9  # every row
    assert counts[subventions.W_SIREN] == 9 + 7  # the département's on each row, 7 beneficiaries'
    assert counts[subventions.W_LOAN] == 2 and counts[subventions.W_EXTRA] == 1 and counts[subventions.W_NO_ID] == 2
    assert counts[subventions.W_PERCENT] == 4 and counts[subventions.W_UNDERSCORE] == 1
    first = result.records[0]
    assert first.date == "2015" and first.year_only and first.annee == 2015 and first.siren == "400000001"
    assert first.siret == "" and first.id_attribuant == "224400028" and first.pourcentage == "1"
    cyclope = result.records[3]
    assert cyclope.montant == 800000 and cyclope.pourcentage == "0.5" and cyclope.part == 400000
    # what the import says before writing anything
    summary = plain("\n".join(result.summary()))
    assert "schéma SCDL 1.x, en-têtes titres des champs" in summary
    assert "7 subvention(s) sur 9 ligne(s), 81 000,50 € au total (77 000,50 € en parts des bénéficiaires)" in summary
    assert "Années : 2015 à 2017." in summary and "Attribuants : Département de Loire-Atlantique (7)." in summary
    assert "2 prêt(s) ou garantie(s) sans montant, gardé(s) à part." in summary
    assert f"{subventions.W_YEAR} : 9" in summary

    wiki.save("Initiatives/Les Écossolies", fiche("Les Écossolies", siret='"40000000100017"', commune="Nantes"))
    report = importing(app, LOIRE_ATLANTIQUE, "loire-atlantique.csv")
    assert report.stored and report.rows == 7
    wiki.save("F", "<<Financements>>\n")
    html = plain(content(client, "/F"))
    # shares: Écossolies 20 000 + 15 000,50 + 25 000 (the row without id, by its name) = 60 000,50 ;
    # Théâtre du Cyclope 50 % of 8 000 + 7 000 = 11 000 ; Amis du Jardin 1 500 ; Coop Habitat 4 500 (its
    # guarantee without amount is not counted); total 77 000,50 €
    assert re.search(r"Montant total</dt>\s*<dd>77 000,50 €<", html)
    assert re.search(r"Subventions</dt>\s*<dd>7<", html) and re.search(r"Bénéficiaires</dt>\s*<dd>4<", html)
    # the best-funded 10 % (rounded up: 1 of 4) is Les Écossolies: 60 000,50 / 77 000,50 = 77,92… %
    assert "77,9 %" in html and "le premier bénéficiaire" in html
    # Gini of 1 500 ; 4 500 ; 11 000 ; 60 000,50: 2·(1·1 500 + 2·4 500 + 3·11 000 + 4·60 000,50) / (4·77 000,50)
    # − 5/4 = 567 004 / 308 002 − 1,25 = 0,5909… → 0,59
    assert re.search(r"Indice de Gini</dt>\s*<dd>0,59<", html)
    # one beneficiary under three spellings, linked to its fiche by SIREN, its spellings listed
    ranking = html[html.index("eco-palmares") :]
    assert 'href="/Initiatives/Les%20Écossolies">Les Écossolies</a>' in ranking
    assert "(aussi écrit : LES ECOSSOLIES ; Ecossolies (Les))" in ranking
    assert "60 000,50 €" in ranking and "11 000 €" in ranking and "Musiques Rurales" not in ranking
    # by year: 2015 20 000 ; 2016 15 000,50 + 4 000 + 1 500 = 20 500,50 ; 2017 25 000 + 7 000 + 4 500 = 36 500
    years = html[html.index("eco-par-annee") :]
    assert ["20 000 €", "20 500,50 €", "36 500 €"] == re.findall(r"<td>([\d ,]+ €)</td>", years)[:3]
    assert "2 prêt(s) ou garantie(s) publié(s) sans montant" in html
    assert "Méthode : le montant d'une subvention" in html and "montant × pourcentageSubvention" in html
    # the fiche: its three subsidies, dates shown as the years they are, never an invented 1 January
    box = plain(content(client, "/Initiatives/Les Écossolies"))
    assert "3 subventions, 60 000,50 € au total" in box
    assert "<td>2015</td>" in box and "2015-01-01" not in box and "01/01/2015" not in box
    # the strict SCDL export cannot hold a year for a date: none of these rows; the enriched one says why
    strict = client.get("/+donnees/subventions.csv")
    assert strict.get_data(as_text=True).count("\r\n") == 1 and strict.headers["X-Subventions-Hors-Schema"] == "7"
    text = client.get("/+donnees/subventions-enrichi.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 7 and rows[0]["dateConvention"] == "2015" and rows[0]["sirenBeneficiaire"] == "400000001"
    assert "date de convention réduite à l'année 2015" in rows[0]["avertissements"]
    assert "SIREN 400000001 publié au lieu du SIRET" in rows[0]["avertissements"]
    assert {r["fiche"] for r in rows if r["sirenBeneficiaire"] == "400000001"} == {"Initiatives/Les Écossolies"}


# -- identity and shares --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Les Écossolies", "ECOSSOLIES (LES)", "Ecossolies", "L'Écossolies", "les écossolies.", "Écossolies, les"]
)
def test_normalised_names_drop_accents_case_punctuation_and_articles(name):
    assert analysis.normalised_name(name) == "ecossolies"


def test_normalised_names_keep_what_makes_two_names_different():
    assert analysis.normalised_name("La Fabrique") != analysis.normalised_name("Fabrique du Lieu")
    assert analysis.normalised_name("Les") == "les"  # a name that is only an article stays itself


HEADER = ",".join(subventions.COLUMNS)


def strict_file(*rows: str) -> bytes:
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode("utf-8")


SPLIT = (
    "Ville,21440109300015,2023-03-01,D1,Asso A,11111111100011,,Festival partagé,10000.00,aide en numéraire,"
    "unique,2023-04-01/2023-06-30,,non,0.6,",
    "Ville,21440109300015,2023-03-01,D1,Asso B,22222222200022,,Festival partagé,10000.00,aide en numéraire,"
    "unique,2023-04-01/2023-06-30,,non,0.4,",
)


def test_a_grant_split_between_two_beneficiaries_counts_each_for_its_share(app, wiki, client):
    importing(app, strict_file(*SPLIT))
    wiki.save("F", "<<Financements>>\n")
    html = plain(content(client, "/F"))
    # one grant of 10 000 € before sharing: 6 000 € to A, 4 000 € to B; the total is 10 000 €, not 20 000 €
    assert re.search(r"Montant total</dt>\s*<dd>10 000 €<", html)
    ranking = html[html.index("eco-palmares") :]
    assert ranking.index("Asso A") < ranking.index("6 000 €") < ranking.index("Asso B") < ranking.index("4 000 €")
    # Gini of 4 000 and 6 000: 2·(4 000 + 2·6 000) / (2·10 000) − 3/2 = 0,10
    assert re.search(r"Indice de Gini</dt>\s*<dd>0,10<", html)
    data = json.loads(client.get("/+donnees/subventions.json").get_data(as_text=True))
    shares = {
        r["nomBeneficiaire"]: (r["montant"], r["pourcentageSubvention"], r["partBeneficiaire"])
        for r in data["subventions"]
    }
    assert shares == {"Asso A": (10000.0, 0.6, 6000.0), "Asso B": (10000.0, 0.4, 4000.0)}
    assert "montant × pourcentageSubvention" in data["methode"]


# -- exports ---------------------------------------------------------------------------------------------------


def test_the_scdl_export_is_strictly_the_schema_and_the_validator_accepts_it(app, client):
    importing(app, read(VALID), "antibes.csv")
    legacy = (
        "nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant;nature;"
        "conditionsVersement;datesPeriodeVersement;notificationUE;pourcentageSubvention;colonne_en_plus\n"
        "Ville;21440109300015;15/03/2022;Asso Vieille;400 000 001 00000;Objet;2 500,75;Aide en numéraire;Unique;"
        "01/04/2022_30/06/2022;Non;50;x\n"
        "Ville;21440109300015;2021;Asso Année;98765432100011;Objet;100;aide en numéraire;unique;2021-01-01;non;1;y\n"
    ).encode()
    importing(app, legacy, "ancien.csv")
    response = client.get("/+donnees/subventions.csv")
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    assert response.headers["X-Subventions-Hors-Schema"] == "1"  # the year alone cannot be written as a date
    body = response.get_data()
    assert official_report(data=body) == []  # the official validator accepts it
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert tuple(rows[0]) == subventions.COLUMNS and len(rows) == 1 + 29 + 1
    old = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[4] == "Asso Vieille")
    assert (
        old["dateConvention"] == "2022-03-15" and old["montant"] == "2500.75" and old["nature"] == "aide en numéraire"
    )
    assert old["datesPeriodeVersement"] == "2022-04-01/2022-06-30" and old["pourcentageSubvention"] == "0.5"
    assert old["idBeneficiaire"] == "40000000100000" and old["notificationUE"] == "non"
    enriched = client.get("/+donnees/subventions-enrichi.csv")
    assert enriched.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    text = enriched.get_data(as_text=True).lstrip("\ufeff")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == list(analysis.ENRICHED_COLUMNS) and len(text.strip().split("\r\n")) == 1 + 29 + 2
    data = client.get("/+donnees/subventions.json")
    assert data.headers.getlist("Content-Type") == ["application/json; charset=utf-8"]
    (vieille,) = [
        r for r in json.loads(data.get_data(as_text=True))["subventions"] if r["nomBeneficiaire"] == "Asso Vieille"
    ]
    assert vieille["montant"] == 2500.75 and vieille["pourcentageSubvention"] == 0.5
    assert vieille["partBeneficiaire"] == 1250.38 and vieille["notificationUE"] is False


# -- saying what a file holds before writing ---------------------------------------------------------------


def test_the_upload_form_says_what_it_found_and_its_trial_writes_nothing(app, wiki, client):
    from plugins.operations.accounts import make_admin

    wiki.create_user("Claire")
    with app.app_context():
        before_wiki()
        make_admin(app, "Claire", "claire@exemple.org", "motdepasse-solide-2026")
    login(client, "Claire")
    page = client.get("/+financements/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = {"csrf_token": token, "essai": "1", "fichier": (io.BytesIO(LOIRE_ATLANTIQUE), "la.csv")}
    response = client.post("/+financements/import", data=sent, content_type="multipart/form-data")
    html = plain(response.get_data(as_text=True))
    assert response.status_code == 200 and "« Données/Subventions/la.csv » serait importé (essai" in html
    assert "7 subvention(s) sur 9 ligne(s), 81 000,50 € au total" in html and "Années : 2015 à 2017." in html
    assert f"{subventions.W_SIREN} : 16" in html.replace("&#34;", '"')
    assert "ligne 2, colonne « dateConvention »" in html  # an example of a warning, with its place
    with app.app_context():
        assert not app.storage.get_item(**CompositeName("", NAME_EXACT, PREFIX + "la.csv").query)


def test_the_command_says_what_it_found_and_essai_writes_nothing(tmp_path):
    from tests.test_commands import PY, instance_runner

    run = instance_runner(tmp_path)
    path = tmp_path / "la.csv"
    path.write_bytes(LOIRE_ATLANTIQUE)
    result = run(*PY, "import-subventions", str(path), "--essai")
    out = plain(result.stdout)
    assert "la.csv : ce que contient le fichier" in out
    assert "7 subvention(s) sur 9 ligne(s), 81 000,50 € au total" in out
    assert f"{subventions.W_LOAN} : 2" in out and "Essai : rien n'a été écrit." in out
    assert "importé :" not in out


def test_headers_as_the_2x_field_titles_read_the_same_records():
    with open(subventions.SCHEMA_2, encoding="utf-8") as f:
        titles = [spec["title"] for spec in json.load(f)["fields"]]
    lines = read(VALID).decode("utf-8").split("\n")
    retitled = "\n".join([",".join(f'"{t}"' for t in titles), *lines[1:]]).encode("utf-8")
    by_title, by_name = subventions.parse(retitled), subventions.parse(read(VALID))
    assert by_title.convention == "titres des champs" and by_title.version == "2.x"
    assert by_title.records == by_name.records and not by_title.warnings.get(subventions.W_HEADER)


@pytest.mark.parametrize(
    ("version", "written", "ratio", "warned"),
    [
        ("2.x", "0.45", "0.45", False),
        ("1.x", "0.45", "0.45", False),
        ("1.x", "45", "0.45", True),
        ("2.x", "1", "1", False),
    ],
)
def test_a_share_is_read_as_the_schema_says_and_a_legacy_percent_with_a_warning(version, written, ratio, warned):
    notes: list[tuple[str, str]] = []
    assert subventions.percentage(written, version, lambda kind, reason: notes.append((kind, reason))) == ratio
    assert [kind for kind, _reason in notes] == ([subventions.W_PERCENT] if warned else [])


def test_a_share_over_one_is_an_error_in_a_2x_file():
    with pytest.raises(ValueError, match="supérieur à 1"):
        subventions.percentage("45", "2.x")


def test_the_shipped_1_1_schema_is_a_working_table_schema_and_a_1x_file_is_read_as_one():
    rows = list(csv.reader(io.StringIO(read(VALID).decode("utf-8"))))
    keep = [i for i, name in enumerate(rows[0]) if name not in ("rnaBeneficiaire", "dispositifAide")]
    old = [[row[i] for i in keep] for row in rows if re.fullmatch(r"\d{14}", row[5]) or row is rows[0]]
    assert len(old) > 20 and len(old[0]) == 14
    with open(subventions.SCHEMA_1, encoding="utf-8") as f:
        schema = Schema.from_descriptor(json.load(f))
    assert Resource(data=old, schema=schema).validate().valid
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in old).encode("utf-8")
    result = subventions.parse(text)
    assert result.version == "1.x" and result.error_count == 0 and len(result.records) == len(old) - 1
    assert not result.warnings.get(subventions.W_HEADER)  # a 1.x file lacks no column of its schema
    # bad: a 1.x file with a value the 1.1 schema refuses is refused by frictionless with the same schema
    old[1][13] = "1.5"
    report = Resource(data=old, schema=schema).validate()
    assert report.flatten(["rowNumber", "fieldName", "type"]) == [[2, "pourcentageSubvention", "constraint-error"]]


def test_the_seed_file_is_an_scdl_2_1_1_file_and_its_export_passes_the_validator(app, client):
    from plugins.operations.seed import load_seed

    seed = os.path.join(os.path.dirname(HERE), "data", "pages")
    result = subventions.parse(read(os.path.join(seed, "donnees", "subventions-exemple.csv")))
    assert result.error_count == 0 and len(result.records) == 18 and not result.warning_counts
    assert {r.pourcentage for r in result.records} == {"0.4", "1"}  # 40 % written as the schema says: 0.4
    with app.app_context():
        load_seed(app, seed)
    response = client.get("/+donnees/subventions.csv")
    assert response.headers["X-Subventions-Hors-Schema"] == "0"
    body = response.get_data()
    assert len(body.decode("utf-8").strip().split("\r\n")) == 1 + 18 and official_report(data=body) == []


# -- files as an outside reviewer would send them ------------------------------------------------------------

STRICT_ROW = (
    "Ville de Nantes,21440109300015,2023-03-15,D1,Les Écossolies,40000000100000,W442000001,Objet,1234.50,"
    "aide en numéraire,unique,2023-04-01/2023-06-30,,non,1,Disp"
)
#: the same subsidy, once as the schema writes it
STRICT = (HEADER + "\n" + STRICT_ROW + "\n").encode("utf-8")


def semicolons(row: str) -> str:
    return row.replace(",", ";")


@pytest.mark.parametrize(
    ("data", "kinds", "encoding"),
    [
        pytest.param(semicolons(STRICT.decode()).encode(), set(), "utf-8", id="point-virgule"),
        pytest.param(semicolons(STRICT.decode()).encode("latin-1"), set(), "windows-1252", id="latin-1"),
        pytest.param(semicolons(STRICT.decode()).encode("cp1252"), set(), "windows-1252", id="windows-1252"),
        pytest.param(b"\xef\xbb\xbf" + STRICT.replace(b"\n", b"\r\n"), set(), "utf-8", id="bom-crlf"),
        pytest.param(
            (HEADER + "\n" + STRICT_ROW.replace("1234.50", '"1 234,50"') + "\n").encode(),
            {subventions.W_FORMAT},
            "utf-8",
            id="virgule-decimale-espace",
        ),
        pytest.param(
            semicolons(STRICT.decode()).replace("1234.50", "1\u202f234,50 €").encode(),
            {subventions.W_FORMAT},
            "utf-8",
            id="espace-fine-euro",
        ),
        pytest.param(
            (
                HEADER
                + "\n"
                + STRICT_ROW.replace("2023-03-15", "15/03/2023").replace(
                    "2023-04-01/2023-06-30", "du 01/04/2023 au 30/06/2023"
                )
                + "\n"
            ).encode(),
            {subventions.W_FORMAT},
            "utf-8",
            id="dates-jj-mm-aaaa",
        ),
        pytest.param(
            (HEADER + "\n" + STRICT_ROW.replace("2023-04-01/2023-06-30", "01/04/2023_30/06/2023") + "\n").encode(),
            {subventions.W_UNDERSCORE},
            "utf-8",
            id="periode-soulignee",
        ),
    ],
)
def test_a_realistic_file_reads_the_same_subsidy_with_the_warnings_its_form_deserves(data, kinds, encoding):
    (expected,) = subventions.parse(STRICT).records
    result = subventions.parse(data)
    assert result.error_count == 0 and result.records == [expected] and result.encoding == encoding
    assert set(result.warning_counts) == kinds
    verdict = result.validator_verdict()
    if kinds:
        found = 2 if "15/03/2023" in data.decode("utf-8", "replace") else 1  # the date and the period
        assert sum(result.warning_counts.values()) == found
        assert f"le fichier tel quel serait refusé ({found} écart(s) au schéma lus ici avec un avertissement)" in verdict
    else:
        assert verdict == "Validateur officiel (Validata, schéma SCDL 2.1.1) : le fichier lui est conforme."


def test_scdl_1_1_field_names_are_read_as_a_1x_file_with_its_legacy_percent():
    header = ",".join(c for c in subventions.COLUMNS if c not in subventions.COLUMNS_2X_ONLY)
    row = "Ville,21440109300015,2017-03-15,D1,Asso,40000000100000,Objet,100,aide en nature,unique,2017-04-01,,non,45"
    result = subventions.parse((header + "\n" + row + "\n").encode())
    (record,) = result.records
    assert result.version == "1.x" and result.convention == "noms des champs"
    assert record.pourcentage == "0.45" and record.part == 4500
    assert dict(result.warning_counts) == {subventions.W_PERCENT: 1}
    assert "(Validata, schéma SCDL 1.1) : le fichier tel quel serait refusé" in result.validator_verdict()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "fichier vide : la première ligne doit nommer les colonnes"),
        (b"\r\n\r\n", "fichier vide : la première ligne doit nommer les colonnes"),
        (STRICT.split(b"\n")[0] + b"\n", "aucune subvention dans le fichier (seulement la ligne des colonnes)."),
        (b"\xef\xbb\xbf" + STRICT.split(b"\n")[0] + b"\r\n", "aucune subvention dans le fichier"),
    ],
    ids=["vide", "lignes-vides", "en-tetes-seuls", "en-tetes-bom-crlf"],
)
def test_an_empty_or_header_only_file_is_refused_with_a_french_message_by_the_form(app, wiki, client, data, message):
    from plugins.operations.accounts import make_admin

    wiki.create_user("Claire")
    with app.app_context():
        before_wiki()
        make_admin(app, "Claire", "claire@exemple.org", "motdepasse-solide-2026")
    login(client, "Claire")
    page = client.get("/+financements/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = {"csrf_token": token, "fichier": (io.BytesIO(data), "vide.csv")}
    response = client.post("/+financements/import", data=sent, content_type="multipart/form-data")
    html = plain(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Import refusé, rien n'a été écrit : " + message in html and "Traceback" not in html


def test_a_siret_with_a_wrong_control_key_is_kept_with_a_warning_as_validata_checks_it():
    result = subventions.parse(read(INVALID_CELLS))
    keys = {(w.line, w.column) for w in result.warnings[subventions.W_KEY]}
    assert (5, "idBeneficiaire") in keys and (2, "idAttribuant") in keys  # 44088714900000, 21860194600000
    assert not subventions.parse(read(VALID)).warning_counts[subventions.W_KEY]  # every SIRET there is right
    (record,) = subventions.parse(STRICT.replace(b"40000000100000", b"40000000100001")).records
    assert record.siret == "40000000100001"


def test_the_refusal_of_the_columns_example_names_its_header_problems_before_its_cell_errors():
    from plugins.operations.bulk import ImportRefused
    from plugins.subventions.store import check

    said = {}
    for path in (INVALID_CELLS, INVALID_COLUMNS):
        with pytest.raises(ImportRefused) as info:
            check(read(path))
        said[path] = info.value
    columns, cells = said[INVALID_COLUMNS], said[INVALID_CELLS]
    assert columns.summary == (
        "7 erreur(s) dans le fichier (sur 29 ligne(s)) ; en-têtes : 4 écart(s) au schéma "
        "(noms, ordre ou colonnes absentes ou en plus)."
    )
    assert columns.rows[:4] == [
        "avertissement : en-têtes, colonne « nomBeneficiaire » : « NOM_Beneficiaire » lu comme « nomBeneficiaire » : "
        "le schéma le nomme « nomBeneficiaire »",
        "avertissement : en-têtes, colonne « dispositifAide » : colonne du schéma 2.x absente",
        "avertissement : en-têtes, colonne « idAttribuant » : colonne n° 1 : le schéma place ici « nomAttribuant » "
        "(ordre des colonnes)",
        "avertissement : en-têtes, colonne « nomAttribuant » : colonne n° 2 : le schéma place ici « idAttribuant » "
        "(ordre des colonnes)",
    ]
    assert cells.summary.endswith("en-têtes : 1 écart(s) au schéma (noms, ordre ou colonnes absentes ou en plus).")
    assert columns.rows != cells.rows
    # every finding of the validator on the cells example is in its refusal, at its row and column
    text = "\n".join(cells.rows)
    for row, name, _kind in official_report(INVALID_CELLS):
        where = "en-têtes" if row == 0 else f"ligne {row}"
        assert f"{where}, colonne « {name} »" in text, (row, name)


def test_a_siret_with_a_wrong_key_stays_out_of_the_strict_export_and_is_in_the_enriched_one(app, client):
    good = STRICT_ROW.replace("Les Écossolies", "Asso Juste")
    wrong = STRICT_ROW.replace("Les Écossolies", "Asso Clé Fausse").replace("40000000100000", "40000000100001")
    importing(app, (HEADER + "\n" + good + "\n" + wrong + "\n").encode(), "cles.csv")
    response = client.get("/+donnees/subventions.csv")
    body = response.get_data()
    assert response.headers["X-Subventions-Hors-Schema"] == "1" and official_report(data=body) == []
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert [r["nomBeneficiaire"] for r in rows] == ["Asso Juste"]
    text = client.get("/+donnees/subventions-enrichi.csv").get_data(as_text=True).lstrip("\ufeff")
    enriched = {r["nomBeneficiaire"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert enriched["Asso Clé Fausse"]["avertissements"] == "SIRET du bénéficiaire à la clé de contrôle fausse"
    assert enriched["Asso Juste"]["avertissements"] == ""
