"""French search: stemming, accents, fields, facets, snippets, JSON, and read rights."""

from __future__ import annotations

import json
import re

from tests.helpers import content, fiche


def search_json(client, query: str, **args: str) -> dict:
    response = client.get("/+recherche.json", query_string={"q": query, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def found(client, query: str, **args: str) -> list[str]:
    return [r["page"] for r in search_json(client, query, **args)["resultats"]]


def test_smoke(wiki, client):
    wiki.save("Initiatives/Ressourcerie", fiche("La Ressourcerie de l'île", commune="Rezé", secteurs="[récupération]"))
    wiki.save("Notes", "Le financement des associations culturelles.\n")
    print(search_json(client, "financements"))
    print(search_json(client, "reze"))
    html = content(client, "/+recherche?q=financer")
    print(html[html.index("<main"):])
