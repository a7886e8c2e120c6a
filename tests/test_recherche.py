"""French search: word forms and accents, weighted fields, `champ:valeur`, facets, snippets, JSON, read rights."""

from __future__ import annotations

import json
import re

from moin.items import Item

from plugins.operations.pages import store_page
from tests.helpers import content, fiche, login
from tests.test_lifecycle_acl import as_admin, setup_admin


def search_json(client, query: str, status: int = 200, **args: str) -> dict:
    response = client.get("/+recherche.json", query_string={"q": query, **args})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def found(client, query: str, **args: str) -> list[str]:
    return [r["page"] for r in search_json(client, query, **args)["resultats"]]


def facet(data: dict, name: str) -> dict[str, int]:
    return {v["valeur"]: v["nombre"] for v in data["facettes"][name]}


def test_word_forms_and_accents_find_the_same_pages(wiki, client):
    wiki.save("Notes/Budget", "Comment financer une association ? Les financements publics.\n")
    wiki.save("Notes/Jardin", "Un jardin d'écologie populaire au bord de l'Erdre.\n")
    wiki.save("Initiatives/Ressourcerie", fiche("La Ressourcerie", commune="Rezé"))
    wiki.save("Notes/Autre", "Rien à voir : une chorale.\n")
    for query in ("financement", "financements", "financer", "FINANCÉ"):
        assert found(client, query) == ["Notes/Budget"], query
    for query in ("écologie", "ecologie", "Écologique", "ECOLOGIE"):
        assert found(client, query) == ["Notes/Jardin"], query
    assert found(client, "Reze") == found(client, "rezé") == ["Initiatives/Ressourcerie"]
    # stopwords alone are not a search; elided articles do not hide the word
    assert found(client, "l'Erdre") == ["Notes/Jardin"]
    assert "trop courants" in " ".join(search_json(client, "le la des")["messages"])


def test_title_and_data_rank_above_body_text(wiki, client):
    wiki.save("Notes/Mention", "Nous avons croisé une ressourcerie au marché, et bien d'autres choses encore.\n")
    wiki.save("Initiatives/R", fiche("Ressourcerie du Sillon", resume="Réemploi et réparation."))
    wiki.save("Notes/Donnees", fiche("Atelier Sillon", resume="Une ressourcerie mobile."))
    assert found(client, "ressourcerie") == ["Initiatives/R", "Notes/Donnees", "Notes/Mention"]


def test_every_word_is_required_else_some_words_are_said(wiki, client):
    wiki.save("A", "Atelier vélo et réparation.\n")
    wiki.save("B", "Atelier couture.\n")
    assert found(client, "atelier vélo") == ["A"]
    data = search_json(client, "vélo tricot")
    assert [r["page"] for r in data["resultats"]] == ["A"] and data["certains_mots_seulement"]
    html = content(client, "/+recherche?q=v%C3%A9lo+tricot")
    assert "Aucune page ne contient tous ces mots" in html


def test_fields_by_name(wiki, client):
    wiki.save("I/Ress", fiche("La Ressourcerie", commune="Rezé", secteurs="[récupération, réemploi]"))
    wiki.save("I/Velo", fiche("Coop vélo", commune="Saint-Herblain", secteurs="[mobilité]"))
    wiki.save("L/Cafe", "---\ntype: lieu\nnom: Le Café\ncommune: Rezé\n---\n")
    assert sorted(found(client, "commune:Rezé")) == ["I/Ress", "L/Cafe"]
    assert sorted(found(client, "commune:reze")) == ["I/Ress", "L/Cafe"]
    assert found(client, "secteur:récup") == ["I/Ress"]
    assert found(client, "commune:Rezé type:lieu") == ["L/Cafe"]
    assert found(client, 'commune:"Saint-Herblain"') == ["I/Velo"]
    assert found(client, "café commune:Rezé") == ["L/Cafe"]
    data = search_json(client, "ville:Rezé")
    assert "champ inconnu « ville »" in data["messages"][0] and "commune" in data["messages"][0]


