"""Subsidies (SCDL files): exact figures, every bad row named, all-or-nothing and idempotent imports,
readers' rights, links to fiches and schemes, exports, charts and map safe from injected names."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from moin.app import before_wiki
from moin.constants.keys import CURRENT, NAME_EXACT, REV_NUMBER
from moin.utils.names import CompositeName

from plugins.operations.bulk import ImportRefused
from plugins.subventions import analysis
from plugins.subventions import scdl as subventions
from plugins.subventions.store import PREFIX, import_file
from tests.helpers import content, fiche, login

HEADER_2X = (
    "nomAttribuant;idAttribuant;dateConvention;referenceDecision;nomBeneficiaire;idBeneficiaire;rnaBeneficiaire;"
    "objet;montant;nature;conditionsVersement;datesPeriodeVersement;idRAE;notificationUE;pourcentageSubvention;"
    "dispositifAide"
)
GOOD_ROW = (
    "Ville;21440109300015;2023-03-01;D1;Asso Une;12345678900012;W442000001;Concerts;1 000,50;aide en numéraire;"
    "unique;2023-04-01/2023-06-30;;non;1;Pass"
)


def scdl(*rows: str, header: str = HEADER_2X) -> bytes:
    return ("\ufeff" + header + "\n" + "\n".join(rows) + "\n").encode("utf-8")


def ten_beneficiaries() -> bytes:
    """Beneficiary i (1…10) receives i × 1 234,56 €, the even ones in two payments (to the cent)."""
    rows = []
    for i in range(1, 11):
        cents = i * 123456
        siret = f"{i:09d}{i:05d}"  # one SIREN each: one organisation each
        payments = [cents] if i % 2 else [cents // 2, cents - cents // 2]
        for n, part in enumerate(payments):
            amount = f"{part // 100},{part % 100:02d}"
            year = 2023 if i <= 4 else 2024
            nature = "aide en nature" if i == 1 else "aide en numéraire"
            rows.append(f"Métropole;;{year}-0{n + 1}-15;;Bénéficiaire {i};{siret};;Objet {i};{amount};{nature};;;;;;")
    return scdl(*rows)


def importing(app, data: bytes, name: str = "f.csv", **kw):
    with app.app_context():
        before_wiki()
        return import_file(app, data, name, **kw)


def refused(app, data: bytes) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        importing(app, data)
    with app.app_context():  # all or nothing: no item was written
        assert not app.storage.get_item(**CompositeName("", NAME_EXACT, PREFIX + "f.csv").query)
    return info.value


def plain(html: str) -> str:
    return html.replace("\u202f", " ").replace("\xa0", " ").replace("&#39;", "'")


# -- figures --------------------------------------------------------------------------------------------


def test_known_totals_shares_and_gini_to_the_cent(app, wiki, client):
    importing(app, ten_beneficiaries())
    wiki.save("Financements", "<<Financements>>\n")
    html = plain(content(client, "/Financements"))
    # 55 × 1 234,56 € = 67 900,80 € ; the best-funded 10 % is beneficiary 10: 12 345,60 / 67 900,80 = 18,18… %
    assert "67 900,80 €" in html and "12 345,60 €" in html
    assert re.search(r"Subventions</dt>\s*<dd>15<", html) and re.search(r"Bénéficiaires</dt>\s*<dd>10<", html)
    assert "18,2 % (le premier bénéficiaire)" in html
    # Gini of 1, 2, …, 10: 2·385 / (10·55) − 11/10 = 0,30
    assert re.search(r"Indice de Gini</dt>\s*<dd>0,30<", html)
    # the deciles of the Lorenz curve, in a table: the poorest half receives (1+…+5)/55 = 27,3 %
    assert re.search(r"<td>50 %</td>\s*<td>27,3 %</td>", html)
    # splits by year and nature add up
    assert "2023" in html and "12 345,60 €" in html
    assert "aide en nature" in html and "1 234,56 €" in html


def test_gini_and_top_share_edge_cases():
    assert analysis.gini([5, 5, 5, 5]) == 0
    assert analysis.gini([0, 0, 0, 100]) == Fraction(3, 4)  # one of four gets all: (n-1)/n
    assert analysis.gini([]) is None and analysis.gini([0, 0]) is None
    assert analysis.top_share([1] * 11) == (2, Decimal("18.2"))  # 10 % of 11 is rounded up to 2
    assert analysis.lorenz([1, 3])[-1] == (1, 1) and analysis.lorenz([1, 3])[1] == (
        Fraction(1, 2),
        Fraction(1, 4),
    )
    assert analysis.rounded(Fraction(86, 100) - Fraction(1, 200)) == Decimal("0.86")  # 0,855 → 0,86 (half up)


def test_selection_arguments_and_narrowing(app, wiki, client):
    importing(app, ten_beneficiaries())
    wiki.save("F", '<<Financements(annee="2023", objet="objet 2")>>\n')
    html = plain(content(client, "/F"))
    assert "2 469,12 €" in html and "Bénéficiaire 3" not in html  # beneficiary 2 alone: 2 × 1 234,56
    # the reader narrows by clicking a year: ?annee=2024 on a page without arguments
    wiki.save("G", "<<Financements>>\n")
    narrowed = plain(content(client, "/G?annee=2024"))
    assert "Sélection : annee : 2024" in narrowed and "Bénéficiaire 4<" not in narrowed
    assert "Bénéficiaire 10" in narrowed
    wiki.save("H", '<<Financements(couleur="rouge")>>\n')
    assert "argument inconnu « couleur »" in content(client, "/H")
    wiki.save("I", '<<Financements(annee="23")>>\n')
    assert "quatre chiffres" in content(client, "/I")


# -- reading files --------------------------------------------------------------------------------------


def test_real_world_files_1x_comma_separator_bom_decimal_commas_extra_columns(app):
    header = "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,colonne_en_plus"
    data = scdl(
        'Ville,21440109300015,15/03/2022,,"Asso, avec virgule",123 456 789 00012,Objet,"2 500,75",Aide en numéraire,Unique,01/04/2022_30/06/2022,,Non,,x',
        header=header,
    )
    result = subventions.parse(data)
    assert not result.errors and result.ignored_columns == ["colonne_en_plus"]
    (record,) = result.records
    assert record.montant == 250075 and record.date == "2022-03-15" and record.siret == "12345678900012"
    assert record.beneficiaire == "Asso, avec virgule" and record.nature == "aide en numéraire"
    # the underscore period of the 2017 format is read, with a warning, and kept in the schema's form
    assert record.periode == "2022-04-01/2022-06-30" and record.notification_ue == "non"
    assert result.warning_counts[subventions.W_UNDERSCORE] == 1 and result.version == "1.x"
    # Windows-1252 and snake_case column names are read too
    latin = "nom_attribuant;date_convention;nom_beneficiaire;montant\nVille;2022-01-01;Théâtre;1.234,50\n"
    (record,) = subventions.parse(latin.encode("cp1252")).records
    assert record.beneficiaire == "Théâtre" and record.montant == 123450
    # an RNA number where 1.x files put the SIRET is kept as the RNA number
    odd = "nomAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;montant\nV;2022-01-01;A;w442000001;12\n"
    (record,) = subventions.parse(odd.encode()).records
    assert record.rna == "W442000001" and record.siret == ""


BAD_ROWS = [
    ("nomBeneficiaire", GOOD_ROW.replace("Asso Une", ""), "valeur obligatoire manquante"),
    ("nomAttribuant", GOOD_ROW.replace("Ville;", ";", 1), "valeur obligatoire manquante"),
    ("montant", GOOD_ROW.replace("1 000,50", ""), "valeur obligatoire manquante"),
    ("montant", GOOD_ROW.replace("1 000,50", "beaucoup"), "montant illisible"),
    ("montant", GOOD_ROW.replace("1 000,50", "-200"), "montant négatif"),
    ("montant", GOOD_ROW.replace("1 000,50", "10,505"), "plus de deux décimales"),
    ("montant", GOOD_ROW.replace("1 000,50", "12,3,4"), "montant illisible"),
    ("dateConvention", GOOD_ROW.replace("2023-03-01", "2023-02-30"), "n'existe pas"),
    ("dateConvention", GOOD_ROW.replace("2023-03-01", "1er mars 2023"), "date illisible"),
    ("dateConvention", GOOD_ROW.replace("2023-03-01", ""), "valeur obligatoire manquante"),
    ("idBeneficiaire", GOOD_ROW.replace("12345678900012", "1234"), "n'est pas un SIRET"),
    ("idAttribuant", GOOD_ROW.replace("21440109300015", "ABC"), "n'est pas un SIRET"),
    ("rnaBeneficiaire", GOOD_ROW.replace("W442000001", "442000001"), "n'est pas un numéro RNA"),
    ("nature", GOOD_ROW.replace("aide en numéraire", "cadeau"), "nature « cadeau » inconnue"),
    ("conditionsVersement", GOOD_ROW.replace(";unique;", ";" + "x" * 5001 + ";"), "texte trop long"),
    ("datesPeriodeVersement", GOOD_ROW.replace("2023-04-01/2023-06-30", "1er avril-30 juin"), "période illisible"),
    ("datesPeriodeVersement", GOOD_ROW.replace("2023-04-01/2023-06-30", "2023_04_01"), "période illisible"),
    ("notificationUE", GOOD_ROW.replace(";non;", ";peut-être;"), "attendu oui ou non"),
    ("pourcentageSubvention", GOOD_ROW.replace(";1;Pass", ";150;Pass"), "supérieur à 1"),
    ("pourcentageSubvention", GOOD_ROW.replace(";1;Pass", ";1.5;Pass"), "supérieur à 1"),
    ("pourcentageSubvention", GOOD_ROW.replace(";1;Pass", ";0;Pass"), "au moins 0.01"),
    ("objet", GOOD_ROW.replace("Concerts", "x" * 5001), "texte trop long"),
    ("", GOOD_ROW + ";en trop", "17 cellules au lieu de 16"),
    ("", GOOD_ROW.rsplit(";", 2)[0], "14 cellules au lieu de 16"),
]


@pytest.mark.parametrize(
    ("column", "row", "reason"), BAD_ROWS, ids=[f"{c or 'ligne'}-{r[:20]}" for c, _x, r in BAD_ROWS]
)
def test_every_malformed_row_is_named_with_line_column_reason_and_nothing_is_written(app, column, row, reason):
    error = refused(app, scdl(GOOD_ROW, GOOD_ROW.replace("Asso Une", "Asso Deux"), row))
    expected = "ligne 4" + (f", colonne « {column} »" if column else "") + " : "
    assert any(line.startswith(expected) and reason in line for line in error.rows), error.rows
    assert "1 erreur(s)" in error.summary


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "fichier vide"),
        (scdl(header="nomAttribuant;nomBeneficiaire;montant"), "colonne(s) obligatoire(s) absente(s)"),
        (scdl("A;B;2023-01-01;1", header="nomAttribuant;nomBeneficiaire;dateConvention;montant;montant"), "deux fois"),
        (scdl(header="nomAttribuant;nomBeneficiaire;dateConvention;montant"), "aucune subvention"),
        ("nomAttribuant;montant".encode("utf-16"), "UTF-16"),
    ],
)
def test_unreadable_files_are_refused_whole(app, data, reason):
    assert reason in refused(app, data).summary


def test_one_bad_row_in_ten_thousand_imports_nothing_and_names_it(app):
    rows = [GOOD_ROW.replace("Asso Une", f"Asso {i}") for i in range(10_000)]
    rows[7_341] = rows[7_341].replace("1 000,50", "mille euros")
    error = refused(app, scdl(*rows))
    assert [row for row in error.rows if not row.startswith("avertissement : ")] == [
        "ligne 7343, colonne « montant » : montant illisible « mille euros » (attendu un nombre, par exemple 1234.56)"
    ]
    # the other deviations follow as warnings, a few of each kind and how many more
    assert (
        "avertissement : écart au format du schéma, que le validateur officiel refuse (lu ici sans ambiguïté) — … et "
        "9949 autre(s)" in error.rows
    )


def test_import_is_idempotent_and_keeps_the_file_with_its_origin(app, wiki, client):
    data = ten_beneficiaries()
    report = importing(
        app, data, "metropole-2024.csv", origine="https://data.example.org/subventions.csv", user="Claire"
    )
    assert report.stored and report.rows == 15 and "67 900,80 €" in str(report).replace("\u202f", " ")
    again = importing(app, data, "metropole-2024.csv")
    renamed = importing(app, data, "copie.csv")
    assert not again.stored and not renamed.stored and "déjà importé" in str(renamed)
    with app.app_context():
        item = app.storage.get_item(**CompositeName("", NAME_EXACT, PREFIX + "metropole-2024.csv").query)
        rev = item[CURRENT]
        assert rev.meta[REV_NUMBER] == 1 and rev.data.read() == data  # the original bytes, once
        assert "https://data.example.org/subventions.csv" in rev.meta["comment"] and "par Claire" in rev.meta["comment"]
        assert "SHA-256" in rev.meta["comment"]
        assert not app.storage.get_item(**CompositeName("", NAME_EXACT, PREFIX + "copie.csv").query)
    wiki.save("F", "<<Financements>>\n")
    html = plain(content(client, "/F"))
    assert "metropole-2024.csv" in html and "https://data.example.org/subventions.csv" in html  # traced back


def test_identical_records_in_two_files_count_once(app, wiki, client):
    importing(app, scdl(GOOD_ROW), "a.csv")
    report = importing(app, scdl(GOOD_ROW, GOOD_ROW.replace("Asso Une", "Asso Deux")), "b.csv")
    assert report.duplicates == 1
    wiki.save("F", "<<Financements>>\n")
    html = plain(content(client, "/F"))
    assert "2 001 €" in html and re.search(r"Subventions</dt>\s*<dd>2<", html)


def test_warm_render_does_not_parse_again(app, wiki, client, monkeypatch):
    importing(app, ten_beneficiaries())
    wiki.save("F", "<<Financements>>\n")
    content(client, "/F")
    calls = []
    real = subventions.parse
    monkeypatch.setattr(subventions, "parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert "67 900,80 €" in plain(content(client, "/F"))
    assert calls == []


# -- readers' rights ------------------------------------------------------------------------------------


def test_a_restricted_file_is_not_counted_for_readers_who_may_not_read_it(app, wiki, client):
    from plugins.operations.accounts import make_admin

    importing(app, scdl(GOOD_ROW), "public.csv")
    secret_row = GOOD_ROW.replace("Asso Une", "Association Secrète").replace("1 000,50", "777 777")
    secret = scdl(secret_row.replace("12345678900012", "98765432100018"))
    wiki.save(PREFIX + "secret.csv", secret.decode("utf-8"), contenttype="text/csv;charset=utf-8", acl="All:")
    wiki.save("F", "<<Financements>>\n")
    html = plain(content(client, "/F"))
    assert "Secrète" not in html and "777" not in html and "secret.csv" not in html and "1 000,50 €" in html
    exported = client.get("/+donnees/subventions.csv").get_data(as_text=True)
    assert "Secrète" not in exported and "777" not in exported
    assert "777" not in client.get("/+financements/graphique/beneficiaires.svg").get_data(as_text=True)
    wiki.create_user("Claire")
    with app.app_context():
        before_wiki()
        make_admin(app, "Claire", "claire@exemple.org", "motdepasse-solide-2026")
    login(client, "Claire")
    assert "Association Secrète" in plain(content(client, "/F"))


# -- links to fiches and schemes ------------------------------------------------------------------------


def test_beneficiaries_are_linked_to_fiches_by_siret_rna_or_name_and_fiches_show_what_they_received(app, wiki, client):
    wiki.save("Initiatives/Par SIRET", fiche("Nom différent", siret='"123 456 789 00012"', commune="Rezé"))
    wiki.save("Initiatives/Par RNA", fiche("Autre nom", rna="W442000099"))
    wiki.save("Initiatives/Par nom", fiche("Le Théâtre d'à côté"))
    wiki.save("Dispositifs/Le Pass", "---\ntype: dispositif\nnom: Pass\n---\n")
    importing(
        app,
        scdl(
            GOOD_ROW,  # SIRET 12345678900012, scheme « Pass »
            GOOD_ROW.replace("Asso Une", "Asso RNA").replace("12345678900012", "").replace("W442000001", "W442000099"),
            GOOD_ROW.replace("Asso Une", "LE THEATRE D'A COTE").replace("12345678900012", "").replace("W442000001", ""),
        ),
        "ville.csv",
    )
    card = plain(content(client, "/Initiatives/Par SIRET"))
    assert "Subventions reçues (données publiques)" in card and "1 000,50 €" in card and "Concerts" in card
    assert "ville.csv" in card and "12345678900012" in card  # the source, and the fiche's SIRET
    link = re.search(r'href="(/\+donnees/subventions-enrichi\.csv\?fiche=[^"]+)"', card).group(1).replace("&amp;", "&")
    exported = client.get(link).get_data(as_text=True)
    assert exported.count("\r\n") == 2 and "Initiatives/Par SIRET" in exported  # the header and its subsidy
    assert "1 000,50 €" in plain(content(client, "/Initiatives/Par RNA"))
    assert "1 000,50 €" in plain(content(client, "/Initiatives/Par nom"))
    wiki.save("F", "<<Financements>>\n")
    html = plain(content(client, "/F"))
    assert 'href="/Initiatives/Par%20SIRET">Nom différent</a>' in html and "Rezé" in html
    scheme = plain(content(client, "/Dispositifs/Le Pass"))
    assert "Ce que le dispositif a financé" in scheme and "3 subventions à 3 bénéficiaires, 3 001,50 €" in scheme
    # a fiche a reader may not read is not linked for them
    wiki.save("Initiatives/Par nom", fiche("Le Théâtre d'à côté"), acl="All:")
    assert "Initiatives/Par%20nom" not in content(client, "/F")
    # a fiche's SIRET must be one
    wiki.save("Initiatives/Faux", fiche("Faux", siret="12"))
    assert "un numéro SIRET de 14 chiffres" in plain(content(client, "/Initiatives/Faux"))


def test_commune_from_a_siret_table_and_the_map(app, wiki, client):
    from plugins.subventions.store import import_communes

    importing(app, scdl(GOOD_ROW))
    with app.app_context():
        before_wiki()
        assert "1 SIRET" in import_communes(app, b"siret;commune\n12345678900012;44143\n", "table.csv")
        with pytest.raises(ImportRefused) as info:
            import_communes(app, b"siret;commune\n123;Nantes\n", "autre.csv")
        assert info.value.rows == ["ligne 2, colonne « siret » : « 123 » n'est pas un SIRET (14 chiffres)."]
    wiki.save("F", '<<Financements(commune="reze")>>\n')
    html = plain(content(client, "/F"))
    assert "1 000,50 €" in html and "/+financements/carte?commune=reze" in html
    document = client.get("/+financements/carte?commune=reze").get_data(as_text=True)
    assert '"Rez\\u00e9"' in document and "/+serve/leaflet/leaflet.js" in document
    local = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', document)
    assert local and all(address.startswith("/+serve/") for address in local), local  # no CDN


# -- exports and injected names -------------------------------------------------------------------------


def test_formula_injection_in_objet_is_neutralised_in_the_csv_export(app, client):
    # a SIRET with a right control key: the strict export holds only what the validator accepts
    row = GOOD_ROW.replace("12345678900012", "40000000100000")
    importing(app, scdl(row.replace("Concerts", '"=HYPERLINK(""http://evil.example"";""clic"")"')))
    text = client.get("/+donnees/subventions.csv").get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["objet"].startswith("'=HYPERLINK") and row["montant"] == "1000.50"
    text = client.get("/+donnees/subventions-enrichi.csv").get_data(as_text=True).lstrip("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["objet"].startswith("'=HYPERLINK") and row["source"] == PREFIX + "f.csv"
    data = json.loads(client.get("/+donnees/subventions.json?annee=2023").get_data(as_text=True))
    assert data["nombre"] == 1 and data["subventions"][0]["nomBeneficiaire"] == "Asso Une"
    assert client.get("/+donnees/subventions.csv?annee=deux").status_code == 400


EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_names_from_public_files_are_escaped_in_html_svg_and_map(app, wiki, client):
    importing(
        app,
        scdl(
            GOOD_ROW.replace("Asso Une", EVIL)
            .replace(";Ville;", ";Ville $x^2$ & co;", 1)
            .replace("Ville;", "Ville $x^2$ & co;", 1)
        ),
    )
    wiki.save("F", "<<Financements>>\n")
    html = content(client, "/F")
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "&lt;script&gt;alert(1)" in html
    for name in ("beneficiaires", "attribuants", "lorenz", "annees", "natures"):
        response = client.get(f"/+financements/graphique/{name}.svg")
        svg = response.get_data(as_text=True)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml" and svg.startswith("<svg")
        assert (
            "<script" not in svg
            and "<img" not in svg
            and "onerror=alert" not in svg.replace("onerror=alert(2)&gt;", "")
        )
    svg = client.get("/+financements/graphique/beneficiaires.svg").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)" in svg  # the name is there, as text
    assert "Ville $x^2$ &amp; co" in client.get("/+financements/graphique/attribuants.svg").get_data(as_text=True)
    document = client.get("/+financements/carte?beneficiaire=" + EVIL).get_data(as_text=True)
    assert "<script>alert(1)" not in document and "onerror" not in document
    # a commune written by hand in a SIRET table: listed (escaped), never put on the map
    from plugins.subventions.store import import_communes

    with app.app_context():
        before_wiki()
        import_communes(app, f"siret;commune\n12345678900012;{EVIL}\n".encode(), "table.csv")
    html = content(client, "/F")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    document = client.get("/+financements/carte").get_data(as_text=True)
    assert "alert" not in document and "window.ecoDiscs" in document


def test_charts_use_french_numbers_and_have_their_figures_in_tables(app, wiki, client):
    importing(app, ten_beneficiaries())
    svg = client.get("/+financements/graphique/beneficiaires.svg").get_data(as_text=True)
    assert "<title>Les bénéficiaires les mieux dotés</title>" in svg and "k€" in svg
    lorenz = client.get("/+financements/graphique/lorenz.svg").get_data(as_text=True)
    assert "Gini 0,30" in lorenz
    wiki.save("F", "<<Financements>>\n")
    html = content(client, "/F")
    assert 'src="/+financements/graphique/lorenz.svg"' in html and "alt=" in html
    assert 'class="moin-sortable eco-tableau eco-palmares"' in html and "eco-deciles" in html
    assert client.get("/+financements/graphique/inconnu.svg").status_code == 404


# -- the upload form ------------------------------------------------------------------------------------


def token(client, path: str = "/+financements/import") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_upload_form_for_admins_only_with_csrf_and_row_errors(app, wiki, client):
    from plugins.operations.accounts import make_admin

    wiki.create_user("Membre")
    wiki.create_user("Claire")
    with app.app_context():
        before_wiki()
        make_admin(app, "Claire", "claire@exemple.org", "motdepasse-solide-2026")
    login(client, "Membre")
    page = client.get("/+financements/import")
    assert page.status_code == 403 and "Seuls les administrateurs" in page.get_data(as_text=True)
    sent = {"csrf_token": token(client, "/+nouvelle/fiche"), "fichier": (io.BytesIO(scdl(GOOD_ROW)), "v.csv")}
    assert client.post("/+financements/import", data=sent, content_type="multipart/form-data").status_code == 403
    client.get("/+logout")
    login(client, "Claire")
    bad = {
        "csrf_token": token(client),
        "fichier": (io.BytesIO(scdl(GOOD_ROW, "Ville;;2023-01-01;;;;;;;;;;;;;")), "v.csv"),
    }
    response = client.post("/+financements/import", data=bad, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "rien n&#39;a été écrit" in html
    assert "ligne 3, colonne « nomBeneficiaire » : valeur obligatoire manquante" in html
    no_token = {"fichier": (io.BytesIO(scdl(GOOD_ROW)), "v.csv")}
    assert client.post("/+financements/import", data=no_token, content_type="multipart/form-data").status_code == 400
    good = {
        "csrf_token": token(client),
        "origine": "https://exemple.org/v.csv",
        "fichier": (io.BytesIO(scdl(GOOD_ROW)), "v.csv"),
    }
    response = client.post("/+financements/import", data=good, content_type="multipart/form-data")
    assert response.status_code == 200 and "« Données/Subventions/v.csv » importé : 1 subvention" in plain(
        response.get_data(as_text=True)
    )
    with app.app_context():
        item = app.storage.get_item(**CompositeName("", NAME_EXACT, PREFIX + "v.csv").query)
        assert "par Claire" in item[CURRENT].meta["comment"]


# -- seed and command line --------------------------------------------------------------------------------


def test_seed_sample_is_marked_invented_and_feeds_the_section_page(app, client):
    import os

    from plugins.operations.seed import load_seed

    with app.app_context():
        load_seed(app, os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "pages"))
    html = plain(content(client, "/Financements"))
    # 612 350,75 € of grants, of which the Grand Théâtre had 40 % of two (185 000 € and 190 000 €): shares count
    assert "387 350,75 €" in html and "inventé" in html and "subventions-exemple.csv" in html
    assert "Le Grand Théâtre de l'exemple" in html and "Saint-Herblain" in html  # commune from the SIRET table
    ressourcerie = plain(content(client, "/Initiatives/La Ressourcerie de l'Île"))
    assert "Subventions reçues" in ressourcerie and "9 500 €" in ressourcerie
    assert "5 100,25 €" in plain(content(client, "/Dispositifs/Pass Culture et Sport (exemple)"))
    assert "&lt;&lt;Financements&gt;&gt;" in content(client, "/Aide")  # the manual, from the docstring


def test_import_command_reports_progress_rows_and_is_idempotent(tmp_path):
    from tests.test_commands import BIN, PY, instance_runner

    run = instance_runner(tmp_path)
    run(f"{BIN}/moin", "index-create")
    good = tmp_path / "ville.csv"
    good.write_bytes(ten_beneficiaries())
    result = run(*PY, "import-subventions", str(good), "--origine", "https://exemple.org/ville.csv")
    assert "« Données/Subventions/ville.csv » importé : 15 subventions" in result.stdout.replace("\u202f", " ")
    assert "Lignes vérifiées : 15 (100 %)" in result.stderr
    assert "déjà importé" in run(*PY, "import-subventions", str(good)).stdout
    bad = tmp_path / "faux.csv"
    bad.write_bytes(scdl(GOOD_ROW, GOOD_ROW.replace("2023-03-01", "31/02/2023")))
    other = tmp_path / "autre.csv"
    other.write_bytes(scdl(GOOD_ROW))
    result = run(*PY, "import-subventions", str(other), str(bad), check=False)
    assert result.returncode == 1 and "rien n'a été écrit" in result.stderr
    assert "ligne 3, colonne « dateConvention » : la date « 31/02/2023 » n'existe pas" in result.stderr
    assert "Aucun des fichiers n'a été importé." in result.stderr  # nothing imported when one file is refused, across files too
    assert (
        "« Données/Subventions/autre.csv » importé : 1 subvention"
        in run(*PY, "import-subventions", str(other)).stdout
    )


def test_a_big_source_file_is_shown_as_a_preview_and_kept_whole(app, client):
    rows = [GOOD_ROW.replace("Asso Une", f"Asso {i}") for i in range(1_000)]
    importing(app, scdl(*rows), "gros.csv")
    html = content(client, "/" + PREFIX + "gros.csv")
    assert "Aperçu : les 200 premières lignes sur 1000." in html and "Asso 199<" in html and "Asso 200<" not in html
    assert 'href="/+get/Données/Subventions/gros.csv"' in html
    assert client.get("/+get/" + PREFIX + "gros.csv").data == scdl(*rows)


def test_section_page_in_chromium_charts_map_accessibility_and_only_local_requests(app):
    import os

    from axe_playwright_python.sync_playwright import Axe

    from plugins.operations.seed import load_seed
    from tests.browser import browser_page, served

    with app.app_context():
        load_seed(app, os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "pages"))
    problems = []
    with served(app) as base:
        for width in (360, 1280):
            with browser_page(width=width) as (page, requested):
                page.goto(base + "/Financements")
                page.wait_for_load_state("load")
                charts = page.evaluate(
                    "() => Array.from(document.querySelectorAll('img.eco-graphique')).map(i => i.naturalWidth)"
                )
                assert len(charts) == 4 and all(w > 100 for w in charts), charts  # every SVG chart is drawn
                frame = page.wait_for_selector("iframe.eco-carte-frame").content_frame()
                frame.wait_for_function("() => window.ecoDiscs !== undefined", timeout=15000)
                assert frame.evaluate("() => window.ecoDiscs") == 6  # the six communes of the sample
                outside = [u for u in requested if not u.startswith((base, "https://tile.openstreetmap.org/", "data:"))]
                assert outside == [], outside
                for violation in Axe().run(page).response["violations"]:
                    if violation["impact"] in ("serious", "critical"):
                        problems.append(
                            f"{width} px : {violation['id']} {[n['target'] for n in violation['nodes']][:3]}"
                        )
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 2:
                    problems.append(f"{width} px : défilement horizontal de {overflow} px")
                os.makedirs(
                    os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts", "captures"), exist_ok=True
                )
                page.screenshot(
                    path=os.path.join(
                        os.path.dirname(os.path.dirname(__file__)), "artifacts", "captures", f"financements-{width}.png"
                    ),
                    full_page=True,
                )
    assert not problems, "\n".join(problems)


def test_a_new_version_of_a_file_is_a_new_revision_and_replaces_its_figures(app, wiki, client):
    importing(app, scdl(GOOD_ROW), "ville.csv")
    corrected = scdl(GOOD_ROW.replace("1 000,50", "2 000,00"))
    assert importing(app, corrected, "ville.csv").stored
    with app.app_context():
        rev = app.storage.get_item(**CompositeName("", NAME_EXACT, PREFIX + "ville.csv").query)[CURRENT]
        assert rev.meta[REV_NUMBER] == 2  # moin keeps the first version in the history
    wiki.save("F", "<<Financements>>\n")
    html = plain(content(client, "/F"))
    assert re.search(r"Montant total</dt>\s*<dd>2 000 €<", html) and "1 000,50" not in html
