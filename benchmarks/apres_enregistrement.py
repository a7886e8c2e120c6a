"""Writes never stall reads: the latency of ``<<Classeur>>`` in the second after a save (run on demand).

On a wiki on disk (the search benchmark's corpus: half fiches, half free pages, plus the seed content), warm:
a page with ``<<Classeur>>``, one with ``<<Carte(type="fiche")>>`` and a plain page, rendered each time (the
anonymous cache is off here), their ratios to the plain page; then, ``--saves`` times, a fiche is saved and
the binder is read at once — with the snapshot of the structured index updated item by item
(plugins/indexing/structured.py), then as before (snapshot read again whole and every cached listing dropped,
which is what each save used to cost every worker). Also prints the process memory (RSS).

Options: ``--pages N`` (default 20000: 10,000 fiches), ``--saves N`` (default 10), ``--dossier D`` (reuse a
wiki built before in D, or build it there and keep it).
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("ECOSSOLIES_SECRET_KEY", "cle-de-mesure-seulement")

from benchmarks import recherche  # noqa: E402
from benchmarks.run import make_app  # noqa: E402


def ms(times: list[float]) -> str:
    ordered = sorted(times)
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms, max {ordered[-1] * 1000:7.1f} ms"


def timed(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--dossier", default="")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    directory = args.dossier or tempfile.mkdtemp(prefix="bench-apres-enregistrement-")
    try:
        if os.path.isdir(os.path.join(directory, "index-structure")):
            app = make_app(directory, create=False)
        else:
            app, _pages, _saved = recherche.build(directory, args.pages)
        from plugins.indexing.structured import get_index
        from plugins.operations.pages import store_page

        with app.app_context():
            store_page(app, "Mesure/Classeur", "<<Classeur>>\n", "mesure")
            store_page(app, "Mesure/Carte", '<<Carte(type="fiche")>>\n', "mesure")
            store_page(app, "Mesure/Page simple", "= Page =\n\n" + "Du texte simple, sans macro. " * 40 + "\n", "m")
            index = get_index(app)
        client = app.test_client()
        fiches = len(recherche.in_request(app, lambda: index.pages("fiche")))
        print(f"# Écossolies — <<Classeur>> juste après un enregistrement ({time.strftime('%Y-%m-%d %H:%M')})")
        print(f"machine : {os.cpu_count()} cœurs ; {fiches} fiches, {len(index.snapshot().by_itemid)} pages")
        for _ in range(3):
            timed(client, "/Mesure/Classeur")
            timed(client, "/Mesure/Carte")
            timed(client, "/Mesure/Page simple")
        plain = [timed(client, "/Mesure/Page simple") for _ in range(args.saves)]
        warm = [timed(client, "/Mesure/Classeur") for _ in range(args.saves)]
        warm_map = [timed(client, "/Mesure/Carte") for _ in range(args.saves)]

        def after_saves(whole: bool) -> list[float]:
            times = []
            for n in range(args.saves):
                with app.app_context():
                    text = f"---\ntype: fiche\nnom: Fiche mesurée {n}\ncommune: Nantes\nresume: essai {n}\n---\n"
                    store_page(app, f"Mesure/Fiche {n}", text, "mesure")
                    if whole:  # as before: the whole snapshot read again, every cached listing dropped
                        index._snapshot = None
                times.append(timed(client, "/Mesure/Classeur"))
            return times

        incremental = after_saves(whole=False)
        reloaded = after_saves(whole=True)
        print(f"page simple                                 : {ms(plain)}")
        print(f"<<Classeur>> à chaud                        : {ms(warm)}")
        print(f"<<Carte(type=\"fiche\")>> à chaud             : {ms(warm_map)}")
        for label, times in (("<<Classeur>>", warm), ("<<Carte>>", warm_map)):
            print(f"{label} à chaud / page simple (p50) : {statistics.median(times) / statistics.median(plain):.2f}")
        print(f"<<Classeur>> juste après un enregistrement  : {ms(incremental)} (image mise à jour page par page)")
        print(f"  le même, image relue entièrement (avant)  : {ms(reloaded)}")
        ratio = statistics.median(incremental) / statistics.median(plain)
        print(f"<<Classeur>> après enregistrement / page simple (p50) : {ratio:.2f}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"mémoire du processus (RSS maximale) : {rss:.0f} Mio")
    finally:
        if not args.dossier:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
