"""Debate and interpellation: arguments, support, amendments (stale ones too), letters and their answers, the
path of a position, the feeds; a draft's debate never leaks; hostile text stays text."""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote

from moin.app import before_wiki

from plugins.data.types.interpellation import Bilan, by_addressee, etat
from plugins.indexing.debat import under
from plugins.operations.groupes import create_group
from tests.helpers import content, login, modify

POSITION = "GroupesDeTravail/Culture et sport/Pour les petits lieux"
PATH = "/" + POSITION
PUBLIC_ACL = "CultureEtSportGroup:read,write,create,admin All:read"


def token(client, path: str) -> str:
    """The CSRF token of the form at ``path``, as a browser reads it; an anonymous visitor, who is shown no
    form (login first), gets one in its session as any visitor of a form would."""
    found = re.search(r'<input[^>]*name="csrf_token"[^>]*>', client.get(path).get_data(as_text=True))
    if found is None:
        with client.session_transaction() as session:
            session.setdefault("eco_csrf", "jeton-de-visiteur")
            return session["eco_csrf"]
    return re.search(r'value="([^"]+)"', found.group(0)).group(1)


def setup(wiki, app):
    for name in ("Alice", "Bob", "Carla"):
        wiki.create_user(name)
    with app.app_context():
        before_wiki()
        create_group(app, "Culture et sport", ["Alice", "Bob"])


def as_user(client, name: str) -> None:
    client.get("/+logout")
    login(client, name)


def draft(client) -> None:
    form = {
        "csrf_token": token(client, "/+nouvelle/position?groupe=Culture et sport"),
        "groupe": "Culture et sport",
        "titre": "Pour les petits lieux",
        "texte": "Premier paragraphe.\n\nDeuxième paragraphe.",
    }
    assert client.post("/+nouvelle/position", data=form).status_code == 302


def argue(
    client, sens: str, text: str, sur: str = POSITION, sources: str = "", reponse_a: str = "", status=302, csrf=""
):
    form = {
        "csrf_token": csrf or token(client, "/+nouvelle/fiche"),
        "sur": sur,
        "sens": sens,
        "texte": text,
        "sources": sources,
    }
    if reponse_a:
        form["reponse_a"] = reponse_a
    response = client.post("/+debat/argument", data=form)
    assert response.status_code == status, response.get_data(as_text=True)[-1500:]
    return response


def debate_block(html: str) -> str:
    start = html.find('class="eco-debat"')
    assert start >= 0
    return html[start:]


def column(html: str, sens: str) -> str:
    block = debate_block(html)
    start = block.find(f"eco-sens-{sens}")
    end = block.find("eco-colonne", start + 20)
    return block[start : end if end > 0 else None]


def entries(feed: str) -> list[str]:
    """The titles of an Atom feed's entries (the feed must parse as XML)."""
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(feed.encode("utf-8"))
    assert root.tag == f"{atom}feed"
    return [e.findtext(f"{atom}title") for e in root.findall(f"{atom}entry")]


def support(client, argument: str, withdraw: bool = False) -> int:
    form = {"csrf_token": token(client, "/+nouvelle/fiche"), "argument": argument}
    if withdraw:
        form["retirer"] = "1"
    return client.post("/+debat/soutien", data=form).status_code


