"""Holes in moin 2.0.0b5's own views and templates (issue 12), each closed by plugins/web/moin_guards.py,
plugins/web/moin_feed.py or plugins/web/security.py: each test failed on the code before the fix."""

from __future__ import annotations

import html
import time
from typing import Any

from moin import user as moin_user

from tests.helpers import MARKDOWN, login, modify
from tests.hostile import dangers

TAG_PAYLOAD = '<img src=x onerror="window.__xss=1">'
NAME_PAYLOAD = "<img src=x onerror=window.__xss=1>"


def save_tagged(wiki: Any, name: str, text: str, tags: list[str], acl: str | None = None) -> None:
    """A page saved with tags through moin's Item API."""
    from moin import flaskg
    from moin.app import before_wiki, teardown_wiki
    from moin.constants.keys import ACL, CONTENTTYPE, ITEMTYPE, TAGS
    from moin.items import Item

    from tests.helpers import MOINWIKI

    wiki.create_user("Auteur")
    with wiki.app.test_request_context("/", base_url="http://localhost/"):
        before_wiki()
        flaskg.user = flaskg.storage.user = moin_user.User(auth_username="Auteur")
        meta: dict[str, Any] = {CONTENTTYPE: MOINWIKI, ITEMTYPE: "default", TAGS: tags}
        if acl is not None:
            meta[ACL] = acl
        Item.create(name, itemtype="default", contenttype=MOINWIKI)._save(meta, text, comment="test")
        teardown_wiki("")


# --- 1. script in every visitor's browser ---------------------------------------------------------------------


def test_search_results_escape_a_members_tag(wiki: Any, client: Any) -> None:
    save_tagged(wiki, "Etiquetee", "Le mot cherchable ici.\n", [TAG_PAYLOAD])
    # moin's search (and its ajax calls) now lead to the wiki's search (issue 16): the tagged page is found there,
    # and no tag runs; moin's own results template stays escaped in moin_templates/ for any other way in
    response = client.get("/+search?q=cherchable")
    assert response.status_code == 302 and response.headers["Location"].endswith("/+recherche?q=cherchable")
    html = client.get("/+search?q=cherchable", follow_redirects=True).get_data(as_text=True)
    assert "Etiquetee" in html
    assert dangers(html) == []


def test_meta_view_escapes_a_members_page_name(wiki: Any, client: Any) -> None:
    wiki.save(NAME_PAYLOAD, "Texte.\n")
    response = client.get("/+meta/" + NAME_PAYLOAD)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "&lt;img src=x onerror=window.__xss=1&gt;" in html
    assert dangers(html) == []


