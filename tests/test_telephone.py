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
