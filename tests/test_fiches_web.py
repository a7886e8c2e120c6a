"""End to end through HTTP: a member writes fiches through moin's form, readers see cards and the binder."""

from __future__ import annotations

import csv
import io
import json
import re

from tests.helpers import MARKDOWN, content, fiche, listing_names, login, modify

FICHE = """---
type: fiche
nom: La Ressourcerie du Port
porteurs: [Jeanne Martin, Collectif du Port]
forme: association
secteurs: [Récup', Culture]
themes: [Économie circulaire]
resume: Réparer, revendre, transmettre.
commune: Saint-Herblain
adresse: 3 quai de l'Exemple
contact:
  email: bonjour@ressourcerie.example
  telephone: 02 40 00 00 00
  site: https://ressourcerie.example
creation: 2011
parcours:
  - annee: 2011
    etape: Création de l'association
  - annee: 2016
    etape: Ouverture de la boutique
offres: [Ateliers de réparation]
besoins: [Local de stockage]
licence: CC BY 4.0
---
== Histoire ==
Le texte libre de la fiche.
"""


def test_home_is_french_and_named(wiki, client):
    wiki.save("Accueil", "= Les Écossolies =\nBienvenue.\n")
    html = client.get("/Accueil").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Les Écossolies" in html


def test_member_saves_fiche_through_moin_form_and_reader_sees_card(wiki, client, app):
    wiki.create_user("Alice")
    login(client, "Alice")
    response = modify(client, "Initiatives/La Ressourcerie du Port", FICHE)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.get("/+logout")
    html = content(client, "/Initiatives/La Ressourcerie du Port")
    for shown in (
        "La Ressourcerie du Port",
        "Jeanne Martin",
        "association",
        "Récup&#39;",
        "Économie circulaire",
        "Saint-Herblain",
        "3 quai de l&#39;Exemple",
        "mailto:bonjour@ressourcerie.example",
        "https://ressourcerie.example",
        "2011",
        "Ouverture de la boutique",
        "Ateliers de réparation",
        "Local de stockage",
        "CC BY 4.0",
        "Le texte libre de la fiche.",
    ):
        assert shown.replace("&#39;", "'") in html.replace("&#39;", "'"), shown
    assert "type: fiche" not in html and "porteurs:" not in html  # never the raw YAML
    # the timeline is in order of years, as an ordered list
    assert html.index("Création de l&#39;association".replace("&#39;", "'")) < html.index(
        "Ouverture de la boutique"
    ) or html.replace("&#39;", "'").index("Création de l'association") < html.index("Ouverture de la boutique")
    assert '<ol class="eco-parcours">' in html


def test_history_and_diff_work_on_the_data(wiki, client):
    wiki.create_user("Alice")
    login(client, "Alice")
    assert modify(client, "Fiche", fiche("Avant", commune="Nantes")).status_code == 302
    assert modify(client, "Fiche", fiche("Avant", commune="Rezé")).status_code == 302
    history = client.get("/+history/Fiche").get_data(as_text=True)
    assert history.count("modification") >= 2
    revids = list(dict.fromkeys(re.findall(r'name="rev1"[^>]*value="(\w+)"', history)))
    assert len(revids) == 2, "the history lists both revisions"
    diff = client.get(f"/+diff/Fiche?rev1={revids[1]}&rev2={revids[0]}").get_data(as_text=True)
    table = re.sub(r"<[^>]+>", "", diff[diff.find('class="moin-diff"') : diff.find("</table>")])
    assert "commune: Nantes" in table and "commune: Rezé" in table


def test_markdown_fiche_renders_card_and_markdown(wiki, client):
    wiki.save("Md", "---\ntype: fiche\nnom: En Markdown\n---\n## Titre\n\nDu **gras**.\n", contenttype=MARKDOWN)
    html = content(client, "/Md")
    assert "En Markdown" in html and "<strong>gras</strong>" in html and "type: fiche" not in html


def test_classeur_lists_with_facets_and_narrows_by_query_string(wiki, client):
    wiki.save("Initiatives/A", fiche("Alpha", commune="Nantes", secteurs="[Culture, Récup]", forme="SCOP"))
    wiki.save("Initiatives/B", fiche("Bêta", commune="reze", secteurs="[Culture]"))
    wiki.save("Initiatives/C", fiche("Gamma", commune="Nantes", secteurs="[Alimentation]"))
    wiki.save("Classeur", "<<Classeur>>\n")
    html = content(client, "/Classeur")
    assert listing_names(html) == ["Alpha", "Bêta", "Gamma"]
    assert "3 fiches" in html
    assert re.search(r">Nantes</a> \(2\)", html) and re.search(r">Culture</a> \(2\)", html)
    assert re.search(r">Rezé</a> \(1\)", html)
    narrowed = content(client, "/Classeur?commune=Nantes")
    assert listing_names(narrowed) == ["Alpha", "Gamma"]
    assert re.search(r">Culture</a> \(1\)", narrowed)  # counts follow the selection
    assert "retirer ce filtre" in narrowed
    both = content(client, "/Classeur?commune=nantes&secteur=culture")  # accents and case ignored
    assert listing_names(both) == ["Alpha"]


