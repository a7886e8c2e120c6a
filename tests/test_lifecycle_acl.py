"""The binder follows every change moin makes, and never shows a page to a reader who may not read it."""

from __future__ import annotations

import csv
import io
import json
import re

from moin.app import before_wiki, teardown_wiki
from moin.items import Item

from plugins.indexing.structured import get_index
from tests.helpers import content, fiche, listing_names, login, modify


def as_admin(app, fn):
    """Run fn on an Item as a member of the admin group (rename, trash, destroy need those rights)."""
    from moin import flaskg
    from moin import user as moin_user

    with app.test_request_context("/", base_url="http://localhost/"):
        before_wiki()
        flaskg.user = flaskg.storage.user = moin_user.User(auth_username="Admin")
        try:
            return fn()
        finally:
            teardown_wiki("")


def setup_admin(wiki, app):
    from plugins.operations.accounts import make_admin

    with app.app_context():
        before_wiki()
        make_admin(app, "Admin", "admin@exemple.org", "motdepasse-solide-2026")


def test_rename_trash_revert_destroy_are_followed(wiki, client, app):
    setup_admin(wiki, app)
    wiki.save("Liste", "<<Classeur>>\n")
    wiki.save("Ancien", fiche("Ma fiche", commune="Nantes"))
    assert listing_names(content(client, "/Liste")) == ["Ma fiche"]

    as_admin(app, lambda: Item.create("Ancien").rename("Nouveau", comment="renommage"))
    listing = content(client, "/Liste").split('class="eco-liste"')[1].split("</ul>")[0]
    assert listing_names('class="eco-liste"' + listing) == ["Ma fiche"] and 'href="/Nouveau"' in listing

    as_admin(app, lambda: Item.create("Nouveau").delete("à la corbeille"))
    assert listing_names(content(client, "/Liste")) == []
    assert "0 fiche " in content(client, "/Liste").replace("</p>", " ")

    # revert the trashed item to its previous revision: it comes back
    def revert():
        item = Item.create("@itemid/" + itemid)
        item.revert("retour")

    index = get_index(app)
    with app.app_context():
        truth = index.moin_latest()
        # our fiche is the item whose latest revision is in the trash
        itemid = next(i for i in truth if app.storage.get_item(itemid=i).meta.get("trash"))
    as_admin(app, revert)
    assert listing_names(content(client, "/Liste")) == ["Ma fiche"]

    as_admin(app, lambda: Item.create("Nouveau").destroy(comment="détruite", destroy_item=True))
    assert listing_names(content(client, "/Liste")) == []


def test_edit_through_form_updates_facets(wiki, client, app):
    wiki.create_user("Alice")
    login(client, "Alice")
    wiki.save("Liste", "<<Classeur>>\n")
    assert modify(client, "F", fiche("F", commune="Nantes")).status_code == 302
    assert re.search(r">Nantes</a> \(1\)", content(client, "/Liste"))
    assert modify(client, "F", fiche("F", commune="Rezé")).status_code == 302
    html = content(client, "/Liste")
    assert re.search(r">Rezé</a> \(1\)", html) and ">Nantes</a>" not in html


def test_restricted_fiche_never_reaches_a_reader_who_may_not_read_it(wiki, client, app):
    wiki.create_user("Alice")
    wiki.create_user("Bob")
    wiki.save("Liste", "<<Classeur>>\n")
    wiki.save("Public", fiche("Publique", commune="Nantes", secteurs="[Culture]"))
    wiki.save("Secret", fiche("Secrète", commune="Rezé", secteurs="[Confidentiel]"), acl="Alice:read,write All:")

    def everything_seen(c) -> str:
        html = content(c, "/Liste")
        exports = c.get("/+donnees/fiche.csv").get_data(as_text=True) + c.get("/+donnees/fiche.json").get_data(
            as_text=True
        )
        narrowed = content(c, "/Liste?secteur=Confidentiel") + c.get("/+donnees/fiche.json?commune=Rezé").get_data(
            as_text=True
        )
        return html + exports + narrowed

    anonymous = everything_seen(client)
    assert "Secrète" not in anonymous and "Confidentiel</a>" not in anonymous and "Rezé</a>" not in anonymous
    assert "1 fiche" in content(client, "/Liste") and "2 fiches" not in anonymous
    assert json.loads(client.get("/+donnees/fiche.json").get_data(as_text=True))["nombre"] == 1
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/+donnees/fiche.csv").get_data(as_text=True).lstrip("\ufeff")), delimiter=";"
        )
    )
    assert [r["nom"] for r in rows] == ["Publique"]
    assert client.get("/Secret").status_code == 403

    login(client, "Bob")
    assert "Secrète" not in everything_seen(client)
    client.get("/+logout")

    login(client, "Alice")
    html = content(client, "/Liste")
    assert listing_names(html) == ["Publique", "Secrète"] and "2 fiches" in html
    assert re.search(r">Confidentiel</a> \(1\)", html)
    assert json.loads(client.get("/+donnees/fiche.json").get_data(as_text=True))["nombre"] == 2


def test_fiche_macro_honours_acl(wiki, client):
    wiki.save("Secret", fiche("Secrète"), acl="All:")
    wiki.save("Public", fiche("Publique", commune="Nantes"))
    wiki.save("Vitrine", '<<Fiche(page="Public")>>\n\n<<Fiche(page="Secret")>>\n')
    html = content(client, "/Vitrine")
    assert "Publique" in html and "Secrète" not in html and "aucune fiche lisible" in html
