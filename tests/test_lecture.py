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


def test_the_form_link_appears_on_structured_pages_only(app, wiki, client):
    wiki.save(PAGE, "Bonjour.\n")
    wiki.save("Initiatives/Le Café", "---\ntype: fiche\nnom: Le Café\n---\nBonjour.\n")
    wiki.create_user("Alice")
    login(client, "Alice")
    shown, _folded = actions(client.get("/Initiatives/Le Café").get_data(as_text=True))
    assert shown == ["Modifier", "Modifier avec le formulaire", "Discussion", "Historique"]
    assert 'href="/+formulaire/Initiatives/Le%20Caf%C3%A9"' in client.get("/Initiatives/Le Café").get_data(as_text=True)
    shown, _folded = actions(client.get(f"/{PAGE}").get_data(as_text=True))
    assert shown == ["Modifier", "Discussion", "Historique"]


def test_moins_search_page_sends_readers_to_the_wikis_search(client: Any):
    response = client.get("/+search?q=jardin partagé")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/+recherche?q=jardin+partag%C3%A9")
    assert client.get("/+search").headers["Location"].endswith("/+recherche")


def test_dates_and_counts_are_written_the_french_way():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from plugins.data import french

    assert french.date("2024-03-18") == "18 mars 2024"
    assert french.date("2027-06-01") == "1er juin 2027"
    assert french.date("2024") == "2024"
    paris = ZoneInfo("Europe/Paris")
    assert french.moment(dt.datetime(2027, 6, 1, 18, 30, tzinfo=paris)) == "mardi 1er juin 2027 à 18 h 30"
    assert french.moment(dt.datetime(2027, 6, 1, tzinfo=paris), whole_day=True) == "mardi 1er juin 2027"
    assert french.period("2019-09-01", "2022-06-30") == "du 1er septembre 2019 au 30 juin 2022"
    assert [french.plural(n, "subvention") for n in (0, 1, 2)] == ["0 subvention", "1 subvention", "2 subventions"]
    assert french.plural(1234, "fiche").replace("\u202f", " ").replace("\xa0", " ") == "1 234 fiches"


def test_pages_show_french_dates_a_clean_tab_title_and_a_paris_time(wiki, client):
    from tests.helpers import content

    wiki.save(
        "Dispositifs/Pass",
        "---\ntype: dispositif\nnom: Pass\nperiode:\n  debut: 2019-09-01\n  fin: 2022-06-30\n---\nTexte.\n",
    )
    wiki.save("Positions/P", "---\ntype: position\ntitre: P\nstatut: adoptée\nadoption: 2026-03-01\n---\n")
    wiki.save("Liste", "<<Positions>>\n")
    assert "du 1er septembre 2019 au 30 juin 2022" in content(client, "/Dispositifs/Pass")
    assert "adoptée le 1er mars 2026" in content(client, "/Liste")
    html = client.get("/Dispositifs/Pass").get_data(as_text=True)
    assert "<title>Dispositifs/Pass — Les Écossolies</title>" in html
    footer = html[html.find('id="moin-pageinfo"') :]
    assert re.search(r"modifiée le\s+\d{1,2}(er)? \w+ \d{4} à \d{1,2} h \d{2} \(heure de Paris\)", footer)
    assert "127.0.0.1" not in html


def test_search_snippets_show_what_a_reader_reads(wiki, client):
    import json

    wiki.save(
        "Lieux/Médiathèque",
        "---\ntype: lieu\nnom: Médiathèque\ncategorie: médiathèque\ncommune: Rezé\njauge: 80\n"
        "position:\n  lat: 47.179\n  lon: -1.548\n---\nUne salle pour les lectures.\n",
    )
    wiki.save("Aide code", "Pour chercher, écrivez `commune:Rezé` dans la case de la médiathèque.\n")
    data = json.loads(client.get("/+recherche.json?q=m%C3%A9diath%C3%A8que").get_data(as_text=True))
    snippets = {r["page"]: r["extrait"] for r in data["resultats"]}
    assert "47.179" not in snippets["Lieux/Médiathèque"] and "-1.548" not in snippets["Lieux/Médiathèque"]
    assert "`" not in snippets["Aide code"] and "commune:Rezé dans la case" in snippets["Aide code"]
    data = json.loads(client.get("/+recherche.json?q=jauge%20r%C3%A9z%C3%A9%2080").get_data(as_text=True))
    assert "Jauge (personnes) : 80" in data["resultats"][0]["extrait"]


def test_when_no_page_has_every_word_more_words_and_rarer_words_rank_first(wiki, client):
    import json

    for name in ("Rezé en fête", "Rezé à vélo", "Rezé culture"):
        wiki.save(name, f"{name} : une page sur Rezé et ses habitants.\n")
    wiki.save("Quartier", "Le compostage partagé du quartier, au pied des immeubles.\n")
    data = json.loads(client.get("/+recherche.json?q=compostage%20reze").get_data(as_text=True))
    assert data["certains_mots_seulement"]
    pages = [r["page"] for r in data["resultats"]]
    assert pages[0] == "Quartier", pages  # the rare word first, though « Rezé » sits in the others' titles
    assert sorted(pages[1:]) == ["Rezé culture", "Rezé en fête", "Rezé à vélo"]


