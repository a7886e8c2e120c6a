"""plugins/web/security.py: headers and CSP (checked in Chromium), CSRF, ?regex=, failed logins, registration."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser import browser_page, served
from tests.helpers import content, fiche, login, modify

PAGES = ["/Accueil", "/+modify/Accueil", "/+history/Accueil", "/+login", "/+nouvelle/fiche", "/+recherche?q=x"]


def test_every_html_page_has_the_security_headers(wiki: Any, client: Any) -> None:
    wiki.save("Accueil", "Bienvenue.\n")
    wiki.create_user("Alice")
    for path in [*PAGES, "/+index/", "/Inexistante"]:
        response = client.get(path)
        csp = response.headers.get("Content-Security-Policy", "")
        scripts = csp.split("script-src ")[1].split(";")[0].split()
        assert scripts[:4] == ["localhost/static/", "localhost/+serve/", "localhost/+template/dictionary.js", "localhost/_themes/"], path
        assert "'self'" not in scripts and "'unsafe-inline'" not in scripts, path
        assert "frame-ancestors 'self'" in csp and "object-src" in csp and "base-uri 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_map_document_keeps_its_own_stricter_policy(wiki: Any, client: Any) -> None:
    wiki.save("Lieux/Bar", "---\ntype: lieu\nnom: Bar\ncommune: Nantes\n---\n")
    csp = client.get("/+carte/lieu").headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'") and "tile.openstreetmap.org" in csp and "frame-ancestors 'self'" in csp


def test_raw_svg_is_sandboxed(wiki: Any, client: Any) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>window.__xss=1</script></svg>'
    wiki.save("Image.svg", svg, contenttype="image/svg+xml")
    response = client.get("/+get/Image.svg")
    assert response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none': no script


def collect_violations(page: Any) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "(window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    return violations


def test_main_pages_work_under_the_csp_in_chromium(wiki: Any, app: Any) -> None:
    """View, edit (and save through the form), history, diff, login, our forms, a map: no CSP violation."""
    wiki.create_user("Alice")
    wiki.save("Accueil", "Bienvenue.\n")
    wiki.save("Accueil", "Bienvenue aux Écossolies.\n")
    wiki.save("Lieux/Bar", "---\ntype: lieu\nnom: Bar du Coin\ncommune: Nantes\n---\n")
    wiki.save("Carte", '<<Carte(type="lieu")>>\n')
    with served(app) as base, browser_page() as (page, _requested):
        violations = collect_violations(page)
        page.goto(base + "/+login")
        page.fill("input[name=login_username]", "Alice")
        page.fill("input[name=login_password]", "motdepasse-solide-2026")
        with page.expect_navigation():
            page.press("input[name=login_password]", "Enter")
        for path in ["/Accueil", "/+history/Accueil", "/+diff/Accueil", "/+nouvelle/fiche", "/+recherche?q=bar", "/Carte"]:
            page.goto(base + path, wait_until="load")
            assert not page.evaluate("() => window.__violations || []"), (path, violations)
        page.wait_for_timeout(500)  # the map frame draws
        frame = page.frame_locator("iframe.eco-carte-frame")
        assert frame.locator(".leaflet-container").count() == 1  # the same-origin map frame still works
        page.goto(base + "/+modify/Accueil?contenttype=text%2Fx.moin.wiki%3Bcharset%3Dutf-8&itemtype=default")
        page.fill("textarea[name=content_form_data_text]", "Aperçu du texte.")
        with page.expect_navigation():  # the preview button runs moin's inline handler (allowed by its hash)
            page.click("#moin-preview-text-button")
        assert "Aperçu du texte." in page.content()
        page.fill("textarea[name=content_form_data_text]", "Texte enregistré par le formulaire.")
        with page.expect_navigation():
            page.click("#moin-save-text-button")
        assert "Texte enregistré par le formulaire." in page.content()
        assert not page.evaluate("() => window.__violations || []")
        assert not violations, violations


def test_inline_script_in_a_page_is_blocked_by_the_csp(wiki: Any, app: Any) -> None:
    """The safety net: were a script ever to slip into a page, the CSP stops it (and says so)."""
    wiki.save("Accueil", "Bienvenue.\n")
    with served(app) as base, browser_page() as (page, _requested):
        collect_violations(page)

        def inject(route: Any) -> None:
            response = route.fetch()
            body = response.text().replace("</body>", "<script>window.__xss=1</script><img src=x onerror=window.__xss=2></body>")
            route.fulfill(response=response, body=body)

        page.route("**/Accueil", inject)
        page.goto(base + "/Accueil", wait_until="load")
        assert page.evaluate("() => window.__xss") is None
        assert page.evaluate("() => (window.__violations || []).length") >= 1


# --- CSRF ---------------------------------------------------------------------------------------------------------


def test_moin_edit_form_refuses_a_post_from_another_site(wiki: Any, client: Any, app: Any) -> None:
    wiki.create_user("Alice")
    wiki.save("Cible", "Texte d'origine.\n")
    login(client, "Alice")
    from urllib.parse import quote

    url = f"/+modify/Cible?contenttype={quote('text/x.moin.wiki;charset=utf-8')}&itemtype=default&template="
    form = {"content_form_data_text": "Piraté", "comment": "", "meta_form_acl": "None", "meta_form_name": "Cible"}
    foreign = (
        {"Origin": "https://pirate.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost.pirate.example"},
        {"Origin": "http://localhost:8081"},
        {"Referer": "https://pirate.example/x"},
    )
    for headers in foreign:
        response = client.post(url, data=form, headers=headers)
        assert response.status_code == 403 and "autre site" in response.get_data(as_text=True), headers
    assert "Texte d'origine." in client.get("/+get/Cible").get_data(as_text=True)
    response = client.post(url, data={**form, "content_form_data_text": "Modifié ici"}, headers={"Origin": "http://localhost"})
    assert response.status_code == 302
    # behind a proxy that ends TLS, the browser's https origin names the same host
    response = client.post(url, data={**form, "content_form_data_text": "Modifié ici"}, headers={"Origin": "https://localhost"})
    assert response.status_code in (200, 302)
    assert "Modifié ici" in client.get("/+get/Cible").get_data(as_text=True)


def form_token(client: Any, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("token", [None, "faux-jeton"])
def test_our_forms_refuse_a_missing_or_wrong_token(token: str | None, wiki: Any, client: Any, app: Any) -> None:
    from moin.app import before_wiki

    from plugins.operations.groupes import create_group

    wiki.create_user("Alice")
    with app.app_context():
        before_wiki()
        create_group(app, "Culture", ["Alice"])
    wiki.save("GroupesDeTravail/Culture/Brouillon", "---\ntype: position\ntitre: Brouillon\ngroupe: Culture\n---\n",
              acl="CultureGroup:read,write AdminGroup:read,write,admin All:")
    login(client, "Alice")
    form_token(client, "/+nouvelle/fiche")  # a real token exists in the session
    extra = {} if token is None else {"csrf_token": token}
    assert client.post("/+nouvelle/fiche", data={"nom": "Intruse", **extra}).status_code == 400
    response = client.post("/+nouvelle/position", data={"groupe": "Culture", "titre": "Intruse", **extra})
    assert response.status_code == 400
    response = client.post("/+position/publier", data={"page": "GroupesDeTravail/Culture/Brouillon", **extra})
    assert response.status_code == 400
    with app.app_context():
        assert not app.storage.has_item("Initiatives/Intruse")
        assert not app.storage.has_item("GroupesDeTravail/Culture/Intruse")
    assert "All:read" not in client.get("/+meta/GroupesDeTravail/Culture/Brouillon").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(wiki: Any, client: Any) -> None:
    import wikiconfig

    assert wikiconfig.SESSION_COOKIE_HTTPONLY and wikiconfig.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    wiki.create_user("Alice")
    response = client.post(
        "/+login", data={"login_username": "Alice", "login_password": "motdepasse-solide-2026", "login_submit": "1"}
    )
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie


# --- ?regex= ----------------------------------------------------------------------------------------------------------


def test_regex_argument_is_literal_and_bounded(wiki: Any, client: Any) -> None:
    wiki.save("Texte", "Un texte avec aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! et le mot compost.\n")
    start = time.perf_counter()
    response = client.get("/Texte?regex=(a%2B)%2B%24")  # (a+)+$ : catastrophic backtracking if compiled
    assert response.status_code == 200 and time.perf_counter() - start < 5
    html = content(client, "/Texte?regex=compost")
    assert "compost" in html
    response = client.get("/Texte?regex=" + "a" * 500)
    assert response.status_code == 400 and "trop long" in response.get_data(as_text=True)


# --- failed logins ------------------------------------------------------------------------------------------------


def try_login(client: Any, name: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        "/+login",
        data={"login_username": name, "login_password": password, "login_submit": "1"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_sixth_failed_login_on_an_account_is_refused_with_429(wiki: Any, client: Any) -> None:
    wiki.create_user("Alice")
    for i in range(5):
        response = try_login(client, "Alice", f"mauvais-{i}", ip=f"10.0.0.{i}")
        assert response.status_code == 200, i  # moin's form again, with its message
    response = try_login(client, "alice", "motdepasse-solide-2026", ip="10.0.0.99")
    assert response.status_code == 429 and "Trop de tentatives" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "300"
    assert "user.itemid" not in (client.get_cookie("session").value if client.get_cookie("session") else "")
    # another account from another address is not affected
    wiki.create_user("Bob")
    assert try_login(client, "Bob", "motdepasse-solide-2026", ip="10.0.1.1").status_code == 302


def test_failed_logins_past_the_address_limit_are_refused_and_a_success_resets_the_account(
    app: Any, wiki: Any, client: Any
) -> None:
    app.cfg.login_max_failures_per_address = 8
    wiki.create_user("Alice")
    for i in range(4):
        assert try_login(client, "Alice", "mauvais").status_code == 200, i
    assert try_login(client, "Alice", "motdepasse-solide-2026", ip="10.0.0.2").status_code == 302
    client.get("/+logout?logout_submit=1")
    for i in range(8):
        assert try_login(client, f"Inconnu{i}", "mauvais", ip="10.9.9.9").status_code == 200, i
    response = try_login(client, "Alice", "motdepasse-solide-2026", ip="10.9.9.9")
    assert response.status_code == 429
    # a login tried on any other URL (moin reads login_submit everywhere) is refused the same way
    response = client.post(
        "/Accueil",
        data={"login_username": "Alice", "login_password": "x", "login_submit": "1"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 429


def test_a_workshop_room_logs_in_together_from_one_address(app: Any, wiki: Any) -> None:
    """Twelve members behind one address (a training session) log in at the same moment: none is refused,
    although each attempt is counted in advance until its password is checked."""
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from tests.browser import served

    names = [f"Membre{i}" for i in range(12)]
    for name in names:
        wiki.create_user(name)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect())
    with served(app) as base:

        def attempt(name: str) -> int:
            body = {"login_username": name, "login_password": "motdepasse-solide-2026", "login_submit": "1"}
            try:
                with opener.open(base + "/+login", data=urllib.parse.urlencode(body).encode(), timeout=60) as answer:
                    return answer.status
            except urllib.error.HTTPError as exc:
                return exc.code

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(attempt, names))
    assert statuses == [302] * 12


def test_failed_logins_are_shared_between_workers(app: Any, tmp_path: Any) -> None:
    """Two processes (here: two stores on the same file) see the same count."""
    from plugins.web.security import LoginFailures

    first, second = LoginFailures(str(tmp_path / "c.sqlite")), LoginFailures(str(tmp_path / "c.sqlite"))
    first.record(["compte:alice"], 300)
    second.record(["compte:alice"], 300)
    assert first.count(["compte:alice", "adresse:x"], 300) == 2


# --- registration ---------------------------------------------------------------------------------------------------


def register(client: Any, name: str, answer: str | None) -> Any:
    data = {
        "register_username": name,
        "register_password1": "un mot de passe solide 2026",
        "register_password2": "un mot de passe solide 2026",
        "register_email": f"{name.lower()}@exemple.org",
        "register_submit": "1",
    }
    if answer is not None:
        data["eco_reponse"] = answer
    return client.post("/+register", data=data)


def test_registration_is_closed_by_default(client: Any) -> None:
    assert client.get("/+register").status_code == 404


def test_open_registration_asks_the_question_and_waits_for_approval(app: Any, client: Any, wiki: Any) -> None:
    from moin import user as moin_user

    app.cfg.registration_only_by_superuser = False
    html = client.get("/+register").get_data(as_text=True)
    assert app.cfg.registration_question in html.replace("&#39;", "'") and 'name="eco_reponse"' in html
    for answer in (None, "Paris"):
        response = register(client, "Robot", answer)
        assert response.status_code == 400 and "Réponse incorrecte" in response.get_data(as_text=True)
    assert not wiki.run(lambda: moin_user.User(auth_username="Robot").exists())
    response = register(client, "Camille", " NANTES ")
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Un administrateur doit le valider" in shown and "please log in" not in shown
    assert wiki.run(lambda: moin_user.User(auth_username="Camille").disabled)  # waits for an administrator
    response = try_login(client, "Camille", "un mot de passe solide 2026")
    assert response.status_code == 200  # not logged in: the account is disabled


def test_registration_without_approval_gives_a_working_account(app: Any, client: Any, wiki: Any) -> None:
    app.cfg.registration_only_by_superuser = False
    app.cfg.registration_approval = False
    assert register(client, "Dominique", "nantes").status_code == 302
    assert try_login(client, "Dominique", "un mot de passe solide 2026").status_code == 302


def test_fiche_helper_still_valid(wiki: Any, client: Any) -> None:
    """The guards leave ordinary use alone: a member saves through moin's form (no Origin: a program)."""
    wiki.create_user("Alice")
    login(client, "Alice")
    assert modify(client, "Initiatives/Ok", fiche("Ok")).status_code == 302


