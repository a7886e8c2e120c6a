"""A reader's wiki: moin's actions trimmed for readers and members, moin's search sent to ours."""

from __future__ import annotations

import re
from typing import Any

from tests.helpers import login

PAGE = "Accueil"


def actions(html: str) -> tuple[list[str], list[str]]:
    """(the action links shown, the ones folded under « Plus ») of the page's action bar."""
    bar = html[html.find('class="moin-itemviews panel eco-actions"') :]
    bar = bar[: bar.find("</ul>\n", bar.find("</details>") if "</details>" in bar[:5000] else 0) + 5]
    plus = bar[bar.find("<details>") : bar.find("</details>")] if "<details>" in bar else ""
    shown = bar.replace(plus, "")
    link = r"<a\b[^>]*>\s*([^<]+?)\s*</a>"
    return re.findall(link, shown), re.findall(link, plus)


def test_a_reader_sees_show_history_subscribe_only(wiki, client):
    wiki.save(PAGE, "Bonjour.\n")
    shown, folded = actions(client.get(f"/{PAGE}").get_data(as_text=True))
    assert shown == ["Afficher", "Historique", "S'abonner"]
    assert folded == []


def test_a_member_sees_edit_discussion_history_and_the_rest_under_plus(wiki, client):
    wiki.save(PAGE, "Bonjour.\n")
    wiki.create_user("Alice")
    login(client, "Alice")
    html = client.get(f"/{PAGE}").get_data(as_text=True)
    shown, folded = actions(html)
    assert shown == ["Modifier", "Discussion", "Historique"]
    assert "<summary>Plus</summary>" in html
    for name in (
        "Afficher",
        "S'abonner",
        "Source",
        "Métadonnées",
        "Renommer",
        "Supprimer",
        "Ajouter aux liens rapides",
    ):
        assert name in folded, name
    assert "Modifier avec le formulaire" not in html  # this wiki has no /+formulaire/ route here


def test_the_form_link_appears_when_the_form_route_exists(app, wiki, client):
    app.add_url_rule("/+formulaire/<path:item_name>", "essai_formulaire", lambda item_name: "formulaire")
    wiki.save(PAGE, "Bonjour.\n")
    wiki.create_user("Alice")
    login(client, "Alice")
    shown, _folded = actions(client.get(f"/{PAGE}").get_data(as_text=True))
    assert shown == ["Modifier", "Modifier avec le formulaire", "Discussion", "Historique"]
    assert f'href="/+formulaire/{PAGE}"' in client.get(f"/{PAGE}").get_data(as_text=True)


def test_moins_search_page_sends_readers_to_the_wikis_search(client: Any):
    response = client.get("/+search?q=jardin partagé")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/+recherche?q=jardin+partag%C3%A9")
    assert client.get("/+search").headers["Location"].endswith("/+recherche")