def test_whole_path_draft_debate_publish_amend_transmit_answer(wiki, client, app):
    setup(wiki, app)
    login(client, "Alice")
    draft(client)
    html = content(client, PATH)
    assert "Pour (0)" in html and "Contre (0)" in html and "Nuance (0)" in html
    as_user(client, "Bob")
    argue(client, "pour", "Les petits lieux touchent les jeunes.", sources="Rapport 2024 https://exemple.org/r")
    # the draft's debate is the group's: its argument page has the draft's ACL
    as_user(client, "Carla")
    assert client.get(PATH + "/Arguments/1").status_code == 403
    assert client.get(f"/+debat/argument?sur={quote(POSITION)}").status_code == 404
    client.get("/+logout")
    assert client.get(PATH + "/Arguments/1").status_code == 403
    # made public: its debate with it
    login(client, "Alice")
    assert (
        client.post(
            "/+position/publier", data={"csrf_token": token(client, "/+nouvelle/fiche"), "page": POSITION}
        ).status_code
        == 302
    )
    client.get("/+logout")
    html = content(client, PATH)
    assert "Pour (1)" in html and "Les petits lieux touchent les jeunes." in column(html, "pour")
    assert 'href="https://exemple.org/r">Rapport 2024</a>' in column(html, "pour")
    assert "Bob, le " in column(html, "pour")
    assert "Connectez-vous pour argumenter" in html and "Soutenir" not in debate_block(html)
    assert client.get(PATH + "/Arguments/1").status_code == 200
    # a non-member argues against, then answers; members support
    login(client, "Carla")
    argue(client, "contre", "Le budget manque.")
    argue(client, "contre", "Un second argument contre.")
    argue(client, "nuance", "Oui, mais pas seulement.", reponse_a=POSITION + "/Arguments/1")
    assert support(client, POSITION + "/Arguments/3") == 302
    as_user(client, "Bob")
    assert support(client, POSITION + "/Arguments/3") == 302
    assert support(client, POSITION + "/Arguments/3") == 302  # twice: still one support from Bob
    html = content(client, PATH)
    contre = column(html, "contre")
    assert "Contre (2)" in html and "Nuance (1)" in html  # the answer counts in its sense
    assert contre.index("Un second argument contre.") < contre.index("Le budget manque.")  # 2 supports first
    assert "2 soutiens" in contre and "0 soutien" in contre
    assert "Réponses" in column(html, "pour") and "Oui, mais pas seulement." in column(html, "pour")
    assert "Vous soutenez cet argument." in contre
    assert support(client, POSITION + "/Arguments/3", withdraw=True) == 302
    assert "1 soutien<" in column(content(client, PATH), "contre")
    # an amendment by a non-member, accepted by a member: a new revision credited to its author
    as_user(client, "Carla")
    form_html = client.get(f"/+debat/amendement?sur={quote(POSITION)}").get_data(as_text=True)
    base = re.search(r'name="base" value="([^"]+)"', form_html).group(1)
    assert "Deuxième paragraphe." in form_html
    form = {
        "csrf_token": token(client, "/+nouvelle/fiche"),
        "sur": POSITION,
        "base": base,
        "resume": "Préciser le deuxième paragraphe",
        "texte": "Premier paragraphe.\n\nDeuxième paragraphe, précisé.",
    }
    response = client.post("/+debat/amendement", data=form)
    assert response.status_code == 302
    amendment = POSITION + "/Amendements/1"
    html = content(client, "/" + amendment)
    assert "− Deuxième paragraphe." in html and "+ Deuxième paragraphe, précisé." in html
    assert "Accepter et appliquer" not in html  # Carla is not in the group
    assert "Préciser le deuxième paragraphe" in content(client, PATH)
    as_user(client, "Alice")
    assert "Accepter et appliquer" in content(client, "/" + amendment)
    decision = {"csrf_token": token(client, "/+nouvelle/fiche"), "amendement": amendment, "decision": "accepter"}
    assert client.post("/+debat/amendement/decider", data=decision).status_code == 302
    text = client.get("/+get" + PATH).get_data(as_text=True)
    assert text.startswith("---\ntype: position\n") and "Deuxième paragraphe, précisé." in text
    history = client.get("/+history" + PATH).get_data(as_text=True)
    assert "Amendement de Carla accepté par Alice" in history
    html = content(client, PATH)
    assert "Acceptés (1)" in html and "Ouverts (0)" in html
    assert client.post("/+debat/amendement/decider", data=decision).status_code == 409  # decided once
    # transmitted: an interpellation names the position; its answer closes the path
    wiki.save(
        "Interpellations/Lettre au Département",
        "---\ntype: interpellation\nobjet: Les petits lieux\ndestinataire: Conseil départemental\n"
        f"groupe: Culture et sport\nenvoi: 2026-01-10\npositions: [{POSITION}]\n"
        "reponse:\n  date: 2026-02-19\n  texte: Nous étudions la question.\n---\nMadame la Présidente…\n",
    )
    html = content(client, PATH)
    parcours = html[html.find("eco-parcours") :]
    assert "transmise</strong> — le 2026-01-10" in parcours and "réponse</strong> — le 2026-02-19" in parcours
    assert "Les petits lieux</a> — Conseil départemental — " in html and "répondue en 40 jours" in html
    letter = content(client, "/Interpellations/Lettre au Département")
    assert "répondue en 40 jours" in letter and "Nous étudions la question." in letter
    # the group's feed and the debate's feed
    feed = client.get("/+debat/flux?groupe=Culture et sport")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    assert feed.get_data(as_text=True).count("<entry>") == 7  # position, 4 arguments, 1 amendment, 1 letter
    found = client.get("/+recherche.json?q=budget manque").get_data(as_text=True)
    assert "Argument contre : Pour les petits lieux" in found
    debate_feed = client.get(f"/+debat/flux?page={quote(POSITION)}").get_data(as_text=True)
    assert "Le budget manque." in debate_feed and "<name>Carla</name>" in debate_feed


