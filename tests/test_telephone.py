"""The wiki on a phone (360 px, Chromium): no element wider than the screen on the pages a reader uses, a compact
header whose menu opens, facets behind « Filtrer (N …) », wide tables stacked as « label : value ».

Screenshots go to artifacts/telephone/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os

import pytest

from plugins.operations.cli import SEED_DIR
from plugins.operations.seed import load_seed
from tests.browser import browser_page, served

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPTURES = os.path.join(ROOT, "artifacts", "telephone")
PAGES = {
    "accueil": "/Accueil",
    "classeur": "/Initiatives",
    "fiche": "/Initiatives/La Ressourcerie de l'Île",
    "chaines": "/Chaînes",
    "chaine": "/Chaînes/La chaîne du libre",
    "carte": "/Lieux",
    "dispositifs": "/Dispositifs",
    "positions": "/Positions",
    "agenda": "/Agenda?periode=2027-06",
    "financements": "/Financements",
    "recherche": "/+recherche?q=jardin",
    "historique": "/+history/Accueil",
}

#: every visible element whose box goes past the right edge of the screen (tag, class, right edge)
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > width + 1 && getComputedStyle(el).visibility !== 'hidden')
      out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''} → ${Math.round(r.right)} px`);
  }
  return {scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 5)};
}"""


#: words of plain letters cut across two lines (moin's « Membr e », « composteu r »): the word and its element
CUT_WORDS = """() => {
  const out = [], walker = document.createTreeWalker(document.querySelector('#moin-page') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && out.length < 5; node = walker.nextNode()) {
    // a word of letters alone (an address, a path or an identifier may be cut: it has no other place to break)
    for (const m of node.textContent.matchAll(/(?<=^|[\\s(«"])[\\p{L}'’]{4,}(?=$|[\\s),.;:!?»"])/gu)) {
      const range = document.createRange();
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) out.push(`${m[0]} (${node.parentElement.tagName.toLowerCase()})`);
    }
  }
  return out;
}"""


@pytest.fixture
def seeded(app):
    with app.app_context():
        load_seed(app, SEED_DIR)
    return app


def test_every_reader_page_fits_a_360_px_phone(seeded):
    os.makedirs(CAPTURES, exist_ok=True)
    problems = []
    with served(seeded) as base, browser_page(width=360, height=740) as (page, _requested):
        for name, path in PAGES.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            page.screenshot(path=os.path.join(CAPTURES, f"{name}-360.png"), full_page=True)
            found = page.evaluate(TOO_WIDE)
            if found["scroll"] > found["width"] or found["out"]:
                problems.append(f"{name} ({path}) : {found}")
            cut = page.evaluate(CUT_WORDS)
            if cut:
                problems.append(f"{name} ({path}) : mots coupés {cut}")
    assert not problems, "\n".join(problems)


def test_phone_header_menu_facets_and_stacked_tables(seeded):
    with served(seeded) as base, browser_page(width=360, height=740) as (page, _requested):
        page.goto(base + "/Initiatives")
        sections = page.locator("#eco-menu")
        assert not sections.is_visible(), "the sections are folded behind « Menu »"
        header_height = page.evaluate("document.getElementById('moin-header').getBoundingClientRect().height")
        assert header_height < 130, f"the header takes {header_height} px of a 740 px screen"
        page.click("button.eco-bouton-menu")
        assert sections.is_visible() and page.locator("#moin-search-query").is_visible()

        facets = page.locator(".eco-facettes").first
        assert not facets.is_visible()
        button = page.locator("button.eco-bouton-filtrer").first
        count = page.locator(".eco-compte").first.inner_text()
        assert button.inner_text() == f"Filtrer ({count})"
        button.click()
        assert facets.is_visible()

        page.goto(base + "/Dispositifs")
        cell = page.locator("table.eco-empilable td[data-label]").first
        assert cell.is_visible()
        label = page.evaluate(
            "getComputedStyle(document.querySelector('table.eco-empilable td[data-label]'), '::before').content"
        )
        assert label.startswith('"') and label.endswith(' : "') and len(label) > 5, label
    with served(seeded) as base, browser_page(width=1280, height=900) as (page, _requested):
        page.goto(base + "/Initiatives")
        assert page.locator("#eco-menu").is_visible() and page.locator(".eco-facettes").first.is_visible()
        assert not page.locator("button.eco-bouton-menu").is_visible()