def test_facets_count_and_narrow(wiki, client):
    wiki.save("I/A", fiche("Atelier un", commune="Rezé", secteurs="[culture]"))
    wiki.save("I/B", fiche("Atelier deux", commune="Nantes", secteurs="[culture, numérique]"))
    wiki.save("L/C", "---\ntype: lieu\nnom: Atelier trois\ncommune: Rezé\n---\n")
    wiki.save("GroupesDeTravail/Culture/Notes", "Compte rendu de l'atelier.\n")
    data = search_json(client, "atelier")
    assert data["total"] == 4
    assert facet(data, "type") == {"Fiche": 2, "Lieu": 1, "Page": 1}
    assert facet(data, "commune") == {"Rezé": 2, "Nantes": 1}
    assert facet(data, "secteur") == {"culture": 2, "numérique": 1}
    assert facet(data, "groupe") == {"Culture": 1}
    assert list(facet(data, "annee")) == [data["resultats"][0]["modification"][:4]]
    narrowed = search_json(client, "atelier", commune="Rezé")
    assert sorted(r["page"] for r in narrowed["resultats"]) == ["I/A", "L/C"]
    assert facet(narrowed, "type") == {"Fiche": 1, "Lieu": 1}
    assert found(client, "atelier", type="Page", groupe="Culture") == ["GroupesDeTravail/Culture/Notes"]
    # the page links each value to the narrowed search, and offers to remove a chosen one
    html = content(client, "/+recherche?q=atelier&commune=Rez%C3%A9")
    assert "(retirer ce filtre)" in html
    assert re.search(r'href="/\+recherche\?q=atelier&amp;commune=Rez%C3%A9&amp;type=Fiche">Fiche</a> \(1\)', html)


def test_restricted_pages_never_show_nor_count(wiki, client):
    wiki.create_user("Alice")
    wiki.save("I/Public", fiche("Atelier public", commune="Nantes"))
    wiki.save("I/Secret", fiche("Atelier secret", commune="Rezé"), acl="Alice:read All:")
    anonymous = search_json(client, "atelier")
    assert [r["page"] for r in anonymous["resultats"]] == ["I/Public"] and anonymous["total"] == 1
    assert facet(anonymous, "commune") == {"Nantes": 1}
    assert found(client, "secret") == [] and found(client, "commune:Rezé") == []
    assert "Rezé" not in content(client, "/+recherche?q=atelier").split("eco-resultats-recherche")[1]
    login(client, "Alice")
    assert sorted(found(client, "atelier")) == ["I/Public", "I/Secret"]


def test_snippet_is_highlighted_and_escaped(wiki, client):
    wiki.save(
        "Notes/Long",
        "Début de la page.\n\n" + "Du texte sans rapport. " * 20 + "Nous parlons ici de <script>alert(1)</script> "
        "l'économie solidaire du quartier.\n",
    )
    wiki.save("<img src=x onerror=alert(2)>", "Une économie en titre piégé.\n")
    html = content(client, "/+recherche?q=economie")
    assert "<mark>économie</mark> solidaire" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    data = search_json(client, "economie")
    extract = next(r for r in data["resultats"] if r["page"] == "Notes/Long")["extrait"]
    assert "économie solidaire" in extract and "Début" not in extract
    assert "économie" in next(r for r in data["resultats"] if r["page"] == "Notes/Long")["mots_trouves"]


def test_search_box_in_every_header_leads_to_results(wiki, client):
    wiki.save("Accueil", "Bienvenue.\n")
    wiki.save("Notes", "La chaîne du libre.\n")
    html = client.get("/Accueil").get_data(as_text=True)
    form = re.search(r'<form id="moin-searchform" method="get" action="([^"]+)">', html)
    assert form and form.group(1) == "/+recherche" and 'name="q"' in html
    results = content(client, form.group(1) + "?q=libre")
    assert '<a href="/Notes">Notes</a>' in results and 'value="libre"' in results
    assert 'type="application/json" href="/+recherche.json?q=libre"' in results


def test_changes_are_followed(wiki, client, app):
    setup_admin(wiki, app)
    wiki.save("Ancien nom", "Une ludothèque associative.\n")
    assert found(client, "ludothèque") == ["Ancien nom"]
    as_admin(app, lambda: Item.create("Ancien nom").rename("Nouveau nom", comment="renommage"))
    assert found(client, "ludothèque") == ["Nouveau nom"]
    assert found(client, "nouveau") == ["Nouveau nom"]  # names are searched too
    as_admin(app, lambda: Item.create("Nouveau nom").delete("à la corbeille"))
    assert found(client, "ludothèque") == []


