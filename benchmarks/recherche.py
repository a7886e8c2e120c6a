"""Benchmark of the search (run on demand: ``make bench``; not part of ``make test``).

In one run, on wikis on disk (moin's file stores, in a temporary directory):

1. relevance: the judged set of ``benchmarks/jugements.py`` over the seed content plus 300 generated pages,
   precision at 10 and recall (within the first 100 results) for our search and for moin's;
2. scale: the seed content plus 20,000 generated pages; time to rebuild our index and moin's; then, warm,
   the latency of the judged queries (and field and facet queries): the search itself (ours: words,
   fields, read rights, facets, snippets of the first 20, computed each time, then repeated, as answered
   from its cache keyed by rights and index version; moin's: its query as its view runs it, its first 100),
   and the whole HTTP answer (our page and JSON; moin's ``/+search`` page now leads to ours); precision at 10 again.

Options: ``--pages N`` (default 20000), ``--repeat N`` (default 3 timings of each query),
``--sans-reconstructions``, ``--sans-pertinence`` (skip step 1), ``--dossier D`` (the scale wiki: reused if
D holds one, built there and kept otherwise; ``benchmarks/apres_enregistrement.py`` takes the same).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks import jugements  # noqa: E402
from benchmarks.run import make_app  # noqa: E402

EXTRA_QUERIES = ["commune:Rezé", "secteur:culture théâtre", "type:lieu", "atelier", "projet"]


def build(directory: str, n: int):
    from moin.app import before_wiki

    from plugins.operations.pages import store_pages_batched
    from plugins.operations.seed import load_seed

    app = make_app(directory)
    pages = jugements.corpus(n)
    start = time.perf_counter()
    with app.app_context():
        before_wiki()
        load_seed(app, os.path.join(ROOT, "data", "pages"))
        for i in range(0, len(pages), 2000):
            store_pages_batched(app, [(p.name, p.text) for p in pages[i : i + 2000]], "corpus de mesure")
            print(f"  {min(i + 2000, n)} / {n} pages enregistrées", file=sys.stderr)
    return app, pages, time.perf_counter() - start


def in_request(app, fn: Callable[[], object]) -> object:
    from moin.app import before_wiki, teardown_wiki

    with app.test_request_context("/"):
        before_wiki()
        try:
            return fn()
        finally:
            teardown_wiki("")


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def timed(fn: Callable[[str], object], queries: list[str], repeat: int) -> list[float]:
    for q in queries:  # warm: every query once
        fn(q)
    times = []
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            fn(q)
            times.append(time.perf_counter() - start)
    return times


def relevance(app, judged: list[jugements.Judged]) -> tuple[jugements.Scores, jugements.Scores]:
    return in_request(
        app,
        lambda: (jugements.evaluate(judged, jugements.our_search), jugements.evaluate(judged, jugements.moin_search)),
    )


def print_scores(label: str, ours: jugements.Scores, moin: jugements.Scores, recall: bool = True) -> None:
    print(f"\n## Pertinence — {label}")
    for who, s in (("notre recherche", ours), ("recherche de moin", moin)):
        line = f"{who:18s}: précision à 10 {s.precision_at_10:.3f}"
        if recall:
            line += f", rappel {s.recall:.3f}"
        print(line + f", requêtes sans aucune page pertinente en tête : {len(s.missed)} {s.missed or ''}")


def rebuilds(app, index, n: int, saved: float) -> None:
    """Time a rebuild of our index and of moin's (into a temporary index: the live one stays)."""
    with app.app_context():
        start = time.perf_counter()
        index.rebuild()
        ours_build = time.perf_counter() - start
        app.storage.create(tmp=True)  # moin's index-create --tmp, then index-build --tmp
        start = time.perf_counter()
        app.storage.rebuild(tmp=True)
        moin_build = time.perf_counter() - start
    print(f"\n## Index ({n} pages générées + contenu initial, enregistrées en {saved:.0f} s)")
    print(f"reconstruction de notre index : {ours_build:6.1f} s — {ours_build / moin_build:.2f}× celle de moin")
    print(f"reconstruction de l'index de moin : {moin_build:6.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sans-reconstructions", action="store_true", help="ne pas mesurer les reconstructions")
    parser.add_argument("--sans-pertinence", action="store_true", help="ne pas mesurer la pertinence (300 pages)")
    parser.add_argument("--dossier", default="", help="le wiki mesuré : réutilisé s'il existe, gardé sinon")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    print(f"# Écossolies — benchmark de la recherche ({time.strftime('%Y-%m-%d %H:%M')})")
    print(f"machine : {os.cpu_count()} cœurs, Python {sys.version.split()[0]}")

    if not args.sans_pertinence:
        small_dir = tempfile.mkdtemp(prefix="bench-recherche-")
        try:
            app, pages, _ = build(small_dir, 300)
            judged = jugements.judged_set(pages)
            ours, moin = relevance(app, judged)
            print_scores(f"{len(judged)} requêtes jugées, contenu initial + 300 pages générées", ours, moin)
        finally:
            shutil.rmtree(small_dir, ignore_errors=True)

    directory = args.dossier or tempfile.mkdtemp(prefix="bench-recherche-")
    try:
        if os.path.isdir(os.path.join(directory, "index-structure")):
            app, pages, saved = make_app(directory, create=False), jugements.corpus(args.pages), 0.0
        else:
            app, pages, saved = build(directory, args.pages)
        from plugins.indexing.structured import get_index

        if not args.sans_reconstructions and saved:
            rebuilds(app, get_index(app), args.pages, saved)

        judged = jugements.judged_set(pages)
        queries = [j.query for j in judged] + EXTRA_QUERIES
        from plugins.indexing import scoring
        from plugins.indexing import search as recherche

        client = app.test_client()

        def uncached(q: str) -> None:
            recherche._RESULTS.clear()  # every timing computes the search again
            recherche.search(q)

        def cold(q: str) -> None:
            # as if no word of the query had been searched since the segments were written, no page shown
            for kept in (recherche._RESULTS, scoring._POSTINGS, recherche._BODIES, recherche._ANALYSED):
                kept.clear()
            recherche.search(q)

        measures = {
            "notre recherche (cœur)": lambda: timed(uncached, queries, args.repeat),
            "notre recherche (à froid)": lambda: timed(cold, queries, args.repeat),
            "notre recherche (répétée)": lambda: timed(recherche.search, queries, args.repeat),
            "recherche de moin (cœur)": lambda: timed(jugements.moin_search, queries, args.repeat),
        }
        results = {label: in_request(app, fn) for label, fn in measures.items()}
        for label, path, fresh in (
            ("notre page /+recherche (calculée)", "/+recherche?q=", True),
            ("notre page /+recherche (répétée)", "/+recherche?q=", False),
            ("notre JSON (répétée)", "/+recherche.json?q=", False),
        ):  # moin's /+search page now sends its readers to ours (plugins/web/reading.py): its core is the reference

            def get(q: str, path: str = path, fresh: bool = fresh) -> None:
                if fresh:
                    recherche._RESULTS.clear()
                assert client.get(path + quote(q)).status_code == 200

            results[label] = timed(get, queries, args.repeat)
        print(f"\n## Latence à chaud ({len(queries)} requêtes × {args.repeat}, lecteur anonyme)")
        moin_core = percentiles(results["recherche de moin (cœur)"])
        for label, times in results.items():
            p50, p95 = percentiles(times)
            print(
                f"{label:30s}: p50 {p50 * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms — p95 {p95 / moin_core[1]:.2f}× moin (cœur)"
            )
        core_p95 = percentiles(results["notre recherche (cœur)"])[1]
        print(f"\nobjectif : p95 de notre recherche < 100 ms : {core_p95 * 1000:.1f} ms")
        ours, moin = relevance(app, judged)
        print_scores(f"les mêmes requêtes sur {args.pages} pages générées", ours, moin, recall=False)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"mémoire du processus (RSS maximale) : {rss:.0f} Mio")
    finally:
        if not args.dossier:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