def test_a_drafts_debate_never_leaks(wiki, client, app):
    setup(wiki, app)
    login(client, "Alice")
    draft(client)
    argue(client, "contre", "Argument confidentiel du groupe.")
    form_url = f"/+debat/amendement?sur={quote(POSITION)}"
    base = re.search(r'name="base" value="([^"]+)"', client.get(form_url).get_data(as_text=True)).group(1)
    amend = {
        "csrf_token": token(client, "/+nouvelle/fiche"),
        "sur": POSITION,
        "base": base,
        "texte": "Texte confidentiel.",
    }
    assert client.post("/+debat/amendement", data=amend).status_code == 302
    argue(client, "pour", "Soutien confidentiel à l'amendement.", sur=POSITION + "/Amendements/1")
    wiki.save(
        "Listes",
        f'<<Derniers(type="argument", limite=100)>>\n\n<<Interpellations>>\n\n<<Arguments(page="{POSITION}")>>\n',
    )
    wiki.save(
        "Interpellations/Secrète",
        "---\ntype: interpellation\nobjet: Lettre secrète\ndestinataire: Préfecture\nenvoi: 2026-01-01\n---\n",
        acl="CultureEtSportGroup:read,write All:",
    )
    for who in (None, "Carla"):
        client.get("/+logout")
        if who:
            login(client, who)
        html = content(client, "/Listes")
        assert "confidentiel" not in html.lower() and "Lettre secrète" not in html
        assert "Préfecture" not in html  # not even in the per-addressee record
        assert "0 interpellation" in html and "0 argument" in html
        group_feed = client.get("/+debat/flux?groupe=Culture et sport")
        assert group_feed.status_code == 200 and entries(group_feed.get_data(as_text=True)) == []
        assert client.get(f"/+debat/flux?page={quote(POSITION)}").status_code == 404  # as if it did not exist
        for path in (f"/+donnees/argument.atom?sur={quote(POSITION)}", "/+donnees/amendement.csv"):
            export = client.get(path)
            assert export.status_code == 200 and "confidentiel" not in export.get_data(as_text=True).lower()
        assert entries(client.get("/+donnees/argument.atom").get_data(as_text=True)) == []
        search = client.get("/+recherche?q=confidentiel").get_data(as_text=True)
        assert "confidentiel du groupe" not in search.lower() and "Texte confidentiel" not in search
        assert client.get(PATH + "/Amendements/1").status_code == 403
        assert client.post(
            "/+debat/soutien",
            data={"csrf_token": token(client, "/+nouvelle/fiche"), "argument": POSITION + "/Arguments/1"},
        ).status_code == (404 if who else 403)  # a member is told nothing of a page they may not read
    as_user(client, "Bob")  # a member of the group sees it all
    feed = client.get("/+debat/flux?groupe=Culture et sport").get_data(as_text=True)
    assert sorted(entries(feed)) == [
        "Amendement à Pour les petits lieux",
        "Argument contre : Pour les petits lieux",
        "Argument pour : Pour les petits lieux (amendement 1)",
        "Pour les petits lieux",
    ]
    html = content(client, "/Listes")
    assert "Argument confidentiel du groupe." in html and "Lettre secrète" in html
    assert "Soutien confidentiel à l'amendement." in content(client, PATH + "/Amendements/1")
    # made public: the debate on the amendment with it
    assert (
        client.post(
            "/+position/publier", data={"csrf_token": token(client, "/+nouvelle/fiche"), "page": POSITION}
        ).status_code
        == 302
    )
    client.get("/+logout")
    assert "Soutien confidentiel à l'amendement." in content(client, PATH + "/Amendements/1")
    assert "Argument confidentiel du groupe." in content(client, PATH)


