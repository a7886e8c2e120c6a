"""Private venues: a flat's exact place and address go to members only; visitors and exports get an
approximate point (the commune's centre, or a stable ~1 km cell) — on the map, in GeoJSON, CSV, JSON and search."""

from __future__ import annotations

import json
import math
import re

from plugins.data import communes
from tests.helpers import content, login

FLAT = (
    "---\ntype: lieu\nnom: Le salon Lilas\ncategorie: appartement\ncommune: Rezé\nadresse: 12 rue des Lilas\n"
    "position:\n  lat: 47.18123\n  lon: -1.55987\ncontact:\n  telephone: 02 40 00 00 00\n---\nConcerts au salon.\n"
)
OPEN_FLAT = (
    FLAT.replace("Le salon Lilas", "Le salon ouvert")
    .replace("categorie: appartement\n", "categorie: appartement\nprive: non\n")
    .replace("47.18123", "47.19")
    .replace("-1.55987", "-1.54")
    .replace("12 rue des Lilas", "1 quai Ouvert")
    .replace("02 40 00 00 00", "02 51 11 11 11")
)
NO_COMMUNE = (
    "---\ntype: lieu\nnom: La cave Tulipe\nprive: oui\nadresse: 3 impasse Tulipe\n"
    "position:\n  lat: 47.23456\n  lon: -1.61234\n---\n"
)
EXACT = ("47.18123", "-1.55987", "12 rue des Lilas", "Lilas</", "02 40 00 00 00")


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def features(client) -> dict[str, dict]:
    data = json.loads(client.get("/+donnees/lieu.geojson").get_data(as_text=True))
    return {f["properties"]["page"]: f for f in data["features"]}


def test_a_visitor_gets_an_approximate_flat_everywhere(wiki, client):
    wiki.save("Lieux/Salon", FLAT)
    wiki.save("Lieux/Ouvert", OPEN_FLAT)
    reze = communes.find("Rezé")

    found = features(client)
    salon = found["Lieux/Salon"]
    assert salon["geometry"]["coordinates"] == [reze.lon, reze.lat]
    assert salon["properties"]["approximatif"] is True
    assert "adresse" not in salon["properties"]["donnees"] and "contact" not in salon["properties"]["donnees"]
    assert found["Lieux/Ouvert"]["geometry"]["coordinates"] == [-1.54, 47.19]  # « prive: non »

    csv_rows = [r for r in client.get("/+donnees/lieu.csv").get_data(as_text=True).splitlines() if "salon Lilas" in r]
    assert len(csv_rows) == 1 and not any(x in csv_rows[0] for x in ("rue des Lilas", "47.18123", "02 40"))
    rows = json.loads(client.get("/+donnees/lieu.json").get_data(as_text=True))["elements"]
    salon_json = json.dumps([r for r in rows if "salon Lilas" in json.dumps(r, ensure_ascii=False)], ensure_ascii=False)
    assert "Le salon Lilas" in salon_json
    assert not any(x in salon_json for x in ("rue des Lilas", "47.18123", "02 40"))
    document = client.get("/+carte/lieu?categorie=appartement&commune=Rez%C3%A9").get_data(as_text=True)
    document = document.replace("Le salon ouvert", "")
    assert "Le salon Lilas" in document and "47.18123" not in document and "rue des Lilas" not in document

    page = content(client, "/Lieux/Salon")
    assert "Lieu privé : position approximative (centre de Rezé)" in page
    assert not any(x in page for x in ("rue des Lilas", "47.18123", "02 40"))
    assert client.get("/+get/Lieux/Salon").status_code == 403
    assert client.get("/+highlight/Lieux/Salon").status_code == 403

    search = json.loads(client.get("/+recherche.json?q=Lilas").get_data(as_text=True))
    assert [r["page"] for r in search["resultats"]] == ["Lieux/Salon"]  # found by its name…
    assert "rue des Lilas" not in search["resultats"][0]["extrait"]  # …never by, nor with, its address
    for query in ("rue", "02 40 00 00 00"):  # words of its address and contact only
        hits = json.loads(client.get("/+recherche.json", query_string={"q": query}).get_data(as_text=True))
        assert "Lieux/Salon" not in [r["page"] for r in hits["resultats"]], query


