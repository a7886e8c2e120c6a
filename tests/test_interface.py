"""What a reader sees: French everywhere, the theme on a phone and a computer, keyboard, accessibility (axe)."""

from __future__ import annotations

import os
import re

import pytest

from plugins.operations.cli import SEED_DIR
from plugins.operations.seed import load_seed
from tests.browser import browser_page, served

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPTURES = os.path.join(ROOT, "artifacts", "captures")
FICHE = "/Initiatives/La Ressourcerie de l'Île"
MAIN_PAGES = [
    "/Accueil",
    "/Initiatives",
    FICHE,
    "/Lieux",
    "/Chaînes",
    "/Chaînes/La chaîne du libre",
    "/Écrire une page structurée",
    "/Dispositifs",
    "/Dispositifs/Pass Culture et Sport (exemple)",
    "/Positions",
    "/GroupesDeTravail/Culture",
    "/GroupesDeTravail/Culture/Pour un pass culture qui aille vers les jeunes (exemple)",
    "/Interpellations",
    "/Agenda",
    "/+recherche?q=jardin",
]

#: interface words of moin in English that must not reach a French reader
ENGLISH = [
    "Login",
    "Logout",
    "Show",
    "History",
    "Modify",
    "Download",
    "Subitems",
    "Settings",
    "Site Map",
    "Similar",
    "Markup",
    "Navigation",
    "Page Trail",
    "Item Views",
    "Search Query",
    "Powered",
    "modified",
    "Delete",
    "Rename",
    "Comments",
    "Transclusions",
    "Recent Changes",
    "Edit",
    "Index of",
    "Tags",
    "Highlight",
    "Subscribe",
    "Quicklink",
    "Add Link",
    "Meta",
]


@pytest.fixture
def seeded(app):
    with app.app_context():
        load_seed(app, SEED_DIR)
    return app


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<[^>]+\b(title|placeholder|aria-label|alt|value)="([^"]*)"', r" \2 <", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_no_english_interface_word_on_french_main_pages(seeded, client, wiki, path):
    from tests.helpers import login

    for logged_in in (False, True):
        if logged_in:
            wiki.create_user("Lectrice")
            login(client, "Lectrice")
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="fr">' in html
        text = visible_text(html)
        found = [w for w in ENGLISH if re.search(rf"(?<![\w/+-]){re.escape(w)}(?![\w-])", text)]
        assert not found, (path, logged_in, found)


def test_english_stays_available_to_who_chooses_it(seeded, wiki, client):
    from moin import user as moin_user

    from tests.helpers import login

    wiki.create_user("Alice")

    def choose_english() -> None:
        u = moin_user.User(auth_username="Alice")
        u.profile["locale"] = "en"
        u.save(force=True)

    wiki.run(choose_english)
    login(client, "Alice")
    html = client.get("/Accueil").get_data(as_text=True)
    assert '<html lang="en">' in html and "Logout" in html


def test_pages_on_phone_and_computer_keyboard_and_accessibility(seeded, wiki, app):
    from axe_playwright_python.sync_playwright import Axe

    wiki.create_user("Alice")
    os.makedirs(CAPTURES, exist_ok=True)
    problems = []
    with served(app) as base:
        for width in (360, 1280):
            with browser_page(width=width, height=900) as (page, _requested):
                page.goto(base + "/+login")
                page.fill("input[name=login_username]", "Alice")
                page.fill("input[name=login_password]", "motdepasse-solide-2026")
                page.click("form[action$='/+login'] [type=submit]")
                for name, path in (
                    ("accueil", "/Accueil"),
                    ("fiche", FICHE),
                    ("carte", "/Lieux"),
                    ("modification", "/+modify" + FICHE),
                    ("recherche", "/+recherche?q=jardin"),
                ):
                    page.goto(base + path)
                    page.wait_for_load_state("load")
                    page.screenshot(path=os.path.join(CAPTURES, f"{name}-{width}.png"), full_page=True)
                    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                    if overflow > 2:
                        problems.append(f"{name} à {width} px : défilement horizontal de {overflow} px")
                    results = Axe().run(page)
                    for violation in results.response["violations"]:
                        if violation["impact"] in ("serious", "critical"):
                            targets = [n["target"] for n in violation["nodes"]][:3]
                            problems.append(
                                f"{name} à {width} px : {violation['id']} ({violation['impact']}) {targets}"
                            )
                if width == 1280:
                    page.goto(base + FICHE)
                    reached = set()
                    for _ in range(60):
                        page.keyboard.press("Tab")
                        reached.add(
                            page.evaluate("() => document.activeElement.id || document.activeElement.className")
                        )
                    assert "moin-search-query" in reached, "the keyboard reaches the search box"
                    assert any("moin-modify-button" in str(r) for r in reached), "the keyboard reaches the edit button"
    assert not problems, "\n".join(problems)
