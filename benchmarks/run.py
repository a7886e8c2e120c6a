"""Benchmarks of the binder (run on demand: ``make bench``; not part of ``make test``).

On a wiki on disk (moin's file stores, in a temporary directory), in one run:

1. saving fiches one by one through moin (its Item API, as its edit form does) against our bulk import
   of 2,000 fiches from a CSV file (``plugins.operations.bulk``, the code behind ``make import-fiches``);
2. warm rendering of a plain page, of a page with ``<<Classeur>>`` (first page and facets) and of a page
   with moin's ``<<ItemList>>`` over the same 2,000 items, through the Flask test client.

Prints the figures and the ratios. Options: ``--fiches N`` (default 2000), ``--moin-saves N`` (default 100).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("ECOSSOLIES_SECRET_KEY", "cle-de-mesure-seulement")

SECTEURS = ["Culture", "Alimentation", "Récup'", "Numérique", "Mobilité", "Habitat", "Finance solidaire", "Santé"]
THEMES = ["Circuits courts", "Insertion", "Éducation populaire", "Économie circulaire", "Logiciel libre", "Lien social"]
FORMES = ["association", "SCOP", "SCIC", "collectif", "mutuelle"]


def make_app(directory: str, create: bool = True):
    """A wiki on disk in ``directory``: created (``create``), or an existing one opened as it is."""
    from moin.app import create_app_ext
    from moin.config import IndexStorageConfig
    from moin.storage import create_mapping

    import wikiconfig

    uri = f"stores:fs:{directory}/data/%(backend)s/%(kind)s"

    class BenchConfig(wikiconfig.Config):
        instance_dir = directory
        index_storage = IndexStorageConfig(name="FileStorage", args=(f"{directory}/index",), kwargs=wikiconfig.INDEX_OPTIONS)
        structured_index_dir = f"{directory}/index-structure"
        public_cache = False  # rendering is measured here; the anonymous cache is measured by charge.py
        backends = dict.fromkeys(wikiconfig.NAMESPACES.values(), uri)
        namespace_mapping, backend_mapping, acl_mapping = create_mapping(
            uri, wikiconfig.NAMESPACES, backends, wikiconfig.ecossolies_acls()
        )

    return create_app_ext(
        flask_config_dict={
            "SECRET_KEY": "cle-de-mesure-seulement",
            "THEME_PATHS": wikiconfig.THEME_PATHS,
            "BABEL_TRANSLATION_DIRECTORIES": wikiconfig.BABEL_TRANSLATION_DIRECTORIES,
        },
        moin_config_class=BenchConfig,
        create_backend=create,
    )


def csv_of_fiches(path: str, n: int) -> None:
    from plugins.data import communes

    rng = random.Random(42)
    names = communes.names()
    with open(path, "w", encoding="utf-8") as f:
        f.write("nom;forme;secteurs;themes;commune;creation;resume;texte\n")
        for i in range(n):
            f.write(
                f'Initiative {i:05d};{rng.choice(FORMES)};"{rng.choice(SECTEURS)}; {rng.choice(SECTEURS)}";'
                f"{rng.choice(THEMES)};{rng.choice(names)};{rng.randint(1970, 2025)};"
                f"Une initiative de l'économie sociale et solidaire numéro {i};Texte libre de la fiche {i}.\n"
            )


def moin_saves(app, n: int) -> float:
    """Pages saved per second one by one through moin's Item API (what its edit form does)."""
    from moin import flaskg
    from moin import user as moin_user
    from moin.app import before_wiki, teardown_wiki
    from moin.constants.keys import CONTENTTYPE, ITEMTYPE
    from moin.items import Item

    from plugins.operations.accounts import make_admin

    with app.app_context():
        before_wiki()
        make_admin(app, "Mesure", "mesure@exemple.org", "motdepasse-solide-2026")
    start = time.perf_counter()
    for i in range(n):
        with app.test_request_context("/"):
            before_wiki()
            flaskg.user = flaskg.storage.user = moin_user.User(auth_username="Mesure")
            text = f"---\ntype: fiche\nnom: Une par une {i}\ncommune: Nantes\nsecteurs: [Culture]\n---\nTexte {i}.\n"
            ct = "text/x.moin.wiki;charset=utf-8"
            Item.create(f"UneParUne/{i:05d}", itemtype="default", contenttype=ct)._save(
                {CONTENTTYPE: ct, ITEMTYPE: "default"}, text, comment="mesure"
            )
            teardown_wiki("")
    return n / (time.perf_counter() - start)


