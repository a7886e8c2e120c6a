"""Hostile input, served: every XSS payload of tests/hostile.py through every field of every page type, every
macro argument, page names, the CSV bulk import and our forms, checked in the HTML served and in Chromium.

The wiki is built once for the module (hundreds of pages): a module-scoped app on memory stores, like the
``app`` fixture, filled with the project's own batched writer (the one the bulk import uses).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from plugins.data import registry
from plugins.data.schema import Group, Links, ListOf, Position, Resources, TextList
from tests.browser import browser_page, served
from tests.conftest import make_app
from tests.helpers import login
from tests.hostile import PAYLOADS, dangers, macro_value, text_of

TYPES = ["fiche", "chaine", "lieu", "dispositif", "position", "evenement", "interpellation", "argument", "amendement"]

#: every argument of every macro of ours (from their manuals in macros/*.py)
MACRO_ARGUMENTS: dict[str, list[str]] = {
    "Agenda": ["categorie", "theme", "lieu", "commune", "periode", "limite"],
    "Carte": ["type", "taille", "categorie", "commune", "pratique", "limite"],
    "Chaine": ["nom"],
    "Chaines": ["nom"],
    "ChainesFiche": ["chaines"],
    "Champs": ["type"],
    "Classeur": ["secteur", "commune", "theme", "forme", "tri", "ordre", "limite"],
    "Derniers": ["type", "limite"],
    "Dispositifs": ["porteur", "echelle", "groupe", "annee", "tri", "ordre", "limite"],
    "EtatPosition": ["groupe"],
    "Fiche": ["page"],
    "Mutualisation": ["genre", "commune", "secteur", "limite"],
    "MutualisationFiche": ["offres", "besoins"],
    "Positions": ["groupe", "statut", "tri", "ordre", "limite"],
    "PositionsCitant": ["nom"],
    "RelationsFiche": ["chaines"],
    "Reseau": ["secteur", "commune"],
    "QuandEvenement": ["debut", "fin", "repetition", "jusqu_au", "lieu"],
    "VerifierPage": ["page", "role"],
    "Arguments": ["page", "titre"],
    "Amendements": ["titre"],
    "ParcoursPosition": ["statut", "adoption", "titre"],
    "EtatInterpellation": ["envoi", "relances", "reponse"],
    "InterpellationsLiees": ["cle", "titre"],
    "Interpellations": ["destinataire", "statut", "annee", "groupe", "delai"],
}


def hostile_value(field: Any, payload: str) -> Any:
    """The payload in the shape a field takes (so that it reaches the field's cleaning and rendering)."""
    if isinstance(field, Position):
        return {"lat": payload, "lon": payload}
    if isinstance(field, Group):
        return {key: payload for key in field.fields}
    if isinstance(field, Resources):  # plain lines and entries: both reach the card and the matching
        return [payload, {"genre": "local", "description": payload, "commune": "Nantes"}]
    if isinstance(field, ListOf):
        return [{key: payload for key in field.fields}]
    if isinstance(field, Links):
        return [payload, {"nom": payload, "description": payload}]
    if isinstance(field, TextList):
        return [payload, "valeur sûre"]
    return payload


def hostile_page(type_name: str, payload: str) -> str:
    page_type = registry.get(type_name)
    data = {"type": type_name, **{f.key: hostile_value(f, payload) for f in page_type.fields}}
    block = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{block}---\nTexte libre : {payload}\n"


def page_name(type_name: str, i: int) -> str:
    return f"Hostile/{type_name}/{i:02d}"


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from moin.app import destroy_app

    from plugins.operations.pages import store_pages_batched

    app = make_app(tmp_path_factory.mktemp("hostile"))
    pages = [(page_name(t, i), hostile_page(t, p)) for t in TYPES for i, p in enumerate(PAYLOADS)]
    # a valid chain and venue, so that macros that look pages up find something to show
    pages.append(("Chaines/Sure", "---\ntype: chaine\nnom: Sûre\nmaillons: [a, b]\n---\n"))
    for macro, arguments in MACRO_ARGUMENTS.items():
        for argument in arguments:
            calls = "\n\n".join(f'<<{macro}({argument}="{macro_value(p)}")>>' for p in PAYLOADS)
            pages.append((f"Macros/{macro}/{argument}", calls + "\n"))
    positional = "\n\n".join(f"<<{macro}({p.replace(')>>', '')})>>" for macro in MACRO_ARGUMENTS for p in PAYLOADS[:8])
    pages.append(("Macros/positionnels", positional + "\n"))
    pages.append(("Macros/noms", "\n\n".join(f'<<Classeur({macro_value(p)}="1")>>' for p in PAYLOADS[:20]) + "\n"))
    named = [p for p in PAYLOADS if "/" not in p and "\n" not in p and p.strip() == p and not p.startswith("+")]
    pages += [(f"Nom {p}", "---\ntype: fiche\nnom: Nom hostile\n---\n") for p in named]
    pages.append(("Listes", "<<Classeur(limite=500)>>\n\n<<Derniers(type=\"fiche\", limite=100)>>\n\n<<Chaines>>\n"))
    pages.append(("Listes/Autres", "<<Positions(limite=500)>>\n\n<<Dispositifs(limite=500)>>\n\n<<Agenda(periode=\"passés\")>>\n"))
    pages.append(("Listes/Mutualisation", "<<Mutualisation(limite=500)>>\n\n<<Reseau>>\n"))
    with app.app_context():
        store_pages_batched(app, pages, "pages hostiles")
    app.hostile_names = named
    try:
        yield app
    finally:
        destroy_app(app)


@pytest.fixture(scope="module")
def hostile_client(hostile_app: Any) -> Iterator[Any]:
    with hostile_app.test_client() as client:
        yield client


#: payloads whose shown text the wiki rewrites, because they carry a URL a browser would run
EXECUTABLE_URL = re.compile(r"(javascript|data):", re.IGNORECASE)


def get_html(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code in (200, 400, 404), (path, response.status_code)
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    return html


@pytest.mark.parametrize("type_name", TYPES)
def test_every_payload_in_every_field_is_escaped(type_name: str, hostile_client: Any) -> None:
    title = registry.get(type_name).title_field
    for i, payload in enumerate(PAYLOADS):
        html = get_html(hostile_client, "/" + page_name(type_name, i))
        assert not dangers(html), (payload, dangers(html))
        shown = text_of(html)
        # every field holds the payload: the page says its data must be corrected
        assert "Données à corriger" in shown, (title, payload)
        # and shows it as text, escaped (an executable URL is defused even there: plugins/web/moin_guards.py)
        if not EXECUTABLE_URL.search(payload):
            assert payload.strip() in shown, (title, payload)


def test_payloads_are_listed_escaped(hostile_client: Any) -> None:
    for path in ("/Listes", "/Listes/Autres", "/Listes/Mutualisation", "/Chaines/Sure", "/+index/Hostile", "/+recherche?q=script"):
        html = get_html(hostile_client, path)
        assert not dangers(html), (path, dangers(html))
    # the binder lists the hostile fiches by their names, as text
    shown = text_of(get_html(hostile_client, "/Listes"))
    assert PAYLOADS[0] in shown and PAYLOADS[30] in shown


def test_hostile_offers_and_needs_give_well_formed_feed_drawing_and_graphml(hostile_client: Any) -> None:
    import xml.etree.ElementTree as ET

    for path in ("/+mutualisation.atom", "/+reseau.svg", "/+reseau.graphml"):
        response = hostile_client.get(path)
        assert response.status_code == 200, path
        ET.fromstring(response.get_data())  # parsed by a real XML parser: no payload breaks out of the markup
    feed = hostile_client.get("/+mutualisation.atom").get_data(as_text=True)
    assert "<script" not in feed and len(ET.fromstring(feed.encode()).findall("{http://www.w3.org/2005/Atom}entry")) > 10


def test_payloads_in_query_strings_are_escaped(hostile_client: Any) -> None:
    for i, payload in enumerate(PAYLOADS):
        q = quote(payload)
        paths = [f"/+recherche?q={q}", f"/+recherche?{q}=1"]
        if i % 4 == 0:  # a listing page is slower: one payload in four there
            paths += [f"/Listes?secteur={q}&tri={q}", f"/Listes?ordre={q}"]
        for path in paths:
            html = get_html(hostile_client, path)
            assert not dangers(html), (path, dangers(html))
        for path in (
            f"/+donnees/fiche.csv?commune={q}",
            f"/+donnees/maillons.svg?chaine={q}",
            f"/+carte/lieu?commune={q}",
            f"/+mutualisation.atom?secteur={q}",
            f"/+reseau.svg?secteur={q}",
        ):
            response = hostile_client.get(path)
            if response.mimetype == "text/html":  # other types are data a browser does not run as a page
                assert not dangers(response.get_data(as_text=True)), path


@pytest.mark.parametrize("macro", sorted(MACRO_ARGUMENTS))
def test_every_payload_in_every_macro_argument_is_escaped(macro: str, hostile_client: Any) -> None:
    for argument in MACRO_ARGUMENTS[macro]:
        html = get_html(hostile_client, f"/Macros/{macro}/{argument}")
        assert not dangers(html), (argument, dangers(html))
    for path in ("/Macros/positionnels", "/Macros/noms"):
        html = get_html(hostile_client, path)
        assert not dangers(html), dangers(html)


def test_hostile_page_names_are_escaped(hostile_app: Any, hostile_client: Any) -> None:
    assert len(hostile_app.hostile_names) >= 25
    for name in hostile_app.hostile_names:
        for path in (f"/{quote(name)}", f"/+history/{quote(name)}", f"/+meta/{quote(name)}"):
            html = get_html(hostile_client, path)
            assert not dangers(html), (path, dangers(html))
    html = get_html(hostile_client, "/+index/")
    assert not dangers(html)
    assert hostile_app.hostile_names[0] in text_of(html)


def test_csv_bulk_import_of_payloads_is_escaped(wiki: Any, client: Any, app: Any, tmp_path: Any) -> None:
    from plugins.data.flat import EXTRA_COLUMNS
    from plugins.data.flat import columns as flat_columns
    from plugins.operations import bulk

    columns = [c for c in flat_columns(registry.get("fiche")) if c != "nom"]
    columns = ["nom", *columns, *[c for c in EXTRA_COLUMNS if c != "page"]]
    path = tmp_path / "hostile.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(columns)
        for i, payload in enumerate(PAYLOADS):
            writer.writerow([f"Import {i}" if c == "nom" else payload for c in columns])
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.read_csv(str(path), "Initiatives/")
    assert "ligne 2" in str(refused.value)  # hostile values are refused with their line, nothing is written
    # the same payloads in the free columns the import accepts as they are (names, text, lists)
    PAIRS = ("parcours", "chaines")  # entries of two sub-fields: « a : b »
    free = ["page", "nom", "porteurs", "secteurs", "themes", "resume", "adresse", "offres", "besoins", "texte", *PAIRS]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(free)
        for i, payload in enumerate(PAYLOADS):
            cell = payload.replace(";", ",").replace("\n", " ")
            writer.writerow(
                [f"Initiatives/Import {i}" if c == "page" else f"2001 : {cell}" if c in PAIRS else cell for c in free]
            )
    pages = bulk.read_csv(str(path), "Initiatives/")
    with app.app_context():
        names = bulk.import_fiches(app, pages)
    assert len(names) == len(PAYLOADS)
    wiki.save("Classeur", "<<Classeur(limite=500)>>\n")
    for path_ in ["/Classeur", *[f"/{name}" for name in names[:: max(1, len(names) // 25)]]]:
        html = get_html(client, quote(path_))
        assert not dangers(html), (path_, dangers(html))


def form_token(client: Any, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_payloads_through_our_forms_are_escaped(wiki: Any, client: Any, app: Any) -> None:
    from moin.app import before_wiki

    from plugins.operations.groupes import create_group
    from tests.helpers import form_values

    wiki.create_user("Alice")
    with app.app_context():
        before_wiki()
        create_group(app, "Culture", ["Alice"])
    login(client, "Alice")
    token = form_token(client, "/+nouvelle/fiche")
    fiche_inputs = [k for k in form_values(client.get("/+nouvelle/fiche").get_data(as_text=True)) if k != "csrf_token"]
    position_inputs = [
        k for k in form_values(client.get("/+nouvelle/position?groupe=Culture").get_data(as_text=True)) if k != "csrf_token"
    ]
    created = refused = 0
    for i, payload in enumerate(PAYLOADS):
        values = {column: payload for column in fiche_inputs}
        response = client.post("/+nouvelle/fiche", data={**values, "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code in (302, 422), (payload, response.status_code)
        assert not dangers(html), (payload, dangers(html))
        # the values the member typed come back in the form, as text
        if response.status_code == 422:
            refused += 1
            returned = form_values(html)
            assert returned["nom"].strip() == payload.strip(), (payload, returned["nom"])
            assert returned["resume"].strip() == payload.strip(), (payload, returned["resume"])
        if i % 3:
            continue  # creating pages is slower: one payload in three is saved and shown (in all fields above)
        # a name the wiki accepts, with hostile free text: the page is created and shown escaped
        safe = {"nom": f"Formulaire {i}", "resume": payload, "texte": payload, "porteurs.0": payload}
        response = client.post("/+nouvelle/fiche", data={**safe, "csrf_token": token})
        if response.status_code == 302:
            created += 1
            html = client.get(response.headers["Location"]).get_data(as_text=True)
            assert not dangers(html), (payload, dangers(html))
        values = {column: payload for column in position_inputs}
        response = client.post(
            "/+nouvelle/position?groupe=Culture", data={**values, "groupe": "Culture", "csrf_token": token}
        )
        assert response.status_code in (302, 422, 404, 403), response.status_code
        assert not dangers(response.get_data(as_text=True)), payload
    assert created >= len(PAYLOADS) // 3 - 2
    assert refused >= len(PAYLOADS) // 2  # a hostile value in every field is mostly refused, and given back
    # a hostile group name in the query string of the position form
    for payload in PAYLOADS:
        html = client.get(f"/+nouvelle/position?groupe={quote(payload)}").get_data(as_text=True)
        assert not dangers(html), payload


def test_no_payload_runs_in_chromium(hostile_app: Any) -> None:
    """Hostile pages loaded in Chromium with the CSP switched off: our escaping alone must hold.

    The HTML of every page is checked above by parsing; the browser loads each payload once (in one of the six
    types, in turn) and pages of calls of the macros that show their arguments back, as served.
    """
    paths = [f"/{page_name(t, i)}" for n, t in enumerate(TYPES) for i in range(n, len(PAYLOADS), 6)]
    browsed = ("Classeur", "Fiche", "Chaine", "VerifierPage", "QuandEvenement", "EtatPosition", "Champs")
    paths += [f"/Macros/{m}/{MACRO_ARGUMENTS[m][0]}" for m in browsed]
    paths += ["/Macros/noms", "/Macros/positionnels", "/+index/"]
    with served(hostile_app) as base, browser_page() as (page, _requested):
        # a context without CSP, to test the escaping and not the safety net
        context = page.context.browser.new_context(bypass_csp=True)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in paths:
            page.goto(base + quote(path), wait_until="load")
            ran = page.evaluate("() => [window.__xss === undefined, document.title]")
            assert ran[0], f"un script a tourné sur {path}"
            assert "XSS" not in ran[1], (path, ran[1])
        assert not dialogs, dialogs
        context.close()


def test_every_payload_through_moins_own_views(app: Any, wiki: Any) -> None:
    """Our payloads and the outside corpus (tests/hostile.py) in tags, comments, texts and names, through moin's
    own views: /+search with tags, /+meta, /+history, /+diff, /+index, /+tags, /+feed/atom, /+lookup, /+get."""
    from plugins.operations.accounts import make_admin
    from plugins.operations.pages import store_page
    from tests.hostile import ALL_PAYLOADS, OUTSIDE_SVG_FILES

    with app.app_context():
        make_admin(app, "Admin", "admin@exemple.org", "motdepasse-solide-2026")
        for i, payload in enumerate(ALL_PAYLOADS):
            name = f"Hostile/{i}"
            markup = "text/x-markdown;charset=utf-8" if i % 2 else "text/x.moin.wiki;charset=utf-8"
            text = f"motcommun {payload}\n"
            store_page(app, name, text, payload[:300], contenttype=markup, tags=[payload[:80]])
            if i % 5 == 0:
                store_page(app, name, text + payload + "\n", payload[:300], contenttype=markup, tags=[payload[:80]])
        for payload in (p for p in ALL_PAYLOADS if "/" not in p and "\n" not in p and p.strip() == p):
            if not p_valid_name(payload):
                continue
            store_page(app, f"Nom {payload}", "motcommun\n", "nom hostile")
    views = ["/+search?q=motcommun", "/+index/Hostile", "/+tags", "/+history", "/+feed/atom", "/all", "/+index/"]
    views += [f"/+meta/Hostile/{i}" for i in range(len(ALL_PAYLOADS))]  # (comments: in /+history above)
    views += [f"/+diff/Hostile/{i}" for i in range(0, len(ALL_PAYLOADS), 5)]
    views += [f"/Hostile/{i}" for i in range(len(ALL_PAYLOADS))]
    found: list[str] = []
    with app.test_client() as client:
        login(client, "Admin")  # the admin sees everything, /+lookup included
        views.append("/+lookup?name_exact=Hostile")
        for path in views:
            response = client.get(path)
            assert response.status_code < 500, path
            body = response.get_data(as_text=True)
            if response.mimetype == "text/html":
                found += [f"{path}: {d}" for d in dangers(body)]
            elif "xml" in response.mimetype:  # the feed carries escaped HTML: check it as a reader's client shows it
                import html as html_module

                for entry in re.findall(r"<content[^>]*>(.*?)</content>", body, re.S):
                    found += [f"{path}: {d}" for d in dangers(html_module.unescape(entry))]
        for i in range(0, len(ALL_PAYLOADS), 7):
            raw = client.get(f"/+get/Hostile/{i}")
            assert raw.mimetype == "text/plain" and raw.headers["X-Content-Type-Options"] == "nosniff"
        # the corpus's SVG files, uploaded: shown by <img> in a page, downloaded (sandboxed) when opened
        for n, svg in enumerate(OUTSIDE_SVG_FILES):
            with app.app_context():
                store_page(app, f"Hostile/image{n}.svg", svg, "svg", contenttype="image/svg+xml")
                store_page(app, f"Hostile/Montre{n}", f"{{{{Hostile/image{n}.svg}}}}\n", "img")
            raw = client.get(f"/+get/Hostile/image{n}.svg")
            assert raw.headers["Content-Disposition"].startswith("attachment")
            assert "sandbox" in raw.headers["Content-Security-Policy"]
            shown = client.get(f"/Hostile/Montre{n}").get_data(as_text=True)
            assert f'<img alt="Hostile/image{n}.svg" src="/+get/+' in shown
            found += [f"/Hostile/Montre{n}: {d}" for d in dangers(shown)]
    assert found == [], "\n".join(found[:40])


def p_valid_name(name: str) -> bool:
    from plugins.data.flat import page_name_problem

    return page_name_problem(name) is None and not name.startswith(("+", "."))
