"""The anonymous readers' cache (plugins/web/public_cache.py): never stale, never private, HTTP validators."""

from __future__ import annotations

import json
import os
import re
import threading
import time

import pytest
from flask import request
from moin.constants.keys import ACL, ITEMID, NAME, NAMESPACE, USERGROUP

from plugins.web import generations, public_cache
from plugins.web.shared_store import SharedStore, Stored
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


def read_while(reader, path: str, meanwhile):
    """``reader``'s answer to ``path``, read while ``meanwhile`` runs in another thread (another worker, another
    thread of this one)."""
    thread = threading.Thread(target=meanwhile)
    thread.start()
    answer = reader.get(path)
    thread.join()
    return answer


def _cleared(app, shared) -> None:
    """Neither this worker's memory nor the shared store holds any answer (their locks stay)."""
    public_cache.get_cache(app).clear()
    for name in os.listdir(shared.directory):
        if not name.endswith(".lock"):
            os.unlink(os.path.join(shared.directory, name))


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
            assert CACHE not in response.headers  # never looked up nor stored for a member
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
    shared = public_cache.get_shared(app)
    reader = anonymous(app)
    reader.get("/Classeur")  # the key as the hooks make it, and the generations of now
    table = generations.read(app)[0]
    slots = generations.slots((), everything=True)
    with app.test_request_context("/Classeur"):
        key = public_cache._key()
    fd = shared.claim(key)
    assert fd is not None
    _cleared(app, shared)

    def other_worker() -> None:
        time.sleep(0.3)
        headers = (("Content-Type", "text/html; charset=utf-8"),)
        shared.put(key, Stored(200, headers, b"calcule ailleurs", "e1", slots, generations.tokens(table, slots)))
        public_cache.release(fd)

    answer = read_while(reader, "/Classeur", other_worker)
    assert (answer.headers[CACHE], answer.get_data()) == ("shared", b"calcule ailleurs")