def test_a_restricted_page_named_by_a_field_looks_like_a_missing_one(wiki: Any, client: Any) -> None:
    """moin's has_item is not ACL-checked: our « page to check » message must not tell a restricted page exists."""
    wiki.save("Gestion/Secrète", "Réservé.\n", acl="AdminGroup:read,write All:")
    wiki.save("Lieux/A", "---\ntype: lieu\nnom: A\ngestionnaire: Gestion/Secrète\n---\n")
    wiki.save("Lieux/B", "---\ntype: lieu\nnom: B\ngestionnaire: Gestion/Absente\n---\n")
    shown_a = content(client, "/Lieux/A").replace("&#39;", "'")
    shown_b = content(client, "/Lieux/B").replace("&#39;", "'")
    assert "la page « Gestion/Secrète » n'existe pas (ou vous ne pouvez pas la lire)" in shown_a
    assert "la page « Gestion/Absente » n'existe pas (ou vous ne pouvez pas la lire)" in shown_b


def test_moin_upload_refuses_a_post_from_another_site(wiki: Any, client: Any, app: Any) -> None:
    import io

    wiki.create_user("Alice")
    wiki.save("Dossier", "Les fichiers.\n")
    login(client, "Alice")
    for origin, filename in (("https://pirate.example", "pirate.txt"), ("http://localhost", "local.txt")):
        response = client.post(
            "/+jfu-server/Dossier",
            data={"file_storage": (io.BytesIO(b"contenu"), filename)},
            content_type="multipart/form-data",
            headers={"Origin": origin},
        )
        assert response.status_code == (403 if "pirate" in origin else 200), origin
    with app.app_context():
        assert not app.storage.has_item("Dossier/pirate.txt")  # nothing from the other site
        assert app.storage.has_item("Dossier/local.txt")


def test_behind_a_proxy_each_visitor_is_counted_by_their_own_address(app: Any, wiki: Any, client: Any) -> None:
    app.cfg.proxies_in_front = 1
    app.cfg.login_max_failures_per_address = 5
    wiki.create_user("Alice")
    for i in range(5):
        response = client.post(
            "/+login",
            data={"login_username": f"Inconnu{i}", "login_password": "x", "login_submit": "1"},
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert response.status_code == 200
    blocked = {"X-Forwarded-For": "203.0.113.7"}
    other = {"X-Forwarded-For": "1.2.3.4, 198.51.100.9"}  # a forged first entry is ignored: the proxy's last counts
    data = {"login_username": "Alice", "login_password": "motdepasse-solide-2026", "login_submit": "1"}
    assert client.post("/+login", data=data, headers=blocked, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 429
    assert client.post("/+login", data=data, headers=other, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 302
