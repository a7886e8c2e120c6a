"""Chains of actors and maps of venues, through HTTP and in a real browser."""

from __future__ import annotations

import json
import re

from tests.browser import browser_page, served
from tests.helpers import content, fiche
from tests.hostile import text_of

CHAIN = """---
type: chaine
nom: La chaîne du libre
description: Du matériel récupéré à l'autonomie numérique.
maillons:
  - Récupération
  - nom: Reconditionnement
    description: Remise en état
  - Formation
---
Texte libre de la chaîne.
"""


def member(nom: str, maillon: str, commune: str = "Nantes", chaine: str = "La chaîne du libre") -> str:
    return (
        f"---\ntype: fiche\nnom: {nom}\ncommune: {commune}\nchaines:\n  - chaine: {chaine}\n"
        f"    maillon: {maillon}\n---\n"
    )


def lieu(nom: str, **fields: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntype: lieu\nnom: {nom}\n{extra}---\nTexte.\n"


def test_chain_page_shows_links_in_order_with_actors_missing_and_unknown_links(wiki, client):
    wiki.save("Chaînes/Libre", CHAIN)
    wiki.save("A", member("Atelier A", "Reconditionnement", "Rezé"))
    wiki.save("B", member("Boutique B", "reconditionnement"))
    wiki.save("C", member("Collectif C", "Hébergement"))
    html = content(client, "/Chaînes/Libre")
    maillons = html[html.find('class="eco-maillons"') :]
    assert maillons.index("Récupération") < maillons.index("Reconditionnement") < maillons.index("Formation")
    assert "Atelier A</a> (Rezé)" in html and "Boutique B</a> (Nantes)" in html
    assert html.count("maillon manquant") >= 2  # Récupération and Formation have no actor
    assert "Maillons inconnus" in html and "Collectif C" in html and "« Hébergement »" in html
    assert "Texte libre de la chaîne." in html and "maillons:" not in html
    own = content(client, "/C")  # the fiche naming an unknown link is told so on its own page
    assert "« Hébergement » n'est pas un maillon de « La chaîne du libre »" in own.replace("&#39;", "'")
    assert "Reconditionnement" in own
    svg = client.get(re.search(r'<img[^>]+src="([^"]+)"', html).group(1).replace("&amp;", "&"))
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert "<title" in text and "La chaîne du libre" in text and "maillon manquant" in text and "2 acteurs" in text


def test_chain_macro_chains_table_and_exports(wiki, client):
    wiki.save("Chaînes/Libre", CHAIN)
    wiki.save("A", member("Atelier A", "Reconditionnement"))
    wiki.save("Vue", '<<Chaine(nom="la chaine du libre")>>\n\n<<Chaines>>\n\n<<Chaine(nom="Inconnue")>>\n')
    html = content(client, "/Vue")
    assert "Atelier A" in html and "aucune chaîne lisible nommée « Inconnue »" in html
    assert re.search(r"La chaîne du libre</a></td><td>3</td><td>1</td><td>Récupération, Formation</td>", html)
    link = re.search(r'href="(/\+donnees/maillons\.csv\?[^"]+)" type="text/csv"', html).group(1)
    rows = client.get(link.replace("&amp;", "&")).get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0] == "chaine;ordre;maillon;description;acteur;page;commune;statut"
    assert any("Récupération" in r and "maillon manquant" in r for r in rows)
    data = json.loads(client.get(link.replace("&amp;", "&").replace(".csv", ".json")).get_data(as_text=True))
    assert data["chaine"] == "La chaîne du libre" and len(data["lignes"]) == 3


def test_chain_bad_input(wiki, client):
    wiki.save("Double", "---\ntype: chaine\nnom: Double\nmaillons: [A, B, a]\n---\nTexte gardé.\n")
    wiki.save("F", member("Fiche", "X", chaine="Chaîne qui n'existe pas"))
    html = content(client, "/Double")
    assert "le maillon « a » est en double" in html and "Texte gardé." in html
    assert content(client, "/Double").count("<li><strong>") == 2
    assert "n'existe pas (encore)" in text_of(content(client, "/F"))


def test_venue_card_and_bad_input(wiki, client):
    wiki.save("Lieux/A", lieu("Le Bar", categorie="bar", commune="reze", jauge="80", gestionnaire="Personne"))
    html = content(client, "/Lieux/A")
    assert "Le Bar" in html and "Rezé" in html and "80 personnes" in html and "approximative" in html
    assert "la page « Personne » n'existe pas" in text_of(html)
    wiki.save("Lieux/B", lieu("Inversé", position="{lat: -1.55, lon: 47.21}"))
    assert "inversées" in content(client, "/Lieux/B")
    wiki.save("Lieux/C", lieu("Paris", position="{lat: 48.85, lon: 2.35}"))
    assert "hors de Loire-Atlantique" in content(client, "/Lieux/C")


