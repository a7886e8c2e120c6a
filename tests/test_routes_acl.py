"""Every route moin (and we) register, walked as an anonymous visitor, a member and a working group's member,
after restricted items of every kind were saved with secret words: no answer shows a secret word, nor the name of
a restricted item the URL did not name, nor fails with a 5xx.

The routes come from the Flask URL map: a route a moin upgrade adds is walked without editing this test.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from moin.constants.keys import REVID

from plugins.operations.pages import store_page
from tests.helpers import MARKDOWN, fiche, login

ADMINS_ONLY = "All:"  # the admin group keeps every right (the wiki's « before » ACL)
GROUP = "Culture"

#: name -> (text, content type, who may read it besides the admins)
RESTRICTED: dict[str, tuple[str, str, str]] = {
    "ZqRestreintMoin": ("Le mot motsecretun est ici.\n", "text/x.moin.wiki;charset=utf-8", ""),
    "ZqRestreintMd": ("# Titre\n\nLe mot motsecretdeux est ici.\n", MARKDOWN, ""),
    "Fiches/ZqRestreintFiche": (
        fiche("ZqRestreintFiche", resume="motsecrettrois", commune="Nantes"),
        "text/x.moin.wiki;charset=utf-8",
        "",
    ),
    "ZqRestreint.csv": ("nom;note\nmotsecretquatre;1\n", "text/csv;charset=utf-8", ""),
    "Lieux/ZqRestreintLieu": (
        "---\ntype: lieu\nnom: ZqRestreintLieu\ncommune: Nantes\nposition: {lat: 47.2, lon: -1.55}\n"
        "description: motsecrethuit\n---\n",
        "text/x.moin.wiki;charset=utf-8",
        "",
    ),
    "Agenda/ZqRestreintEvenement": (
        "---\ntype: evenement\ntitre: ZqRestreintEvenement\ndebut: 2099-01-10 18:00\ncommune: Nantes\n---\n"
        "motsecretneuf\n",
        "text/x.moin.wiki;charset=utf-8",
        "",
    ),
    "Dispositifs/ZqRestreintDispositif": (
        "---\ntype: dispositif\nnom: ZqRestreintDispositif\ncritique: motsecretdix\n---\n",
        "text/x.moin.wiki;charset=utf-8",
        "",
    ),
    "Chaines/ZqRestreintChaine": (
        "---\ntype: chaine\nnom: ZqRestreintChaine\nmaillons: [motsecretonze, Tri]\n---\n",
        "text/x.moin.wiki;charset=utf-8",
        "",
    ),
    "Données/Subventions/ZqRestreintes.csv": (
        "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,"
        "objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,"
        "dispositifAide\nNANTES,21440109300015,2024-03-01,,MOTSECRETDOUZE,,W442000001,Fonctionnement,1200,"
        "aide en numéraire,unique,,,non,,\n",
        "text/csv;charset=utf-8",
        "",
    ),
    "ZqRestreintTexte.txt": ("Le mot motsecrettreize.\n", "text/plain;charset=utf-8", ""),
    "ZqRestreintRst": ("Titre\n=====\n\nLe mot motsecretquatorze.\n", "text/x-rst;charset=utf-8", ""),
    "ZqRestreint.html": ("<p>Le mot motsecretquinze.</p>", "text/html;charset=utf-8", ""),
    "ZqRestreint.svg": (
        '<svg xmlns="http://www.w3.org/2000/svg"><text>motsecretseize</text></svg>',
        "image/svg+xml",
        "",
    ),
    f"GroupesDeTravail/{GROUP}/ZqBrouillon": (
        "---\ntype: position\nnom: ZqBrouillon\ngroupe: Culture\nstatut: brouillon\n---\nmotsecretsix\n",
        "text/x.moin.wiki;charset=utf-8",
        "group",
    ),
}
SECRET_TAG = "etiquettesecretesept"
WORDS = {name: re.findall(r"motsecret\w+", text, re.I)[0] for name, (text, _, _) in RESTRICTED.items()}
#: extra URLs with query strings that reach the same data differently
QUERIES = [
    "/+search?q=motsecretun",
    "/+search?q=motsecret*",
    "/+search?q=ZqRestreint",
    f"/+search?q={SECRET_TAG}",
    "/+recherche?q=motsecretun",
    "/+recherche.json?q=motsecrettrois",
    "/+recherche?q=motsecret*",
    "/+recherche?q=est ici",
    "/+lookup?name_exact=ZqRestreint&history=1",
    f"/+lookup?tags={SECRET_TAG}",
    "/+lookup?name=ZqRestreintMoin",
    "/+feed/atom",
    "/+index/?",
    "/+tags",
    f"/+tags/{SECRET_TAG}",
    "/+history",
    "/all",
    "/+misc/sitemap",
    "/+orphans",
    "/+wanteds",
    "/+agenda.ics",
    "/+donnees/fiche.csv",
    "/+donnees/fiche.json",
    "/+donnees/position.json",
    "/+carte/fiche",
    "/+carte/lieu",
    "/+recherche?q=motsecrethuit",
    "/+recherche?q=motsecretdouze",
    "/+recherche?q=motsecretseize",
    "/+search?q=motsecretquinze",
    "/+feed/atom/ZqRestreint.html",
    "/+dispatch?endpoint=frontend.show_item&item_name=ZqRestreintMoin",
]


def build(app: Any, ids: dict[str, tuple[str, str]], who: str) -> tuple[list[str], dict[str, str]]:
    """Every GET URL of the URL map, filled with the restricted items' names and revisions."""
    urls: list[str] = []
    values = {
        "namespace": ["users"],
        "filename": ["js/common.js", "dictionary.js"],
        "fmt": ["csv", "json", "svg", "html"],
        "name": ["wiki_local", "x"],
        "type_name": ["fiche", "position", "lieu", "evenement", "dispositif", "chaine"],
        "tag": [SECRET_TAG],
        "group_name": [f"{GROUP}Group"],
        "uid": [ids["__admin__"][0]],
        "user_name": ["Admin"],
        "themeid": ["ecossolies"],
    }
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in ("frontend.logout",):
            continue
        if "item_name" in rule.arguments:
            for name, (_itemid, revid) in ids.items():
                if name.startswith("__"):
                    continue
                filled = {"item_name": name, "rev": revid}
                urls.append(_fill(rule.rule, filled, values))
                if "rev" in rule.arguments:  # an unknown revision: a French 404, not a 500
                    urls.append(_fill(rule.rule, {"item_name": name, "rev": "0" * 32}, values))
        else:
            for combo in _combinations(rule.arguments, values):
                urls.append(_fill(rule.rule, combo, values))
    return urls + QUERIES, {}