def test_classeur_arguments_sort_and_limit(wiki, client):
    for i, year in enumerate([2005, 2019, 2012]):
        wiki.save(f"F{i}", fiche(f"Fiche {i}", creation=str(year), commune="Nantes"))
    wiki.save("Par date", '<<Classeur(tri="creation", ordre="décroissant", limite="2")>>\n')
    html = content(client, "/Par date")
    assert listing_names(html) == ["Fiche 1", "Fiche 2"]
    assert "Page 1 sur 2" in html
    page2 = content(client, "/Par date?page=2")
    assert listing_names(page2) == ["Fiche 0"]
    wiki.save("Filtre fixe", '<<Classeur(commune="Rezé")>>\n')
    assert listing_names(content(client, "/Filtre fixe")) == []
    assert "Aucune fiche" in content(client, "/Filtre fixe")


def test_classeur_sorts_on_a_text_field_ignoring_accents_and_case(wiki, client):
    """Sorted on a commune as a reader reads it: « Saint-Étienne-de-Montluc » before « Saint-Herblain »;
    fiches without a commune last, by name."""
    communes = [("Un", "Saint-Herblain"), ("Deux", "Saint-Étienne-de-Montluc"), ("Trois", "Nantes"), ("Quatre", "Ancenis")]
    for name, commune in communes:
        wiki.save(f"T{name}", fiche(name, commune=commune))
    wiki.save("TCinq", fiche("Cinq"))
    wiki.save("Par commune", '<<Classeur(tri="commune")>>\n')
    assert listing_names(content(client, "/Par commune")) == ["Quatre", "Trois", "Deux", "Un", "Cinq"]
    wiki.save("Par commune", '<<Classeur(tri="commune", ordre="décroissant")>>\n')
    assert listing_names(content(client, "/Par commune")) == ["Un", "Deux", "Trois", "Quatre", "Cinq"]


def test_classeur_pages_by_50_by_default(wiki, client, app):
    from plugins.operations.pages import store_pages_batched

    with app.app_context():
        store_pages_batched(app, [(f"P{i:03d}", fiche(f"Fiche {i:03d}")) for i in range(120)], "lot")
    wiki.save("Tout", "<<Classeur>>\n")
    html = content(client, "/Tout")
    assert len(listing_names(html)) == 50 and "Page 1 sur 3" in html and "120 fiches" in html
    assert len(listing_names(content(client, "/Tout?page=3"))) == 20


def test_wrong_macro_argument_shows_error_box_with_valid_arguments(wiki, client):
    wiki.save("Faux", '<<Classeur(couleur="bleu")>>\n\n<<Classeur(tri="taille")>>\n\n<<Classeur(limite="beaucoup")>>\n')
    html = content(client, "/Faux")
    assert html.count('class="error moin-nowiki"') == 3
    assert "argument inconnu « couleur »" in html and "secteur, commune, theme, forme, tri, ordre, limite" in html
    assert "tri inconnu « taille »" in html and "nom, creation, commune, modification" in html
    assert "« limite » doit être un nombre entier" in html


def test_exports_csv_and_json_with_typed_links(wiki, client):
    wiki.save("X", fiche('=HYPERLINK("http://evil.example")', commune="Nantes", resume='"+cmd|calc"'))
    wiki.save("Y", fiche("Yves", commune="Rezé", secteurs="[Culture, Récup]"))
    wiki.save("Liste", '<<Classeur(commune="Rezé")>>\n')
    html = content(client, "/Liste")
    csv_link = re.search(r'<a class="eco-export eco-export-csv" href="([^"]+)" type="text/csv">', html)
    json_link = re.search(r'<a class="eco-export eco-export-json" href="([^"]+)" type="application/json">', html)
    assert csv_link and json_link
    response = client.get(csv_link.group(1).replace("&amp;", "&"))
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [r["nom"] for r in rows] == ["Yves"] and rows[0]["secteurs"] == "Culture ; Récup"
    data = json.loads(client.get(json_link.group(1).replace("&amp;", "&")).get_data(as_text=True))
    assert data["nombre"] == 1 and data["elements"][0]["donnees"]["commune"] == "Rezé"
    every = list(
        csv.DictReader(
            io.StringIO(client.get("/+donnees/fiche.csv").get_data(as_text=True).lstrip("\ufeff")), delimiter=";"
        )
    )
    evil = next(r for r in every if "HYPERLINK" in r["nom"])
    assert evil["nom"].startswith("'=") and evil["resume"] == "'+cmd|calc"
    assert client.get("/+donnees/fiche.csv?tri=taille").status_code == 400
    assert client.get("/+donnees/inconnu.csv").status_code == 404


def test_macros_work_in_markdown_pages_but_not_in_code(wiki, client):
    wiki.save("F", fiche("Alpha", commune="Rezé"))
    text = 'Intro\n\n<<Classeur(commune="reze")>>\n\nEn code : `<<Classeur>>`\n\n```\n<<Classeur>>\n```\n'
    wiki.save("Md", text, contenttype=MARKDOWN)
    html = content(client, "/Md")
    assert listing_names(html) == ["Alpha"] and html.count('class="eco-classeur"') == 1
    assert "&lt;&lt;Classeur&gt;&gt;" in html  # the fenced block shows the call as written


def test_card_styles_are_served_by_the_wiki(wiki, client):
    wiki.save("F", fiche("Alpha"))
    html = client.get("/F").get_data(as_text=True)
    css_url = re.search(r'href="([^"]*custom\.css)"', html).group(1)
    css = client.get(css_url)
    assert css.status_code == 200 and ".eco-card" in css.get_data(as_text=True)
