"""French everywhere: every GET route of the URL map, as an anonymous reader and as a member, shows no English
interface word (moin's own screens included: metadata, index, history, diff, preview, login, settings, feeds)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from plugins.operations.cli import SEED_DIR
from plugins.operations.seed import load_seed
from tests.helpers import login, modify

PAGE = "Accueil"

#: English words of moin's interface that must not reach a French reader (whole words, case-sensitive)
ENGLISH = [
    "Login", "Logout", "Show", "History", "Modify", "Download", "Subitems", "Settings", "Site Map", "Similar",
    "Markup", "Navigation", "Page Trail", "Item Views", "Search Query", "Powered", "modified", "Delete", "Rename",
    "Comments", "Transclusions", "Recent Changes", "Edit", "Index of", "Tags", "Highlight", "Subscribe",
    "Quicklink", "Add Link", "Meta", "Metadata", "Name", "Size", "Revisions", "Revision", "Editor", "Modified",
    "Items", "Item", "Diff", "Key", "Value", "Action", "Address", "Comment", "Content Type", "Item ID",
    "Revision ID", "Summary", "Trash", "DRAFT", "Moin login", "Preview", "Cancel", "Save", "Submit", "Back",
    "Filter", "Contenttype", "Created", "User", "Password", "Username", "changes", "Help", "Deleted", "Newer",
    "Older", "Previous", "Next", "None", "Error", "Search", "Home", "Wiki", "Moin", "Not Found", "Bad Request",
    "Method Not Allowed", "requested URL", "Internal Server Error", "Forbidden", "default", "Plain Text",
]  # fmt: skip

#: proper names and technical names a French page may show (the words above inside them are not interface words)
EXCEPTIONS = [
    "MoinMoin", "Creative Commons", "OpenStreetMap", "Markdown", "Moinmoin", "YesWiki", "Whoosh", "Leaflet",
    "GeoJSON", "Atom", "SCDL",
    "'None'",  # the keyword a member types in the ACL field to keep the default rights (moin's syntax)
]  # fmt: skip

#: routes that serve data, files or scripts (not a screen), or send mail, or only redirect
NOT_SCREENS = (
    "static", "_themes.static", "serve.index", "serve.files", "frontend.robots", "frontend.get_item",
    "frontend.download_item", "frontend.content_item", "frontend.show_dom", "frontend.indexable",
    "frontend.diffraw", "frontend.template", "misc.urls_names", "misc.sitemap", "frontend.logout",
    "frontend.dispatch", "frontend.redirect_show_item", "ecossolies.export", "ecossolies.chain_export",
    "ecossolies.agenda_feed", "ecossolies.ecossolies_financements.export",
    "ecossolies.ecossolies_financements.chart", "frontend.quicklink_item", "frontend.subscribe_item",
    "admin.mail_recovery_token", "frontend.bookmark", "feed.atom", "frontend.verifyemail",
    "frontend.new",  # moin 2.0.0b5: NotImplementedError
    "frontend.ticket_search",  # moin 2.0.0b5: its template fails (« _radio_label » undefined)
    "frontend.lookup",  # moin 2.0.0b5 fails on its own form (LookupForm has no « history »): a 500 in any language
)  # fmt: skip


def visible_text(html: str) -> str:
    """What a reader reads or hears: text, and the titles, labels, placeholders and button values."""
    html = re.sub(r"(?s)<(script|style|head|textarea)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    # a button's value is read; another field's value is data (a checkbox's value is never shown)
    html = re.sub(
        r'(?s)<input\b[^>]*\btype="(?:submit|button|reset)"[^>]*>',
        lambda m: m.group(0).replace("value=", "title="),
        html,
    )
    html = re.sub(r'(?s)<[^>]+\b(title|placeholder|aria-label|alt)="([^"]*)"', r" \2 <", html)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    for name in EXCEPTIONS:
        text = text.replace(name, " ")
    return text


def english_words(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![\w/+.-]){re.escape(w)}(?![\w-])", text)]


def screens(app: Any, revid: str) -> list[str]:
    """One URL for every GET route that draws a screen, arguments filled with a real page and revision."""
    values = {"item_name": PAGE, "rev": revid, "namespace": "users", "tag": "ess", "type_name": "lieu",
              "group_name": "AdminGroup", "user_name": "Lectrice", "uid": "x", "name": "x", "fmt": "html"}  # fmt: skip
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_SCREENS:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(\w+:)?{arg}>", values[arg], url)
        urls.add(url)
    return sorted(urls)


@pytest.fixture
def seeded(app: Any, wiki: Any) -> Any:
    with app.app_context():
        load_seed(app, SEED_DIR)
    wiki.create_user("Lectrice")
    return app


def current_revid(wiki: Any) -> str:
    from moin import flaskg
    from moin.constants.keys import CURRENT

    return wiki.run(lambda: flaskg.storage.get_item(name=PAGE)[CURRENT].revid)


def test_every_screen_of_the_url_map_is_in_french_for_readers_and_members(seeded, wiki, client):
    revid = current_revid(wiki)
    urls = screens(seeded, revid) + [
        f"/+diff/{PAGE}?rev1={revid}&rev2={revid}",
        "/+search?q=jardin",
        "/+index/?selected_groups=all",
        "/Page inexistante",
        "/+modify/Page inexistante",
    ]
    problems = []
    for member in (False, True):
        if member:
            login(client, "Lectrice")
        for url in urls:
            response = client.get(url)
            if response.status_code in (301, 302, 303) or response.mimetype != "text/html":
                continue
            found = english_words(visible_text(response.get_data(as_text=True)))
            if found:
                problems.append(f"{'membre' if member else 'anonyme'} {url} ({response.status_code}): {found}")
    assert not problems, "\n".join(problems)


def test_the_editor_preview_and_feed_speak_french(seeded, wiki, client):
    login(client, "Lectrice")
    editor = client.get(f"/+modify/{PAGE}").get_data(as_text=True)
    assert "Note de modification (historique)" in editor
    assert "Résumé affiché sur la page" in editor
    assert re.search(
        r'id="moin-save-text-button"[^>]*value="Enregistrer"|value="Enregistrer"[^>]*id="moin-save', editor
    )
    assert "pages d'aide" not in editor  # no warning about help pages this wiki does not load
    assert not english_words(visible_text(editor)), english_words(visible_text(editor))

    form = {"preview": "Aperçu", "content_form_data_text": "Un texte modifié.\n", "comment": "",
            "meta_form_acl": "None", "meta_form_name": PAGE, "meta_form_summary": "", "meta_form_tags": ""}  # fmt: skip
    preview = client.post(f"/+modify/{PAGE}?contenttype=text/x.moin.wiki;charset=utf-8&itemtype=default",
                          data=form).get_data(as_text=True)  # fmt: skip
    assert "Un texte modifié." in preview.split('id="moin-content-data"')[1]
    assert "Aperçu — pas encore enregistré (brouillon)" in preview  # said in French (moin's watermark: « DRAFT »)
    assert 'class="moin-watermark eco-brouillon-apercu"' in preview


def test_an_indented_change_in_a_diff_shows_spaces_not_a_literal_nbsp(seeded, client):
    login(client, "Lectrice")
    old = client.get(f"/+get/{PAGE}").get_data(as_text=True)
    changed = " " + old  # its first line now begins with a space: moin's diff escaped the « &nbsp; » it puts there
    form = {"preview": "Aperçu", "content_form_data_text": changed, "comment": "", "meta_form_acl": "None",
            "meta_form_name": PAGE, "meta_form_summary": "", "meta_form_tags": ""}  # fmt: skip
    preview = client.post(f"/+modify/{PAGE}?contenttype=text/x.moin.wiki;charset=utf-8&itemtype=default",
                          data=form).get_data(as_text=True)  # fmt: skip
    diff = preview[preview.find('id="moin-preview-diff"') : preview.find('id="moin-content-data"')]
    assert "<span>&nbsp;" in diff
    assert "&amp;nbsp;" not in diff

    assert modify(client, PAGE, "Nouvelle version.\n", comment="test").status_code in (200, 302)
    feed = client.get(f"/+feed/atom/{PAGE}").get_data(as_text=True)
    title = re.search(r"<title[^>]*>([^<]*)</title>", feed).group(1)
    assert title == f"Les Écossolies - {PAGE}"
    show = client.get(f"/{PAGE}").get_data(as_text=True)
    assert f'title="{PAGE} : modifications"' in show


def test_login_page_and_success_message_read_as_such(seeded, client):
    page = client.get("/+login").get_data(as_text=True)
    assert "Connexion Moin" not in page
    assert "<h2>Connexion</h2>" in page
    response = client.post("/+login", data={"login_username": "Lectrice", "login_password": "motdepasse-solide-2026",
                                            "login_submit": "1"}, follow_redirects=True)  # fmt: skip
    html = response.get_data(as_text=True)
    assert re.search(r'class="moin-flash moin-flash-info[^"]*"[^>]*>\s*Vous êtes connecté', html)


def test_errors_of_every_route_are_french_pages_of_the_wiki(seeded, client):
    """Our routes' errors (an unknown type, format or chart) were werkzeug's English page, without the theme."""
    for url, status in (("/+formulaire/Page inexistante", 404), ("/+carte/inconnu", 404),
                        ("/+reseau.inconnu", 404), ("/+financements/graphique/inconnu.svg", 404),
                        ("/+donnees/inconnu.csv", 404)):  # fmt: skip
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == status, url
        assert '<html lang="fr">' in html and 'name="viewport"' in html and 'id="moin-header"' in html, url
        assert not english_words(visible_text(html)), (url, english_words(visible_text(html)))
    assert "<h1>Page introuvable</h1>" in client.get("/+carte/inconnu").get_data(as_text=True)


def test_the_tab_title_never_shows_markup(seeded, client):
    html = client.get(f"/+highlight/{PAGE}").get_data(as_text=True)
    title = re.search(r"(?s)<title>(.*?)</title>", html).group(1)
    assert " ".join(title.split()) == f"Coloration syntaxique de {PAGE} — Les Écossolies"
