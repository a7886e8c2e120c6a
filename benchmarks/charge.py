"""Load test of the production server (run on demand: ``make charge``; not part of ``make test``).

On 127.0.0.1 only, against gunicorn as ``make serve`` runs it (4 processes × 4 threads), on a throwaway
instance with the seed content and 2,000 fiches. Two runs of the same shape, one after the other:

- **ours**: 50 readers on a mix of a plain page, the binder (``<<Classeur>>`` over 2,000 fiches), the venues
  page and its map document, and our search; 5 editors saving fiches through moin's edit form;
- **moin**: the same 50 readers and 5 editors on plain moin pages and moin's own search (``/+search``).

Prints, per run: requests per second, latency p50/p95/p99 by kind, server errors (5xx), other errors and lost
saves (a save answered as done whose text is not in the wiki afterwards). Targets: no 5xx, no lost save,
p95 under 500 ms. Options: ``--duree`` seconds per run (default 60), ``--lecteurs`` (50), ``--editeurs`` (5).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.run import csv_of_fiches  # noqa: E402
from benchmarks.serveur import BIN, PASSWORD, Client, create_instance, serve  # noqa: E402

WORDS = ["jardin", "ressourcerie", "vélo", "culture", "economie solidaire", "commune:Rezé", "atelier", "libre"]
OURS = [("page simple", "/Aide", 3), ("<<Classeur>>", "/Initiatives", 3), ("carte", "/Lieux", 1),
        ("document de carte", "/+carte/lieu", 1), ("recherche", "/+recherche?q=", 2)]  # fmt: skip
MOIN = [("page simple", "/Aide", 3), ("page simple 2", "/Mentions légales", 3), ("page simple 3", "/Moin/Texte", 2),
        ("recherche de moin", "/+search?q=", 2)]  # fmt: skip
EDITORS = [f"Editeur{i}" for i in range(10)]


def reader_process(url: str, mix: list[tuple[str, str, int]], threads: int, seconds: float, seed: int) -> list:
    """``threads`` readers in this process, for ``seconds``; returns (kind, status, seconds) per request."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    choices = [(kind, path) for kind, path, weight in mix for _ in range(weight)]

    def read(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        client = Client(url)
        while time.monotonic() < deadline:
            kind, path = rng.choice(choices)
            if path.endswith("q="):
                path += rng.choice(WORDS)
            start = time.perf_counter()
            try:
                status, _ = client.request(path, timeout=30)
            except Exception:  # noqa: BLE001 - a refused or broken connection counts as an error
                status = 0
            with lock:
                results.append((kind, status, time.perf_counter() - start))

    workers = [threading.Thread(target=read, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def editor_process(url: str, name: str, seconds: float, prefix: str, fiche: bool) -> tuple[list, list]:
    """One editor saving pages for ``seconds``; returns its timings and the (page, marker) it saved."""
    client = Client(url)
    client.login(name)
    deadline = time.monotonic() + seconds
    timings, saved = [], []
    n = 0
    while time.monotonic() < deadline:
        page = f"{prefix}/{name} {n % 20}"
        marker = f"{name}-{n}-{random.random():.12f}"
        if fiche:
            text = f"---\ntype: fiche\nnom: {name} {n % 20}\ncommune: Nantes\nresume: {marker}\n---\nTexte.\n"
        else:
            text = f"= {name} {n % 20} =\n\nTexte {marker}.\n"
        start = time.perf_counter()
        try:
            status = client.save(page, text, comment=marker)
        except Exception:  # noqa: BLE001
            status = 0
        timings.append(("enregistrement", status, time.perf_counter() - start))
        if status in (200, 302):
            saved.append((page, marker))
        n += 1
    return timings, saved


def run_mix(url: str, mix: list, readers: int, editors: int, seconds: float, prefix: str, fiche: bool) -> dict:
    processes = 5
    per_process = readers // processes
    with ProcessPoolExecutor(max_workers=processes + editors) as pool:
        reading = [pool.submit(reader_process, url, mix, per_process, seconds, i) for i in range(processes)]
        writing = [pool.submit(editor_process, url, EDITORS[i], seconds, prefix, fiche) for i in range(editors)]
        results = [r for f in reading for r in f.result()]
        saved: list[tuple[str, str]] = []
        for f in writing:
            timings, done = f.result()
            results += timings
            saved += done
    # a save is lost if the latest text of its page is not the last one saved there
    last: dict[str, str] = {}
    for page, marker in saved:
        last[page] = marker
    client = Client(url)
    lost = [page for page, marker in last.items() if marker not in client.request("/+get/" + page)[1]]
    return {"results": results, "saves": len(saved), "lost": lost, "seconds": seconds}


def report(label: str, run: dict) -> float:
    results = run["results"]
    print(f"\n## {label}")
    print(f"requêtes : {len(results)} en {run['seconds']:.0f} s, soit {len(results) / run['seconds']:.1f} par seconde")
    server_errors = sum(1 for _, s, _ in results if s >= 500)
    other = sum(1 for _, s, _ in results if s == 0 or 400 <= s < 500)
    print(f"erreurs serveur (5xx) : {server_errors} ; autres erreurs : {other}")
    print(f"enregistrements réussis : {run['saves']} ; perdus : {len(run['lost'])} {run['lost'][:5] or ''}")
    kinds = sorted({k for k, _, _ in results})
    worst = 0.0
    for kind in [*kinds, None]:
        times = sorted(t for k, _, t in results if kind is None or k == kind)
        if not times:
            continue
        p = [times[min(len(times) - 1, int(q * len(times)))] * 1000 for q in (0.5, 0.95, 0.99)]
        print(f"{kind or 'toutes':20s}: p50 {p[0]:7.1f} ms, p95 {p[1]:7.1f} ms, p99 {p[2]:7.1f} ms ({len(times)})")
        if kind is None:
            worst = p[1]
    return worst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duree", type=float, default=60)
    parser.add_argument("--lecteurs", type=int, default=50)
    parser.add_argument("--editeurs", type=int, default=5)
    parser.add_argument("--fiches", type=int, default=2000)
    args = parser.parse_args()
    base = tempfile.mkdtemp(prefix="charge-ecossolies-")
    try:
        print(f"# Écossolies — test de charge ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cœurs)")
        instance = create_instance(base)
        csv_path = os.path.join(base, "fiches.csv")
        csv_of_fiches(csv_path, args.fiches)
        instance.cli("import-fiches", csv_path)
        for name in EDITORS[: args.editeurs]:
            instance.run(f"{BIN}/moin", "account-create", "-n", name, "-e", f"{name}@exemple.org", "-p", PASSWORD)
        server = serve(instance, workers=4, threads=4, log=os.path.join(base, "gunicorn.log"))
        try:
            client = Client(server.url)
            client.login(EDITORS[0])
            client.save("Moin/Texte", "= Une page de moin =\n\n" + "Du texte simple, sans macro. " * 40 + "\n")
            print(f"serveur : gunicorn, 4 processus × 4 fils ; {args.lecteurs} lecteurs et {args.editeurs} éditeurs")
            ours = run_mix(server.url, OURS, args.lecteurs, args.editeurs, args.duree, "Initiatives/Charge", True)
            moin = run_mix(server.url, MOIN, args.lecteurs, args.editeurs, args.duree, "Moin/Charge", False)
        finally:
            server.stop()
        ours_p95 = report("Nos pages (classeur, carte, recherche) et des fiches enregistrées", ours)
        moin_p95 = report("Pages simples de moin et recherche de moin, pages simples enregistrées", moin)
        print(f"\np95 de notre mélange / p95 du mélange de moin : {ours_p95 / moin_p95:.2f}")
        rate = len(ours["results"]) / len(moin["results"])
        print(f"débit de notre mélange / débit du mélange de moin : {rate:.2f}")
        print(f"objectif p95 < 500 ms : {ours_p95:.0f} ms ; aucune 5xx, aucun enregistrement perdu")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
