"""Robustness: edits that cross, a write lock across processes, a broken or stale index, a full disk."""

from __future__ import annotations

import os
import sqlite3
import time

from moin.app import before_wiki, teardown_wiki
from moin.items import Item

from plugins import ecriture
from tests.helpers import content, fiche, login, modify


def current_text(app, name: str) -> str:
    with app.test_request_context("/"):
        before_wiki()
        try:
            return Item.create(name).content.data.decode("utf-8")
        finally:
            teardown_wiki("")


def history(app, name: str) -> list[tuple[int, str, str]]:
    """(revision number, comment, text) of every revision of a page, oldest first."""
    with app.test_request_context("/"):
        before_wiki()
        try:
            item = app.storage.get_item(name=name)
            revs = []
            for rev in item.iter_revs():
                revs.append((rev.meta["rev_number"], rev.meta.get("comment", ""), rev.data.read().decode("utf-8")))
                rev.data.close()
            return sorted(revs)
        finally:
            teardown_wiki("")


def test_two_members_editing_one_fiche_lose_nothing(wiki, app):
    wiki.create_user("Alice")
    wiki.create_user("Bruno")
    original = fiche("Fiche partagée", commune="Nantes") + "Premier paragraphe.\n\nDernier paragraphe.\n"
    wiki.save_as("Alice", "Fiche partagée", original)
    alice, bruno = app.test_client(), app.test_client()
    login(alice, "Alice")
    login(bruno, "Bruno")
    form = "/+modify/Fiche partagée?contenttype=text%2Fx.moin.wiki%3Bcharset%3Dutf-8&itemtype=default&template="

    assert alice.get(form).status_code == 200  # Alice opens the editor: the page is hers for a while
    refused = bruno.get(form, follow_redirects=True)
    assert "est verrouillée par Alice" in refused.get_data(as_text=True)  # Bruno is told, in French

    # twenty minutes pass: Alice's lock times out, Bruno edits and saves first
    with sqlite3.connect(os.path.join(app.cfg.instance_dir, "sql", "edit_utils.db")) as db:
        db.execute("UPDATE editlock SET timeout = ?", (time.time() - 60,))
    assert bruno.get(form).status_code == 200
    assert (
        modify(bruno, "Fiche partagée", original.replace("Dernier", "Dernier (Bruno)"), comment="Bruno").status_code
        == 302
    )

    # Alice saves her own change made from the first revision: moin merges, flags it, keeps both texts
    saved = modify(alice, "Fiche partagée", original.replace("Premier", "Premier (Alice)"), comment="Alice")
    assert saved.status_code == 302
    text = current_text(app, "Fiche partagée")
    assert "Premier (Alice)" in text and "Dernier (Bruno)" in text
    revisions = history(app, "Fiche partagée")
    assert [r[0] for r in revisions] == [1, 2, 3]
    assert revisions[1][1] == "Bruno" and "Dernier (Bruno)" in revisions[1][2]
    assert revisions[2][1].startswith("CONFLIT")  # the history says a conflict was merged
    assert "Fiche partagée" in content(alice, "/Fiche partagée")


def test_write_lock_is_exclusive_across_processes_and_says_busy_in_french(app, tmp_path):
    import subprocess
    import sys

    path = str(tmp_path / "verrou")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from plugins.ecriture import acquire; import time; acquire({path!r}); print('ok', flush=True); time.sleep(30)",
        ],
        cwd=os.path.dirname(os.path.dirname(__file__)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        start = time.monotonic()
        try:
            ecriture.acquire(path, wait=0.3)
            raise AssertionError("the lock held by another process was taken")
        except ecriture.Busy:
            assert time.monotonic() - start >= 0.3
        holder.kill()  # the kernel releases the lock of a dead process
        holder.wait()
        ecriture.release(ecriture.acquire(path, wait=5))
    finally:
        holder.kill()
    # a request that cannot have the lock in time gets a French 503, and nothing is written
    fd = ecriture.acquire(ecriture.lock_path(app))
    try:
        original = ecriture.WAIT_SECONDS
        ecriture.WAIT_SECONDS = 0.2
        client = app.test_client()
        response = client.post("/+modify/Occupé", data={"content_form_data_text": "x"})
        assert response.status_code == 503 and "réessayez" in response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "5"
        assert client.get("/Occupé").status_code == 404
    finally:
        ecriture.WAIT_SECONDS = original
        ecriture.release(fd)
