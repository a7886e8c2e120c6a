"""Load test of the production server (run on demand: ``make charge``; not part of ``make test``).

On 127.0.0.1 only, against gunicorn as ``make serve`` runs it (4 processes × 32 threads), on a throwaway
instance with the seed content and 2,000 fiches. Three runs of the same shape, one after the other:

- **anonymous**: readers who are not logged in, on a mix of a plain page, the binder (``<<Classeur>>`` over
  the fiches), the venues page and its map document, and our search (served by plugins/web/public_cache.py once
  computed); editors saving fiches through moin's edit form;
- **members**: the same pages for logged-in readers (rendered each time: never from the cache), same editors;
- **moin**: the same readers on plain moin pages and moin's own search (``/+search``), editors saving plain
  pages, on a server whose anonymous cache is off (``ECOSSOLIES_CACHE=0``): moin's own rendering; and whose
  saves merge Whoosh's segments themselves, as moin's do (``ECOSSOLIES_FUSIONS=0``).

Each run starts on a warm server (every page of its mix read a few times first). After each save returns, its
editor reads the page as an anonymous visitor: a read without the text just
saved is a *stale read* (target: always 0). Prints, per run and side by side: requests per second, latency
p50/p95/p99 (all and by kind), server errors (5xx), other errors, lost saves (a save answered as done whose
text is not in the wiki afterwards), stale reads, the memory (RSS) of each worker, the processor used by the
server and by the readers (both on the same cores), and for saves the time spent waiting for the write lock and
holding it (the server's ``Server-Timing``). Readers keep their connection open between requests, as browsers
do. Targets (two cores):
anonymous throughput 10× the members', anonymous p95 under 300 ms, saves p95 under 2 s, no 5xx, no lost save.
Options: ``--duree`` seconds per run (default 60), ``--lecteurs`` (50), ``--editeurs`` (5), ``--fiches``
(2000), ``--fils`` (threads of each of the 4 processes: 32, as ``make serve``), ``--passes`` (the runs to make,
comma-separated: ``anonymes,membres,moin``), ``--rythme`` (seconds between two saves of one editor, as a
person who writes; default 0: each save as soon as the last is done). The server's anonymous reads run at a lowered
priority (plugins/web/priority.py: ``ECOSSOLIES_PRIORITE``, 10 by default, 0 turns it off; the moin run has it
off) and the readers' clients at that priority too: on other machines, as real readers are, they would take
nothing from the server.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.run import csv_of_fiches  # noqa: E402
from benchmarks.serveur import BIN, PASSWORD, Client, Server, create_instance, serve  # noqa: E402
from plugins.web import priority  # noqa: E402

WORDS = ["jardin", "ressourcerie", "vélo", "culture", "economie solidaire", "commune:Rezé", "atelier", "libre"]
OURS = [("page simple", "/Aide", 3), ("<<Classeur>>", "/Initiatives", 3), ("carte", "/Lieux", 1),
        ("document de carte", "/+carte/lieu", 1), ("recherche", "/+recherche?q=", 2)]  # fmt: skip
MOIN = [("page simple", "/Aide", 3), ("page simple 2", "/Mentions légales", 3), ("page simple 3", "/Moin/Texte", 2),
        ("recherche de moin", "/+search?q=", 2)]  # fmt: skip
EDITORS = [f"Editeur{i}" for i in range(10)]


READERS = [f"Lecteur{i}" for i in range(5)]
#: details of a save, not requests of their own: its form opened, then sent; the write lock waited for, then held
DETAILS = ("enregistrement : formulaire", "enregistrement : envoi", "verrou : attente", "verrou : tenu")
NOT_READS = ("enregistrement", "lecture après enregistrement", *DETAILS)


class Reader:
    """A reader's browser: one connection kept alive between its requests (as browsers and HTTP/1.1 do), its
    session cookie sent with each. Light on purpose: the readers run on the same two cores as the server, and
    every millisecond they spend is one the server does not get (``urllib`` opening a connection per request
    cost about as much CPU as the server's answer from its cache)."""

    def __init__(self, url: str, cookie: str = "") -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookie = cookie
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, timeout: float = 30) -> int:
        """GET ``path``; its status. A kept connection the server closed meanwhile is opened again once, as a
        browser does; any other failure raises."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        for attempt in range(2):
            fresh = self.connection is None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            try:
                self.connection.request("GET", urllib.parse.quote(path, safe="/+?=&%:"), headers=headers)
                response = self.connection.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if fresh or attempt:
                    raise
                continue
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status
        raise AssertionError("unreachable")


def reader_process(
    url: str, mix: list[tuple[str, str, int]], threads: int, seconds: float, seed: int, members: bool = False
) -> tuple[list, float]:
    """``threads`` readers in this process (logged in with ``members``), for ``seconds``; returns
    (kind, status, seconds) per request, and the CPU seconds this process used."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    choices = [(kind, path) for kind, path, weight in mix for _ in range(weight)]
    readers = []
    for n in range(threads):  # logged in before the clock starts
        cookie = ""
        if members:
            client = Client(url)
            client.login(READERS[(seed + n) % len(READERS)])
            cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
        readers.append(Reader(url, cookie))
    lowered = priority.readers_nice()
    if lowered > 0:  # the clients at the priority of the server's readers: elsewhere, they would take none of it
        os.nice(lowered)
    cpu = time.process_time()
    deadline = time.monotonic() + seconds

    def read(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        reader = readers[n]
        while time.monotonic() < deadline:
            kind, path = rng.choice(choices)
            if path.endswith("q="):
                path += rng.choice(WORDS)
            start = time.perf_counter()
            try:
                status = reader.get(path, timeout=30)
            except Exception:  # noqa: BLE001 - a refused or broken connection counts as an error
                status = 0
            with lock:
                results.append((kind, status, time.perf_counter() - start))

    workers = [threading.Thread(target=read, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results, time.process_time() - cpu


def editor_process(
    url: str, name: str, seconds: float, prefix: str, fiche: bool, pace: float = 0.0
) -> tuple[list, list, int, int]:
    """One editor saving pages for ``seconds``, one every ``pace`` seconds (0: each as soon as the last is
    done); returns its timings, the (page, marker) it saved, and how many anonymous reads of a page right
    after its save were made and were stale (without the text saved)."""
    client = Client(url)
    client.login(name)
    visitor = Client(url)  # an anonymous reader, who reads each page as soon as its save has returned
    began = time.monotonic()
    deadline = began + seconds
    timings, saved = [], []
    checked = stale = 0
    n = 0
    while time.monotonic() < deadline:
        if pace:  # a person's rhythm: the next save at its time, whatever the last one took
            due = min(deadline, began + n * pace + random.uniform(0, pace / 4))
            time.sleep(max(0.0, due - time.monotonic()))
            if time.monotonic() >= deadline:
                break
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
        if status:
            timings.append(("enregistrement : formulaire", status, client.save_seconds[0]))
            timings.append(("enregistrement : envoi", status, client.save_seconds[1]))
        server = client.server_timing()  # the POST's: how long it waited for the write lock, and held it
        if "verrou" in server:
            timings.append(("verrou : attente", status, server["verrou"]))
            timings.append(("verrou : tenu", status, server.get("ecriture", 0.0)))
        if status in (200, 302):
            saved.append((page, marker))
            visitor.jar.clear()
            start = time.perf_counter()
            read_status, body = visitor.request("/" + page, timeout=30)
            timings.append(("lecture après enregistrement", read_status, time.perf_counter() - start))
            checked += 1
            stale += marker not in body
        n += 1
    return timings, saved, checked, stale


def warm_up(url: str, mix: list, members: bool) -> None:
    """Each page of the mix read a few times before the clock starts (each worker process once at least, as a
    server that has been running a while): the runs measure a warm server, not its first requests."""
    client = Client(url)
    if members:
        client.login(READERS[0])
    for _kind, path, _weight in mix:
        for word in WORDS[:2] if path.endswith("q=") else [""]:
            for _ in range(6):
                client.request(path + word, timeout=120)


def run_mix(
    server: Server,
    mix: list,
    readers: int,
    editors: int,
    seconds: float,
    prefix: str,
    fiche: bool,
    members: bool,
    pace: float = 0.0,
) -> dict:
    url = server.url
    warm_up(url, mix, members)
    processes = min(5, readers)
    per_process = readers // processes
    checked = stale = 0
    server_cpu = sum(process_cpu(pid) for pid in server.worker_pids())
    began = time.monotonic()
    with ProcessPoolExecutor(max_workers=processes + editors) as pool:
        reading = [pool.submit(reader_process, url, mix, per_process, seconds, i, members) for i in range(processes)]
        writing = [
            pool.submit(editor_process, url, EDITORS[i], seconds, prefix, fiche, pace) for i in range(editors)
        ]
        results = [r for f in reading for r in f.result()[0]]
        readers_cpu = sum(f.result()[1] for f in reading)
        saved: list[tuple[str, str]] = []
        for f in writing:
            timings, done, n_checked, n_stale = f.result()
            results += timings
            saved += done
            checked += n_checked
            stale += n_stale
    rss = [worker_rss(pid) for pid in server.worker_pids()]
    server_cpu = sum(process_cpu(pid) for pid in server.worker_pids()) - server_cpu
    wall = time.monotonic() - began  # the readers' seconds, and the editors' last saves
    # a save is lost if the latest text of its page is not the last one saved there
    last: dict[str, str] = {}
    for page, marker in saved:
        last[page] = marker
    client = Client(url)
    lost = [page for page, marker in last.items() if marker not in client.request("/+get/" + page)[1]]
    return {
        "results": results, "saves": len(saved), "lost": lost, "seconds": seconds,
        "checked": checked, "stale": stale, "rss": rss, "cpu": (server_cpu / wall, readers_cpu / wall),
    }  # fmt: skip


def process_cpu(pid: int) -> float:
    """CPU seconds (user and system) a process has used so far (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def worker_rss(pid: int) -> float:
    """Resident memory of a process, in MiB (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentiles_ms(times: list[float]) -> list[float]:
    ordered = sorted(times)
    if not ordered:
        return [0.0, 0.0, 0.0]
    return [ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 for q in (0.5, 0.95, 0.99)]


def report(label: str, run: dict) -> dict:
    """Print one run in detail; return its summary (for the table side by side)."""
    timings = run["results"]
    results = [r for r in timings if r[0] not in DETAILS]  # the requests made
    print(f"\n## {label}")
    reads = [r for r in results if r[0] not in NOT_READS]
    saves = [t for k, _, t in results if k == "enregistrement"]
    print(f"requêtes : {len(results)} en {run['seconds']:.0f} s, soit {len(results) / run['seconds']:.1f} par seconde")
    server_errors = sum(1 for _, s, _ in results if s >= 500)
    other = sum(1 for _, s, _ in results if s == 0 or 400 <= s < 500)
    print(f"erreurs serveur (5xx) : {server_errors} ; autres erreurs : {other}")
    for kind, status in sorted({(k, s) for k, s, _ in results if s >= 500 or s == 0 or 400 <= s < 500}):
        count = sum(1 for k, s, _ in results if (k, s) == (kind, status))
        print(f"  {kind} : {count} × {status or 'connexion refusée ou coupée'}")
    print(f"enregistrements réussis : {run['saves']} ; perdus : {len(run['lost'])} {run['lost'][:5] or ''}")
    print(f"lectures anonymes juste après un enregistrement : {run['checked']} ; périmées : {run['stale']}")
    print("mémoire des processus (RSS) : " + ", ".join(f"{m:.0f} Mio" for m in run["rss"]))
    server_cpu, readers_cpu = run["cpu"]
    print(
        f"processeur : serveur {server_cpu:.2f} cœur, lecteurs (clients) {readers_cpu:.2f} cœur, "
        "en moyenne sur la passe"
    )
    for kind in [*sorted({k for k, _, _ in timings}), None]:
        times = [t for k, _, t in (results if kind is None else timings) if kind is None or k == kind]
        if times:
            p = percentiles_ms(times)
            print(f"{kind or 'toutes':28s}: p50 {p[0]:7.1f} ms, p95 {p[1]:7.1f} ms, p99 {p[2]:7.1f} ms ({len(times)})")
    return {
        "lectures/s": len(reads) / run["seconds"],
        "lectures": percentiles_ms([t for _, _, t in reads]),
        "enregistrements": percentiles_ms(saves),
        "5xx": server_errors,
        "perdus": len(run["lost"]),
        "périmées": run["stale"],
        "rss max": max(run["rss"] or [0.0]),
    }


def side_by_side(summaries: dict[str, dict]) -> None:
    print("\n## Côte à côte (lectures : requêtes des lecteurs, hors éditeurs)")
    print(f"{'':34s}" + "".join(f"{name:>16s}" for name in summaries))
    rows = [
        ("lectures par seconde", lambda s: f"{s['lectures/s']:.1f}"),
        ("lectures p50 (ms)", lambda s: f"{s['lectures'][0]:.0f}"),
        ("lectures p95 (ms)", lambda s: f"{s['lectures'][1]:.0f}"),
        ("lectures p99 (ms)", lambda s: f"{s['lectures'][2]:.0f}"),
        ("enregistrements p95 (ms)", lambda s: f"{s['enregistrements'][1]:.0f}"),
        ("erreurs 5xx", lambda s: str(s["5xx"])),
        ("enregistrements perdus", lambda s: str(s["perdus"])),
        ("lectures périmées", lambda s: str(s["périmées"])),
        ("RSS max d'un processus (Mio)", lambda s: f"{s['rss max']:.0f}"),
    ]
    for label, cell in rows:
        print(f"{label:34s}" + "".join(f"{cell(s):>16s}" for s in summaries.values()))


def server_errors_in(log: str) -> None:
    """What the server wrote about its errors (the log is removed with the instance)."""
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return
    starts = [n for n, line in enumerate(lines) if line.startswith("Traceback")]
    for n in starts[-3:]:  # each traceback up to its exception line (the first one not indented)
        end = next((m for m in range(n + 1, len(lines)) if lines[m][:1] not in (" ", "\t")), len(lines) - 1)
        print("".join(lines[n : end + 1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duree", type=float, default=60)
    parser.add_argument("--lecteurs", type=int, default=50)
    parser.add_argument("--editeurs", type=int, default=5)
    parser.add_argument("--fiches", type=int, default=2000)
    parser.add_argument("--fils", type=int, default=32, help="fils par processus de gunicorn (make serve : THREADS)")
    parser.add_argument("--passes", default="anonymes,membres,moin", help="passes à faire, séparées par des virgules")
    parser.add_argument("--rythme", type=float, default=0.0, help="secondes entre deux enregistrements d'un éditeur (0 : sans pause)")
    args = parser.parse_args()
    passes = {name.strip() for name in args.passes.split(",") if name.strip()}
    if not passes <= {"anonymes", "membres", "moin"}:
        parser.error("--passes : anonymes, membres, moin")
    base = tempfile.mkdtemp(prefix="charge-ecossolies-")
    try:
        print(f"# Écossolies — test de charge ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cœurs)")
        instance = create_instance(base)
        csv_path = os.path.join(base, "fiches.csv")
        csv_of_fiches(csv_path, args.fiches)
        instance.cli("import-fiches", csv_path)
        for name in EDITORS[: args.editeurs]:
            instance.run(f"{BIN}/moin", "account-create", "-n", name, "-e", f"{name}@exemple.org", "-p", PASSWORD)
        for name in READERS:
            instance.run(f"{BIN}/moin", "account-create", "-n", name, "-e", f"{name}@exemple.org", "-p", PASSWORD)
        print(f"serveur : gunicorn, 4 processus × {args.fils} fils ; {args.lecteurs} lecteurs et {args.editeurs} éditeurs")
        runs = {}
        server = serve(instance, workers=4, threads=args.fils, log=os.path.join(base, "gunicorn.log"))
        try:
            client = Client(server.url)
            client.login(EDITORS[0])
            client.save("Moin/Texte", "= Une page de moin =\n\n" + "Du texte simple, sans macro. " * 40 + "\n")
            shape = (args.lecteurs, args.editeurs, args.duree)
            paced = {"pace": args.rythme}
            if "anonymes" in passes:
                runs["anonymes"] = run_mix(server, OURS, *shape, "Initiatives/Charge", True, members=False, **paced)
            if "membres" in passes:
                runs["membres"] = run_mix(server, OURS, *shape, "Initiatives/Charge", True, members=True, **paced)
        finally:
            server.stop()
            server_errors_in(os.path.join(base, "gunicorn.log"))
        if "moin" in passes:
            instance.env["ECOSSOLIES_CACHE"] = "0"  # moin's own rendering of its plain pages
            instance.env["ECOSSOLIES_FUSIONS"] = "0"  # and Whoosh's merges in its saves
            instance.env["ECOSSOLIES_PRIORITE"] = "0"  # and every request at the same priority
            server = serve(instance, workers=4, threads=args.fils, log=os.path.join(base, "gunicorn-moin.log"))
            try:
                runs["moin"] = run_mix(server, MOIN, *shape, "Moin/Charge", False, members=False, **paced)
            finally:
                server.stop()
                server_errors_in(os.path.join(base, "gunicorn-moin.log"))
        titles = {
            "anonymes": "Lecteurs anonymes : nos pages (classeur, carte, recherche), fiches enregistrées",
            "membres": "Lecteurs connectés : les mêmes pages, rendues à chaque fois",
            "moin": "Pages simples de moin et recherche de moin (sans notre cache), pages enregistrées",
        }
        summaries = {name: report(titles[name], run) for name, run in runs.items()}
        side_by_side(summaries)
        anonymous, members = summaries.get("anonymes"), summaries.get("membres")
        if anonymous is None:
            return
        if members and members["lectures/s"]:
            ratio = anonymous["lectures/s"] / members["lectures/s"]
            print(f"\ndébit anonymes / débit membres : {ratio:.1f} (objectif ≥ 10)")
        else:
            print("\ndébit anonymes / débit membres : aucune lecture de membre mesurée")
        print(f"p95 des lectures anonymes : {anonymous['lectures'][1]:.0f} ms (objectif < 300 ms)")
        print(f"p95 des enregistrements : {anonymous['enregistrements'][1]:.0f} ms (objectif < 2 000 ms)")
        stale = sum(s["périmées"] for s in summaries.values())
        print(f"lectures périmées : {stale} (objectif : 0)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