def bulk_import(app, csv_path: str) -> tuple[float, int]:
    from moin.app import before_wiki

    from plugins.operations.bulk import import_fiches, read_source

    start = time.perf_counter()
    pages = read_source(csv_path, "Initiatives/")
    with app.app_context():
        before_wiki()
        created = import_fiches(app, pages)
    return len(created) / (time.perf_counter() - start), len(created)


def timed_get(client, path: str, repeat: int) -> list[float]:
    for _ in range(3):  # warm up
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fiches", type=int, default=2000)
    parser.add_argument("--moin-saves", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)
    directory = tempfile.mkdtemp(prefix="bench-ecossolies-")
    try:
        app = make_app(directory)
        from plugins.operations.pages import store_page

        with app.app_context():
            store_page(app, "Simple", "= Une page simple =\n\nDu texte, " * 20 + "\n", "mesure")
            store_page(app, "Classeur", "= Le classeur =\n<<Classeur>>\n", "mesure")
            store_page(app, "Initiatives", "= Initiatives =\n", "mesure")  # ItemList lists its subitems
            store_page(app, "ListeMoin", '= ItemList =\n<<ItemList(item="Initiatives")>>\n', "mesure")
        print(f"# Écossolies — benchmark du classeur ({args.fiches} fiches, {time.strftime('%Y-%m-%d %H:%M')})")
        print(f"machine : {os.cpu_count()} cœurs, Python {sys.version.split()[0]}")

        rate_moin = moin_saves(app, args.moin_saves)
        csv_path = os.path.join(directory, "fiches.csv")
        csv_of_fiches(csv_path, args.fiches)
        rate_bulk, created = bulk_import(app, csv_path)
        print("\n## Écriture")
        print(f"moin, une par une ({args.moin_saves} pages)      : {rate_moin:8.1f} pages/s")
        print(
            f"import en bloc ({created} fiches, CSV)    : {rate_bulk:8.1f} fiches/s "
            f"({created / rate_bulk:.1f} s) — {rate_bulk / rate_moin:.1f}× moin"
        )

        client = app.test_client()
        results = {}
        for label, path in (
            ("page simple", "/Simple"),
            ("<<Classeur>>", "/Classeur"),
            ("<<ItemList>> de moin", "/ListeMoin"),
        ):
            times = timed_get(client, path, args.repeat)
            results[label] = (statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))])
        html = client.get("/Classeur").get_data(as_text=True)
        assert f"{args.fiches + args.moin_saves} fiches" in html, "the binder lists every fiche"
        itemlist = client.get("/ListeMoin").get_data(as_text=True)
        assert itemlist.count(">Initiatives/Initiative ") == args.fiches, "ItemList lists the same fiches"
        plain = results["page simple"][0]
        print(f"\n## Rendu à chaud (médiane et p95 sur {args.repeat} requêtes, lecteur anonyme)")
        for label, (median, p95) in results.items():
            print(
                f"{label:24s}: {median * 1000:7.1f} ms (p95 {p95 * 1000:7.1f} ms) — {median / plain:5.2f}× la page simple"
            )
        classeur, itemlist = results["<<Classeur>>"][0], results["<<ItemList>> de moin"][0]
        print(f"\n<<Classeur>> / page simple : {classeur / plain:.2f} (objectif ≤ 2)")
        print(f"<<Classeur>> / <<ItemList>> : {classeur / itemlist:.2f} (objectif < 1)")
        print(f"import en bloc / moin        : {rate_bulk / rate_moin:.1f} (objectif ≥ 10)")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