def test_any_page_opts_in_and_exports_say_the_status(wiki, client, app):
    setup(wiki, app)
    wiki.save("Réflexions/Tiers-lieux", "Une page libre.\n\n<<Arguments>>\n")
    wiki.save("Réflexions/Fermée", "Une page sans débat.\n")
    login(client, "Carla")
    argue(client, "nuance", "Ça dépend des quartiers.", sur="Réflexions/Tiers-lieux")
    assert "Nuance (1)" in content(client, "/Réflexions/Tiers-lieux")
    forged = {"sur": "Réflexions/Tiers-lieux", "sens": "pour", "texte": "Sans jeton."}
    assert client.post("/+debat/argument", data={**forged, "csrf_token": "faux"}).status_code == 400
    assert client.post("/+debat/soutien", data={"argument": "Réflexions/Tiers-lieux/Arguments/1"}).status_code == 400
    assert "Sans jeton." not in content(client, "/Réflexions/Tiers-lieux")
    response = argue(client, "pour", "Refusé.", sur="Réflexions/Fermée", status=400)
    assert "pas ouverte au débat" in response.get_data(as_text=True)
    client.get("/+logout")
    response = argue(client, "pour", "Anonyme.", sur="Réflexions/Tiers-lieux", status=403)
    assert "Connectez-vous pour argumenter" in response.get_data(as_text=True)
    wiki.save(
        "I/1",
        "---\ntype: interpellation\nobjet: Un\ndestinataire: Métropole\nenvoi: 2025-02-01\n"
        "reponse: {date: 2025-02-11}\n---\n",
    )
    csv_text = client.get("/+donnees/interpellation.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].endswith(";statut;jours") and csv_text.splitlines()[1].endswith(";répondue;10")


def test_a_stale_amendment_is_flagged_and_never_applied(wiki, client, app):
    setup(wiki, app)
    login(client, "Alice")
    draft(client)
    form_url = f"/+debat/amendement?sur={quote(POSITION)}"
    base = re.search(r'name="base" value="([^"]+)"', client.get(form_url).get_data(as_text=True)).group(1)
    # meanwhile the text moves on
    text = client.get("/+get" + PATH).get_data(as_text=True).replace("Premier paragraphe.", "Premier, réécrit.")
    assert modify(client, POSITION, text).status_code == 302
    as_user(client, "Bob")
    form = {
        "csrf_token": token(client, "/+nouvelle/fiche"),
        "sur": POSITION,
        "base": base,
        "texte": "Premier paragraphe.\n\nTout autre chose.",
    }
    assert client.post("/+debat/amendement", data=form).status_code == 302
    html = content(client, "/" + POSITION + "/Amendements/1")
    assert "Texte modifié depuis la proposition" in html and "Accepter et appliquer" not in html
    decision = {
        "csrf_token": token(client, "/+nouvelle/fiche"),
        "amendement": POSITION + "/Amendements/1",
        "decision": "accepter",
    }
    response = client.post("/+debat/amendement/decider", data=decision)
    assert response.status_code == 409 and "pas appliqué" in response.get_data(as_text=True)
    assert "Tout autre chose" not in client.get("/+get" + PATH).get_data(as_text=True)
    # rejected with a reason, shown on the position
    decision.update(decision="rejeter", motif="")
    assert client.post("/+debat/amendement/decider", data=decision).status_code == 403
    decision["motif"] = "Dépassé par la réécriture."
    assert client.post("/+debat/amendement/decider", data=decision).status_code == 302
    html = content(client, PATH)
    assert "Rejetés (1)" in html and "motif : Dépassé par la réécriture." in html


def test_interpellation_status_and_accountability_figures():
    today = datetime.date(2026, 6, 1)
    sent = {"destinataire": "Département", "envoi": "2026-05-01"}
    assert etat({}, today).code == "en préparation"
    assert etat(sent, today).label == "envoyée, en attente depuis 31 jours"
    assert etat({**sent, "relances": ["2026-05-20"]}, today).code == "relancée"
    assert etat({**sent, "envoi": "2026-03-01"}, today).label == "sans réponse après 92 jours"
    assert etat({**sent, "reponse": {"date": "2026-05-11"}}, today).label == "répondue en 10 jours"
    letters = [
        {**sent, "reponse": {"date": "2026-05-11"}},
        {**sent, "destinataire": "département", "reponse": {"date": "2026-05-31"}},
        {**sent, "destinataire": "DÉPARTEMENT", "reponse": {"date": "2026-05-05"}},
        {**sent, "envoi": "2026-01-01"},
        {"destinataire": "Département"},  # not sent: not counted
        {**sent, "destinataire": "Métropole"},
    ]
    assert by_addressee(letters, today) == [
        Bilan("Département", 4, 3, 1, 10),
        Bilan("Métropole", 1, 0, 0, None),
    ]


def test_interpellations_macro_filters_and_bad_arguments(wiki, client, app):
    wiki.save(
        "I/1",
        "---\ntype: interpellation\nobjet: Un\ndestinataire: Métropole\nenvoi: 2025-02-01\n"
        "reponse: {date: 2025-02-11}\n---\n",
    )
    wiki.save(
        "I/2",
        "---\ntype: interpellation\nobjet: Deux\ndestinataire: Métropole\nenvoi: 2025-03-01\n"
        "reponse: {date: 2025-03-31}\n---\n",
    )
    wiki.save("I/3", "---\ntype: interpellation\nobjet: Trois\ndestinataire: Région\nenvoi: 2024-01-01\n---\n")
    wiki.save("L", '<<Interpellations(destinataire="metropole")>>\n')
    html = content(client, "/L")
    assert "2 interpellations" in html and "Trois" not in html
    bilan = html[html.find("eco-bilan-destinataires") :]
    assert re.search(r"<td>Métropole</td><td>2</td><td>2</td><td>100,0 %</td><td>20 jours</td>", bilan)
    wiki.save("L2", '<<Interpellations(statut="sans réponse", annee="2024")>>\n')
    html = content(client, "/L2")
    assert "1 interpellation" in html and "Trois" in html and "sans réponse après" in html
    wiki.save("L3", '<<Interpellations(statut="perdue")>>\n\n<<Interpellations(delai="x")>>\n')
    html = content(client, "/L3")
    assert "statut inconnu « perdue » ; statuts possibles : en préparation, envoyée" in html
    assert "« delai » est un nombre de jours" in html
    # the order of the issue, without names: destinataire, statut, annee
    wiki.save("L4", '<<Interpellations(Métropole, répondue, 2025)>>\n\n<<Interpellations("Région", envoyée)>>\n')
    html = content(client, "/L4")
    assert "2 interpellations" in html and "Deux" in html and "0 interpellation" in html and "Trois" not in html
    wiki.save("L5", '<<Interpellations(annee="25")>>\n\n<<Interpellations(a, b, c, d)>>\n')
    html = content(client, "/L5")
    assert "« annee » est une année sur quatre chiffres, pas « 25 »" in html
    assert "4 arguments sans nom, 3 au plus (dans cet ordre : destinataire, statut, annee)" in html
    wiki.save("I/4", "---\ntype: interpellation\nobjet: X\nenvoi: hier\nrelances: [2025-13-01]\n---\n")
    html = content(client, "/I/4")
    assert "Données à corriger" in html and "destinataire" in html and "élément 1" in html


def test_hostile_text_stays_text(wiki, client, app):
    """Every payload in every field of the three types (written in one batch), and some through the forms."""
    import yaml

    from plugins.operations.pages import store_pages_batched
    from tests.hostile import PAYLOADS, dangers

    setup(wiki, app)
    wiki.save(POSITION, "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\n---\nTexte.\n", acl=PUBLIC_ACL)
    pages = []
    for i, payload in enumerate(PAYLOADS):
        pages.append(
            (
                f"{POSITION}/Arguments/{i + 100}",
                "---\n"
                + yaml.safe_dump(
                    {
                        "type": "argument",
                        "sur": POSITION,
                        "sens": "pour" if i % 2 else payload,
                        "sources": [
                            {"titre": payload, "url": payload},
                            {"titre": payload, "url": "https://exemple.org"},
                        ],
                        "reponse_a": payload,
                    },
                    allow_unicode=True,
                )
                + f"---\n{payload}\n",
            )
        )
        pages.append(
            (
                f"{POSITION}/Amendements/{i + 100}",
                "---\n"
                + yaml.safe_dump(
                    {
                        "type": "amendement",
                        "sur": POSITION,
                        "base": payload,
                        "statut": "rejeté" if i % 2 else payload,
                        "resume": payload,
                        "motif": payload,
                    },
                    allow_unicode=True,
                )
                + f"---\nTexte.\n{payload}\n",
            )
        )
        pages.append(
            (
                f"Interpellations/H{i}",
                "---\n"
                + yaml.safe_dump(
                    {
                        "type": "interpellation",
                        "objet": payload,
                        "destinataire": payload,
                        "groupe": payload,
                        "envoi": "2026-01-01" if i % 2 else payload,
                        "relances": [payload],
                        "lettre": payload,
                        "positions": [POSITION, payload],
                        "dispositifs": [payload],
                        "reponse": {"texte": payload, "date": "2026-01-02", "fichier": payload},
                    },
                    allow_unicode=True,
                )
                + f"---\n{payload}\n",
            )
        )
    with app.app_context():
        store_pages_batched(app, pages, "pages hostiles")
    login(client, "Alice")
    csrf = token(client, "/+nouvelle/fiche")
    base = re.search(
        r'name="base" value="([^"]+)"', client.get(f"/+debat/amendement?sur={quote(POSITION)}").get_data(as_text=True)
    ).group(1)
    for i, payload in enumerate(PAYLOADS[:8]):
        argue(client, "pour", payload, sources=f"{payload} https://exemple.org/{i}", csrf=csrf)
        argue(client, payload, payload, status=422, csrf=csrf)
        form = {"csrf_token": csrf, "sur": POSITION, "base": base, "resume": payload, "texte": f"Texte.\n{payload}"}
        assert client.post("/+debat/amendement", data=form).status_code == 302
    wiki.save("Liste", '<<Interpellations>>\n\n<<Derniers(type="argument", limite=200)>>\n')
    paths = [PATH, "/Liste", f"/{POSITION}/Amendements/1", f"/{POSITION}/Arguments/1"]
    paths += [f"/{POSITION}/Amendements/{i + 100}" for i in range(0, len(PAYLOADS), 7)]
    paths += [f"/{POSITION}/Arguments/{i + 100}" for i in range(0, len(PAYLOADS), 7)]
    paths += [f"/Interpellations/H{i}" for i in range(0, len(PAYLOADS), 7)]
    for path in paths:
        html = content(client, path)
        assert not dangers(html), path
    html = content(client, PATH)
    assert f"Pour ({len(PAYLOADS) // 2 + 8})" in html  # the payloads as senses are refused, never counted
    assert column(html, "pour").count("page de l'argument") == 20  # the 20 most supported, then a link
    assert f"Voir les {len(PAYLOADS) // 2 + 8 - 20} autres arguments « pour »" in html
    html = content(client, PATH + "?debat=tout")
    assert column(html, "pour").count("page de l'argument") == len(PAYLOADS) // 2 + 8
    assert not dangers(html)
    for path in (f"/+debat/flux?page={quote(POSITION)}", "/+debat/flux?groupe=Culture et sport"):
        feed = client.get(path)
        assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
        assert "<script" not in feed.get_data(as_text=True)
        assert len(entries(feed.get_data(as_text=True))) == 200  # parses, hostile text and all; the latest 200
    assert len(entries(client.get("/+donnees/argument.atom").get_data(as_text=True))) == 50


def test_seed_example_debate_and_letters(app, client):
    import os

    from plugins.operations.seed import load_seed

    with app.app_context():
        load_seed(app, os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "pages"))
    html = content(client, "/GroupesDeTravail/Culture/Pour un pass culture qui aille vers les jeunes (exemple)")
    assert "Pour (1)" in html and "Contre (1)" in html and "Nuance (1)" in html
    assert "transmise</strong> — le 2026-03-20" in html and "réponse</strong> — le 2026-06-02" in html
    assert "adoptée</strong> — le 2026-03-14" in html
    assert "brouillon</strong> · " in html  # written after its adoption (seed): no draft date that would follow it
    html = content(client, "/Interpellations")
    bilan = html[html.find("eco-bilan-destinataires") :]
    assert re.search(r"<td>Conseil départemental</td><td>1</td><td>1</td><td>100,0 %</td><td>74 jours</td>", bilan)
    assert "<td>Nantes Métropole</td><td>1</td><td>0</td><td>0,0 %</td><td>—</td><td>1</td>" in bilan
    space = content(client, "/GroupesDeTravail/Culture")
    assert "2 interpellations" in space and 'href="/+debat/flux?groupe=Culture"' in space
    feed = client.get("/+debat/flux?groupe=Culture").get_data(as_text=True)
    assert feed.count("<entry>") == 6  # the public position, its three arguments, the two letters
    scheme = content(client, "/Dispositifs/Pass Culture et Sport (exemple)")
    assert "Le pass Culture et Sport et les lieux de proximité (exemple)</a> — Conseil départemental" in scheme


