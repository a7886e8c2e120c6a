"""The generated forms in Chromium on a phone (360 px): map, repeatable rows, checks as typed, axe."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from moin.app import before_wiki

from plugins.operations.groupes import create_group
from tests.browser import browser_page, served


def axe_problems(page: Any, name: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"]][:3]
            problems.append(f"{name} : {violation['id']} ({violation['impact']}) {targets}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 2:
        problems.append(f"{name} : défilement horizontal de {overflow} px")
    return problems


def test_forms_on_a_phone_with_map_rows_and_checks(wiki: Any, app: Any) -> None:
    wiki.create_user("Alice")
    with app.app_context():
        before_wiki()
        create_group(app, "Culture", ["Alice"])
    wiki.save(
        "Chaînes/La chaîne du pain",
        "---\ntype: chaine\nnom: La chaîne du pain\nmaillons:\n  - nom: Blé\n  - nom: Moulin\n  - nom: Four\n---\n",
    )
    problems: list[str] = []
    with served(app) as base, browser_page(width=360, height=800) as (page, requested):
        page.goto(base + "/+login")
        page.fill("input[name=login_username]", "Alice")
        page.fill("input[name=login_password]", "motdepasse-solide-2026")
        page.click("form[action$='/+login'] [type=submit]")

        # a venue: the commune from the list of the département, its position by a click on the map
        page.goto(base + "/+nouvelle/lieu")
        problems += axe_problems(page, "nouveau lieu")
        page.fill("#f_nom", "Le Garage")
        page.fill("#f_commune", "Saint-Nazaire")
        page.locator(".eco-carte-formulaire").scroll_into_view_if_needed()
        page.locator(".eco-carte-formulaire").click(position={"x": 150, "y": 120})
        lat, lon = page.input_value("#f_position_lat"), page.input_value("#f_position_lon")
        assert lat and lon, "un clic sur la carte remplit la latitude et la longitude"
        page.click("fieldset#f_pratiques .eco-ajouter")
        page.fill("#f_pratiques_0", "concerts")
        page.fill("#f_pratiques_1", "théâtre")
        page.click(".eco-actions button[type=submit]")
        page.wait_for_load_state("load")
        assert page.url.endswith("/Lieux/Le%20Garage"), page.url
        text = page.evaluate("async () => (await fetch('/+get/Lieux/Le%20Garage')).text()")
        assert "commune: Saint-Nazaire\n" in text and f"lat: {float(lat)}" in text
        assert "pratiques: [concerts, théâtre]" in text

        # a fiche: a wrong SIRET is said as typed, and again by the server with the field's label
        page.goto(base + "/+nouvelle/fiche")
        problems += axe_problems(page, "nouvelle fiche")
        page.fill("#f_nom", "Atelier")
        page.fill("#f_siret", "123 456 789 00012")
        page.dispatch_event("#f_siret", "change")
        assert "clé de contrôle est fausse" in page.inner_text(".eco-champ-siret .eco-verification")
        page.click(".eco-actions button[type=submit]")
        page.wait_for_load_state("load")
        assert "SIRET : ce numéro n'existe pas" in page.inner_text(".eco-resume-erreurs")
        assert page.input_value("#f_siret") == "123 456 789 00012"
        problems += axe_problems(page, "fiche avec erreurs")

        # a chain: its links are moved with the buttons, and written in the new order
        page.goto(base + "/+formulaire/" + quote("Chaînes/La chaîne du pain"))
        problems += axe_problems(page, "modifier une chaîne")
        page.click("ol[data-eco-lignes=maillons] > li:nth-child(3) .eco-monter")
        assert page.input_value("#f_maillons_1_nom") == "Four"
        page.click(".eco-actions button[type=submit]")
        page.wait_for_load_state("load")
        text = page.evaluate("async () => (await fetch('/+get/Cha%C3%AEnes/La%20cha%C3%AEne%20du%20pain')).text()")
        assert "maillons:\n  - nom: Blé\n  - nom: Four\n  - nom: Moulin\n" in text, text

        # moin's editor numbers its lines
        page.goto(base + "/+modify/" + quote("Chaînes/La chaîne du pain"))
        assert page.inner_text(".eco-numeros").split()[:3] == ["1", "2", "3"]
        assert page.locator(".eco-editeur-formulaire a").count() == 1

    outside = [u for u in requested if not u.startswith(base) and "tile.openstreetmap.org" not in u]
    assert not outside, outside
    assert not problems, "\n".join(problems)