def map_setup(wiki) -> None:
    wiki.save("Lieux/1", lieu("Un bar", categorie="bar", commune="Nantes", position="{lat: 47.21, lon: -1.55}"))
    wiki.save("Lieux/2", lieu("Une salle", categorie="salle associative", commune="Rezé"))
    wiki.save("Lieux/3", lieu("Sans lieu"))
    wiki.save("Lieux/4", lieu("</script><script>alert(1)</script>", categorie="bar", commune="Vertou"))
    wiki.save("Lieux/5", lieu("Secret", commune="Nantes"), acl="All:")
    wiki.save("Carte", "<<Carte>>\n")


def test_map_macro_lists_places_legend_and_exports(wiki, client):
    map_setup(wiki)
    html = content(client, "/Carte")
    assert "3 lieux sur la carte, dont 2 au centre de leur commune" in html and "1 non localisé" in html
    assert "Non localisés" in html and "Sans lieu" in html and "Secret" not in html
    assert re.search(r"eco-couleur-0\"> </span> bar \(2\)", html)
    assert "&lt;/script&gt;&lt;script&gt;" in html and "<script>alert(1)" not in html
    frame = re.search(r'<iframe[^>]+src="(/\+carte/lieu[^"]*)"', html)
    assert frame and 'sandbox="allow-scripts' in html
    document = client.get(frame.group(1))
    text = document.get_data(as_text=True)
    assert "</script><script>alert(1)" not in text and "\\u003c/script\\u003e" in text
    assert "Secret" not in text
    urls = set(re.findall(r'(?:src|href)="([^"]+)"', text))
    assert urls and all(u.startswith("/+serve/") for u in urls), urls
    assert "https://tile.openstreetmap.org" in document.headers["Content-Security-Policy"]
    geo = client.get(re.search(r'href="([^"]+)" type="application/geo\+json"', html).group(1))
    data = json.loads(geo.get_data(as_text=True))
    assert geo.mimetype == "application/geo+json" and len(data["features"]) == 3
    assert [f["properties"]["approximatif"] for f in data["features"]].count(True) == 2
    assert data["non_localises"][0]["nom"] == "Sans lieu"
    filtered = content(client, "/Carte?categorie=bar")
    assert "2 lieux sur la carte" in filtered


def test_map_of_fiches(wiki, client):
    wiki.save("F", fiche("Alpha", commune="Rezé"))
    wiki.save("M", '<<Carte(type="fiche", commune="Rezé")>>\n\n<<Carte(type="recette")>>\n')
    html = content(client, "/M")
    assert "1 fiche sur la carte, dont 1 au centre de sa commune (position approximative)." in html
    assert "type « recette » impossible" in html


def test_map_draws_every_venue_in_chromium_with_only_local_requests(wiki, app):
    map_setup(wiki)
    with served(app) as base, browser_page() as (page, requested):
        page.goto(base + "/Carte")
        frame = page.wait_for_selector("iframe.eco-carte-frame").content_frame()
        frame.wait_for_function("() => window.ecoCluster !== undefined", timeout=15000)
        assert frame.evaluate("() => window.ecoCluster.getLayers().length") == 3
        frame.wait_for_selector(".leaflet-marker-icon", timeout=15000)  # markers or clusters are drawn
        outside = [
            u
            for u in requested
            if not u.startswith(base)
            and not u.startswith("https://tile.openstreetmap.org/")
            and not u.startswith("data:")
        ]
        assert outside == [], outside


def test_restricted_fiche_never_shows_in_a_chain(wiki, client):
    wiki.save("Chaînes/Libre", CHAIN)
    wiki.save("A", member("Atelier public", "Reconditionnement"))
    wiki.save("S", member("Atelier secret", "Formation"), acl="All:")
    wiki.save("Vue", "<<Chaines>>\n")
    html = content(client, "/Chaînes/Libre")
    assert "Atelier secret" not in html and "1 acteur," in html
    assert re.search(r"</a></td><td>3</td><td>1</td><td>Récupération, Formation</td>", content(client, "/Vue"))
    exported = client.get("/+donnees/maillons.json?chaine=La chaîne du libre").get_data(as_text=True)
    svg = client.get("/+donnees/maillons.svg?chaine=La chaîne du libre").get_data(as_text=True)
    assert "Atelier secret" not in exported and "1 acteur" in svg and "secret" not in svg
