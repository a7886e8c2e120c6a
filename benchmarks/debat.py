"""Benchmark of a debate (run on demand: ``make bench-debat``; not part of ``make test``).

On a wiki on disk, warm rendering of a public position with N arguments (default 200: a busy debate), each
with supports, against a plain page of the same wiki, through the Flask test client (median and p95); and
its Atom feed. Options: ``--arguments N``, ``--repeat N`` (default 10).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("ECOSSOLIES_SECRET_KEY", "cle-de-mesure-seulement")

from benchmarks.run import make_app, timed_get  # noqa: E402

POSITION = "GroupesDeTravail/Culture/Position mesurée"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--arguments", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)
    directory = tempfile.mkdtemp(prefix="bench-debat-")
    try:
        app = make_app(directory)
        from plugins.indexing import soutiens
        from plugins.operations.pages import store_pages_batched

        acl = "CultureGroup:read,write,create,admin All:read"
        pages: list = [("Page simple", "Une page simple.\n")]
        from plugins.operations.pages import PageSpec

        pages.append(PageSpec(POSITION, "---\ntype: position\ntitre: Mesurée\ngroupe: Culture\n---\nTexte.\n", acl=acl))
        for i in range(args.arguments):
            sens = ("pour", "contre", "nuance")[i % 3]
            text = f"---\ntype: argument\nsur: {POSITION}\nsens: {sens}\n---\nArgument {i} : " + "mot " * 60 + "\n"
            pages.append(PageSpec(f"{POSITION}/Arguments/{i + 1}", text, acl=acl))
        with app.app_context():
            ids = store_pages_batched(app, pages, "mesure")
            for n, itemid in enumerate(ids[2:]):
                for member in range(n % 7):
                    soutiens.add(app.cfg, itemid, f"membre-{member}")
        client = app.test_client()
        results = {}
        for label, path in (
            ("page simple", "/Page simple"),
            (f"position, {args.arguments} arguments", "/" + POSITION),
            ("flux Atom du débat", f"/+debat/flux?page={POSITION}"),
        ):
            times = sorted(timed_get(client, path, args.repeat))
            results[label] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
        plain = results["page simple"][0]
        for label, (median, p95) in results.items():
            print(
                f"{label:35s} médiane {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  ({median / plain:.1f}× la page simple)"
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