#: moin's own screens a member reaches, and its error pages (the member is logged in first)
MEMBER_SCREENS = {
    "modification": "/+modify/Accueil",
    "historique-membre": "/+history/Tableaux",
    "metadonnees": "/+meta/Accueil",
    "index": "/+index/",
    "preferences": "/+usersettings",
    "page-inconnue": "/Page inconnue",
    "refus": "/+modify/AdminGroup",
    "erreur-route": "/+carte/inconnu",
    "tableaux": "/Tableaux",
}

#: a page's own tables: one without a header row, one of two columns with a long address
TABLES = (
    "||Commune||Lieu||Jauge||Accessibilité||Contact||\n"
    "||Rezé||Salle Jean Vilar||80||oui||contact-salle-jean-vilar@exemple.org||\n\n"
    "||'''Nom'''||'''Adresse'''||\n"
    "||Clé||https://www.exemple.org/une/adresse/vraiment/tres/longue/sans/espace/pour/couper/la/ligne||\n\n"
    "||'''Commune'''||'''Lieu'''||'''Jauge'''||\n||Nantes||Le Café des Échanges||40||\n"
)


def test_moins_screens_a_member_reaches_fit_a_360_px_phone(seeded, wiki):
    """Screens of moin itself, styled by our theme: within the screen, no word cut, nothing axe calls serious."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    os.makedirs(CAPTURES, exist_ok=True)
    wiki.create_user("Alice")
    wiki.save("Tableaux", TABLES)
    wiki.save_as("Alice", "Tableaux", TABLES + "Une phrase de plus.\n")
    problems = []
    with served(seeded) as base, browser_page(width=360, height=740) as (page, _requested):
        page.goto(base + "/+login")
        page.fill("input[name=login_username]", "Alice")
        page.fill("input[name=login_password]", "motdepasse-solide-2026")
        page.click("form[action$='/+login'] [type=submit]")
        page.wait_for_load_state("load")
        revisions = page.evaluate(
            "async (u) => [...(await (await fetch(u)).text()).matchAll(/name=\"rev1\" value=\"(\\w+)\"/g)].map(m => m[1])",
            base + "/+history/Tableaux",
        )
        screens = dict(MEMBER_SCREENS, differences=f"/+diff/Tableaux?rev1={revisions[-1]}&rev2={revisions[0]}")
        for name, path in screens.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            page.screenshot(path=os.path.join(CAPTURES, f"membre-{name}-360.png"), full_page=True)
            found = page.evaluate(TOO_WIDE)
            if found["scroll"] > found["width"] or found["out"]:
                problems.append(f"{name} ({path}) : {found}")
            cut = page.evaluate(CUT_WORDS)
            if cut:
                problems.append(f"{name} ({path}) : mots coupés {cut}")
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"]][:3]
                    problems.append(f"{name} ({path}) : axe {violation['id']} ({violation['impact']}) {targets}")

        # the editor's file field: a French button, not the browser's « Choose File / No file chosen »
        page.goto(base + "/+modify/Accueil")
        assert page.locator("label.eco-choisir-fichier").inner_text() == "Choisir un fichier"
        assert page.locator(".eco-fichier-choisi").inner_text() == "Aucun fichier choisi"
        native = page.locator("input[type=file]").bounding_box()
        assert native["width"] <= 1 and native["height"] <= 1
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "texte.txt", "mimeType": "text/plain", "buffer": b"Bonjour"}]
        )
        assert page.locator(".eco-fichier-choisi").inner_text() == "texte.txt"

        page.goto(base + "/Tableaux")
        text = page.inner_text("#moin-page")
        # the first table has no header row: its first row stays shown, and no value is used as a label
        assert "Commune\nLieu" in text and "Rezé" in text and "Rezé : " not in text
        # a header written in bold labels the cells of the others: « Commune : Nantes »
        labels = page.eval_on_selector_all(
            "table.eco-empilable td[data-label]", "cells => cells.map(c => c.dataset.label + '=' + c.innerText)"
        )
        assert "Commune=Nantes" in labels and "Nom=Clé" in labels
        assert [label for label in labels if label.startswith("Commune=Rezé")] == []
        assert [label for label in labels if label.startswith("Rezé=")] == []
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_serious_problem_on_reader_pages(seeded, width):
    """axe-core (shipped inside axe-playwright-python, injected from disk: no network) on every reader page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    with served(seeded) as base, browser_page(width=width, height=900) as (page, requested):
        for name, path in PAGES.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"]][:3]
                    problems.append(f"{name} à {width} px : {violation['id']} ({violation['impact']}) {targets}")
        outside = [u for u in requested if not u.startswith(base) and "tile.openstreetmap.org" not in u]
        assert not outside, outside  # axe itself comes from the package, never from a CDN
    assert not problems, "\n".join(problems)