def test_a_member_sees_the_exact_place(wiki, client):
    wiki.save("Lieux/Salon", FLAT)
    wiki.create_user("Alice")
    login(client, "Alice")
    assert features(client)["Lieux/Salon"]["geometry"]["coordinates"] == [-1.55987, 47.18123]
    assert "12 rue des Lilas" in client.get("/+donnees/lieu.csv").get_data(as_text=True)
    page = content(client, "/Lieux/Salon")
    assert "12 rue des Lilas" in page and "47.18123" in page and "réservées aux membres" in page
    assert client.get("/+get/Lieux/Salon").status_code == 200


def test_without_a_commune_the_point_is_blurred_about_1_km_and_stable(wiki, client):
    wiki.save("Lieux/Cave", NO_COMMUNE)
    first = features(client)["Lieux/Cave"]
    second = features(client)["Lieux/Cave"]
    lon, lat = first["geometry"]["coordinates"]
    assert first["geometry"] == second["geometry"] and first["properties"]["approximatif"] is True
    assert (lat, lon) != (47.23456, -1.61234)
    assert 0.0 < km((lat, lon), (47.23456, -1.61234)) < 1.2
    assert "3 impasse Tulipe" not in client.get("/+donnees/lieu.csv").get_data(as_text=True)


def test_the_map_filters_by_category_and_commune_and_its_scale_is_metric(wiki, app):
    """In Chromium: the legend ticks categories off, a commune can be chosen; kilometres, no miles."""
    from tests.browser import browser_page, served

    wiki.save("Lieux/A", "---\ntype: lieu\nnom: Bar A\ncategorie: bar\ncommune: Rezé\n---\n")
    wiki.save("Lieux/B", "---\ntype: lieu\nnom: Bar B\ncategorie: bar\ncommune: Nantes\n---\n")
    wiki.save("Lieux/C", "---\ntype: lieu\nnom: Jardin C\ncategorie: jardin\ncommune: Nantes\n---\n")
    with served(app) as base, browser_page(width=900, height=700) as (page, _requested):
        page.goto(base + "/+carte/lieu")
        page.wait_for_function("() => window.ecoCluster !== undefined")
        assert page.evaluate("() => window.ecoCluster.getLayers().length") == 3
        legend = page.locator(".eco-filtres")
        assert "bar (2)" in legend.inner_text() and "jardin (1)" in legend.inner_text()
        legend.locator("label", has_text="bar (2)").locator("input").uncheck()
        assert page.evaluate("() => window.ecoCluster.getLayers().length") == 1
        legend.locator("label", has_text="bar (2)").locator("input").check()
        legend.locator("select").select_option("Nantes")
        assert page.evaluate("() => window.ecoCluster.getLayers().length") == 2
        scale = page.inner_text(".leaflet-control-scale")
        assert re.fullmatch(r"\d+ (km|m)", scale.strip()), scale  # metric only: no miles, no feet


def test_the_wiki_feed_leaves_private_venues_out_for_visitors_and_names_no_none(wiki, client):
    wiki.save("Lieux/Salon", FLAT)
    wiki.save("Accueil", "Bonjour.\n")
    feed = client.get("/+feed/atom").get_data(as_text=True)
    assert "Accueil" in feed
    assert "Lilas" not in feed and "47.18123" not in feed
    assert " - None" not in feed
    wiki.create_user("Alice")
    login(client, "Alice")
    assert "Lieux/Salon" in client.get("/+feed/atom").get_data(as_text=True)


def test_the_map_document_opened_alone_names_itself_in_the_tab(wiki, client):
    wiki.save("Lieux/A", "---\ntype: lieu\nnom: Bar A\ncategorie: bar\ncommune: Rezé\n---\n")
    html = client.get("/+carte/lieu").get_data(as_text=True)
    assert "<title>Carte des lieux — Les Écossolies</title>" in html
