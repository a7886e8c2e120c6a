"""Robustness: edits that cross, a write lock across processes, a broken or stale index, a full disk."""

from __future__ import annotations

import os
import sqlite3
import time

from moin.app import before_wiki, teardown_wiki
from moin.items import Item

from plugins.web import public_cache, write_lock
from tests.helpers import content, fiche, listing_names, login, modify


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
            f"from plugins.web.write_lock import acquire; import time; acquire({path!r}); print('ok', flush=True); time.sleep(30)",
        ],
        cwd=os.path.dirname(os.path.dirname(__file__)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        start = time.monotonic()
        try:
            write_lock.acquire(path, wait=0.3)
            raise AssertionError("the lock held by another process was taken")
        except write_lock.Busy:
            assert time.monotonic() - start >= 0.3
        holder.kill()  # the kernel releases the lock of a dead process
        holder.wait()
        write_lock.release(write_lock.acquire(path, wait=5))
    finally:
        holder.kill()
    # a request that cannot have the lock in time gets a French 503, and nothing is written
    fd = write_lock.acquire(write_lock.lock_path(app))
    try:
        original = write_lock.WAIT_SECONDS
        write_lock.WAIT_SECONDS = 0.2
        client = app.test_client()
        response = client.post("/+modify/Occupé", data={"content_form_data_text": "x"})
        assert response.status_code == 503 and "réessayez" in response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "5"
        assert client.get("/Occupé").status_code == 404
    finally:
        write_lock.WAIT_SECONDS = original
        write_lock.release(fd)


def test_the_write_lock_goes_to_the_process_that_has_waited_longest(tmp_path):
    """Released, the lock is taken by the waiter of another process that asked first, not by one that has just
    asked (gunicorn's workers are processes: the kernel's lock keeps no queue between them)."""
    import subprocess
    import sys

    path = str(tmp_path / "verrou")
    script = (
        "import time; from plugins.web.write_lock import acquire, release; print('attend', flush=True); "
        f"fd = acquire({path!r}, wait=30); print(time.monotonic(), flush=True); time.sleep(0.1); release(fd)"
    )

    def waiter() -> subprocess.Popen:
        root = os.path.dirname(os.path.dirname(__file__))
        process = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "attend"
        return process

    for _ in range(3):
        fd = write_lock.acquire(path)
        try:
            first = waiter()
            time.sleep(1.5)  # the first has waited long
            second = waiter()
            time.sleep(0.01)  # the second has just asked
        finally:
            write_lock.release(fd)
        taken = [float(p.stdout.readline()) for p in (first, second)]
        assert [p.wait(timeout=30) for p in (first, second)] == [0, 0]
        assert taken[0] < taken[1]


def test_damaged_index_is_detected_and_rebuilt(wiki, client, app):
    from plugins.indexing.structured import get_index

    wiki.save("Liste", "<<Classeur>>\n")
    for n in range(5):
        wiki.save(f"I/{n}", fiche(f"Fiche {n}", commune="Nantes"))
    assert len(listing_names(content(client, "/Liste"))) == 5
    directory = get_index(app).directory
    for name in os.listdir(directory):  # garbage over every file of the index, as a bad disk would leave it
        if name not in ("VERSION", "EPOCH"):
            with open(os.path.join(directory, name), "wb") as f:
                f.write(b"\x00\xffpas un index" * 10)
    del app.extensions["ecossolies_index"]  # as a process starting now would find it
    app.extensions.pop("ecossolies_cache_public", None)  # (with no answer kept in memory yet,
    shared = public_cache.get_shared(app).directory  # nor on disk)
    for name in os.listdir(shared):
        os.unlink(os.path.join(shared, name))
    assert listing_names(content(client, "/Liste")) == [f"Fiche {n}" for n in range(5)]
    with app.app_context():
        assert get_index(app).verify(repair=False)["perimees"] == 0


def test_full_disk_loses_no_edit_and_the_index_catches_up(wiki, client, app, tmp_path):
    import subprocess

    import pytest

    from plugins.indexing.structured import get_index

    directory = str(tmp_path / "index-structure")
    os.makedirs(directory, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", directory], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("monter un petit système de fichiers (tmpfs) demande les droits root : test sauté")
    try:
        wiki.create_user("Alice")
        wiki.save("Liste", "<<Classeur>>\n")
        wiki.save("I/Avant", fiche("Avant", commune="Nantes"))
        assert listing_names(content(client, "/Liste")) == ["Avant"]
        filler = os.path.join(directory, "remplissage")
        with open(filler, "wb") as f:  # fill the index's disk to the last byte
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        login(client, "Alice")
        saved = modify(client, "I/Pendant", fiche("Pendant", commune="Nantes"), comment="disque plein")
        assert saved.status_code == 302  # the edit is saved (moin's storage is elsewhere), no traceback
        assert "Pendant" in content(client, "/I/Pendant")
        page = content(client, "/Liste")
        assert listing_names(page) == ["Avant"], page[:3000]  # listings still answer, one behind
        os.remove(filler)  # space again: the next read repairs the index
        assert listing_names(content(client, "/Liste")) == ["Avant", "Pendant"]
        with app.app_context():
            assert get_index(app).verify(repair=False)["perimees"] == 0
    finally:
        get_index(app).ix.close()
        subprocess.run(["umount", "-l", directory], capture_output=True)


def test_process_killed_while_writing_then_checked_and_repaired(tmp_path):
    import signal
    import subprocess
    import sys

    from benchmarks.run import csv_of_fiches
    from benchmarks.serveur import create_instance

    instance = create_instance(str(tmp_path), seed=False)
    source = str(tmp_path / "fiches.csv")
    csv_of_fiches(source, 300)
    data = os.path.join(instance.base, "wiki", "data")

    def files() -> int:
        return sum(len(names) for _, _, names in os.walk(data))

    for delay in (0.0, 0.4, 1.0):  # killed at different points of the import once it stores: storing, indexing
        before = files()
        process = subprocess.Popen(
            [sys.executable, "-m", "plugins.operations.cli", "import-fiches", source, "--prefixe", f"Tuee{delay}/"],
            cwd=instance.base,
            env=instance.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120  # a loaded machine may take long to start the import
        while files() <= before + 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(delay)
        assert process.poll() is None, "the import ended before it was killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
    instance.cli("verifier-index", "--reparer")
    check = instance.cli("verifier-index")  # code 0: both indexes equal the storage again
    assert "Index de moin : 0 révision(s) en écart" in check.stdout and "0 périmé(s), 0 en trop" in check.stdout
    # the listing equals the truth: every fiche stored is listed, none more
    script = (
        "from plugins.operations.cli import make_app, wiki_context\n"
        "from plugins.indexing.structured import get_index\n"
        "app = make_app()\n"
        "with wiki_context(app):\n"
        "    stored = [i for i in app.storage.documents() if i.name and i.name.startswith('Tuee')]\n"
        "    listed = [p for p in get_index(app).pages('fiche') if p.name.startswith('Tuee')]\n"
        "    print(len(stored), len(listed), len({p.itemid for p in listed} - {i.meta['itemid'] for i in stored}))\n"
    )
    stored, listed, unknown = instance.run(sys.executable, "-c", script).stdout.split()
    assert int(stored) > 0, "the kills left some fiches stored"
    assert stored == listed and unknown == "0", (stored, listed)


def test_cached_results_of_a_privileged_reader_never_reach_another(wiki, app):
    """Our result cache is keyed by the reader's rights and the index version: Alice's listing, counted and
    cached first, is never what an anonymous reader or Bob gets next."""
    wiki.create_user("Alice")
    wiki.create_user("Bob")
    wiki.save("Liste", "<<Classeur>>\n")
    wiki.save("Publique", fiche("Publique", commune="Nantes"))
    wiki.save("Secrète", fiche("Secrète", commune="Rezé"), acl="Alice:read All:")
    alice, bob, anonymous = app.test_client(), app.test_client(), app.test_client()
    login(alice, "Alice")
    login(bob, "Bob")
    for _ in range(2):  # the second round is served from the cache
        assert listing_names(content(alice, "/Liste")) == ["Publique", "Secrète"]
        assert listing_names(content(anonymous, "/Liste")) == ["Publique"]
        assert listing_names(content(bob, "/Liste")) == ["Publique"]
        assert [r["page"] for r in anonymous.get("/+recherche.json?q=commune:R").get_json()["resultats"]] == []
    wiki.save("Secrète", fiche("Secrète", commune="Rezé"), acl="All:read")  # a new version of the data
    assert listing_names(content(bob, "/Liste")) == ["Publique", "Secrète"]


def test_a_revision_cut_short_by_a_kill_is_set_aside_not_lost_nor_fatal(wiki, app):
    from plugins.operations.repair import moin_index_drift, repair_moin_index

    wiki.save("Intacte", fiche("Intacte"))
    store = app.storage.backend.backends["default"].meta_store
    store["0" * 32] = b'{"name": ["Coup'  # what a killed write leaves: metadata cut short
    with app.app_context():
        assert moin_index_drift(app.storage) == 1
        drift, kept = repair_moin_index(app)
        assert drift == 1 and len(kept) == 1
        with open(kept[0], "rb") as f:
            assert f.read() == b'{"name": ["Coup'  # the bytes are kept, aside
        assert "0" * 32 not in list(store) and moin_index_drift(app.storage) == 0
        assert repair_moin_index(app) == (0, [])


def test_two_first_requests_of_a_worker_attach_our_hooks_once_without_error(tmp_path, monkeypatch):
    """A threaded worker's first requests arrive together: while one attaches our hooks, another must not start
    its request (Flask then refuses the rest of the hooks: a 500, seen once in make test on a login)."""
    import threading
    import time

    from plugins.indexing import moin_searchers
    from tests.conftest import destroy_app, make_app

    app = make_app(tmp_path)
    try:
        assert not app.extensions.get("ecossolies_searchers")  # nothing attached before the first request
        install = moin_searchers.install

        def slow_install(storage):
            time.sleep(0.3)  # the window in which another first request arrives
            return install(storage)

        monkeypatch.setattr(moin_searchers, "install", slow_install)
        errors: list[BaseException] = []

        def first_request(delay: float) -> None:
            time.sleep(delay)
            try:
                with app.app_context():
                    app._got_first_request = True  # what Flask does as it starts to serve the request
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=first_request, args=(d,)) for d in (0.0, 0.1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert errors == []
        assert app.extensions.get("ecossolies_searchers") is True
        answer = app.test_client().get("/Accueil")  # not written in this empty wiki: moin's 404, with our headers
        assert answer.status_code == 404
        assert "Content-Security-Policy" in answer.headers
    finally:
        destroy_app(app)
