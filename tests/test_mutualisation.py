"""Pooling: offers and needs as entries, matched across the network, as readers see them."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from benchmarks import mutualisation as bench
from plugins.data.registry import analyse
from plugins.data.schema import Resources, parse_resource_line, resource_line
from tests.helpers import content

THEATRE = """---
type: fiche
nom: Compagnie Les Tréteaux
secteurs: [Culture]
commune: Nantes
besoins:
  - genre: local
    description: Local de répétition le soir
  - genre: compétence
    description: Comptabilité de l'association
offres:
  - Ateliers de théâtre forum
---
"""

MAISON = """---
type: fiche
nom: Maison de quartier Doulon
secteurs: [Éducation populaire]
commune: Rezé
offres:
  - genre: local
    description: Prêt de locaux pour répétitions en soirée
---
"""

COMPTA = """---
type: fiche
nom: Coopérative Compta Solidaire
secteurs: [Finance solidaire]
commune: Saint-Herblain
offres:
  - "compétence : Accompagnement comptable des petites associations (tout le département, jusqu'au {until})"
---
"""


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_plain_lines_and_entries_are_both_read():
    record = analyse(THEATRE).record
    assert record.data["offres"] == ["Ateliers de théâtre forum"]  # written back as members wrote it
    assert record.data["besoins"][0] == {"genre": "local", "description": "Local de répétition le soir"}
    line = "local : Salle de répétition (Rezé, jusqu'au 2030-06-30)"
    entry = parse_resource_line(line)
    assert entry == {
        "genre": "local",
        "description": "Salle de répétition",
        "commune": "Rezé",
        "jusqu_au": "2030-06-30",
    }
    assert resource_line(entry) == line
    # the one-line form of the exports is read back as it was (the bulk import reads the same cells)
    cell = "local : Salle (Rezé, jusqu'au 2030-06-30) ; Prêt de vélos ; bénévolat : Bras (tout le département)"
    cleaned = Resources("offres", "Offres").clean(cell)
    assert " ; ".join(resource_line(e) for e in cleaned) == cell
    assert Resources("offres", "Offres").clean("local : Salle (Rezé, jusqu'au 2030-06-30)") == [
        {"genre": "local", "description": "Salle", "commune": "Rezé", "jusqu_au": "2030-06-30"}
    ]
    # a parenthesis that names no commune nor date stays in the description
    assert parse_resource_line("Atelier (le mardi)") == {"description": "Atelier (le mardi)"}


def test_a_wrong_kind_is_reported_in_french_and_the_rest_kept(wiki, client):
    wiki.save(
        "Initiatives/Erreur", "---\ntype: fiche\nnom: Erreur\nbesoins:\n  - genre: fusée\n    description: x\n---\n"
    )
    shown = text(content(client, "/Initiatives/Erreur"))
    assert "valeur inconnue « fusée »" in shown and "compétence, local, matériel" in shown
    assert "Données à corriger" in shown


def test_each_fiche_shows_who_can_help_and_whom_it_can_help(wiki, client):
    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON)
    wiki.save("Initiatives/Compta", COMPTA.format(until="2099-12-31"))
    shown = text(content(client, "/Initiatives/Tréteaux"))
    helpers = shown[shown.index("Qui peut vous aider") :]
    assert helpers.startswith("Qui peut vous aider (2)")
    assert "Maison de quartier Doulon : local Prêt de locaux pour répétitions en soirée — Rezé" in helpers
    assert "Coopérative Compta Solidaire : compétence Accompagnement comptable" in helpers
    assert "autre secteur (Éducation populaire)" in helpers
    useful = text(content(client, "/Initiatives/Doulon"))
    assert "À qui vous pouvez être utile (1)" in useful
    assert "Compagnie Les Tréteaux : local Local de répétition le soir" in useful
    assert "autre secteur (Culture)" in useful


def test_an_expired_offer_is_shown_as_such_and_never_matched(wiki, client):
    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Compta", COMPTA.format(until="2020-01-31"))
    own = text(content(client, "/Initiatives/Compta"))
    assert "expirée depuis le 31 janvier 2020" in own and "À qui vous pouvez être utile" not in own
    shown = text(content(client, "/Initiatives/Tréteaux"))
    assert "Coopérative Compta Solidaire" not in shown
    assert "Qui peut vous aider (0)" in shown and "Aucune offre du réseau" in shown


def test_a_restricted_fiche_is_neither_matched_nor_counted(wiki, client):
    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON, acl="Known:read,write All:")
    wiki.save("Besoins", "<<Mutualisation>>\n")
    shown = text(content(client, "/Initiatives/Tréteaux"))
    assert "Doulon" not in shown and "Qui peut vous aider (0)" in shown
    listing = text(content(client, "/Besoins"))
    assert "2 besoin(s) ouvert(s), dont 0 rencontrent au moins une offre" in listing and "Doulon" not in listing


def test_the_network_listing_filters_and_marks_cross_sector_matches(wiki, client):
    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON)
    wiki.save("Initiatives/Compta", COMPTA.format(until=(dt.date.today() + dt.timedelta(days=30)).isoformat()))
    wiki.save("Besoins", '<<Mutualisation(genre="local")>>\n\n<<Mutualisation(genre="fusée")>>\n')
    shown = text(content(client, "/Besoins"))
    assert "1 besoin(s) ouvert(s), dont 1 rencontrent au moins une offre du réseau ; 1 rapprochement(s) entre" in shown
    assert "Compagnie Les Tréteaux : local Local de répétition le soir" in shown
    assert "Comptabilité" not in shown  # a need of another kind
    assert "genre inconnu « fusée » ; genres possibles : compétence, local" in shown


def test_needs_and_offers_in_the_csv_export(wiki, client):
    wiki.save("Initiatives/Compta", COMPTA.format(until="2099-12-31"))
    csv_text = client.get("/+donnees/fiche.csv").get_data(as_text=True)
    assert (
        "compétence : Accompagnement comptable des petites associations (tout le département, jusqu'au 2099-12-31)"
        in csv_text
    )


def test_matching_beats_word_overlap_and_meets_its_target():
    figures = bench.measure()
    ours, baseline = figures["mutualisation"], figures["recouvrement"]
    assert ours["pairs"] >= 40 and 0 < ours["true_pairs"] < ours["pairs"]
    assert ours["precision_at_3"] >= bench.TARGET_PRECISION
    assert ours["recall"] > baseline["recall"] and ours["precision_at_3"] > baseline["precision_at_3"]
    plain = figures["mutualisation_lignes_simples"]  # the same entries written as plain lines: kinds guessed
    assert plain["precision_at_3"] >= bench.TARGET_PRECISION and plain["recall"] > baseline["recall"]


RESSOURCERIE = """---
type: fiche
nom: La Ressourcerie
commune: Nantes
chaines:
  - chaine: Chaîne de la récup'
    maillon: Collecte
