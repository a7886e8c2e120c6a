"""Working groups and their positions: drafts stay in the group, publishing and status changes are recorded."""

from __future__ import annotations

import re

from moin.app import before_wiki

from plugins.operations.groupes import create_group, group_item
from tests.helpers import content, login, modify


def token(client, path: str) -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', client.get(path).get_data(as_text=True)).group(0)
    return re.search(r'value="([^"]+)"', field).group(1)


def setup(wiki, app):
    for name in ("Alice", "Bob", "Carla"):
        wiki.create_user(name)
    with app.app_context():
        before_wiki()
        create_group(app, "Culture et sport", ["Alice", "Bob"])
    assert group_item("Culture et sport") == "CultureEtSportGroup"


def draft(client) -> str:
    form = {
        "csrf_token": token(client, "/+nouvelle/position?groupe=Culture et sport"),
        "groupe": "Culture et sport",
        "titre": "Pour les petits lieux",
        "destinataires": "Conseil départemental",
        "texte": "Notre texte.",
    }
    response = client.post("/+nouvelle/position", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    return "/GroupesDeTravail/Culture et sport/Pour les petits lieux"


def test_member_drafts_and_only_the_group_sees_the_draft(wiki, client, app):
    setup(wiki, app)
    login(client, "Alice")
    path = draft(client)
    html = content(client, path)
    assert "Brouillon : visible seulement par le groupe Culture et sport" in html
    assert 'class="eco-etape-courante">brouillon' in html and "Rendre cette position publique" in html
    client.get("/+logout")
    assert client.get(path).status_code == 403  # anonymous
    assert client.get(path + "/Discussion").status_code == 403  # nor its debate
    listing = content(client, "/GroupesDeTravail/Culture et sport")
    assert "Pour les petits lieux" not in listing and "0 position" in listing
    login(client, "Carla")  # not a member
    assert client.get(path).status_code == 403
    assert client.get("/+modify" + path).status_code == 403
    assert "Pour les petits lieux" not in content(client, "/GroupesDeTravail/Culture et sport")
    client.get("/+logout")
    login(client, "Bob")  # a member edits the draft through moin's form
    text = client.get("/+get" + path).get_data(as_text=True).replace("statut: brouillon", "statut: en débat")
    assert modify(client, path[1:], text, comment="passage en débat").status_code == 302
    listing = content(client, "/GroupesDeTravail/Culture et sport")
    assert "Pour les petits lieux" in listing and "en débat" in listing
    history = client.get("/+history" + path).get_data(as_text=True)
    assert "passage en débat" in history and "Bob" in history


def test_a_member_makes_a_draft_public_and_history_says_who(wiki, client, app):
    setup(wiki, app)
    login(client, "Alice")
    path = draft(client)
    response = client.post("/+position/publier", data={"csrf_token": token(client, path), "page": path[1:]})
    assert response.status_code == 302
    client.get("/+logout")
    html = content(client, path)  # anonymous readers now see it
    assert "Position publique" in html and "Notre texte." in html
    assert client.get(path + "/Discussion").status_code == 200
    assert "Rendue publique par Alice" in client.get("/+history" + path).get_data(as_text=True)
    assert "Débattre de cette position" in html


def test_non_member_cannot_create_nor_publish(wiki, client, app):
    setup(wiki, app)
    login(client, "Carla")
    form = {"csrf_token": token(client, "/+nouvelle/fiche"), "groupe": "Culture et sport", "titre": "Intrusion"}
    assert client.post("/+nouvelle/position", data=form).status_code == 403
    client.get("/+logout")
    login(client, "Alice")
    path = draft(client)
    client.get("/+logout")
    login(client, "Carla")
    response = client.post(
        "/+position/publier", data={"csrf_token": token(client, "/+nouvelle/fiche"), "page": path[1:]}
    )
    assert response.status_code in (403, 404)


def test_bad_position_input(wiki, client, app):
    setup(wiki, app)
    wiki.save("P", "---\ntype: position\ntitre: T\ngroupe: Culture et sport\nstatut: votée\n---\nGardé.\n")
    html = content(client, "/P")
    assert "statut inconnu « votée »" in html and "brouillon, en débat, adoptée, transmise, archivée" in html
    assert "Gardé." in html
    login(client, "Alice")
    form = {"csrf_token": token(client, "/+nouvelle/fiche"), "groupe": "Groupe fantôme", "titre": "X"}
    assert "Groupe de travail inconnu" in client.post("/+nouvelle/position", data=form).get_data(as_text=True)


def test_scheme_card_lists_the_public_positions_citing_it(wiki, client, app):
    setup(wiki, app)
    wiki.save("Dispositifs/Pass", "---\ntype: dispositif\nnom: Pass\n---\n")
    wiki.save(
        "GroupesDeTravail/Culture et sport/Avis",
        "---\ntype: position\ntitre: Avis public\n"
        "groupe: Culture et sport\nstatut: adoptée\ndispositifs: [Dispositifs/Pass]\n---\n",
        acl="CultureEtSportGroup:read,write,create,admin All:read",
    )
    wiki.save(
        "GroupesDeTravail/Culture et sport/Secret",
        "---\ntype: position\ntitre: Avis secret\ngroupe: Culture et sport\ndispositifs: [Pass]\n---\n",
        acl="CultureEtSportGroup:read,write,create,admin All:",
    )
    html = content(client, "/Dispositifs/Pass")
    assert "Avis public" in html and "Avis secret" not in html
    login(client, "Alice")
    assert "Avis secret" in content(client, "/Dispositifs/Pass")


def test_position_prints_cleanly(wiki, client, app):
    setup(wiki, app)
    css = client.get("/_themes/ecossolies/css/theme.css").get_data(as_text=True)
    assert "@media print" in css and ".eco-publier" in css