def test_in_chromium_a_member_argues_and_supports_and_columns_stack_on_a_phone(wiki, app):
    from tests.browser import browser_page, served

    setup(wiki, app)
    wiki.save(POSITION, "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\n---\nTexte.\n", acl=PUBLIC_ACL)
    with served(app) as base, browser_page(width=360, height=800) as (page, _requested):
        page.goto(f"{base}/+login")
        page.fill("input[name=login_username]", "Alice")
        page.fill("input[name=login_password]", "motdepasse-solide-2026")
        page.press("input[name=login_password]", "Enter")
        page.wait_for_load_state()
        page.goto(f"{base}/{quote(POSITION)}")
        page.click("text=Ajouter un argument contre")
        assert page.input_value("#f_sens") == "contre"
        page.fill("#f_texte", "Le budget ne suit pas.")
        page.fill("#f_sources", "Budget primitif https://exemple.org/bp")
        page.click('button:has-text("Publier l\'argument")')
        contre = page.locator(".eco-colonne.eco-sens-contre")
        assert contre.locator("h3").inner_text() == "Contre (1)"
        assert "Le budget ne suit pas." in contre.inner_text()
        contre.locator("button:has-text('Soutenir')").click()
        contre = page.locator(".eco-colonne.eco-sens-contre")
        assert contre.locator(".eco-soutiens").inner_text() == "1 soutien"
        # on a phone the three columns are stacked, each as wide as the page allows (measured together, once the
        # page the support led to has loaded: measured one by one, a layout still settling gave crossed boxes)
        page.wait_for_load_state("networkidle")
        boxes = page.evaluate(
            """() => ["pour", "contre", "nuance"].map(s => {
                const r = document.querySelector(".eco-colonne.eco-sens-" + s).getBoundingClientRect();
                return {x: r.x, y: r.y + window.scrollY};
            })"""
        )
        assert boxes[0]["x"] == boxes[1]["x"] == boxes[2]["x"]
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        problems = axe_problems(page, "position")
        # an amendment, proposed and seen by a member of the group: the diff and the decision forms
        page.click("text=Proposer un amendement")
        page.fill("#f_texte", "Texte amendé.")
        page.click('button:has-text("Proposer l\'amendement")')
        assert page.locator(".eco-diff-ajout").inner_text().strip() == "+ Texte amendé."
        assert page.locator("button:has-text('Accepter et appliquer')").count() == 1
        problems += axe_problems(page, "amendement")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # accepted by Alice, a member of the group: the position's text is the amendment's, the card says so
        page.click("button:has-text('Accepter et appliquer')")
        page.goto(f"{base}/{quote(POSITION)}")
        assert "Texte amendé." in page.locator("#moin-content").inner_text()
        assert page.locator(".eco-amendements-accepte h4").inner_text() == "Acceptés (1)"
        assert page.locator(".eco-amendements-ouvert h4").inner_text() == "Ouverts (0)"
        assert not problems, problems


