"""moin's index segments merged beside the saves, not in them (plugins/indexing/merging.py): a save's commit only adds
its segment; a merge keeps every page at its latest revision, even one saved again while the merge was being
written."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from moin.app import destroy_app
from whoosh import index as whoosh_index
from whoosh.query import Term

from plugins.indexing import merging
from plugins.indexing.structured import get_index
from plugins.web import write_lock
from tests import helpers
from tests.conftest import make_app
from tests.helpers import fiche

MOIN_INDEXES = ("all_revs", "latest_revs", "latest_meta")


class QuietMerger:
    """In place of the merging process, for the tests that make each merge themselves."""

    def __init__(self, owner: Any, indexes: Any, lock_file: str) -> None:
        self.indexes = indexes

    def wake(self) -> None:
        pass


def serve(tmp_path: Any) -> Iterator[Any]:
    """A wiki as it is served: its merger started by a first request."""
    app = make_app(tmp_path, background_merges=True)
    try:
        with app.test_client() as client:
            assert client.get("/Accueil").status_code in (200, 404)
        assert merging.running(app) is not None
        yield app
    finally:
        destroy_app(app)


@pytest.fixture
def served(tmp_path: Any, monkeypatch: Any) -> Iterator[Any]:
    """Served, saves merging nothing, and no merging process: the test makes each merge."""
    monkeypatch.setattr(merging, "Merger", QuietMerger)
    yield from serve(tmp_path)


@pytest.fixture
def served_with_its_merger(tmp_path: Any) -> Iterator[Any]:
    yield from serve(tmp_path)


def moin_folder(app: Any) -> str:
    return app.cfg.index_storage.args[0]


def live_documents(folder: str, indexname: str, name: str) -> int:
    """How many documents of moin's index carry this page name and are not deleted."""
    ix = whoosh_index.open_dir(folder, indexname=indexname)
    with ix.searcher() as searcher:
        return len(list(searcher.document_numbers(name_exact=name)))


def merge_everything(app: Any) -> int:
    """Every due merge of moin's three indexes, as the merger makes them; how many were made."""
    path = write_lock.lock_path(app)
    made = 0
    for name in MOIN_INDEXES:
        while merging.merge_once(moin_folder(app), name, lambda: write_lock.held(path)):
            made += 1
    return made


class Segment:
    def __init__(self, count: int) -> None:
        self.count = count

    def doc_count_all(self) -> int:
        return self.count


def test_the_plan_merges_the_smallest_size_class_that_is_full() -> None:
    ones = [Segment(1) for _ in range(merging.FACTOR)]
    fives = [Segment(7) for _ in range(merging.FACTOR)]
    assert merging.plan(ones[:-1] + [Segment(40)]) == []
    assert merging.plan(ones + fives) == ones
    assert merging.plan(ones[:-1] + fives) == fives
    assert merging.plan([Segment(merging.LARGEST) for _ in range(merging.FACTOR * 2)]) == []


def test_a_save_adds_one_segment_and_merges_nothing(served: Any) -> None:
    wiki = helpers.Wiki(served)
    folder = moin_folder(served)
    before = len(list(merging.segments_of(folder, "latest_revs")))
    for n in range(12):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}", commune="Nantes"))
    assert len(list(merging.segments_of(folder, "latest_revs"))) == before + 12
    assert sorted(merging.segments_of(folder, "latest_revs"))[:12] == [1] * 12


def test_a_merge_keeps_each_page_once_at_its_latest_revision_even_one_saved_meanwhile(served: Any) -> None:
    wiki = helpers.Wiki(served)
    folder = moin_folder(served)
    for n in range(12):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}", commune="Nantes"))
    index = get_index(served)
    snapshot = wiki.run(index.snapshot)
    path = write_lock.lock_path(served)

    def save_then_lock() -> Any:
        """The wiki's lock, taken once a member has saved Fiche 3 again: its old document, in a segment being
        merged, is deleted after the merge read it."""
        if not saved:
            saved.append(wiki.save("Fiche 3", fiche("Fiche 3", commune="Rezé")))
        return write_lock.held(path)

    saved: list[str] = []
    segments = {name: len(list(merging.segments_of(folder, name))) for name in MOIN_INDEXES}
    assert merging.merge_once(folder, "latest_revs", save_then_lock)
    assert merge_everything(served) >= 2
    assert saved
    for name in MOIN_INDEXES:
        assert len(list(merging.segments_of(folder, name))) < segments[name]
    assert live_documents(folder, "latest_revs", "Fiche 3") == 1
    assert live_documents(folder, "latest_meta", "Fiche 3") == 1
    for n in range(12):
        assert live_documents(folder, "latest_revs", f"Fiche {n}") == 1
    with served.test_client() as client:
        assert "Rezé" in client.get("/Fiche 3").get_data(as_text=True)
        found = client.get("/+recherche.json", query_string={"q": "Rezé"}).get_json()
        assert [r["page"] for r in found["resultats"]] == ["Fiche 3"]
        for n in (0, 11):
            assert client.get(f"/Fiche {n}").status_code == 200
    after = wiki.run(index.snapshot)
    assert after.loads == snapshot.loads  # the structured index, merged by its saves: followed, not read again
    assert [p.data["commune"] for p in after.by_type["fiche"] if p.title == "Fiche 3"] == ["Rezé"]
    assert not [name for name in os.listdir(folder) if name.startswith(merging.WORK_PREFIX)]


def test_a_merge_whose_segments_were_merged_by_someone_else_is_dropped(served: Any) -> None:
    wiki = helpers.Wiki(served)
    folder = moin_folder(served)
    for n in range(6):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}"))
    path = write_lock.lock_path(served)

    def optimize_then_lock() -> Any:
        whoosh_index.open_dir(folder, indexname="latest_revs").optimize()  # moin index-optimize, say
        return write_lock.held(path)

    assert not merging.merge_once(folder, "latest_revs", optimize_then_lock)
    assert len(list(merging.segments_of(folder, "latest_revs"))) == 1  # optimize's one segment, left as it is
    for n in range(6):
        assert live_documents(folder, "latest_revs", f"Fiche {n}") == 1
    assert not [name for name in os.listdir(folder) if name.startswith(merging.WORK_PREFIX)]


def test_the_merging_process_of_a_served_wiki_merges_after_saves(served_with_its_merger: Any) -> None:
    app = served_with_its_merger
    wiki = helpers.Wiki(app)
    folder = moin_folder(app)
    merger = merging.running(app)
    assert merger.process.poll() is None  # the first process of this wiki: it merges
    for n in range(merging.FACTOR * 3):
        wiki.save(f"Fiche {n}", fiche(f"Fiche {n}"))
        assert len(list(merging.segments_of(folder, "latest_revs"))) <= n + 2 + merging.FACTOR * 2
    merger.wake()
    deadline = time.monotonic() + 60
    while len(list(merging.segments_of(folder, "latest_revs"))) > 2 * merging.FACTOR and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(list(merging.segments_of(folder, "latest_revs"))) <= 2 * merging.FACTOR
    with app.test_client() as client:
        for n in range(merging.FACTOR * 3):
            assert client.get(f"/Fiche {n}").status_code == 200
    with whoosh_index.open_dir(folder, indexname="latest_revs").searcher() as searcher:
        assert searcher.search(Term("name_exact", "Fiche 0")).scored_length() == 1
    other = merging.Merger(QuietMerger, merger.indexes, merger.lock_file)  # a second serving process's
    assert other.process.wait(timeout=30) == 0  # ends at once: one merger a wiki
    merger.stop()
    assert merger.process.returncode == 0