def test_moins_screens_write_sizes_and_times_in_french(wiki, client):
    wiki.save(PAGE, "x" * 2600 + "\n")
    meta = client.get(f"/+meta/{PAGE}").get_data(as_text=True)
    assert "2,6 ko" in meta and "kB" not in meta
    assert re.search(r"\d{1,2}(er)? \w+ \d{4} à \d{1,2} h \d{2} \(heure de Paris\)", meta)
    assert f"<title>Métadonnées de {PAGE} — Les Écossolies</title>" in meta
    history = client.get(f"/+history/{PAGE}").get_data(as_text=True)
    assert "2,6 ko" in history and not re.search(r"\d{2}:\d{2}:\d{2}z", history)


def test_public_pages_show_no_developer_command_and_the_home_map_is_labelled(app, client):
    from plugins.operations.cli import SEED_DIR
    from plugins.operations.seed import load_seed
    from tests.helpers import content

    with app.app_context():
        load_seed(app, SEED_DIR)
    for path in ("/Accueil", "/Initiatives", "/Chaînes", "/Lieux", "/Dispositifs", "/Financements", "/Positions",
                 "/Agenda", "/GroupesDeTravail", "/GroupesDeTravail/Culture", "/AdminGroup"):  # fmt: skip
        html = content(client, path)
        assert not re.search(r"\bmake [a-z]|type: ?[a-z]|<code>", html), path
    assert "make groupe" in content(client, "/Aide/Administration")
    for path in ("/Financements", "/Dispositifs/Pass Culture et Sport (exemple)", "/Positions"):
        text = re.sub(r"<[^>]+>|href=\"[^\"]*\"", " ", content(client, path))
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), (path, re.findall(r".{40}\d{4}-\d{2}-\d{2}.{10}", text))
    home = content(client, "/Accueil")
    assert "Les lieux d'accueil sur la carte" in home and 'href="/+recherche"' in home


def test_moins_ajax_search_is_sent_to_ours_too(client: Any):
    response = client.get("/+search?q=jardin&boolajax=true")
    assert response.status_code == 302 and response.headers["Location"].endswith("/+recherche?q=jardin")


def test_authors_are_named_never_shown_by_address(wiki, client):
    wiki.save(PAGE, "Contenu initial.\n")  # written by a command, without account
    wiki.create_user("Alice")
    wiki.save_as("Alice", PAGE, "Modifié par Alice.\n")
    for url in (f"/+history/{PAGE}", f"/+meta/{PAGE}", f"/{PAGE}"):
        html = client.get(url).get_data(as_text=True)
        assert "127.0.0.1" not in html, url
    history = client.get(f"/+history/{PAGE}").get_data(as_text=True)
    assert "Alice" in history and "l'équipe du wiki (import ou contenu initial)" in history


def test_search_snippets_write_dates_and_times_in_words(wiki, client):
    import json

    wiki.save(
        "Agenda/Journée",
        "---\ntype: evenement\ntitre: Journée au Hangar\ndebut: 2027-01-16 09:30\nfin: 2027-01-16 17:00\n"
        "lieu: Le Hangar de Trentemoult\n---\nUne journée.\n",
    )
    data = json.loads(client.get("/+recherche.json?q=Trentemoult").get_data(as_text=True))
    snippet = data["resultats"][0]["extrait"]
    assert "Trentemoult" in snippet
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\dT\d|\d{2}:\d{2}", snippet), snippet
    assert "à 17 h 00 · Lieu" in snippet, snippet


def test_history_names_the_summary_and_the_format_and_the_feed_names_the_wiki_team(wiki, client):
    wiki.save(PAGE, "Contenu initial.\n")  # by a command, without account: the seed's way
    wiki.create_user("Alice")
    login(client, "Alice")
    form = {"content_form_data_text": "Texte.\n", "comment": "Ma note", "meta_form_acl": "None",
            "meta_form_name": PAGE, "meta_form_summary": "Un résumé imprimé", "meta_form_tags": "",
            "submit": "Enregistrer"}  # fmt: skip
    client.post(f"/+modify/{PAGE}?contenttype=text/x.moin.wiki;charset=utf-8&itemtype=default", data=form)
    history = client.get(f"/+history/{PAGE}").get_data(as_text=True)
    assert "Ma note" in history and "Résumé : Un résumé imprimé" in history
    assert "`" not in history.split('id="moin-page-history"')[1].split("</table>")[0]
    assert ">texte wiki</td>" in history and "Moinmoin" not in history
    assert "~(" not in history
    meta = client.get(f"/+meta/{PAGE}").get_data(as_text=True)
    assert "page ordinaire" in meta and ">default<" not in meta
    feed = client.get(f"/+feed/atom/{PAGE}").get_data(as_text=True)
    assert "None" not in feed
    assert "<name>l'équipe du wiki</name>" in feed and "<name>Alice</name>" in feed
