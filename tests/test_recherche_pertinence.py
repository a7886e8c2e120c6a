"""Relevance on the judged set (benchmarks/jugements.py): ours must find what readers look for, and do at
least as well as moin's own search on the same pages."""

from __future__ import annotations

from moin.app import before_wiki, teardown_wiki

from benchmarks import jugements
from plugins.operations.pages import store_pages_batched
from plugins.operations.seed import load_seed
from tests.test_index_and_import import SEED_DIR


def test_judged_queries_precision_and_recall_against_moin(app):
    pages = jugements.corpus(300)
    with app.app_context():
        load_seed(app, SEED_DIR)
        store_pages_batched(app, [(p.name, p.text) for p in pages], "corpus jugé")
    judged = jugements.judged_set(pages)
    assert len(judged) >= 40
    with app.test_request_context("/"):
        before_wiki()
        try:
            ours = jugements.evaluate(judged, jugements.our_search)
            moin = jugements.evaluate(judged, jugements.moin_search)
        finally:
            teardown_wiki("")
    print(f"\nnous : P@10 {ours.precision_at_10:.3f}, rappel {ours.recall:.3f}, manquées {ours.missed}")
    print(f"moin : P@10 {moin.precision_at_10:.3f}, rappel {moin.recall:.3f}, manquées {moin.missed}")
    assert ours.precision_at_10 >= 0.8 and ours.recall >= 0.8
    assert ours.precision_at_10 > moin.precision_at_10 and ours.recall > moin.recall
    assert not ours.missed