def _combinations(arguments: Any, values: dict[str, list[str]]) -> list[dict[str, str]]:
    combos: list[dict[str, str]] = [{}]
    for argument in sorted(arguments):
        combos = [{**c, argument: v} for c in combos for v in values.get(argument, ["x"])]
    return combos


def _fill(rule: str, filled: dict[str, str], values: dict[str, list[str]]) -> str:
    def one(match: re.Match[str]) -> str:
        argument = match.group(1).split(":")[-1]
        value = filled.get(argument) or values.get(argument, ["x"])[0]
        return quote(value, safe="/")

    return re.sub(r"<([^>]+)>", one, rule)


def test_no_route_reveals_a_restricted_item(app: Any, wiki: Any) -> None:
    from plugins.operations.accounts import make_admin
    from plugins.operations.groupes import create_group

    ids: dict[str, tuple[str, str]] = {}
    with app.app_context():
        make_admin(app, "Admin", "admin@exemple.org", "motdepasse-solide-2026")
    wiki.create_user("Alice")
    wiki.create_user("Bob")
    with app.app_context():
        create_group(app, GROUP, ["Bob"])
        for name, (text, contenttype, _) in RESTRICTED.items():
            acl = f"{GROUP}Group:read,write,create,admin All:" if RESTRICTED[name][2] == "group" else ADMINS_ONLY
            tags = [] if RESTRICTED[name][2] == "group" else [SECRET_TAG]
            store_page(app, name, text, "secret", contenttype=contenttype, acl=acl, tags=tags)
        store_page(app, "Vitrine", "Page publique.\n", "public")

    def revision_ids() -> None:
        from moin import flaskg

        for name in [*RESTRICTED, "Vitrine"]:
            item = flaskg.unprotected_storage[name]
            ids[name] = (item.itemid, item.meta[REVID])
        from moin import user as moin_user

        ids["__admin__"] = (moin_user.User(auth_username="Admin").itemid, "")

    wiki.run(revision_ids)
    failures: list[str] = []
    for who in (None, "Alice", "Bob"):
        hidden = [n for n, (_, _, reader) in RESTRICTED.items() if not (who == "Bob" and reader == "group")]
        urls, _ = build(app, ids, who or "")
        with app.test_client() as client:
            if who:
                login(client, who)
            for url in urls:
                try:
                    response = client.get(url)
                except Exception as exc:  # the test app lets a view's exception through: a 500 in production
                    failures.append(f"{who} {url}: 500 ({type(exc).__name__}: {exc})")
                    continue
                body = response.get_data(as_text=True) + " " + response.headers.get("Location", "")
                if response.status_code >= 500:
                    failures.append(f"{who} {url}: {response.status_code}")
                for name in hidden:
                    if WORDS[name].casefold() in body.casefold() and WORDS[name].casefold() not in url.casefold():
                        failures.append(f"{who} {url}: mot secret de {name}")
                    short = name.rsplit("/", 1)[-1]
                    if quote(name, safe="/") not in url and name not in url and short in body:
                        failures.append(f"{who} {url}: nom de {name}")
                if SECRET_TAG in body and SECRET_TAG not in url:
                    failures.append(f"{who} {url}: étiquette secrète")
    assert failures == [], "\n".join(failures)
