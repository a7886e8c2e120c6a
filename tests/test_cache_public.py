"""The anonymous readers' cache (plugins/web/public_cache.py): never stale, never private, HTTP validators."""

from __future__ import annotations

import json
import os
import time

import pytest

from plugins.web import public_cache
from tests.helpers import fiche, login, modify

CACHE = public_cache.CACHE_HEADER
#: what an anonymous reader reads of one fiche: the page, the binder, the map data, an export, the search
READS = {
    "fiche": "/Atelier Velo",
    "classeur": "/Classeur",
    "carte": "/+carte/fiche",
    "export": "/+donnees/fiche.json",
    "recherche": "/+recherche?q=Atelier",
    "recherche json": "/+recherche.json?q=Atelier",
}


@pytest.fixture
def published(wiki, app):
    wiki.create_user("Alice")
    wiki.save("Atelier Velo", fiche("Atelier Velo", commune="Nantes", resume="Zanzibar"))
    wiki.save("Classeur", "<<Classeur>>\n")
    return wiki


def anonymous(app):
    return app.test_client(use_cookies=False)


def test_anonymous_reads_are_kept_then_served_again_identical(published, app):
    reader = anonymous(app)
    for name, path in READS.items():
        first = reader.get(path)
        assert first.status_code == 200, name
        assert first.headers[CACHE] == "stored", name
        second = reader.get(path)
        assert second.headers[CACHE] == "hit", name
        assert second.get_data() == first.get_data(), name
        assert second.headers["Content-Type"] == first.headers["Content-Type"], name
        assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers, name
        # the security headers of the fresh answer are on the kept one
        for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
            assert second.headers[header] == first.headers[header], (name, header)
    # the map document keeps its own policy (tiles), not the wiki's default one
    assert "tile" in reader.get(READS["carte"]).headers["Content-Security-Policy"]


def test_a_save_is_seen_by_every_anonymous_read_right_after_it_returns(published, app):
    reader = anonymous(app)
    for path in READS.values():  # everything kept with the old text
        assert reader.get(path).status_code == 200
        assert reader.get(path).headers[CACHE] == "hit"
    with app.test_client() as member:
        login(member, "Alice")
        text = fiche("Atelier Velo", commune="Rezé", resume="Quokka")
        assert modify(member, "Atelier Velo", text).status_code == 302
    page = reader.get(READS["fiche"]).get_data(as_text=True)
    assert "Quokka" in page and "Zanzibar" not in page
    assert "Rezé" in reader.get(READS["classeur"]).get_data(as_text=True)
    carte = reader.get(READS["carte"]).get_data(as_text=True)
    rezé = "47.17" in carte  # the centre of Rezé (the fiche has no position of its own); that of Nantes is 47.23
    assert rezé and "47.23" not in carte
    [row] = json.loads(reader.get(READS["export"]).get_data())["elements"]
    assert row["donnees"]["commune"] == "Rezé"
    search = reader.get("/+recherche.json?q=Quokka")
    assert [r["page"] for r in json.loads(search.get_data())["resultats"]] == ["Atelier Velo"]
    assert json.loads(reader.get("/+recherche.json?q=Zanzibar").get_data())["resultats"] == []


def as_alice(app, work):
    """Run ``work(Item)`` as the member Alice, through moin's Item API (moin sends its signals)."""
    from moin import flaskg
    from moin import user as moin_user
    from moin.app import before_wiki, teardown_wiki
    from moin.items import Item

    with app.test_request_context("/", base_url="http://localhost/"):
        before_wiki()
        flaskg.user = flaskg.storage.user = moin_user.User(auth_username="Alice")
        work(Item)
        teardown_wiki("")


def test_rename_and_trash_are_seen_at_once(published, app):
    reader = anonymous(app)
    assert reader.get(READS["fiche"]).status_code == 200
    assert reader.get(READS["export"]).headers[CACHE] == "stored"
    as_alice(app, lambda Item: Item.create("Atelier Velo").rename("Atelier Cycles", ""))
    assert reader.get(READS["fiche"]).status_code == 404
    assert reader.get("/Atelier Cycles").status_code == 200
    [row] = json.loads(reader.get(READS["export"]).get_data())["elements"]
    assert row["page"] == "Atelier Cycles"
    as_alice(app, lambda Item: Item.create("Atelier Cycles").delete(""))
    assert reader.get("/Atelier Cycles").status_code == 404
    assert json.loads(reader.get(READS["export"]).get_data())["elements"] == []


def test_a_members_answer_never_enters_the_cache(published, app):
    with app.test_client() as member:
        login(member, "Alice")
        for path in READS.values():
            response = member.get(path)
            assert response.status_code == 200
            assert response.headers[CACHE] == "bypass" if CACHE in response.headers else True
            assert response.headers["Cache-Control"] == "private, no-store"
            assert "ETag" not in response.headers
        assert "Alice" in member.get(READS["fiche"]).get_data(as_text=True)
    reader = anonymous(app)
    page = reader.get(READS["fiche"])
    assert page.headers[CACHE] == "stored"  # not a hit: nothing was kept from the member's visits
    assert "Alice" not in page.get_data(as_text=True)
    assert public_cache.get_cache(app).stores == 1