def axe_problems(page, name: str) -> list[str]:
    """Serious or critical accessibility violations found by axe-core on the page shown."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{name} : {v['id']} {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_follow_a_debate_by_mail_with_moins_subscriptions(wiki, client, app):
    setup(wiki, app)
    wiki.save(POSITION, "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\n---\nTexte.\n", acl=PUBLIC_ACL)
    login(client, "Carla")
    assert "Suivre ce débat par courriel" not in content(client, PATH)  # no mail configured: not offered
    app.cfg.mail_enabled = True
    csrf = token(client, "/+nouvelle/fiche")
    assert client.post("/+debat/suivre", data={"csrf_token": csrf, "page": POSITION}).status_code == 302
    html = content(client, PATH)
    assert "Ne plus suivre ce débat par courriel" in html

    def subscriptions():
        from moin.user import User

        return User(auth_username="Carla").subscriptions

    assert "namere::" + under(POSITION) in wiki.run(subscriptions)
    form = {"csrf_token": csrf, "page": POSITION, "arreter": "1"}
    assert client.post("/+debat/suivre", data=form).status_code == 302
    assert "namere::" + under(POSITION) not in wiki.run(subscriptions)
    assert client.get(f"/+debat/suivre?page={quote(POSITION)}").status_code in (404, 405)  # never by GET
    assert "namere::" + under(POSITION) not in wiki.run(subscriptions)


def test_an_amendment_survives_a_change_of_the_data_block_only(wiki, client, app):
    setup(wiki, app)
    wiki.save(POSITION, "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\n---\nTexte.\n", acl=PUBLIC_ACL)
    login(client, "Carla")
    html = client.get(f"/+debat/amendement?sur={quote(POSITION)}").get_data(as_text=True)
    base = re.search(r'name="base" value="([^"]+)"', html).group(1)
    csrf = token(client, "/+nouvelle/fiche")
    form = {"csrf_token": csrf, "sur": POSITION, "base": base, "texte": "Texte amendé."}
    assert client.post("/+debat/amendement", data=form).status_code == 302
    same = {**form, "texte": "Texte."}
    assert "identique au texte actuel" in client.post("/+debat/amendement", data=same).get_data(as_text=True)
    # the group moves the position on (its data block only): the proposal still applies, to the new block
    wiki.save(
        POSITION,
        "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\nstatut: en débat\n---\nTexte.\n",
        acl=PUBLIC_ACL,
    )
    as_user(client, "Bob")
    html = content(client, PATH + "/Amendements/1")
    assert "Texte modifié depuis la proposition" not in html and "Accepter et appliquer" in html
    decision = {"csrf_token": token(client, "/+nouvelle/fiche"), "amendement": POSITION + "/Amendements/1"}
    assert client.post("/+debat/amendement/decider", data={**decision, "decision": "accepter"}).status_code == 302
    text = client.get("/+get" + PATH).get_data(as_text=True)
    assert (
        text == "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\nstatut: en débat\n---\nTexte amendé.\n"
    )
    client.get("/+logout")
    html = content(client, PATH)  # still public after the amendment
    assert "Texte amendé." in html and "Position publique" in html


def test_forged_and_refused_actions_change_nothing(wiki, client, app):
    """Support and decisions are the server's: twice, anonymous, without token, from another site, by a member
    outside the group — each refused with nothing changed; the accepted text is credited to its author."""
    setup(wiki, app)
    wiki.save(POSITION, "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\n---\nTexte.\n", acl=PUBLIC_ACL)
    login(client, "Carla")
    argue(client, "pour", "Un argument à soutenir.")
    argument = POSITION + "/Arguments/1"
    csrf = token(client, "/+nouvelle/fiche")
    foreign = {"Origin": "https://attaquant.example"}
    # from another site, even with the right token: refused before anything runs
    form = {"csrf_token": csrf, "argument": argument}
    assert client.post("/+debat/soutien", data=form, headers=foreign).status_code == 403
    response = client.post(
        "/+debat/argument",
        data={"csrf_token": csrf, "sur": POSITION, "sens": "contre", "texte": "Argument forgé."},
        headers=foreign,
    )
    assert response.status_code == 403 and "depuis un autre site" in response.get_data(as_text=True)
    assert client.post("/+debat/soutien", data={"argument": argument}).status_code == 400  # no token
    assert "0 soutien<" in column(content(client, PATH), "pour")
    assert "Argument forgé." not in content(client, PATH) and "Contre (0)" in content(client, PATH)
    # twice by the same account: one support
    assert client.post("/+debat/soutien", data=form).status_code == 302
    assert client.post("/+debat/soutien", data=form).status_code == 302
    assert "1 soutien<" in column(content(client, PATH), "pour")
    # anonymous, with a visitor's token: refused
    client.get("/+logout")
    anonymous = {"csrf_token": token(client, "/+nouvelle/fiche"), "argument": argument}
    assert client.post("/+debat/soutien", data=anonymous).status_code == 403
    assert "1 soutien<" in column(content(client, PATH), "pour")
    form_page = client.get(f"/+debat/argument?sur={quote(POSITION)}&sens=contre")
    assert form_page.status_code == 403 and "Connectez-vous pour argumenter." in form_page.get_data(as_text=True)
    assert client.get(f"/+debat/amendement?sur={quote(POSITION)}").status_code == 403
    # an answer to an answer hangs under the first argument (one level)
    login(client, "Carla")
    argue(client, "contre", "Réponse.", reponse_a=argument)
    argue(client, "nuance", "Réponse à la réponse.", reponse_a=POSITION + "/Arguments/2")
    assert "reponse_a: " + argument in client.get(f"/+get/{POSITION}/Arguments/3").get_data(as_text=True)
    pour = column(content(client, PATH), "pour")
    assert pour.index("Un argument à soutenir.") < pour.index("Réponse.") < pour.index("Réponse à la réponse.")
    # an amendment by Carla (not in the group): she may not decide it, nor may a visitor or another site
    base = re.search(
        r'name="base" value="([^"]+)"', client.get(f"/+debat/amendement?sur={quote(POSITION)}").get_data(as_text=True)
    ).group(1)
    amend = {"csrf_token": csrf, "sur": POSITION, "base": base, "texte": "Texte amendé par Carla."}
    assert client.post("/+debat/amendement", data=amend).status_code == 302
    amendment = POSITION + "/Amendements/1"
    accept = {"csrf_token": csrf, "amendement": amendment, "decision": "accepter"}
    response = client.post("/+debat/amendement/decider", data=accept)
    assert response.status_code == 403
    assert "Seuls les membres du groupe de la position décident" in response.get_data(as_text=True)
    reject = {"csrf_token": csrf, "amendement": amendment, "decision": "rejeter", "motif": "Par Carla."}
    assert client.post("/+debat/amendement/decider", data=reject).status_code == 403
    client.get("/+logout")
    anonymous = {**accept, "csrf_token": token(client, "/+nouvelle/fiche")}
    assert client.post("/+debat/amendement/decider", data=anonymous).status_code == 403
    login(client, "Bob")
    bob = {**accept, "csrf_token": token(client, "/+nouvelle/fiche")}
    assert client.post("/+debat/amendement/decider", data=bob, headers=foreign).status_code == 403
    assert client.post("/+debat/amendement/decider", data={**bob, "csrf_token": "faux"}).status_code == 400
    text = client.get("/+get" + PATH).get_data(as_text=True)
    assert text.endswith("---\nTexte.\n") and "Ouverts (1)" in content(client, PATH)
    # by a member of the group: applied, and moin's history credits the new text to Carla
    assert client.post("/+debat/amendement/decider", data=bob).status_code == 302
    assert client.get("/+get" + PATH).get_data(as_text=True).endswith("---\nTexte amendé par Carla.\n")
    history = client.get("/+history" + PATH).get_data(as_text=True)
    row = history[history.rfind("<tr", 0, history.index("Amendement de Carla accepté par Bob")) :]
    row = row[: row.index("</tr>")]
    assert re.search(r'class="editor[^"]*" title="Carla"', row) and 'title="Bob"' not in row
    assert "Acceptés (1)" in content(client, PATH)


def test_an_argument_written_by_hand_and_a_schemes_debate(wiki, client, app):
    """``type: argument`` written in moin's editor anywhere, naming the page by its title, sources as plain lines;
    a scheme (dispositif) carries its debate as a position does."""
    setup(wiki, app)
    wiki.save(POSITION, "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\n---\nTexte.\n", acl=PUBLIC_ACL)
    wiki.save(
        "Réflexions/Mon argument",
        "---\ntype: argument\nsur: Publique\nsens: Contre\nsources:\n  - Rapport 2024 https://exemple.org/r\n"
        "  - titre: Budget\n    url: https://exemple.org/b\n---\nÉcrit à la main.\n",
    )
    html = content(client, PATH)
    contre = column(html, "contre")
    assert "Contre (1)" in html and "Écrit à la main." in contre
    assert 'href="https://exemple.org/r">Rapport 2024</a>' in contre and ">Budget</a>" in contre
    card = content(client, "/Réflexions/Mon argument")
    assert "Argument contre" in card and "Données à corriger" not in card
    wiki.save("Réflexions/Mauvais", "---\ntype: argument\nsur: Publique\nsens: peut-être\n---\nTexte.\n")
    assert "sens inconnu « peut-être » ; sens possibles : pour, contre, nuance" in content(client, "/Réflexions/Mauvais")
    assert "Contre (1)" in content(client, PATH) and "Pour (0)" in content(client, PATH)
    wiki.save("Dispositifs/Pass", "---\ntype: dispositif\nnom: Pass Culture\n---\nUn dispositif.\n")
    login(client, "Carla")
    argue(client, "pour", "Le pass a touché des familles.", sur="Dispositifs/Pass")
    html = content(client, "/Dispositifs/Pass")
    assert "Pour (1)" in html and "Le pass a touché des familles." in column(html, "pour")
    assert "Ajouter un argument contre" in html


def test_the_path_links_the_revision_that_adopted_the_position(wiki, client, app):
    """No ``adoption`` date written: the step « adoptée » takes the day of the revision that set the status, and
    links to that revision; a position still in debate shows the step to come."""
    setup(wiki, app)
    wiki.save(POSITION, "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\n---\nTexte.\n", acl=PUBLIC_ACL)
    html = content(client, PATH)
    parcours = html[html.find("eco-parcours") :]
    assert "adoptée</strong> — à venir" in parcours and "version adoptée" not in parcours
    wiki.save(
        POSITION,
        "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\nstatut: adoptée\n---\nTexte.\n",
        acl=PUBLIC_ACL,
    )
    wiki.save(
        POSITION,
        "---\ntype: position\ntitre: Publique\ngroupe: Culture et sport\nstatut: transmise\n---\nTexte revu.\n",
        acl=PUBLIC_ACL,
    )
    html = content(client, PATH)
    parcours = html[html.find("eco-parcours") :]
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    link = re.search(r'adoptée</strong> — le (\S+) · <a href="([^"]+)">version adoptée</a>', parcours)
    assert link is not None and link.group(1) == today
    adopted = client.get(link.group(2).replace("&amp;", "&"))
    assert adopted.status_code == 200 and "Texte revu." not in adopted.get_data(as_text=True)
    assert "Texte." in content(client, link.group(2).replace("&amp;", "&"))


def test_a_hand_written_argument_on_a_draft_stays_with_the_draft(wiki, client, app):
    """An argument written by hand, with no ACL of its own, about a draft (by its name or its title) is seen in no
    listing, count, export, feed or search by whoever may not read the draft; once the draft is public, it is."""
    setup(wiki, app)
    login(client, "Alice")
    draft(client)
    wiki.save("Réflexions/Par son nom", f"---\ntype: argument\nsur: {POSITION}\nsens: pour\n---\nManuscrit nommé.\n")
    wiki.save("Réflexions/Par son titre", "---\ntype: argument\nsur: Pour les petits lieux\nsens: nuance\n---\nManuscrit titré.\n")
    wiki.save("Listes", f'<<Derniers(type="argument", limite=50)>>\n\n<<Arguments(page="{POSITION}")>>\n')
    for who in (None, "Carla"):
        client.get("/+logout")
        if who:
            login(client, who)
        html = content(client, "/Listes")
        assert "Manuscrit" not in html and "Pour les petits lieux" not in html
        assert "0 argument" in html
        for path in ("/+donnees/argument.csv", "/+donnees/argument.json", "/+donnees/argument.atom"):
            export = client.get(path)
            assert export.status_code == 200
            assert "Manuscrit" not in export.get_data(as_text=True) and "petits lieux" not in export.get_data(as_text=True)
        search = client.get("/+recherche?q=manuscrit").get_data(as_text=True)
        assert "Par son nom" not in search and "Par son titre" not in search
    as_user(client, "Bob")
    html = content(client, "/Listes")
    assert "Manuscrit nommé." in html
    assert "Manuscrit titré." in html
    assert html.count("Pour les petits lieux") >= 2
    assert "Par son titre" in client.get("/+recherche?q=manuscrit").get_data(as_text=True)
    publish = {"csrf_token": token(client, "/+nouvelle/fiche"), "page": POSITION}
    assert client.post("/+position/publier", data=publish).status_code == 302
    client.get("/+logout")
    search = client.get("/+recherche?q=manuscrit").get_data(as_text=True)
    assert "Par son nom" in search and "Par son titre" in search
