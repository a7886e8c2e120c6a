"""Bad input never loses text and never shows a traceback; hostile input comes out escaped."""

from __future__ import annotations

import re

import pytest

from tests.helpers import content, login, modify

BAD_PAGES = {
    "yaml-casse": ("---\ntype: fiche\nnom: X\n  mauvais: retrait\n---\nTEXTE-INTACT\n", "n'est pas du YAML valide"),
    "sans-fin": ("---\ntype: fiche\nnom: X\nTEXTE-INTACT\n", "n'est pas fermé"),
    "type-inconnu": ("---\ntype: recette\nnom: X\n---\nTEXTE-INTACT\n", "type de page inconnu « recette »"),
    "champ-inconnu": ("---\ntype: fiche\nnom: X\ncouleur: bleu\n---\nTEXTE-INTACT\n", "champ inconnu"),
    "annee": ('---\ntype: fiche\nnom: X\ncreation: "l\'an dernier"\n---\nTEXTE-INTACT\n', "une année sur quatre"),
    "commune": ("---\ntype: fiche\nnom: X\ncommune: Gotham\n---\nTEXTE-INTACT\n", "commune inconnue"),
    "liste": ("---\ntype: fiche\nnom: X\nadresse: [a, b]\n---\nTEXTE-INTACT\n", "trouvé une liste"),
    "enorme": ("---\ntype: fiche\nnom: X\nresume: " + "b" * (5 * 1024 * 1024) + "\n---\nTEXTE-INTACT\n", "trop grand"),
}


@pytest.mark.parametrize("case", sorted(BAD_PAGES))
def test_bad_page_saves_through_form_and_renders_with_french_message(case, wiki, client):
    text, expected = BAD_PAGES[case]
    wiki.create_user("Alice")
    login(client, "Alice")
    assert modify(client, f"Cas/{case}", text).status_code == 302  # the page is saved
    raw = client.get(f"/+get/Cas/{case}").get_data(as_text=True)
    assert raw.replace("\r\n", "\n") == text  # nothing lost, byte for byte
    html = content(client, f"/Cas/{case}")
    assert expected in html.replace("&#39;", "'")
    assert "Données à corriger" in html and "TEXTE-INTACT" in html
    assert "Traceback" not in html
    line = re.search(r"Ligne \d+", html)
    if case != "enorme":
        assert line, "the message names the line"


def test_classeur_flags_broken_fiche_and_keeps_working(wiki, client):
    wiki.save("Bonne", "---\ntype: fiche\nnom: Bonne fiche\ncommune: Nantes\n---\n")
    wiki.save("Cassee", "---\ntype: fiche\nnom: Fiche cassée\ncreation: bientôt\ncommune: Nulle-Part\n---\n")
    wiki.save("Illisible", "---\ntype: fiche\nnom: [\n---\n")
    wiki.save("Liste", "<<Classeur>>\n")
    html = content(client, "/Liste")
    assert "Bonne fiche" in html and "Fiche cassée" in html and "3 fiches" in html
    assert "données à corriger (2)" in html
    # a block that does not even parse never hides its page: listed by its name, flagged (issue 14)
    assert ">Illisible</a> <span class=\"eco-a-corriger\">données à corriger (1)</span>" in html


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_every_field_comes_out_escaped(wiki, client):
    import yaml

    from plugins.data.types.fiche import Fiche

    payload = {f.key: XSS for f in Fiche.fields}
    payload.update(
        type="fiche",
        porteurs=[XSS],
        secteurs=[XSS],
        themes=[XSS],
        offres=[XSS],
        besoins=[XSS],
        position={"lat": XSS, "lon": 1},
        contact={"email": XSS, "telephone": XSS, "site": "javascript:alert(1)"},
        parcours=[{"annee": 2001, "etape": XSS}],
        chaines=[{"chaine": XSS, "maillon": XSS}],
        creation=XSS,
    )
    text = "---\n" + yaml.safe_dump(payload, allow_unicode=True) + "---\n" + XSS + "\n"
    wiki.save("Piege", text)
    wiki.save("Liste", "<<Classeur>>\n")
    for path in ("/Piege", "/Liste", f"/Liste?secteur={XSS}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html, path
    assert "&lt;script&gt;" in content(client, "/Piege")
    json_out = client.get("/+donnees/fiche.json").get_data(as_text=True)
    assert client.get("/+donnees/fiche.json").mimetype == "application/json" and "alert" in json_out


def test_xss_in_macro_arguments_comes_out_escaped(wiki, client):
    wiki.save(
        "Args",
        '<<Classeur(commune="<script>alert(1)</script>")>>\n\n<<Classeur(<b>="1")>>\n'
        '<<Fiche(page="<img src=x onerror=alert(1)>")>>\n',
    )
    html = client.get("/Args").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>=" not in html
    assert "&lt;script&gt;" in html