def test_a_restricted_page_never_enters_the_cache(published, app):
    published.save("Interne", "Texte réservé aux membres.\n", acl="Known:read All:")
    published.save("Ouverte", "Texte ouvert, avec sa propre ACL.\n", acl="All:read")
    reader = anonymous(app)
    for _ in range(2):
        refused = reader.get("/Interne")
        assert refused.status_code == 403
        assert refused.headers[CACHE] == "bypass"
        assert "réservé" not in refused.get_data(as_text=True)
        own_acl = reader.get("/Ouverte")
        assert own_acl.status_code == 200
        assert own_acl.headers[CACHE] == "bypass"
        assert own_acl.headers["Cache-Control"] == "private, no-store"
    assert public_cache.get_cache(app).stores == 0


def test_etag_and_last_modified_answer_304_and_change_with_a_save(published, app):
    reader = anonymous(app)
    first = reader.get(READS["fiche"])
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public, ")
    assert "Cookie" in first.headers["Vary"]
    again = reader.get(READS["fiche"], headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert reader.get(READS["fiche"], headers={"If-Modified-Since": modified}).status_code == 304
    published.save("Atelier Velo", fiche("Atelier Velo", resume="Autre"))
    changed = reader.get(READS["fiche"], headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Autre" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_cache_is_bounded_in_memory(published, app):
    app.cfg.public_cache_shared = False  # this worker's memory alone
    cache = public_cache.get_cache(app)
    reader = anonymous(app)
    assert reader.get("/+recherche?q=Atelier&limite=1").headers[CACHE] == "stored"
    one = cache.size
    cache.max_bytes = 10 * one  # room for about ten answers
    for n in range(2, 32):
        assert reader.get(f"/+recherche?q=Atelier&limite={n}").headers[CACHE] == "stored"
    assert cache.size <= 10 * one
    assert 5 <= len(cache) <= 10
    # the least recently used went first, the last ones are still there
    assert reader.get("/+recherche?q=Atelier&limite=31").headers[CACHE] == "hit"
    assert reader.get("/+recherche?q=Atelier&limite=1").headers[CACHE] == "stored"


def test_an_answer_computed_by_one_worker_is_served_by_the_others_and_never_stale(published, app):
    reader = anonymous(app)
    first = reader.get("/Classeur")
    assert first.headers[CACHE] == "stored"
    public_cache.get_cache(app).clear()  # another worker: its memory does not have the answer
    second = reader.get("/Classeur")
    assert second.headers[CACHE] == "shared"
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert reader.get("/Classeur").headers[CACHE] == "hit"  # now in this worker's memory too
    with app.test_client() as member:
        login(member, "Alice")
        modify(member, "Atelier Velo", fiche("Atelier Velo", commune="Nantes", resume="Tombouctou"))
    public_cache.get_cache(app).clear()
    after = reader.get("/Atelier Velo")
    assert after.headers[CACHE] == "stored"
    assert "Tombouctou" in after.get_data(as_text=True)
    assert "Zanzibar" not in after.get_data(as_text=True)


def test_a_worker_waits_for_the_answer_another_is_computing(published, app):
    """While one worker holds an answer's lock, another waits and serves what the first stored."""
    import threading

    shared = public_cache.get_shared(app)
    reader = anonymous(app)
    reader.get("/Classeur")  # the key as the hooks make it, and the generation of now
    generation = public_cache.read_generation(app)[0]
    with app.test_request_context("/Classeur"):
        key = public_cache._key()
    fd = shared.claim(key)
    assert fd is not None
    public_cache.get_cache(app).clear()
    for name in os.listdir(shared.directory):
        if not name.endswith(".lock"):
            os.unlink(os.path.join(shared.directory, name))

    def other_worker() -> None:
        time.sleep(0.3)
        shared.put(generation, key, 200, (("Content-Type", "text/html; charset=utf-8"),), b"calcule ailleurs", "e1")
        public_cache.release(fd)

    thread = threading.Thread(target=other_worker)
    thread.start()
    answer = reader.get("/Classeur")
    thread.join()
    assert (answer.headers[CACHE], answer.get_data()) == ("shared", b"calcule ailleurs")


def test_the_shared_store_is_bounded_and_drops_old_generations(tmp_path):
    from plugins.web.shared_store import SharedStore

    store = SharedStore(str(tmp_path), max_bytes=10_000, max_seconds=600)
    for n in range(30):
        store.put("g1", ("k", n), 200, (), b"x" * 1000, f"e{n}")
    store.sweep()
    kept = [n for n in range(30) if store.get("g1", ("k", n)) is not None]
    assert 5 <= len(kept) <= 9 and kept == list(range(30 - len(kept), 30))  # the oldest went first
    assert store.get("g2", ("k", 29)) is None  # never served under another generation
    time.sleep(0.05)
    store.sweep(changed=time.time())  # a change after they were written: all dead
    assert [n for n in range(30) if store.get("g1", ("k", n)) is not None] == []


def test_every_view_named_cacheable_exists(app, client):
    """A renamed route must not silently leave the cache (the subsidies' exports once did)."""
    client.get("/Accueil")  # our routes are attached at the first request
    assert sorted(e for e in public_cache.CACHEABLE_ENDPOINTS if e not in app.view_functions) == []
