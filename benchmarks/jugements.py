"""A judged set of French queries for measuring search relevance (ours against moin's, same data, same run).

The corpus is the seed content plus generated pages. Each generated page is *about* one subject (its title,
its data and most of its text), in one commune, written with varied word forms; some mention another
subject in passing, which does not make them relevant to it. A query's relevant pages are judged from that
ground truth (and, for the seed content, by hand), never from what either search engine returns.

Used by ``benchmarks/recherche.py`` (figures) and ``tests/test_recherche_pertinence.py`` (a floor).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

#: subject -> (sector, titles, sentences): the words come in several forms on purpose
SUBJECTS: dict[str, tuple[str, list[str], list[str]]] = {
    "financement": (
        "Finance solidaire",
        ["Financer son association", "Les financements publics", "Trouver un financement"],
        [
            "Les subventions et les financements des collectivités restent fragiles.",
            "Nous cherchons à financer le projet par une souscription citoyenne.",
            "Le financement participatif a couvert la moitié du budget.",
            "Une banque coopérative a financé la rénovation.",
        ],
    ),
    "compostage": (
        "Environnement",
        ["Composteur de quartier", "Le compost collectif", "Composter en pied d'immeuble"],
        [
            "Les habitants compostent leurs épluchures dans le bac partagé.",
            "Le compostage collectif réduit les déchets de la résidence.",
            "Un guide composteur forme les nouveaux volontaires.",
        ],
    ),
    "velo": (
        "Mobilité",
        ["Atelier vélo participatif", "Réparer son vélo", "Vélos reconditionnés"],
        [
            "On y apprend à réparer soi-même son vélo.",
            "Les vélos abandonnés sont remis en état et revendus.",
            "La vélorution du samedi part de l'atelier.",
        ],
    ),
    "libre": (
        "Numérique",
        ["Install-party de logiciels libres", "Le logiciel libre à l'école", "Permanence Linux"],
        [
            "Des bénévoles installent des logiciels libres sur les ordinateurs.",
            "Le système libre redonne vie aux machines anciennes.",
            "Nous défendons le logiciel libre et les formats ouverts.",
        ],
    ),
    "alimentation": (
        "Alimentation",
        ["Paniers de légumes", "Épicerie solidaire", "Circuits courts alimentaires"],
        [
            "Les maraîchers livrent des paniers de légumes de saison.",
            "L'épicerie propose des produits locaux à prix solidaires.",
            "Manger local et bio doit être accessible à tous.",
        ],
    ),
    "habitat": (
        "Habitat",
        ["Habitat participatif", "Coopérative d'habitants", "Se loger autrement"],
        [
            "Les futurs habitants conçoivent ensemble leur immeuble.",
            "La coopérative d'habitants sort le logement de la spéculation.",
            "Des logements partagés pour les jeunes travailleurs.",
        ],
    ),
    "musique": (
        "Culture",
        ["Concerts en appartement", "Chorale de quartier", "École de musique associative"],
        [
            "Les musiciens amateurs jouent dans les salons des habitants.",
            "La chorale répète chaque jeudi soir.",
            "Des cours de musique à prix libre pour les enfants.",
        ],
    ),
    "insertion": (
        "Emploi",
        ["Chantier d'insertion", "Retour à l'emploi", "Entreprise d'insertion"],
        [
            "Le chantier d'insertion accompagne des salariés éloignés de l'emploi.",
            "Un parcours d'insertion professionnelle de deux ans.",
            "Les salariés en insertion sont formés au métier de menuisier.",
        ],
    ),
    "ecologie": (
        "Environnement",
        ["Écologie populaire", "Transition écologique du quartier", "Défi zéro déchet"],
        [
            "L'écologie se vit au quotidien, dans les gestes simples.",
            "La transition écologique passe par les quartiers populaires.",
            "Des familles relèvent le défi de réduire leurs déchets.",
        ],
    ),
    "theatre": (
        "Culture",
        ["Troupe de théâtre amateur", "Théâtre forum", "Scène ouverte"],
        [
            "La troupe joue ses pièces dans les salles de quartier.",
            "Le théâtre forum met en scène des situations d'oppression.",
            "Les comédiens amateurs montent une création chaque année.",
        ],
    ),
}

FILLER = [
    "Le projet est né d'une rencontre entre voisins.",
    "Les réunions ont lieu une fois par mois.",
    "Toute personne intéressée est la bienvenue.",
    "Le bilan de l'année a été présenté en assemblée générale.",
]
#: a word of a subject dropped in passing into a page about another subject
IN_PASSING = {
    "financement": "La question du financement n'a pas été abordée.",
    "compostage": "Un bac à compost est prévu plus tard.",
    "velo": "On vient à vélo.",
    "libre": "Les affiches sont faites avec un logiciel libre.",
    "musique": "Un peu de musique a clos la soirée.",
    "theatre": "La salle sert aussi au théâtre.",
}
COMMUNES = ["Nantes", "Rezé", "Saint-Herblain", "Orvault", "Couëron", "Bouguenais", "Vertou", "Carquefou"]


@dataclass(frozen=True)
class Generated:
    name: str
    text: str
    subject: str
    commune: str


def corpus(n: int, seed: int = 7) -> list[Generated]:
    """``n`` pages, half of them fiches, half free pages, about the subjects above."""
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        subject = rng.choice(list(SUBJECTS))
        sector, titles, sentences = SUBJECTS[subject]
        commune = rng.choice(COMMUNES)
        title = f"{rng.choice(titles)} à {commune} ({i})"
        body = [*rng.sample(sentences, 2), *rng.sample(FILLER, 2)]
        if rng.random() < 0.35:
            body.append(IN_PASSING[rng.choice([s for s in IN_PASSING if s != subject])])
        rng.shuffle(body)
        text = " ".join(body) + "\n"
        if i % 2 == 0:
            resume = rng.choice(sentences).replace(":", " ")
            text = (
                f"---\ntype: fiche\nnom: {title}\nsecteurs: [{sector}]\ncommune: {commune}\n"
                f"resume: {resume}\n---\n{text}"
            )
            name = f"Initiatives/Générées/{title}"
        else:
            text = f"= {title} =\n\n{text}"
            name = f"Archives/{title}"
        pages.append(Generated(name, text, subject, commune))
    return pages


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: frozenset[str]


def _about(pages: list[Generated], subject: str, commune: str | None = None, fiches: bool = False) -> set[str]:
    """Pages about a subject (in a commune); with ``fiches``, only those whose data names the commune
    (what `commune:…` asks for: free pages have no commune field)."""
    return {
        p.name
        for p in pages
        if p.subject == subject
        and (commune is None or p.commune == commune)
        and (not fiches or p.name.startswith("Initiatives/"))
    }


SEED = {
    "ressourcerie": {"Initiatives/La Ressourcerie de l'Île"},
    "reconditionnement d'ordinateurs": {"Initiatives/Libre à Rezé"},
    "hébergeur associatif": {"Initiatives/L'Hébergeur associatif nantais"},
    "paniers de légumes Rezé": {"Initiatives/Le Panier des Bords de Loire"},
    "jardins partages": {"Initiatives/Les Jardins Partagés du Pellerin", "Lieux/Jardin partagé de la Balinière"},
    "guinguette": {"Lieux/La Guinguette des Couëts"},
    "pique-nique nomade": {"Agenda/Pique-nique nomade 2027"},
    "chaîne de la récup": {"Chaînes/La chaîne de la récup'"},
    "chaine du libre": {"Chaînes/La chaîne du libre"},
    "journée d'études": {"Agenda/Journée d'études 2027"},
    "coop velo saint-herblain": {"Initiatives/Coop'Vélo Saint-Herblain", "Lieux/L'Atelier de Coop'Vélo"},
    "salon de musique Orvault": {"Initiatives/Le Salon de Musique d'Orvault", "Lieux/Le salon de musique"},
}


def judged_set(pages: list[Generated]) -> list[Judged]:
    """At least 40 queries: word forms, missing accents, subject with commune, fields, seed pages."""
    queries: list[tuple[str, set[str]]] = [
        ("financements", _about(pages, "financement")),
        ("financer une association", _about(pages, "financement")),
        ("financement participatif", _about(pages, "financement")),
        ("subvention", _about(pages, "financement")),
        ("compost", _about(pages, "compostage")),
        ("composteurs collectifs", _about(pages, "compostage")),
        ("compostage Rezé", _about(pages, "compostage", "Rezé")),
        ("compostage Reze", _about(pages, "compostage", "Rezé")),
        ("réparer son vélo", _about(pages, "velo")),
        ("velos reconditionnes", _about(pages, "velo")),
        ("atelier vélo Couëron", _about(pages, "velo", "Couëron")),
        ("logiciels libres", _about(pages, "libre")),
        ("logiciel libre ordinateurs", _about(pages, "libre")),
        ("linux", _about(pages, "libre")),
        ("paniers légumes", _about(pages, "alimentation")),
        ("épicerie solidaire", _about(pages, "alimentation")),
        ("circuit court alimentaire", _about(pages, "alimentation")),
        ("habitat participatif", _about(pages, "habitat")),
        ("cooperative d'habitants", _about(pages, "habitat")),
        ("logement", _about(pages, "habitat")),
        ("concert", _about(pages, "musique")),
        ("chorales", _about(pages, "musique")),
        ("musique Vertou", _about(pages, "musique", "Vertou")),
        ("chantier d'insertion", _about(pages, "insertion")),
        ("insertion professionnelle", _about(pages, "insertion")),
        ("emplois", _about(pages, "insertion")),
        ("écologie", _about(pages, "ecologie")),
        ("ecologique", _about(pages, "ecologie")),
        ("zéro déchet", _about(pages, "ecologie")),
        ("théâtre amateur", _about(pages, "theatre")),
        ("theatre forum", _about(pages, "theatre")),
        ("comédiens", _about(pages, "theatre")),
        ("commune:Orvault théâtre", _about(pages, "theatre", "Orvault", fiches=True)),
        ("commune:Reze financement", _about(pages, "financement", "Rezé", fiches=True)),
        ("troupe Saint-Herblain", _about(pages, "theatre", "Saint-Herblain")),
        ("habitat Carquefou", _about(pages, "habitat", "Carquefou")),
    ]
    queries += [(q, set(r)) for q, r in SEED.items()]
    return [Judged(q, frozenset(r)) for q, r in queries if r]


@dataclass
class Scores:
    precision_at_10: float
    recall: float
    #: queries with no relevant page in the first ten
    missed: list[str]


def evaluate(judged: list[Judged], run: Callable[[str], list[str]], depth: int = 100) -> Scores:
    """Mean precision at 10 and mean recall within the first ``depth`` results (moin shows at most 100)."""
    p10, recall, missed = [], [], []
    for j in judged:
        ranked = run(j.query)[:depth]
        top = ranked[:10]
        hits = sum(1 for name in top if name in j.relevant)
        p10.append(hits / min(10, len(j.relevant)))
        recall.append(len(set(ranked) & j.relevant) / len(j.relevant))
        if hits == 0:
            missed.append(j.query)
    return Scores(sum(p10) / len(p10), sum(recall) / len(recall), missed)


def moin_search(query: str, limit: int = 100) -> list[str]:
    """moin's own search, as its ``/+search`` view runs it (same fields, trash left out, its first 100
    results by score), keeping what the reader may read as its results page does. Needs a request context."""
    from moin import flaskg
    from moin.constants.keys import (
        COMMENT,
        CONTENT,
        CONTENTNGRAM,
        LATEST_REVS,
        NAMENGRAM,
        NAMES,
        SUMMARY,
        SUMMARYNGRAM,
        TAGS,
        TRASH,
    )
    from whoosh.query import And, Not, Term

    fields = [NAMES, NAMENGRAM, TAGS, SUMMARY, SUMMARYNGRAM, CONTENT, CONTENTNGRAM, COMMENT]
    q = And([flaskg.storage.query_parser(fields, idx_name=LATEST_REVS).parse(query), Not(Term(TRASH, True))])
    names = []
    with flaskg.storage.indexer.ix[LATEST_REVS].searcher() as searcher:
        for hit in searcher.search(q, limit=limit):
            doc = hit.fields()
            if flaskg.storage.may_read_rev(doc) and doc.get("name"):
                ns = doc.get("namespace") or ""
                names.append(f"{ns}/{doc['name'][0]}" if ns else doc["name"][0])
    return names


def our_search(query: str, limit: int = 100) -> list[str]:
    """Our search (plugins.indexing.search), its first ``limit`` results. Needs a request context."""
    from plugins.indexing import search as recherche

    return [h.page.fullname for h in recherche.search(query, limit=limit).hits]