besoins: [Local de stockage]
---
"""


def test_a_fiche_shows_every_kind_of_tie_once_with_counts(app, wiki, client):
    from tests.test_financements import GOOD_ROW, importing, scdl

    wiki.save("Initiatives/Ressourcerie", RESSOURCERIE + "\n")
    wiki.save("Chaines/Recup", "---\ntype: chaine\nnom: Chaîne de la récup'\nmaillons: [Collecte, Réemploi]\n---\n")
    wiki.save(
        "Lieux/Hangar", "---\ntype: lieu\nnom: Le Hangar\ncommune: Rezé\ngestionnaire: Initiatives/Ressourcerie\n---\n"
    )
    wiki.save("Lieux/Autre", "---\ntype: lieu\nnom: Autre lieu\ngestionnaire: Quelqu'un d'autre\n---\n")
    wiki.save(
        "Agenda/Troc", "---\ntype: evenement\ntitre: Troc de printemps\ndebut: 2026-04-04\nlieu: Le Hangar\n---\n"
    )
    wiki.save(
        "Agenda/Atelier",
        "---\ntype: evenement\ntitre: Atelier\ndebut: 2026-05-02\nintervenants: [La Ressourcerie]\n---\n",
    )
    wiki.save("Agenda/Ailleurs", "---\ntype: evenement\ntitre: Ailleurs\ndebut: 2026-05-02\nlieu: Autre lieu\n---\n")
    wiki.save(
        "Positions/Appel",
        "---\ntype: position\ntitre: Appel pour le réemploi\ngroupe: Récup\nstatut: adoptée\nsignataires: [La Ressourcerie]\n---\n",
    )
    wiki.save(
        "Positions/Secrete",
        "---\ntype: position\ntitre: Position secrète\ngroupe: Récup\nsignataires: [La Ressourcerie]\n---\n",
        acl="AdminGroup:read,write All:",
    )
    wiki.save("Initiatives/Entrepot", "---\ntype: fiche\nnom: Entrepôt\noffres: [Hangar de stockage partagé]\n---\n")
    wiki.save("Dispositifs/Le Pass", "---\ntype: dispositif\nnom: Pass\n---\n")
    importing(app, scdl(GOOD_ROW.replace("Asso Une", "La Ressourcerie").replace("12345678900012", "")), "ville.csv")
    shown = text(content(client, "/Initiatives/Ressourcerie"))
    relations = shown[shown.index("Relations") :]
    assert "Chaînes (1) Chaîne de la récup' : Collecte" in relations
    assert "Lieux gérés (1) Le Hangar (Rezé)" in relations and "Autre lieu" not in relations
    assert "Événements (2) Atelier (2026-05-02) · Troc de printemps (2026-04-04)" in relations
    assert "Ailleurs" not in relations
    assert "Positions signées (1) Appel pour le réemploi (adoptée)" in relations  # the restricted one is not counted
    assert "Position secrète" not in shown
    assert "Dispositifs (1) Pass" in relations and "Subventions reçues (1) 1 000,50 € au total" in relations
    assert "Mutualisation (1) 1 offre répond à ses besoins · 0 besoin auxquels ses offres répondent" in relations
    for kind in (
        "Chaînes (",
        "Lieux gérés (",
        "Événements (",
        "Positions signées (",
        "Dispositifs (",
        "Mutualisation (",
    ):
        assert relations.count(kind) == 1, kind


def test_the_seed_content_shows_the_pooling(app, client):
    import os

    from plugins.operations.seed import load_seed

    with app.app_context():
        load_seed(app, os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "pages"))
    listing = text(content(client, "/Mutualisation"))
    assert "Les Jardins Partagés du Pellerin : Outils de jardinage" in listing
    assert (
        "La Ressourcerie de l'Île : matériel Outils de jardinage et ordinateurs de récupération — tout le département"
        " autre secteur (Récup', Réemploi)" in listing
    )
    assert "L'Hébergeur associatif nantais : Serveurs de récupération" in listing
    help_page = text(content(client, "/Aide"))
    assert "<<Mutualisation>>" in help_page and "les besoins ouverts du réseau" in help_page


def test_needs_and_offers_as_an_atom_feed_and_in_the_json_export(wiki, client):
    import xml.etree.ElementTree as ET

    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON, acl="Known:read,write All:")
    response = client.get("/+mutualisation.atom?cote=besoins")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert response.headers["Cache-Control"] == "private, no-store"
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(response.get_data())
    titles = [e.findtext(f"{atom}title") for e in feed.findall(f"{atom}entry")]
    assert titles == [
        "Besoin — Compagnie Les Tréteaux : Local de répétition le soir",
        "Besoin — Compagnie Les Tréteaux : Comptabilité de l'association",
    ]
    first = feed.find(f"{atom}entry")
    assert first.find(f"{atom}category").get("term") == "local"
    assert first.find(f"{atom}link").get("href").endswith("/Initiatives/Tr%C3%A9teaux")
    everything = ET.fromstring(client.get("/+mutualisation.atom").get_data())
    assert len(everything.findall(f"{atom}entry")) == 3  # the restricted fiche's offer is not in it
    assert "Doulon" not in client.get("/+mutualisation.atom").get_data(as_text=True)
    bad = client.get("/+mutualisation.atom?genre=fusée")
    assert bad.status_code == 400 and "genre inconnu" in bad.get_data(as_text=True)
    exported = client.get("/+donnees/fiche.json").get_json()
    data = exported["elements"][0]["donnees"]
    assert data["besoins"][0] == {"genre": "local", "description": "Local de répétition le soir"}
    assert data["offres"] == ["Ateliers de théâtre forum"]


def test_the_network_is_drawn_tabled_and_exported_for_the_reader(wiki, client):
    import io
    import xml.etree.ElementTree as ET

    import networkx as nx

    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON)
    wiki.save("Initiatives/Compta", COMPTA.format(until="2099-12-31"), acl="Known:read,write All:")
    no_need = RESSOURCERIE.replace("besoins: [Local de stockage]\n", "")
    wiki.save("Initiatives/Ressourcerie", no_need)
    wiki.save(
        "Initiatives/Atelier", no_need.replace("La Ressourcerie", "L'Atelier vélo").replace("Collecte", "Réemploi")
    )
    wiki.save("Chaines/Recup", "---\ntype: chaine\nnom: Chaîne de la récup'\nmaillons: [Collecte, Réemploi]\n---\n")
    wiki.save("Reseau", '<<Reseau>>\n\n<<Reseau(pays="France")>>\n')
    shown = text(content(client, "/Reseau"))
    assert "4 acteur(s), 2 lien(s) : 1 chaîne, 0 lieu partagé, 1 mutualisation." in shown
    assert "L'Atelier vélo chaîne La Ressourcerie Chaîne de la récup'" in shown
    assert (
        "Maison de quartier Doulon mutualisation Compagnie Les Tréteaux "
        "Prêt de locaux pour répétitions en soirée → Local de répétition le soir" in shown
    )
    assert "Compta Solidaire" not in shown  # restricted: neither drawn, tabled nor counted
    assert "argument inconnu « pays »" in shown
    drawing = client.get("/+reseau.svg")
    assert drawing.status_code == 200 and drawing.mimetype == "image/svg+xml"
    svg = ET.fromstring(drawing.get_data())
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == "Le réseau des acteurs"
    assert len(svg.findall(".//{http://www.w3.org/2000/svg}line")) == 2 + 3  # two ties, three legend lines
    graph = nx.read_graphml(io.BytesIO(client.get("/+reseau.graphml").get_data()))
    assert sorted(graph.nodes[n]["label"] for n in graph) == [
        "Compagnie Les Tréteaux",
        "L'Atelier vélo",
        "La Ressourcerie",
        "Maison de quartier Doulon",
    ]
    assert sorted(d["type"] for _a, _b, d in graph.edges(data=True)) == ["chaîne", "mutualisation"]
    # on the map: Doulon (Rezé) offers to Les Tréteaux (Nantes); the chain ties two actors of Nantes
    assert "Les liens entre communes" in shown and "Nantes – Rezé : 1 mutualisation" in shown
    town_map = client.get("/+reseau/carte")
    document = town_map.get_data(as_text=True)
    assert town_map.status_code == 200 and "Content-Security-Policy" in town_map.headers
    assert "Nantes – Rezé : 1 mutualisation" in document and "Nantes : 3 acteur(s)" in document
    assert "L.polyline" in document and "unpkg" not in document and "cdn" not in document
    exported = client.get("/+reseau.json?secteur=Culture").get_json()
    assert [a["nom"] for a in exported["acteurs"]] == ["Compagnie Les Tréteaux"] and exported["liens"] == []


def test_the_network_drawing_and_its_map_are_drawn_in_chromium(wiki, app):
    from tests.browser import browser_page, served

    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON)
    wiki.save("Reseau", "<<Reseau>>\n")
    with served(app) as base, browser_page() as (page, requested):
        page.goto(base + "/Reseau")
        drawing = page.wait_for_selector("img.eco-reseau")
        page.wait_for_function("() => document.querySelector('img.eco-reseau').complete")
        assert drawing.evaluate("img => img.naturalWidth") == 900  # the SVG was served and decoded
        frame = page.wait_for_selector("iframe.eco-carte-frame").content_frame()
        # one line between Rezé and Nantes, one circle for each of the two communes, each drawn with a size
        # (a map fitted while its frame was 0×0 drew its line as an empty path)
        drawn = "[...document.querySelectorAll('path.leaflet-interactive')].filter(p => p.getBBox().width + p.getBBox().height > 0)"
        frame.wait_for_function(f"() => {drawn}.length >= 3", timeout=15000)
        assert frame.evaluate(f"() => {drawn}.length") == 3
        assert frame.evaluate("() => document.querySelectorAll('path.leaflet-interactive').length") == 3
        outside = [u for u in requested if not u.startswith((base, "https://tile.openstreetmap.org/", "data:"))]
        assert outside == [], outside


def test_a_member_writes_offers_with_kind_commune_and_date_through_the_form(wiki, client):
    from tests.helpers import login
    from tests.test_form import token

    wiki.create_user("Alice")
    login(client, "Alice")
    form = {
        "csrf_token": token(client),
        "nom": "Salle Commune",
        "commune": "Nantes",
        # the form's rows for entries (plugins/web/schema_forms.py): kind, description, commune, « jusqu'au »
        "offres.0.genre": "local",
        "offres.0.description": "Salle de répétition",
        "offres.0.commune": "Rezé",
        "offres.0.jusqu_au": "2030-06-30",
        "offres.1.description": "Concerts",
        "besoins.0.genre": "bénévolat",
        "besoins.0.description": "Bénévoles pour l'accueil",
    }
    assert client.post("/+nouvelle/fiche", data=form).status_code == 302
    raw = client.get("/+get/Initiatives/Salle Commune").get_data(as_text=True)
    # the canonical style the forms write (README): lists indented under their key
    assert "  - genre: local\n    description: Salle de répétition\n    commune: Rezé\n    jusqu_au: 2030-06-30\n" in raw
    assert "  - Concerts\n" in raw  # a plain line stays a plain line
    shown = text(content(client, "/Initiatives/Salle Commune"))
    assert "local Salle de répétition — Rezé · jusqu'au 30 juin 2030" in shown
    assert "bénévolat Bénévoles pour l'accueil — Nantes" in shown


#: (need, the offer it must meet first) written as members would, none of them in the judged set
FRENCH_PAIRS = [
    ("local de répétition", "Prêt de locaux pour répétitions"),
    ("comptabilité", "Accompagnement comptable"),
    ("Réparation de vélos", "Nous pouvons réparer vos vélos"),
    ("Une salle", "Salles de répétition"),
    ("Jeux de société pour la fête", "Prêt de jeu de société"),
    ("Formation en écologie", "Initiation à l'ecologie"),
    ("Un traducteur", "Traduction de documents"),
    ("Photographe", "Photos de vos événements"),
    ("Imprimante", "Impression de flyers"),
    ("Chevaux de trait pour le maraîchage", "Prêt d'un cheval de trait"),
]
#: offers that share a word with some need but not its purpose
DISTRACTORS = ["Paniers de légumes locaux", "Formation à la comptabilité pour les jeunes? non : cours de théâtre"]


def test_french_text_analysis_meets_plurals_accents_and_derivations():
    from plugins.indexing.mutualisation import BESOINS, OFFRES, Matcher, entries_of

    pages = [
        bench.Page(f"Initiatives/B{i}", f"B{i}", {"commune": "Nantes", "besoins": [need]})
        for i, (need, _offer) in enumerate(FRENCH_PAIRS)
    ] + [
        bench.Page(f"Initiatives/O{i}", f"O{i}", {"commune": "Nantes", "offres": [offer]})
        for i, offer in enumerate([o for _n, o in FRENCH_PAIRS] + DISTRACTORS)
    ]
    matcher = Matcher([e for p in pages for e in entries_of(p, BESOINS) + entries_of(p, OFFRES)])
    for i, (need, offer) in enumerate(FRENCH_PAIRS):
        (entry,) = entries_of(pages[i], BESOINS)
        found = matcher.matches(entry, 3)
        assert [m.offer.description for m in found][:1] == [offer], need
    (local,) = entries_of(pages[0], BESOINS)
    assert "Paniers de légumes locaux" not in [m.offer.description for m in matcher.matches(local, None)]


def test_the_feed_comes_from_the_export_registry_and_reads_as_atom(wiki, client):
    from lxml import etree

    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON)
    wiki.save("Initiatives/Compta", COMPTA.format(until="2020-01-31"))  # expired: not in any feed
    wiki.save("Initiatives/Secret", MAISON.replace("Doulon", "Secrète"), acl="AdminGroup:read,write All:")
    wiki.save("Liste", '<<Classeur(secteur="Culture")>>\n')
    atom = "{http://www.w3.org/2005/Atom}"

    def entries(url: str) -> list[str]:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        feed = etree.fromstring(response.get_data())
        assert feed.tag == f"{atom}feed"  # RFC 4287: a feed has an id, a title, an updated date and an author
        for element in ("id", "title", "updated", "author"):
            assert feed.find(f"{atom}{element}") is not None, element
        titles = []
        for entry in feed.findall(f"{atom}entry"):
            assert entry.findtext(f"{atom}id") and entry.findtext(f"{atom}updated")
            assert entry.find(f"{atom}link").get("rel", "alternate") == "alternate"  # RFC 4287: no rel is alternate
            titles.append(entry.findtext(f"{atom}title"))
        return sorted(titles)

    # the selection's filters (here the sector of the fiche) as every export of the registry
    assert entries("/+donnees/fiche.mutualisation?secteur=Culture") == [
        "Besoin — Compagnie Les Tréteaux : Comptabilité de l'association",
        "Besoin — Compagnie Les Tréteaux : Local de répétition le soir",
        "Offre — Compagnie Les Tréteaux : Ateliers de théâtre forum",
    ]
    assert entries("/+donnees/fiche.mutualisation?genre=local") == [
        "Besoin — Compagnie Les Tréteaux : Local de répétition le soir",
        "Offre — Maison de quartier Doulon : Prêt de locaux pour répétitions en soirée",
    ]
    assert entries("/+mutualisation.atom?commune=Rezé&cote=offres") == [
        "Offre — Maison de quartier Doulon : Prêt de locaux pour répétitions en soirée"
    ]
    bad = client.get("/+donnees/fiche.mutualisation?cote=tout")
    assert bad.status_code == 400 and "« cote » vaut « besoins » ou « offres »" in bad.get_data(as_text=True)
    assert client.get("/+donnees/lieu.mutualisation").status_code == 404
    listing = content(client, "/Liste")
    assert "/+donnees/fiche.mutualisation?secteur=Culture" in unescape(listing)
    assert "besoins et offres (Atom)" in text(listing)


def test_macro_arguments_in_the_manual_order_and_wrong_ones_in_french(wiki, client):
    wiki.save("Initiatives/Tréteaux", THEATRE)
    wiki.save("Initiatives/Doulon", MAISON)
    wiki.save(
        "Besoins",
        "<<Mutualisation(local, Nantes)>>\n\n<<Mutualisation(limite=0)>>\n\n<<Mutualisation(commune=\"Paris\")>>\n\n"
        "<<Mutualisation(local, Nantes, Culture, 5, 6)>>\n\n<<Mutualisation(local, genre=local)>>\n\n"
        "<<Reseau(Culture)>>\n\n<<Reseau(commune=\"Gotham\")>>\n",
    )
    shown = text(content(client, "/Besoins"))
    # <<Mutualisation(local, Nantes)>>: genre « local », commune « Nantes »
    assert "1 besoin(s) ouvert(s), dont 1 rencontrent au moins une offre du réseau" in shown
    assert "« limite » doit être un nombre entre 1 et 500, pas « 0 »" in shown
    assert "Mutualisation : commune inconnue « Paris » ; écrivez le nom d'une commune de Loire-Atlantique" in shown
    assert "5 arguments sans nom, 4 au plus (dans cet ordre : genre, commune, secteur, limite)" in shown
    assert "l'argument « genre » est donné deux fois" in shown
    assert "1 acteur(s), 0 lien(s)" in shown  # <<Reseau(Culture)>>: the sector « Culture », Doulon left out
    assert "Reseau : commune inconnue « Gotham »" in shown
    assert "Traceback" not in shown
