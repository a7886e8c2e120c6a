"""Benchmark of the venue map (run on demand: ``make bench``; not part of ``make test``).

On a wiki on disk with N generated venues (default 5,000), in one run:

- page weight: the page with ``<<Carte>>`` plus the map document its frame loads (HTML and data);
- warm server render of that page and of the map document, against a plain page of the same wiki;
- time until the clustered markers are drawn in headless Chromium (Debian's chromium, via Playwright);
- the same for a naive folium map with one ``folium.Marker`` per venue, built in the same run.

Options: ``--lieux N``, ``--repeat N``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("ECOSSOLIES_SECRET_KEY", "cle-de-mesure-seulement")


def venues(n: int) -> list[tuple[str, str]]:
    from plugins.data import communes
    from plugins.data.types.lieu import CATEGORIES

    rng = random.Random(7)
    names = communes.names()
    pages = []
    for i in range(n):
        commune = communes.find(rng.choice(names))
        lat, lon = commune.lat + rng.uniform(-0.02, 0.02), commune.lon + rng.uniform(-0.03, 0.03)
        position = f"position: {{lat: {lat:.5f}, lon: {lon:.5f}}}\n" if i % 10 else ""  # 1 in 10 approximate
        text = (
            f"---\ntype: lieu\nnom: Lieu {i:05d}\ncategorie: {rng.choice(CATEGORIES[:8])}\ncommune: {commune.nom}\n"
            f"{position}jauge: {rng.randint(10, 300)}\n---\nUn lieu d'accueil.\n"
        )
        pages.append((f"Lieux/Lieu {i:05d}", text))
    return pages


def naive_map(places) -> str:
    """What one would write with folium alone: one Marker with a popup per venue (assets left local)."""
    import folium

    from plugins.views.maps import DEFAULT_CENTRE

    fmap = folium.Map(location=DEFAULT_CENTRE, zoom_start=11, tiles=None)
    # folium's popups need jQuery: moin serves one
    fmap.default_js = [("leaflet", "/+serve/leaflet/leaflet.js"), ("jquery", "/static/js/jquery.min.js")]
    fmap.default_css = [("leaflet_css", "/+serve/leaflet/leaflet.css")]
    folium.TileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", attr="OpenStreetMap").add_to(fmap)
    for p in places:
        folium.Marker([p.lat, p.lon], popup=folium.Popup(p.page.title), tooltip=p.page.title).add_to(fmap)
    return fmap.get_root().render()


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def draw_time(base: str, path: str, ready_js: str, in_frame: bool) -> float:
    """Seconds from navigation until the markers (or clusters) are in the page, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.browser import BLANK_PNG, CHROMIUM, FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route(
            "https://tile.openstreetmap.org/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG),
        )
        page = context.new_page()
        page.goto(base + "/Simple")  # warm the browser
        start = time.perf_counter()
        page.goto(base + path, timeout=120_000)
        target = page.wait_for_selector("iframe.eco-carte-frame").content_frame() if in_frame else page
        target.wait_for_function(ready_js, timeout=120_000, polling=50)
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lieux", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)
    from werkzeug.serving import make_server

    from benchmarks.run import make_app
    from plugins.data import registry
    from plugins.indexing.structured import get_index
    from plugins.operations.pages import store_page, store_pages_batched
    from plugins.views import maps

    directory = tempfile.mkdtemp(prefix="bench-carte-")
    try:
        app = make_app(directory)
        naive_document: dict[str, str] = {}

        @app.route("/+mesure/naive")
        def naive_view() -> str:  # the naive map, served by the same app for the browser
            return naive_document["html"]

        with app.app_context():
            store_page(app, "Simple", "= Une page simple =\n\nDu texte, " * 20 + "\n", "mesure")
            store_page(app, "Carte", "= Carte =\n<<Carte>>\n", "mesure")
            start = time.perf_counter()
            store_pages_batched(app, venues(args.lieux), "mesure")
            load = time.perf_counter() - start
            places, _ = maps.split_located(get_index(app).pages("lieu"), registry.get("lieu"))
        naive_start = time.perf_counter()
        naive = naive_document["html"] = naive_map(places)
        naive_build = time.perf_counter() - naive_start

        client = app.test_client()
        page_html = client.get("/Carte").get_data()
        map_doc = client.get("/+carte/lieu").get_data()
        print(f"# Écossolies — benchmark de la carte ({args.lieux} lieux, {time.strftime('%Y-%m-%d %H:%M')})")
        print(f"machine : {os.cpu_count()} cœurs ; {args.lieux} lieux chargés en {load:.1f} s")
        print("\n## Poids")
        total = len(page_html) + len(map_doc)
        print(
            f"page <<Carte>> : {len(page_html) / 1024:7.0f} Kio + document de la carte {len(map_doc) / 1024:7.0f} Kio"
            f" = {total / 1024 / 1024:5.2f} Mio (objectif < 1,5 Mo)"
        )
        print(
            f"carte folium naïve (un Marker par lieu) : {len(naive.encode()) / 1024 / 1024:5.2f} Mio, "
            f"construite en {naive_build:.1f} s"
        )

        plain = timed(lambda: client.get("/Simple"), args.repeat)
        page = timed(lambda: client.get("/Carte"), args.repeat)
        doc = timed(lambda: client.get("/+carte/lieu"), args.repeat)
        print(f"\n## Rendu serveur à chaud (médiane, pire sur {args.repeat})")
        print(f"page simple           : {plain[0] * 1000:7.1f} ms ({plain[1] * 1000:.1f})")
        print(
            f"page <<Carte>>        : {page[0] * 1000:7.1f} ms ({page[1] * 1000:.1f}) — {page[0] / plain[0]:.2f}× "
            "la page simple (objectif < 3)"
        )
        print(f"document de la carte  : {doc[0] * 1000:7.1f} ms ({doc[1] * 1000:.1f}) — {doc[0] / plain[0]:.2f}×")
        print(f"carte folium naïve    : {naive_build * 1000:7.1f} ms (construction seule)")

        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            print("\n## Dessin dans Chromium (de la navigation aux marqueurs affichés)")
            ours = draw_time(
                base,
                "/Carte",
                "() => window.ecoCluster && document.querySelector('.leaflet-marker-icon')",
                in_frame=True,
            )
            print(f"<<Carte>> (regroupement côté client) : {ours:5.2f} s (objectif < 3 s)", flush=True)
            theirs = draw_time(
                base,
                "/+mesure/naive",
                f"() => document.querySelectorAll('.leaflet-marker-icon').length >= {len(places)}",
                in_frame=False,
            )
            print(f"carte folium naïve                   : {theirs:5.2f} s — {theirs / ours:.1f}× plus lente")
        except Exception as exc:  # no Chromium here: say so, keep the other figures
            print(f"\n(dessin dans Chromium non mesuré : {exc})")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