def test_markdown_pages_and_models(wiki, client, app):
    from tests.helpers import MARKDOWN

    wiki.save("Md", "# Titre\n\nUne **coopérative** de [livreurs](https://exemple.org).\n", contenttype=MARKDOWN)
    with app.app_context():
        store_page(app, "Modèles/Fiche", fiche("Modèle de coopérative"), "modèle", tags=["template"])
    assert found(client, "coopératives") == ["Md"]  # models are not results
    assert "livreurs" in search_json(client, "coopérative")["resultats"][0]["extrait"]


def test_bad_arguments_get_a_french_message(wiki, client):
    assert "argument inconnu" in search_json(client, "x", status=400, trie="nom")["erreur"]
    assert "nombres" in search_json(client, "x", status=400, page="deux")["erreur"]
    assert "limite" in search_json(client, "x", status=400, limite="100000")["erreur"]
    response = client.get("/+recherche?q=x&page=0")
    assert response.status_code == 400 and "Recherche impossible" in response.get_data(as_text=True)
    assert client.get("/+recherche.xml").status_code == 404
    # odd queries are words, never errors
    for odd in ('"non fermé', "a:b:c", "((", "*", "commune:", "AND OR NOT", "x" * 2000):
        assert client.get("/+recherche.json", query_string={"q": odd}).status_code == 200, odd


def test_paging(wiki, client):
    for n in range(25):
        wiki.save(f"P/{n:02d}", f"Page numéro {n} sur le compostage.\n")
    first = search_json(client, "compostage")
    assert first["total"] == 25 and first["pages"] == 2 and len(first["resultats"]) == 20
    second = search_json(client, "compostage", page="2")
    assert len(second["resultats"]) == 5
    assert not {r["page"] for r in first["resultats"]} & {r["page"] for r in second["resultats"]}


def test_in_chromium_a_reader_searches_from_the_header_and_narrows(wiki, app):
    from tests.browser import browser_page, served

    wiki.save("I/Ress", fiche("La Ressourcerie", commune="Rezé", resume="Réparation et réemploi d'objets."))
    wiki.save("I/Velo", fiche("Coop vélo", commune="Nantes", resume="Réparation de vélos."))
    wiki.save("Accueil", "Bienvenue.\n")
    with served(app) as base, browser_page() as (page, requested):
        page.goto(base + "/Accueil")
        page.fill("#moin-search-query", "reparations")
        page.press("#moin-search-query", "Enter")
        page.wait_for_load_state("load")
        assert "/+recherche?q=reparations" in page.url
        assert page.locator(".eco-compte").inner_text().startswith("2 pages trouvées")
        assert page.locator("ol.eco-resultats mark").first.inner_text() == "Réparation"
        page.click("a.eco-facette:text('Rezé')")
        page.wait_for_load_state("load")
        assert page.locator("ol.eco-resultats > li > a").all_inner_texts() == ["La Ressourcerie"]
        assert page.locator("#eco-q").input_value() == "reparations"
        assert all(url.startswith(base) for url in requested), "nothing but the wiki is asked for"


def test_a_word_found_by_its_root_is_highlighted_too(wiki, client):
    wiki.save("Notes/Bac", "Introduction.\n\n" + "Sans rapport. " * 30 + "Le compostage collectif du quartier.\n")
    data = search_json(client, "compost")
    assert [r["page"] for r in data["resultats"]] == ["Notes/Bac"]
    assert data["resultats"][0]["mots_trouves"] == ["compostage"]


def test_french_morphology_not_english(wiki, client):
    """Snowball's French stemmer: plurals in -aux, feminine forms (an English stemmer misses both)."""
    wiki.save("Notes/Haras", "Le centre équestre accueille un cheval de trait.\n")
    wiki.save("Notes/Reseau", "Une fédération nationale des ressourceries.\n")
    assert found(client, "chevaux") == ["Notes/Haras"]
    assert found(client, "nationaux") == ["Notes/Reseau"] == found(client, "fédérations")
