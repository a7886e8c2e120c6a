"""Kept parts of listings (plugins/views/fragments.py): the same HTML as in place, renewed, never another reader's."""

from __future__ import annotations

import pytest

from plugins.views import fragments
from tests.helpers import fiche, listing_names, login, modify

LIEU_PRIVE = (
    "---\ntype: lieu\nnom: Le salon Lilas\ncategorie: appartement\ncommune: Rezé\nadresse: 12 rue des Lilas\n"
    "position: {lat: 47.18, lon: -1.55}\n---\n"
)
LIEU = "---\ntype: lieu\nnom: Le Bar\ncategorie: bar\ncommune: Nantes\nposition: {lat: 47.21, lon: -1.55}\n---\n"
PAGES = {
    "Classeur": "<<Classeur>>\n",
    "Classeur/Culture": '<<Classeur(secteur="Culture", limite="2")>>\n',
    "Carte/Fiches": '<<Carte(type="fiche")>>\n',
    "Carte/Lieux": "<<Carte>>\n",
}
#: what is read of them: the pages, narrowed and paged by the reader
READS = [
    "/Classeur",
    "/Classeur?commune=Nantes",
    "/Classeur?tri=creation&ordre=d%C3%A9croissant",
    "/Classeur/Culture?page=2",
    "/Carte/Fiches",
    "/Carte/Fiches?secteur=Culture",
    "/Carte/Lieux",
]


@pytest.fixture
def listed(wiki, app):
    app.cfg.public_cache = False  # every answer computed here: the parts are what is measured
    wiki.create_user("Alice")
    for i, (commune, secteur) in enumerate([("Nantes", "Culture"), ("Rezé", "Culture"), ("Nantes", "Récup'")] * 2):
        wiki.save(f"Fiche {i}", fiche(f"Fiche {i}", commune=commune, secteurs=secteur, creation=str(2000 + i)))
    wiki.save("Fiche sans lieu", fiche("Fiche sans lieu", secteurs="Culture"))
    wiki.save(
        "Fiche secrète", fiche("Fiche secrète", commune="Nantes", secteurs="Culture"), acl="Alice:read,write All:"
    )
    wiki.save("Lieux/Salon", LIEU_PRIVE)
    wiki.save("Lieux/Bar", LIEU)
    for name, text in PAGES.items():
        wiki.save(name, text)
    return wiki


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def reader(app, member: bool):
    client = app.test_client()
    if member:
        login(client, "Alice")
        html_of(client, "/Fiche 0")  # shows « Vous êtes connecté », once
    return client


@pytest.mark.parametrize("member", [False, True], ids=["visiteur", "membre"])
def test_kept_parts_give_the_html_moin_makes_in_place(listed, app, member, monkeypatch):
    conversions: list[int] = []
    original = fragments.to_html
    monkeypatch.setattr(fragments, "to_html", lambda element: conversions.append(1) or original(element))
    client = reader(app, member)
    for path in READS:
        app.cfg.listing_fragments = False
        in_place = html_of(client, path)
        app.cfg.listing_fragments = True
        before = len(conversions)
        made = html_of(client, path)
        converted = len(conversions)
        again = html_of(client, path)
        assert made == in_place, path
        assert again == in_place, path
        assert fragments.CSS not in made, path
        assert converted > before, path  # the page did use kept parts…
        assert len(conversions) == converted, path  # …and the second view converted nothing again


def test_a_part_is_converted_once_then_renewed_by_a_save(listed, app, monkeypatch):
    conversions = []
    original = fragments.to_html
    monkeypatch.setattr(fragments, "to_html", lambda element: conversions.append(1) or original(element))
    client = reader(app, member=True)
    first = html_of(client, "/Classeur")
    made = len(conversions)
    assert made == 3  # the rows, the values of « secteur », those of « commune » (no fiche here has a theme nor a form)
    assert html_of(client, "/Classeur") == first
    assert len(conversions) == made  # nothing converted again
    assert modify(client, "Fiche nouvelle", fiche("Fiche nouvelle", commune="Nantes")).status_code == 302
    names = listing_names(html_of(client, "/Classeur"))
    assert "Fiche nouvelle" in names
    assert len(conversions) > made


def test_a_part_kept_for_a_member_is_never_shown_to_a_visitor(listed, app):
    member = reader(app, member=True)
    assert "Fiche secrète" in listing_names(html_of(member, "/Classeur"))
    assert "12 rue des Lilas" not in html_of(member, "/Carte/Lieux")  # an address is never in a listing
    visitor = reader(app, member=False)
    page = html_of(visitor, "/Classeur")
    assert "Fiche secrète" not in page
    assert len(listing_names(page)) == 7
    carte = html_of(visitor, "/Carte/Lieux")
    member_carte = html_of(member, "/Carte/Lieux")
    # the private flat: exact for the member, at its commune's centre for the visitor
    assert "(position approximative)" in carte
    assert "(position approximative)" not in member_carte


def test_a_placeholder_written_in_a_page_is_not_replaced(listed, app):
    forged = '<div class="eco-fragment">' + "0" * 32 + "</div>"
    listed.save("Piège", f"{forged}\n\n<<Classeur>>\n", contenttype="text/x-markdown;charset=utf-8")
    page = html_of(reader(app, member=False), "/Pi%C3%A8ge")
    assert page.count('class="eco-liste"') == 1
    assert forged in page  # left as the page wrote it: only this answer's own tokens are replaced