def test_the_shared_store_is_bounded_and_serves_only_current_tokens(tmp_path):
    store = SharedStore(str(tmp_path), max_bytes=10_000, max_seconds=600)
    table = bytes(range(256)) * (generations.SLOTS * generations.TOKEN // 256)
    slots = (generations.GLOBAL, generations.slot("type:fiche"))
    tokens = generations.tokens(table, slots)
    for n in range(30):
        store.put(("k", n), Stored(200, (), b"x" * 1000, f"e{n}", slots, tokens))
    store.sweep()
    kept = [n for n in range(30) if store.get(table, ("k", n)) is not None]
    assert 5 <= len(kept) <= 9
    assert kept == list(range(30 - len(kept), 30))  # the oldest went first
    changed = bytearray(table)
    s = generations.slot("type:fiche") * generations.TOKEN
    changed[s : s + generations.TOKEN] = b"\xff" * generations.TOKEN
    assert store.get(bytes(changed), ("k", 29)) is None  # never served once one of its tokens changed
    other = bytearray(table)
    s = generations.slot("type:lieu") * generations.TOKEN
    other[s : s + generations.TOKEN] = b"\xff" * generations.TOKEN
    assert store.get(bytes(other), ("k", 29)).body == b"x" * 1000  # another type's change leaves it


def test_every_view_named_cacheable_exists(app, client):
    """A renamed route must not silently leave the cache (the subsidies' exports once did)."""
    client.get("/Accueil")  # our routes are attached at the first request
    assert sorted(e for e in public_cache.CACHEABLE_ENDPOINTS if e not in app.view_functions) == []


@pytest.fixture
def neighbours(published, wiki):
    """Pages around the fiche: a plain page, a page of venues and its map, a page with a macro nobody reviewed
    for the cache, a page that transcludes another, a page that links to a page not yet written, a help page made
    of the macros' manual and a type's fields."""
    wiki.save("Page simple", "= Page simple =\n\nRien que du texte.\n")
    wiki.save("Autre page", "= Autre page =\n\nTexte Gnou.\n")
    wiki.save("Lieu Un", "---\ntype: lieu\nnom: Lieu Un\ncommune: Nantes\ncategorie: Café\n---\n")
    wiki.save("Lieux", "<<Carte>>\n")
    wiki.save("Recents", "<<ItemList>>\n")
    wiki.save("Inclut", "{{Autre page}}\n")
    wiki.save("Lien", "Voir [[Page future]].\n")
    wiki.save("Mode d'emploi", '<<AideMacros>>\n\n<<Champs(type="fiche")>>\n')
    return wiki


def same(answer) -> str:
    """An answer's text, without the names folium draws at random for each map it writes."""
    return re.sub(
        r"(map|marker_cluster|tile_layer|marker|popup|html)_[0-9a-f]{32}", r"\1_", answer.get_data(as_text=True)
    )


def forget_everything(app):
    public_cache.get_cache(app).clear()
    shared = public_cache.get_shared(app).directory
    for name in os.listdir(shared):
        os.unlink(os.path.join(shared, name))


def member_saves(app, name: str, text: str) -> None:
    with app.test_client() as member:
        login(member, "Alice")
        assert modify(member, name, text).status_code == 302


def kept(reader, paths):
    """Each path read once to keep it; then whether each is served from the cache."""
    for path in paths:
        assert reader.get(path).status_code == 200
    return {path: reader.get(path).headers[CACHE] for path in paths}


def test_a_save_of_a_fiche_renews_what_shows_fiches_and_leaves_the_rest_kept(neighbours, app):
    reader = anonymous(app)
    around = ["/Page simple", "/Lieux", "/+carte/lieu", "/Autre page", "/Mode d'emploi"]
    shows_fiches = [READS["fiche"], READS["classeur"], READS["carte"], READS["export"], READS["recherche"], "/Recents"]
    assert set(kept(reader, around + shows_fiches).values()) == {"hit"}
    member_saves(app, "Atelier Velo", fiche("Atelier Velo", commune="Rezé", resume="Quokka"))
    kept_answers = {p: reader.get(p) for p in around}
    assert [kept_answers[p].headers[CACHE] for p in around] == ["hit"] * len(around)
    assert [reader.get(p).headers[CACHE] for p in shows_fiches] == ["stored"] * len(shows_fiches)
    assert "Quokka" in reader.get(READS["fiche"]).get_data(as_text=True)
    assert "Rezé" in reader.get(READS["classeur"]).get_data(as_text=True)
    forget_everything(app)  # what the kept answers say is what the wiki says now
    assert {p: same(reader.get(p)) for p in around} == {p: same(kept_answers[p]) for p in around}


def test_a_fiche_that_becomes_a_venue_renews_the_venues_too(neighbours, app):
    reader = anonymous(app)
    assert set(kept(reader, ["/Lieux", "/+carte/lieu", "/Page simple"]).values()) == {"hit"}
    member_saves(app, "Atelier Velo", "---\ntype: lieu\nnom: Atelier Velo\ncommune: Rezé\ncategorie: Atelier\n---\n")
    assert reader.get("/+carte/lieu").headers[CACHE] == "stored"
    assert "Atelier Velo" in reader.get("/+carte/lieu").get_data(as_text=True)
    assert "Atelier Velo" in reader.get("/Lieux").get_data(as_text=True)
    assert reader.get("/Page simple").headers[CACHE] == "hit"


def test_a_save_of_a_plain_page_renews_it_and_what_transcludes_it(neighbours, app):
    reader = anonymous(app)
    assert set(kept(reader, ["/Page simple", "/Autre page", "/Inclut", "/Lieux"]).values()) == {"hit"}
    member_saves(app, "Autre page", "= Autre page =\n\nTexte Okapi.\n")
    assert "Okapi" in reader.get("/Autre page").get_data(as_text=True)
    assert "Okapi" in reader.get("/Inclut").get_data(as_text=True)  # a transclusion reads the whole wiki
    assert [reader.get(p).headers[CACHE] for p in ("/Page simple", "/Lieux")] == ["hit", "hit"]


def test_a_new_page_renews_what_links_to_it_and_what_reads_everything_and_leaves_the_rest_kept(neighbours, app):
    """A page that links to a page not yet written shows the link as such; once the page exists, no longer. The
    creation renews that page and what reads the whole wiki (search, a macro nobody reviewed), as MediaWiki
    renews the pages that link to a page created; every other answer stays kept, and is still what the wiki
    says."""
    reader = anonymous(app)
    around = ["/Page simple", "/Lieux", "/+carte/lieu", "/Autre page", "/Mode d'emploi", READS["classeur"]]
    renewed = ["/Lien", "/Recents", READS["recherche"], "/Inclut"]
    assert set(kept(reader, around + renewed).values()) == {"hit"}
    assert "moin-nonexistent" in reader.get("/Lien").get_data(as_text=True)
    member_saves(app, "Page future", "= Page future =\n")
    kept_answers = {p: reader.get(p) for p in around}
    assert [kept_answers[p].headers[CACHE] for p in around] == ["hit"] * len(around)
    assert [reader.get(p).headers[CACHE] for p in renewed] == ["stored"] * len(renewed)
    assert "moin-nonexistent" not in reader.get("/Lien").get_data(as_text=True)
    forget_everything(app)  # what the kept answers say is what the wiki says now
    assert {p: same(reader.get(p)) for p in around} == {p: same(kept_answers[p]) for p in around}


def test_a_new_fiche_renews_the_binder_and_leaves_the_other_pages_kept(neighbours, app):
    reader = anonymous(app)
    assert set(kept(reader, [READS["classeur"], "/Page simple", "/Autre page", "/Lieux"]).values()) == {"hit"}
    member_saves(app, "Jardin Partage", fiche("Jardin Partage", commune="Rezé"))
    assert reader.get(READS["classeur"]).headers[CACHE] == "stored"
    assert "Jardin Partage" in reader.get(READS["classeur"]).get_data(as_text=True)
    assert [reader.get(p).headers[CACHE] for p in ("/Page simple", "/Autre page", "/Lieux")] == ["hit"] * 3
    assert "Jardin Partage" in reader.get(READS["recherche"].replace("Atelier", "Jardin")).get_data(as_text=True)


def test_only_a_plain_save_or_creation_is_described(app):
    """Anything but a plain save or a plain creation (a rename, an ACL, a group, a namespace, a trash) renews
    every answer."""
    old = {NAME: ["Atelier Velo"], ITEMID: "i1", NAMESPACE: "", ACL: None}
    plain = public_cache._plain_save
    assert plain("SAVE", old, {**old, "summary": "autre"})
    assert not plain("SAVE", None, old)  # a new page: a creation
    assert not plain("RENAME", old, {**old, NAME: ["Atelier Cycles"]})
    assert not plain("SAVE", old, {**old, NAME: ["Atelier Cycles"]})
    assert not plain("SAVE", old, {**old, ACL: "Alice:read All:"})
    assert not plain("SAVE", old, {**old, USERGROUP: ["Alice"]})
    assert not plain("SAVE", {**old, NAMESPACE: "users"}, {**old, NAMESPACE: "users"})
    assert not plain("TRASH", old, old)
    created = public_cache._plain_creation
    assert created("SAVE", None, old)
    assert not created("SAVE", old, old)  # not new
    assert not created("SAVE", None, {**old, ACL: "Alice:read All:"})
    assert not created("SAVE", None, {**old, USERGROUP: ["Alice"]})
    assert not created("SAVE", None, {**old, NAMESPACE: "users"})
    assert not created("SAVE", None, {**old, NAME: []})


def test_kept_answers_are_served_before_flask_and_never_to_a_member(published, app):
    """A kept answer is served by the WSGI middleware (no Flask request, no moin set-up); a member's request,
    with its session cookie, always goes to the app and gets its own page."""
    reader = anonymous(app)
    assert reader.get(READS["fiche"]).headers[CACHE] == "stored"
    seen = []
    app.before_request_funcs[None].insert(0, lambda: seen.append(request.path))
    try:
        kept = reader.get(READS["fiche"])
        assert (kept.headers[CACHE], seen) == ("hit", [])
        assert kept.headers["Content-Security-Policy"].startswith("default-src")
        assert reader.get(READS["fiche"], headers={"If-None-Match": kept.headers["ETag"]}).status_code == 304
        with app.test_client() as member:
            login(member, "Alice")
            seen.clear()
            page = member.get(READS["fiche"])
            assert seen == [READS["fiche"]]
            assert CACHE not in page.headers
            assert "Alice" in page.get_data(as_text=True)
    finally:
        app.before_request_funcs[None].pop(0)


def test_a_page_to_compute_waits_for_the_save_its_process_serves_and_a_kept_one_does_not(published, app):
    """While this process serves a write, a reader about to compute a page lets it finish first (the save
    holds the wiki's write lock, every editor waits for it); an answer already kept is served at once."""

    from plugins.web import write_lock

    reader = anonymous(app)
    assert reader.get(READS["fiche"]).status_code == 200  # kept
    answers = {}

    def read_fresh() -> None:
        answers["classeur"] = reader.get(READS["classeur"])  # never computed yet

    write_lock._WRITING.enter()  # a save in progress in this process
    try:
        started = time.monotonic()
        kept = reader.get(READS["fiche"])
        assert (kept.headers[CACHE], kept.status_code) == ("hit", 200)
        assert time.monotonic() - started < 0.5
        thread = threading.Thread(target=read_fresh)
        thread.start()
        thread.join(0.4)
        assert thread.is_alive()  # waiting for the save
    finally:
        write_lock._WRITING.leave()
    thread.join(5)
    assert answers["classeur"].status_code == 200
    assert answers["classeur"].headers[CACHE] == "stored"


def test_an_editor_opening_a_form_does_not_wait_for_the_writes_of_its_process(published, app, monkeypatch):
    """Whoever opens an edit form is about to write: the form is not held back behind other saves (only the
    readers about to compute a page are)."""
    from plugins.web import write_lock

    waited: list[str] = []
    monkeypatch.setattr(write_lock, "yield_to_writes", lambda: waited.append(request.path))
    with app.test_client() as member:
        login(member, "Alice")
        waited.clear()
        for path in ("/+modify/Une page", "/+formulaire/Une page", "/+nouvelle/fiche"):
            member.get(path)
        assert waited == []
        member.get(READS["classeur"])
        assert waited == [READS["classeur"]]


def test_a_reader_waiting_for_an_answer_gets_it_even_if_a_write_renewed_it_meanwhile(published, app):
    """A reader who asked while another thread computed the binder is served that computation, even if a
    save renewed the binder before it was done (the save ended after the reader asked); a reader who asks
    after that save never gets it."""
    shared = public_cache.get_shared(app)
    reader = anonymous(app)
    reader.get("/Classeur")
    with app.test_request_context("/Classeur"):
        key = public_cache._key()
    before = bytes(generations.read(app)[0])  # the table read is a live view
    slots = generations.slots((), everything=True)
    _cleared(app, shared)
    cache = public_cache.get_cache(app)
    assert cache.claim(key) is None  # another thread of this worker computes the binder

    def other_thread() -> None:
        time.sleep(0.3)  # the reader below has asked by now
        generations.bump(app, generations.renewed({"type:fiche"}))  # a save of a fiche ends
        headers = (("Content-Type", "text/html; charset=utf-8"),)
        cache.put(
            key, public_cache.Entry(200, headers, b"calcule a cote", "e1", slots, generations.tokens(before, slots))
        )
        cache.release(key)

    waited = read_while(reader, "/Classeur", other_thread)
    assert (waited.headers[CACHE], waited.get_data()) == ("hit", b"calcule a cote")
    after = reader.get("/Classeur")
    assert after.headers[CACHE] == "stored"
    assert b"calcule a cote" not in after.get_data()
    assert "Atelier Velo" in after.get_data(as_text=True)


def test_only_one_waiting_worker_computes_an_answer_the_other_left_undone(tmp_path):
    """When the worker computing an answer ends without one valid for the waiters (a write renewed it), one
    waiter takes over and the others wait for it: the answer is computed once, not once per waiter."""

    from plugins.web.shared_store import release

    store = SharedStore(str(tmp_path), max_bytes=1_000_000, max_seconds=600)
    table = bytes(generations.SLOTS * generations.TOKEN)
    slots = (generations.GLOBAL,)
    key = ("classeur",)
    first = store.claim(key)
    assert first is not None
    outcomes: list[str] = []

    def waiter() -> None:
        found, fd = store.wait_or_claim(table, key, 10)
        if fd is not None:
            outcomes.append("calcule")
            time.sleep(0.2)
            store.put(key, Stored(200, (), b"nouveau", "e2", slots, generations.tokens(table, slots)))
            release(fd)
        else:
            outcomes.append(found.body.decode() if found is not None else "rien")

    waiters = [threading.Thread(target=waiter) for _ in range(3)]
    for thread in waiters:
        thread.start()
    time.sleep(0.2)
    release(first)  # done without an answer for these tokens
    for thread in waiters:
        thread.join(15)
    assert sorted(outcomes) == ["calcule", "nouveau", "nouveau"]


def test_a_kept_part_of_a_listing_brings_the_pages_its_links_name_each_time_it_is_used(app, client, monkeypatch):
    """A part of a listing converted once and used again (plugins/views/fragments.py) renews the answers that
    use it when a page it links to is created, as if its links were drawn again."""
    from moin.utils.tree import moin_page

    from plugins.indexing import dependencies
    from plugins.views import fragments

    client.get("/Accueil")  # our routes and hooks are attached at the first request
    converted = []

    def to_html(element):
        converted.append(element)
        dependencies.note_names("Page future")  # what moin's link converter does for [[Page future]]
        return "<p>partie</p>"

    monkeypatch.setattr(fragments, "to_html", to_html)
    seen = []
    for _ in range(2):
        with app.test_request_context("/Classeur"):
            recording = dependencies.start()
            fragments.kept(("partie", 1), lambda: moin_page.p(children=["partie"]))
            seen.append(set(recording.tags))
            dependencies.stop()
    assert len(converted) == 1  # converted once, used twice
    assert seen == [{"name:Page future"}, {"name:Page future"}]
