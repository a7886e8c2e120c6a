"""Saves and members before anonymous readers (plugins/web/priority.py): who runs where, at which priority."""

from __future__ import annotations

import os
import re
import threading
from typing import Any

import pytest
from werkzeug.test import Client

from plugins.web import priority
from tests.helpers import login, modify


def where(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """A WSGI app that answers with the thread that served it and that thread's nice value."""
    if environ["PATH_INFO"] == "/casse":
        raise RuntimeError("panne")
    nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    body = f"{threading.current_thread().name} {nice} {environ['wsgi.input'].read().decode()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def in_a_thread(fn: Any) -> Any:
    """Run ``fn`` in a thread of its own: a lowered priority never comes back, the test's thread keeps its own."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(fn()), name="serveur")
    thread.start()
    thread.join(30)
    return out[0]


@pytest.mark.skipif(not hasattr(os, "getpriority") or not os.uname().sysname == "Linux", reason="Linux seulement")
def test_reads_run_lower_in_the_pool_and_writes_and_forms_in_the_writers_pool_at_normal_priority() -> None:
    normal = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    app = priority.Prioritised(where, nice=7, threads=2, writers=2)
    client = Client(app)
    read = in_a_thread(lambda: client.get("/Accueil").get_data(as_text=True))
    assert read.startswith("ecossolies-lecteur-") and read.endswith(f" {max(normal, 7)} ")  # absolute, never raised
    # a write: in the writers' pool, at the server's priority; the body sent is read there
    written = in_a_thread(lambda: client.post("/+modify/Page", data="texte=1").get_data(as_text=True))
    assert re.fullmatch(rf"ecossolies-editeur-[01] {normal} texte=1", written)
    # an edit form: what an editor waits for, in the writers' pool too
    for form in ("/+modify/Page", "/+formulaire/Page", "/+nouvelle/fiche"):
        shown = in_a_thread(lambda form=form: client.get(form).get_data(as_text=True))
        assert re.fullmatch(rf"ecossolies-editeur-[01] {normal} ", shown)
    # a member's read is a read: in the lowered pool
    client.set_cookie("session", "abc")
    member = in_a_thread(lambda: client.get("/Accueil").get_data(as_text=True))
    assert member.startswith("ecossolies-lecteur-") and member.endswith(f" {max(normal, 7)} ")
    # a file transfer streams from the server's own thread
    client.delete_cookie("session")
    assert in_a_thread(lambda: client.get("/+get/Fichier.pdf").get_data(as_text=True)) == f"serveur {normal} "
    # an error of the application, in the pool or not, reaches the server's thread (its 500), never hangs it
    with pytest.raises(RuntimeError, match="panne"):
        client.get("/casse")
    with pytest.raises(RuntimeError, match="panne"):
        client.post("/casse")
    assert client.get("/Accueil").get_data(as_text=True).startswith("ecossolies-lecteur-")


def test_the_wiki_behind_the_middleware_serves_members_and_anonymous_readers(app: Any, wiki: Any) -> None:
    """The real wiki behind the middleware: a member logs in and saves; an anonymous reader, served by the
    pool's lowered threads, reads the page, then reads it again from the anonymous cache."""
    wiki.create_user("Alice")
    client = app.test_client()
    app.wsgi_app = priority.Prioritised(app.wsgi_app, threads=1)  # Flask's place for a WSGI middleware
    login(client, "Alice")
    saved = modify(client, "Essai prioritaire", "Écrit par un membre.")
    assert saved.status_code == 302
    assert "Écrit par un membre." in client.get("/Essai prioritaire").get_data(as_text=True)
    reader = app.test_client(use_cookies=False)
    first, second = reader.get("/Essai prioritaire"), reader.get("/Essai prioritaire")
    assert (first.status_code, second.status_code) == (200, 200)
    assert "Écrit par un membre." in first.get_data(as_text=True)
    assert second.get_data() == first.get_data()


def test_on_by_default_and_off_when_the_setting_says_0(monkeypatch: Any) -> None:
    monkeypatch.delenv("ECOSSOLIES_PRIORITE", raising=False)
    wrapped = priority.wrap(where)
    assert isinstance(wrapped, priority.Prioritised) and wrapped.nice == priority.DEFAULT_NICE == 10
    monkeypatch.setenv("ECOSSOLIES_PRIORITE", "0")
    assert priority.wrap(where) is where
    monkeypatch.setenv("ECOSSOLIES_PRIORITE", "5")
    wrapped = priority.wrap(where)
    assert isinstance(wrapped, priority.Prioritised) and wrapped.nice == 5