def test_an_uploaded_script_is_never_served_as_javascript(wiki: Any, client: Any) -> None:
    wiki.save("outil.js", "window.__xss=1;\n", contenttype="application/javascript")
    for path in ["/+get/outil.js", "/+download/outil.js", "/+download/outil.js?mimetype=application/javascript"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype in ("text/plain", "application/octet-stream"), (path, response.mimetype)
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_uploaded_html_page_is_served_as_text(wiki: Any, client: Any) -> None:
    wiki.save("page.html", "<script>window.__xss=1</script>\n", contenttype="text/html;charset=utf-8")
    response = client.get("/+get/page.html")
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_script_src_names_only_the_wikis_script_paths(wiki: Any, client: Any) -> None:
    wiki.save("Accueil", "Bienvenue.\n")
    csp = client.get("/Accueil").headers["Content-Security-Policy"]
    scripts = csp.split("script-src ")[1].split(";")[0].split()
    assert "'self'" not in scripts
    assert [s for s in scripts if not s.startswith("'")] == [
        "localhost/static/",
        "localhost/+serve/",
        "localhost/+template/dictionary.js",
        "localhost/_themes/",
    ]


def test_moins_own_scripts_still_load(wiki: Any, client: Any) -> None:
    assert client.get("/static/js/common.js").mimetype in ("application/javascript", "text/javascript")
    assert client.get("/+template/dictionary.js").mimetype in ("application/javascript", "text/javascript")


# --- 2. the Atom feed -----------------------------------------------------------------------------------------


def test_atom_feed_is_per_reader_and_never_shows_a_restricted_page(wiki: Any, client: Any, app: Any) -> None:
    from plugins.operations.accounts import make_admin

    with app.app_context():
        make_admin(app, "Admin", "admin@exemple.org", "motdepasse-solide-2026")
    wiki.save("Secret", "Le mot motsecretdufil est ici.\n", acl="AdminGroup:read,write All:")
    wiki.save("Public", "Page publique.\n")
    login(client, "Admin")
    assert "motsecretdufil" in client.get("/+feed/atom").get_data(as_text=True)  # the admin reads it
    client.get("/+logout")
    with app.test_client() as anonymous:
        feed = anonymous.get("/+feed/atom")
        assert feed.status_code == 200
        body = feed.get_data(as_text=True)
        assert "Public" in body
        assert "motsecretdufil" not in body and "Secret" not in body


def test_a_control_character_does_not_break_the_feed(wiki: Any, client: Any) -> None:
    wiki.save("Controle", "Avant\x01\x08après.\n")
    response = client.get("/+feed/atom")
    assert response.status_code == 200
    assert "Avantaprès" in response.get_data(as_text=True)


# --- 3. /+lookup ------------------------------------------------------------------------------------------------


def test_lookup_is_for_administrators_only(wiki: Any, client: Any) -> None:
    wiki.save("Cachee/Secrete", "x\n", acl="All:")
    wiki.create_user("Alice")
    for who in (None, "Alice"):
        if who:
            login(client, who)
        response = client.get("/+lookup?name_exact=Cachee&history=1")
        assert response.status_code == 403, who
        assert "Secrete" not in response.get_data(as_text=True)
        assert "réservée aux administrateurs" in response.get_data(as_text=True)


# --- 4. ReDoS ---------------------------------------------------------------------------------------------------


def test_unsafe_patterns_are_refused_and_simple_ones_kept() -> None:
    from plugins.web.moin_guards import safe_pattern

    for bad in ["(a+)+$", "(a|a)*b", "(.*a){20}", "(x+x+)+y", "^(([a-z])+.)+[A-Z]([a-z])+$", r"(\w+)\1", "a*b*c*d*"]:
        assert not safe_pattern(bad), bad
    for good in ["^Fiches/", "Lieux/.*Nantes", "^(Chaines|Lieux)/", "[A-Z]\\w*$", "Agenda"]:
        assert safe_pattern(good), good


def test_a_slow_subscription_pattern_does_not_block_saves(wiki: Any, app: Any, client: Any) -> None:
    wiki.create_user("Mallory")

    def subscribe() -> None:
        user = moin_user.User(auth_username="Mallory")
        user.profile["subscriptions"] = ["namere:default:^(a+)+$"]
        user.save(force=True)

    wiki.run(subscribe)
    wiki.create_user("Alice")
    login(client, "Alice")
    start = time.monotonic()
    response = modify(client, "a" * 25 + "!", "Texte.\n")
    assert response.status_code in (200, 302)
    assert time.monotonic() - start < 5


def test_settings_refuse_a_slow_subscription_pattern(wiki: Any, client: Any) -> None:
    wiki.create_user("Mallory")
    login(client, "Mallory")
    response = client.post(
        "/+usersettings",
        data={
            "part": "notification",
            "notification_submit": "1",
            "notification_subscriptions": "namere:default:(a+)+$",
        },
    )
    assert response.status_code == 400
    assert "Abonnement refusé" in response.get_data(as_text=True)


def test_itemlist_refuses_a_slow_regex(wiki: Any, client: Any) -> None:
    for i in range(1):
        wiki.save(f"Liste/{'a' * 25}{i}!", "x\n")
    wiki.save("Liste", '<<ItemList(regex="(a+)+$")>>\n')
    start = time.monotonic()
    html = client.get("/Liste").get_data(as_text=True)
    assert time.monotonic() - start < 5
    assert "expression refusée" in html


# --- 6. javascript: URLs ----------------------------------------------------------------------------------------


def test_no_javascript_url_leaves_a_transclusion(wiki: Any, client: Any) -> None:
    pages = {
        "Moin": ("{{javascript://%0Aalert(1)}}\n[[javascript:alert(1)|clic]]\n", "text/x.moin.wiki;charset=utf-8"),
        "Md": ("![x](javascript:alert(1))\n[clic](javascript:alert(1))\n", "text/x-markdown;charset=utf-8"),
        "Creole": ("{{javascript://%0Aalert(1)}}\n[[javascript:alert(1)|clic]]\n", "text/x.moin.creole;charset=utf-8"),
        "Rst": ("`clic <javascript:alert(1)>`_\n\n.. image:: javascript:alert(1)\n", "text/x-rst;charset=utf-8"),
        "Mw": ("[javascript:alert(1) clic]\n", "text/x-mediawiki;charset=utf-8"),
    }
    for name, (text, contenttype) in pages.items():
        wiki.save(name, text, contenttype=contenttype)
        response = client.get("/" + name)
        html = response.get_data(as_text=True)
        assert dangers(html) == [], (name, dangers(html))


# --- 7. state changes by GET ------------------------------------------------------------------------------------


def test_a_link_with_a_password_does_not_log_in(wiki: Any, client: Any) -> None:
    wiki.create_user("Alice")
    wiki.save("Accueil", "Bienvenue.\n")
    response = client.get("/Accueil?login_submit=1&login_username=Alice&login_password=motdepasse-solide-2026")
    assert response.status_code == 400
    assert "formulaire de connexion" in response.get_data(as_text=True)
    assert "Alice" not in client.get("/Accueil").get_data(as_text=True)


def test_quicklink_by_get_changes_nothing(wiki: Any, client: Any, app: Any) -> None:
    wiki.create_user("Alice")
    wiki.save("Accueil", "Bienvenue.\n")
    login(client, "Alice")

    def quicklinks() -> list[str]:
        return list(moin_user.User(auth_username="Alice").quicklinks)

    response = client.get("/+quicklink/Accueil")
    assert response.status_code == 200 and 'method="post"' in response.get_data(as_text=True)
    assert not any("Accueil" in q for q in wiki.run(quicklinks))
    assert client.post("/+quicklink/Accueil").status_code == 302
    assert any("Accueil" in q for q in wiki.run(quicklinks))


# --- 8. logout --------------------------------------------------------------------------------------------------


def test_the_old_cookie_is_dead_after_logout(wiki: Any, app: Any) -> None:
    wiki.create_user("Alice")
    wiki.save("Accueil", "Bienvenue.\n")
    with app.test_client() as browser:
        login(browser, "Alice")
        cookie = browser.get_cookie("session")
        assert cookie is not None
        browser.get("/+logout")
    with app.test_client() as thief:
        thief.set_cookie("session", cookie.value)
        html = thief.get("/+usersettings").get_data(as_text=True)
        assert "Alice" not in html


# --- 5. the login limit under a burst ---------------------------------------------------------------------------


def test_a_burst_of_parallel_wrong_passwords_gets_only_the_allowed_tries(wiki: Any, app: Any) -> None:
    import urllib.error
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from tests.browser import served

    wiki.create_user("Alice")
    body = urllib.parse.urlencode({"login_username": "Alice", "login_password": "faux", "login_submit": "1"}).encode()

    with served(app) as base:

        def attempt(_: int) -> int:
            try:
                with urllib.request.urlopen(base + "/+login", data=body, timeout=60) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

        with ThreadPoolExecutor(max_workers=15) as pool:
            statuses = list(pool.map(attempt, range(15)))
    assert statuses.count(429) == 10, statuses  # 5 tries (login_max_failures), the other 10 refused


# --- 10. the first edits of a fresh instance --------------------------------------------------------------------


def test_edit_lock_tables_exist_before_the_first_edit(app: Any) -> None:
    import os
    import sqlite3

    path = os.path.join(app.cfg.instance_dir, "sql", "edit_utils.db")
    with app.test_request_context("/"):
        pass  # the app's first context, as a worker's first request
    assert os.path.exists(path)
    with sqlite3.connect(path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"editlock", "editdraft"} <= tables


def test_first_concurrent_edits_of_a_fresh_instance_all_succeed(wiki: Any, app: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    names = [f"Membre{i}" for i in range(4)]  # under the per-address login limit
    for name in names:
        wiki.create_user(name)

    def edit(name: str) -> int:
        with app.test_client() as browser:
            login(browser, name)
            return modify(browser, f"Page{name}", f"Texte de {name}.\n").status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(edit, names))
    assert statuses == [302] * 4
    with app.test_client() as reader:
        assert all(reader.get(f"/Page{name}").status_code == 200 for name in names)


# --- 8. cookies over HTTPS --------------------------------------------------------------------------------------


def test_session_cookie_is_secure_when_served_over_https() -> None:
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import wikiconfig; print(wikiconfig.SESSION_COOKIE_SECURE)"

    def secure(value: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "ECOSSOLIES_HTTPS"}
        if value is not None:
            env["ECOSSOLIES_HTTPS"] = value
        env["ECOSSOLIES_INSTANCE"] = os.path.join(root, "wiki")
        done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
        return done.stdout.strip()

    assert secure("1") == "True"
    assert secure(None) == "False"
    with open(os.path.join(root, "Makefile"), encoding="utf-8") as makefile:
        serve = makefile.read().split("\nserve:")[1].split("\n\n")[0]
    assert "ECOSSOLIES_HTTPS=$${ECOSSOLIES_HTTPS:-1}" in serve


# --- 9. smaller holes -------------------------------------------------------------------------------------------


def test_new_fiche_form_tells_nothing_of_a_restricted_page(wiki: Any, client: Any) -> None:
    import re as regex

    from tests.test_form import token

    wiki.create_user("Alice")
    wiki.save("Initiatives/Prise", "---\ntype: fiche\nnom: Prise\n---\n")
    wiki.save("Initiatives/Cachee", "---\ntype: fiche\nnom: Cachee\n---\n", acl="All:")
    login(client, "Alice")

    def errors(name: str) -> str:
        response = client.post("/+nouvelle/fiche", data={"csrf_token": token(client), "nom": name})
        assert response.status_code == 422
        return " ".join(regex.findall(r"ce nom n&#39;est pas disponible[^<]*", response.get_data(as_text=True)))

    taken, hidden = errors("Prise"), errors("Cachee")
    assert taken != ""
    assert taken == hidden
    assert "Cachee" not in hidden


def test_map_document_allows_no_unsafe_inline_script(wiki: Any, client: Any) -> None:
    wiki.save("Lieux/Bar", "---\ntype: lieu\nnom: Bar\ncommune: Nantes\n---\n")
    csp = client.get("/+carte/lieu").headers["Content-Security-Policy"]
    scripts = csp.split("script-src ")[1].split(";")[0].split()
    assert "'unsafe-inline'" not in scripts and "'self'" not in scripts
    assert any(s.startswith("'sha256-") for s in scripts)


def test_invisible_characters_are_refused_in_names_everywhere(wiki: Any, client: Any) -> None:
    from tests.test_form import token

    wiki.create_user("Alice")
    wiki.save("Accueil", "Bienvenue.\n")
    login(client, "Alice")
    for bad in ["Fac\u202etxt.exe", "Zero\u200blargeur", "Nul\x00le", "Iso\u2066le"]:
        assert modify(client, bad, "x\n").status_code == 400, repr(bad)
        renamed = client.post("/+rename/Accueil", data={"target": bad, "comment": "", "submit": "1"})
        assert renamed.status_code == 400, repr(bad)
        form = client.post("/+nouvelle/fiche", data={"csrf_token": token(client), "nom": bad})
        assert form.status_code == 422 and "invisible" in html.unescape(form.get_data(as_text=True)), repr(bad)
    assert client.get("/Accueil").status_code == 200


def test_a_markdown_page_with_details_is_shown(wiki: Any, client: Any) -> None:
    from tests.helpers import MARKDOWN, content

    text = "Avant\n\n<details><summary>Plus</summary>\n\nCaché **gras**\n\n</details>\n\nAprès\n"
    wiki.save("Md", text, contenttype=MARKDOWN)
    shown = content(client, "/Md")
    assert "Avant" in shown and "Plus" in shown and "Caché" in shown and "Après" in shown
    assert "<strong>gras</strong>" in shown


def test_admin_acl_change_keeps_a_csv_items_content(wiki: Any, app: Any, client: Any) -> None:
    from plugins.operations.accounts import make_admin

    with app.app_context():
        make_admin(app, "Admin", "admin@exemple.org", "motdepasse-solide-2026")
    table = "commune;montant\nNantes;1200\n"
    wiki.save("Tableau.csv", table, contenttype="text/csv;charset=utf-8")
    login(client, "Admin")
    client.get("/+admin/item_acl_report")
    client.get("/Tableau.csv")
    response = client.post("/+admin/modify_acl/Tableau.csv", data={"Tableau.csv": "AdminGroup:read,write All:read"})
    assert response.status_code == 302
    raw = client.get("/+get/Tableau.csv").get_data(as_text=True)
    assert raw == table
    assert "AdminGroup:read,write All:read" in client.get("/+meta/Tableau.csv").get_data(as_text=True)


def test_lookup_answers_an_admin_without_a_500(wiki: Any, app: Any, client: Any) -> None:
    from plugins.operations.accounts import make_admin

    with app.app_context():
        make_admin(app, "Admin", "admin@exemple.org", "motdepasse-solide-2026")
    login(client, "Admin")
    assert client.get("/+lookup?name_exact=&history=1").status_code == 400


def frame_is_clean(frame: Any) -> bool:
    """No payload ran in this frame. A frame that Chromium drops while we look (a refused transclusion
    replaced by its fallback) ran nothing we could read: it is clean, but only when it is really gone."""
    from playwright.sync_api import Error

    try:
        return bool(frame.evaluate("() => window.__xss === undefined"))
    except Error:
        if frame.is_detached():
            return True
        raise


def test_the_member_script_chain_runs_nowhere_in_chromium(wiki: Any, app: Any) -> None:
    """The outside test's chain: a member's .js upload loaded by a tag in /+search and a name in /+meta; checked
    in Chromium with the CSP on (the safety net) and off (the escaping alone)."""
    from urllib.parse import quote

    from tests.browser import browser_page, served

    wiki.save("outil.js", "window.__xss=1; alert('XSS');\n", contenttype="application/javascript")
    loader = '<script src="/+get/outil.js"></script>'
    save_tagged(wiki, "Chaine", "Le mot chainable ici.\n", [loader, TAG_PAYLOAD])
    wiki.save(NAME_PAYLOAD + loader.replace("/", ""), "chainable\n")
    wiki.save("Charge", "{{javascript://%0Aalert(1)}}\n{{/+get/outil.js}}\n")
    #: path -> the text a reader sees there (the payloads shown as text)
    paths = {
        "/+search?q=chainable": "onerror=",
        "/+meta/" + quote(NAME_PAYLOAD + loader.replace("/", "")): "onerror=window.__xss=1",
        "/Charge": "Charge",
    }
    with served(app) as base, browser_page() as (page, _requested):
        for bypass in (False, True):
            context = page.context.browser.new_context(bypass_csp=bypass)
            tab = context.new_page()
            dialogs: list[str] = []
            tab.on("dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss()))
            for path, shown in paths.items():
                tab.goto(base + path, wait_until="networkidle")
                assert shown in tab.inner_text("body"), path
                assert tab.evaluate("() => window.__xss === undefined"), (path, bypass)
                for frame in tab.frames:
                    assert frame_is_clean(frame), (path, bypass, frame.url)
            assert dialogs == [], (bypass, dialogs)
            context.close()


def test_moins_failing_views_answer_in_french(wiki: Any, client: Any) -> None:
    wiki.save("Secrete", "motsecret\n", acl="All:")
    cases = {
        "/+indexable/Secrete": (403, "Accès refusé"),
        "/+template/..%2F..%2Fsettings.py": (404, "Page introuvable"),
        "/+template/layout.html": (404, "Page introuvable"),
        "/+dispatch": (400, "Requête invalide"),
        "/+new": (400, "Requête invalide"),
    }
    for path, (status, title) in cases.items():
        response = client.get(path)
        assert response.status_code == status, path
        body = response.get_data(as_text=True)
        assert title in body and 'lang="fr"' in body and "motsecret" not in body, path


# --- audit of issue 12: the same holes by other ways in ---------------------------------------------------------

#: executable URLs as members write them: case, entities, blanks and controls, other schemes
EXECUTABLE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&#x3A;alert(1)",
    "java&#9;script:alert(1)",
    " javascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript://%0Aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
]


def url_pages(url: str) -> dict[str, tuple[str, str]]:
    """One page per markup moin reads, each using the URL as a link, an image and a transclusion."""
    return {
        "Moin": (f"{{{{{url}}}}}\n[[{url}|clic]]\n{{{{{url}|alt}}}}\n", "text/x.moin.wiki;charset=utf-8"),
        "Md": (f"![x]({url})\n\n[clic]({url})\n\n<{url}>\n\n[r]\n\n[r]: {url}\n\n<a href=\"{url}\">a</a>\n", MARKDOWN),
        "Creole": (f"{{{{{url}}}}}\n[[{url}|clic]]\n{{{{{url}|alt}}}}\n", "text/x.moin.creole;charset=utf-8"),
        "Rst": (f"`clic <{url}>`_\n\n.. image:: {url}\n\n.. figure:: {url}\n", "text/x-rst;charset=utf-8"),
        "Mw": (f"[{url} clic]\n\n[[{url}|x]]\n\n[[File:{url}]]\n", "text/x-mediawiki;charset=utf-8"),
        "Html": (f'<p><a href="{url}">a</a><img src="{url}"><object data="{url}"></object></p>', "text/html;charset=utf-8"),
    }


def test_no_executable_url_leaves_any_markup_in_pages_or_the_feed(wiki: Any, client: Any) -> None:
    """Every markup, every obfuscation, in the page, its content view, its slideshow and the Atom feed (moin's
    feed carried ``<object data="javascript:…">`` and ``<img src="vbscript:…">`` to every feed reader)."""
    import re

    found: list[str] = []
    for i, url in enumerate(EXECUTABLE_URLS):
        for markup, (text, contenttype) in url_pages(url).items():
            name = f"Url{i}{markup}"
            wiki.save(name, text, contenttype=contenttype)
            for view in ("/", "/+content/", "/+slideshow/"):
                response = client.get(view + name)
                assert response.status_code == 200, (view, name)
                found += [f"{view}{name} ({url}): {d}" for d in dangers(response.get_data(as_text=True))]
            feed = client.get("/+feed/atom/" + name)
            assert feed.status_code == 200
            for entry in re.findall(r"<content[^>]*>(.*?)</content>", feed.get_data(as_text=True), re.S):
                found += [f"feed {name} ({url}): {d}" for d in dangers(html.unescape(entry))]
    assert found == [], "\n".join(found[:30])


#: content types an upload may claim, each of which a browser would run if served as such
ACTIVE_UPLOADS = {
    "page.html": "text/html;charset=utf-8",
    "page.xhtml": "application/xhtml+xml",
    "dessin.svg": "image/svg+xml",
    "donnees.xml": "text/xml;charset=utf-8",
    "app.xml": "application/xml",
    "outil.js": "application/javascript",
    "outil2.js": "text/javascript;charset=utf-8",
    "module.mjs": "text/javascript;charset=utf-8",
    "vieux.js": "application/x-javascript",
    "style.xsl": "text/xsl;charset=utf-8",
    "prog.wasm": "application/wasm",
    "flash.swf": "application/x-shockwave-flash",
    "inconnu.bin": "application/x-inconnu",
}
#: types a <script src>, a module import or a document load accepts
SCRIPT_OR_DOCUMENT = ("html", "xhtml", "xml", "javascript", "ecmascript", "svg", "wasm", "xsl", "flash")


def test_no_upload_is_served_as_script_or_document_by_any_raw_route(wiki: Any, client: Any) -> None:
    """Every raw route of moin (/+get and /+download, of the item and of a revision, with ?mimetype=, and /+dom):
    never a type a browser runs, always nosniff; an SVG keeps its type (pages show it by <img>) but only as a
    download, sandboxed: opened as a page it would run its scripts in a browser without the CSP."""
    from moin.constants.keys import REVID

    body = "<html><script>window.__xss=1</script></html>\n"
    found: list[str] = []
    for name, contenttype in ACTIVE_UPLOADS.items():
        wiki.save(name, body, contenttype=contenttype)
        revid = wiki.run(lambda n=name: __import__("moin").flaskg.unprotected_storage[n].meta[REVID])
        paths = [f"/+get/{name}", f"/+download/{name}", f"/+get/+{revid}/{name}", f"/+download/+{revid}/{name}"]
        paths += [f"/+get/{name}?mimetype=text/html", f"/+download/{name}?mimetype=application/javascript"]
        paths += [f"/+dom/{name}", f"/+dom/+{revid}/{name}"]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            served = response.headers["Content-Type"].lower()
            if served.startswith("image/svg+xml") and not path.startswith("/+dom/"):
                # an SVG keeps its type for <img> (no script runs there), but opened it downloads, sandboxed
                if not response.headers.get("Content-Disposition", "").startswith("attachment"):
                    found.append(f"{path}: SVG affiché comme page")
                if "sandbox" not in response.headers.get("Content-Security-Policy", ""):
                    found.append(f"{path}: SVG sans bac à sable")
            elif any(kind in served for kind in SCRIPT_OR_DOCUMENT):
                found.append(f"{path}: {served}")
            if response.headers.get("X-Content-Type-Options") != "nosniff":
                found.append(f"{path}: sans nosniff")
    assert found == [], "\n".join(found)


def test_moins_query_parser_runs_no_visitors_regular_expression(wiki: Any, client: Any) -> None:
    """moin's search and tickets parse ``r"…"`` as a regular expression run on every indexed word: ``(a+)+b``
    against one long word took seconds a request (exponential), for anyone, by a POST."""
    wiki.save("Mot", "a" * 24 + "\n")
    for path, form in [
        ("/+search", {"q": 'r"(a+)+b"'}),
        ("/+search", {"q": 'r"(a+)+b"', "boolajax": "true"}),
        ("/+tickets", {"q": 'r"(a+)+b"', "status": "all"}),
    ]:
        start = time.monotonic()
        response = client.post(path, data=form)
        assert response.status_code < 500, path
        assert time.monotonic() - start < 1.5, (path, form)


def test_bookmark_by_get_changes_nothing(wiki: Any, client: Any) -> None:
    wiki.create_user("Alice")
    login(client, "Alice")

    def bookmark() -> Any:
        return moin_user.User(auth_username="Alice").bookmark

    response = client.get("/+bookmark?time=12345")
    assert response.status_code == 200 and 'method="post"' in response.get_data(as_text=True)
    assert wiki.run(bookmark) is None
    assert client.post("/+bookmark?time=12345").status_code == 302
    assert wiki.run(bookmark) == 12345


def test_other_invisible_characters_are_refused_in_names(wiki: Any, client: Any) -> None:
    """Beyond the issue's examples: the Arabic letter mark (bidi), line separators, fillers and Unicode tags."""
    wiki.create_user("Alice")
    wiki.save("Accueil", "Bienvenue.\n")
    login(client, "Alice")
    for bad in ["Nom\u061cArabe", "Ligne\u2028Sep", "Rempli\u3164", "Etiq\U000e0041", "Mongol\u180e", "Cgj\u034fx"]:
        assert modify(client, bad, "x\n").status_code == 400, repr(bad)
        assert client.post("/+rename/Accueil", data={"target": bad, "comment": "", "submit": "1"}).status_code == 400
    assert modify(client, "Café crème", "x\n").status_code == 302


def test_uploaded_svg_and_html_run_nothing_in_chromium_without_csp(wiki: Any, app: Any) -> None:
    """The corpus's SVG and an HTML page, uploaded: the SVG shows as an image in a page, and opening either raw
    file downloads it, in a browser with the CSP switched off (the safety net gone, the serving alone holds)."""
    from tests.browser import browser_page, served
    from tests.hostile import OUTSIDE_SVG_FILES

    wiki.save("dessin.svg", OUTSIDE_SVG_FILES[1], contenttype="image/svg+xml")
    wiki.save("page.html", "<script>window.__xss=1; alert(1)</script>\n", contenttype="text/html;charset=utf-8")
    wiki.save("Montre", "{{dessin.svg}}\n")
    with served(app) as base, browser_page() as (page, _requested):
        context = page.context.browser.new_context(bypass_csp=True, accept_downloads=True)
        tab = context.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.goto(base + "/Montre", wait_until="networkidle")
        assert tab.evaluate("() => [...document.images].some(i => i.src.includes('dessin.svg') && i.naturalWidth > 0)")
        assert tab.evaluate("() => window.__xss === undefined")
        for raw in ("/+get/dessin.svg", "/+get/page.html", "/+download/dessin.svg"):
            with tab.expect_download() as download:
                try:
                    tab.goto(base + raw)
                except Exception as exc:  # noqa: BLE001  (Playwright: « Download is starting », as expected)
                    assert "Download is starting" in str(exc), exc
            assert download.value.suggested_filename, raw
            assert tab.evaluate("() => window.__xss === undefined"), raw
        assert dialogs == []
        context.close()


def test_an_unknown_revision_is_a_french_404_in_every_revision_view(wiki: Any, client: Any) -> None:
    """moin answered 500 (``ValueError: … is not in list``) for /+show, /+meta and /+highlight of a bad revision."""
    wiki.save("Pub", "x\n")
    for view in ("show", "meta", "highlight"):
        for rev in ("abc", "0" * 32):
            response = client.get(f"/+{view}/+{rev}/Pub")
            assert response.status_code == 404, (view, rev)
            assert "Révision introuvable" in response.get_data(as_text=True)
    assert client.get("/+meta/Pub").status_code == 200


def test_markdown_details_of_every_shape_are_shown(wiki: Any, client: Any) -> None:
    """Nested <details> lost their whole content in moin's markdown_in (no crash, nothing shown)."""
    from tests.helpers import content

    cases = {
        "Imbrique": "<details><summary>A</summary>\n\n<details><summary>B</summary>\n\nCorpsB\n\n</details>\n\n</details>\n",
        "Ligne": "<details><summary>Titre</summary>CorpsLigne</details>\n",
        "Ouvert": "<details open>\n<summary>Titre</summary>\n\nCorpsOuvert\n\n</details>\n",
        "SansResume": "<details>\n\nCorpsSeul\n\n</details>\n",
        "NonFerme": "<details><summary>X</summary>\n\nCorpsX\n",
    }
    for name, text in cases.items():
        wiki.save(f"Md{name}", text, contenttype=MARKDOWN)
        shown = content(client, f"/Md{name}")
        body = text.split("Corps")[1].split("\n")[0].split("<")[0]
        assert "Corps" + body in shown, name


def test_uploads_refuse_invisible_names_and_a_malformed_upload_is_a_french_400(wiki: Any, client: Any) -> None:
    import io

    wiki.create_user("Alice")
    wiki.save("Accueil", "Bienvenue.\n")
    login(client, "Alice")

    def upload(filename: str, field: str = "file_storage") -> Any:
        data = {field: (io.BytesIO(b"bonjour\n"), filename)}
        return client.post("/+jfu-server/Accueil", data=data, content_type="multipart/form-data")

    for bad in ["Fac\u202etxt.exe", "Arabe\u061c.txt", "Zero\u200b.txt"]:
        refused = upload(bad)
        assert refused.status_code == 400 and "Nom refusé" in refused.get_data(as_text=True), repr(bad)
    assert upload("bon.txt").status_code == 200
    malformed = upload("bon2.txt", field="autre")  # moin read a missing file field: AttributeError, a 500
    assert malformed.status_code == 400 and 'lang="fr"' in malformed.get_data(as_text=True)
