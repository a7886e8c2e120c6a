"""Public schemes: figures computed the French way, missing figures shown as missing, bad input explained."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from plugins.data import numbers
from tests.helpers import content

PASS = """---
type: dispositif
nom: Pass exemple
porteur: Département
echelle: département
periode: {debut: 2019-09-01, fin: 2022-06-30}
budget: {prevu: 1 234 000, consomme: "304 798"}
beneficiaires: {vises: 9000, reels: 2223}
groupe: Culture
---
Texte de la critique.
"""


def test_rates_to_the_tenth_and_amounts_to_the_cent_rounded_half_up():
    assert numbers.rate(304798, 1234000) == Decimal("24.7")  # 24.6999…
    assert numbers.rate(1, 8) == Decimal("12.5") and numbers.rate(1, 16) == Decimal("6.3")  # 6.25 → 6.3
    assert numbers.per(304798, 2223) == Decimal("137.11")  # 137.110…
    assert numbers.per(1, 8) == Decimal("0.13")  # 0.125 → 0.13
    assert numbers.euros(1234000) == "1\u202f234\u202f000 €" and numbers.euros(Decimal("137.11")) == "137,11 €"
    assert numbers.percent(Decimal("24.7")) == "24,7 %"
    assert numbers.rate(5, 0) is None and numbers.per(5, None) is None


def test_scheme_card_shows_figures_the_french_way(wiki, client):
    wiki.save("GroupesDeTravail/Culture", "= Groupe Culture =\n")
    wiki.save("Dispositifs/Pass", PASS)
    html = content(client, "/Dispositifs/Pass").replace("\u202f", " ")
    for shown in ("1 234 000 €", "304 798 €", "24,7 %", "9 000", "2 223", "137,11 €", "Texte de la critique."):
        assert shown in html, shown
    assert "Lien à vérifier" not in html  # the working group's space exists


def test_missing_figures_are_shown_as_missing_never_as_zero(wiki, client):
    wiki.save("D", "---\ntype: dispositif\nnom: Sans chiffres\nbudget: {prevu: 1000}\n---\n")
    html = content(client, "/D")
    assert html.count("non renseigné") >= 3 and "non calculable" in html and "0,0 %" not in html


def test_bad_scheme_input_is_explained_and_nothing_is_lost(wiki, client):
    text = (
        "---\ntype: dispositif\nnom: Faux\nperiode: {debut: 2022-01-01, fin: 2021-01-01}\n"
        "budget: {prevu: 100, consomme: 150}\nbeneficiaires: {vises: -3}\ngroupe: Inexistant\n---\nGardé.\n"
    )
    wiki.save("F", text)
    html = content(client, "/F").replace("&#39;", "'")
    assert "la fin (2021-01-01) est avant le début (2022-01-01)" in html
    assert "dépasse le budget prévu" in html and "150,0 %" in html
    assert "« Visés » (vises)" in html and "Gardé." in html  # the label members know, and the key they typed
    assert "la page « GroupesDeTravail/Inexistant » n'existe pas" in html
    wiki.save("G", "---\ntype: dispositif\nnom: Négatif\nbudget: {prevu: -5}\n---\n")
    assert "montant négatif" in content(client, "/G")


def test_schemes_table_filters_and_exports(wiki, client):
    wiki.save("D1", PASS)
    wiki.save("D2", "---\ntype: dispositif\nnom: Autre\nechelle: commune\nperiode: {debut: 2024}\n---\n")
    wiki.save("T", "<<Dispositifs>>\n")
    html = content(client, "/T")
    assert 'class="moin-sortable eco-dispositifs"' in html and "Pass exemple" in html and "Autre" in html
    assert re.search(r">2020</a> \(1\)", html)  # the years a scheme covers
    only = content(client, "/T?annee=2024")
    assert "Autre" in only and "Pass exemple" not in only
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/+donnees/dispositif.csv?echelle=département").get_data(as_text=True).lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    assert len(rows) == 1 and rows[0]["taux_budget"] == "24.7" and rows[0]["montant_par_beneficiaire"] == "137.11"
    wiki.save("T2", '<<Dispositifs(couleur="rouge")>>\n')
    assert "argument inconnu « couleur »" in content(client, "/T2")
