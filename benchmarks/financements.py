"""Benchmark of the subsidies (run on demand: ``make bench``; not part of ``make test``).

On a wiki on disk (moin's file stores, in a temporary directory), in one run:

1. import of a generated SCDL file of 50,000 rows (``plugins.subventions.store.import_file``, the code behind
   ``make import-subventions``): time, peak memory of the Python objects (tracemalloc, in a second import of
   the same rows under another name on a fresh wiki, as tracemalloc slows the run) and growth of the
   process's peak RSS;
2. warm rendering of a page with ``<<Financements>>`` over those 50,000 subsidies against a plain page of the
   same wiki, through the Flask test client (median and p95), plus the chart and map documents.

Options: ``--lignes N`` (default 50000), ``--repeat N`` (default 20).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("ECOSSOLIES_SECRET_KEY", "cle-de-mesure-seulement")

from benchmarks.run import make_app, timed_get  # noqa: E402

HEADER = (
    "nomAttribuant;idAttribuant;dateConvention;referenceDecision;nomBeneficiaire;idBeneficiaire;rnaBeneficiaire;"
    "objet;montant;nature;conditionsVersement;datesPeriodeVersement;idRAE;notificationUE;pourcentageSubvention;"
    "dispositifAide"
)
ATTRIBUANTS = ["Ville A", "Métropole B", "Département C", "Région D", "Ville E"]
OBJETS = ["Fonctionnement", "Festival", "Création", "Éducation artistique", "Résidence", "Équipement"]


def scdl_file(path: str, rows: int, seed: int = 7) -> int:
    """A file like real ones (« ; », BOM, decimal commas, both date forms), amounts Pareto-distributed."""
    rng = random.Random(seed)
    beneficiaries = max(10, rows // 15)
    total = 0
    with open(path, "w", encoding="utf-8-sig", newline="\n") as f:
        f.write(HEADER + "\n")
        for i in range(rows):
            b = (
                min(int(rng.paretovariate(1.2)) - 1, beneficiaries - 1)
                if rng.random() < 0.5
                else rng.randrange(beneficiaries)
            )
            cents = int(rng.paretovariate(1.1) * 50_000)
            total += cents
            year = rng.randint(2018, 2024)
            day = (
                f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                if i % 2
                else f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"
            )
            amount = f"{cents // 100:,}".replace(",", " ") + f",{cents % 100:02d}"
            f.write(
                f"{rng.choice(ATTRIBUANTS)};;{day};D-{i};Association {b:05d};{100_000_000 + b}00017;"
                f"W44{b:07d};{rng.choice(OBJETS)} {i};{amount};aide en numéraire;unique;;;non;;\n"
            )
    return total


def import_once(app, path: str, name: str) -> tuple[float, object]:
    from moin.app import before_wiki

    from plugins.subventions.store import import_file

    with open(path, "rb") as f:
        data = f.read()
    start = time.perf_counter()
    with app.app_context():
        before_wiki()
        report = import_file(app, data, name)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lignes", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)
    directory = tempfile.mkdtemp(prefix="bench-financements-")
    try:
        path = os.path.join(directory, "subventions.csv")
        total = scdl_file(path, args.lignes)
        size = os.path.getsize(path)
        os.makedirs(os.path.join(directory, "wiki"))
        os.makedirs(os.path.join(directory, "wiki-memoire"))
        app = make_app(os.path.join(directory, "wiki"))
        from plugins.operations.pages import store_page

        with app.app_context():
            store_page(app, "Simple", "= Une page simple =\n\nDu texte, " * 20 + "\n", "mesure")
            store_page(app, "Financements", "= Financements =\n<<Financements>>\n", "mesure")
        print(
            f"# Écossolies — benchmark des financements ({args.lignes} subventions, {time.strftime('%Y-%m-%d %H:%M')})"
        )
        print(
            f"machine : {os.cpu_count()} cœurs, Python {sys.version.split()[0]} ; fichier de {size / 1024 / 1024:.1f} Mio"
        )

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, report = import_once(app, path, "subventions-50000.csv")
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert report.stored and report.rows == args.lignes and report.total_cents == total, report
        again, second = import_once(app, path, "subventions-50000.csv")
        assert not second.stored

        other = make_app(os.path.join(directory, "wiki-memoire"))
        tracemalloc.start()
        import_once(other, path, "subventions-50000.csv")
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print("\n## Import (vérification de chaque ligne, puis enregistrement du fichier dans le wiki)")
        print(
            f"durée                         : {seconds:6.2f} s ({args.lignes / seconds:,.0f} lignes/s)".replace(
                ",", " "
            )
        )
        print(f"réimport du même fichier      : {again:6.2f} s (rien n'est écrit)")
        print(f"pic mémoire Python (tracemalloc) : {peak / 1024 / 1024:6.1f} Mio")
        print(
            f"pic RSS du processus          : {rss_after / 1024:6.1f} Mio (+{(rss_after - rss_before) / 1024:.1f} Mio pendant l'import)"
        )
        from plugins.subventions import scdl

        with open(path, "rb") as f:
            data = f.read()
        start = time.perf_counter()
        scdl.parse(data)
        print(f"relecture du fichier (un autre processus, à sa première vue) : {time.perf_counter() - start:5.2f} s")

        client = app.test_client()
        start = time.perf_counter()
        first = client.get("/Financements")
        cold = time.perf_counter() - start
        html = first.get_data(as_text=True)
        assert first.status_code == 200 and "Indice de Gini" in html, "the macro renders"
        paths = {
            "page simple": "/Simple",
            "<<Financements>>": "/Financements",
            "graphique (Lorenz, SVG)": "/+financements/graphique/lorenz.svg",
            "graphique (bénéficiaires)": "/+financements/graphique/beneficiaires.svg",
            "carte par commune": "/+financements/carte",
        }
        for path_ in paths.values():
            timed_get(client, path_, 0)  # warm up
        # interleaved, so that both pages meet the same load of the machine
        samples: dict[str, list[float]] = {label: [] for label in paths}
        for _ in range(args.repeat):
            for label, path_ in paths.items():
                start = time.perf_counter()
                response = client.get(path_)
                samples[label].append(time.perf_counter() - start)
                assert response.status_code == 200, path_
        results = {
            label: (statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))])
            for label, times in samples.items()
        }
        plain = results["page simple"][0]
        print(f"\n## Rendu (lecteur anonyme ; premier rendu après l'import, à froid : {cold * 1000:.0f} ms)")
        print(f"à chaud, médiane et p95 sur {args.repeat} requêtes de chaque, entrelacées :")
        for label, (median, p95) in results.items():
            print(
                f"{label:28s}: {median * 1000:7.1f} ms (p95 {p95 * 1000:7.1f} ms) — {median / plain:5.2f}× la page simple"
            )
        print(f"\n<<Financements>> / page simple : {results['<<Financements>>'][0] / plain:.2f}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
