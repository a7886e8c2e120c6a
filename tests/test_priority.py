"""Saves and members before anonymous readers (plugins/web/priority.py): who runs where, at which priority."""

from __future__ import annotations

import os
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
def test_anonymous_reads_run_lower_and_the_rest_in_the_pool_at_normal_priority() -> None:
    normal = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    app = priority.Prioritised(where, nice=7, threads=2)
    client = Client(app)
    assert in_a_thread(lambda: client.get("/Accueil").get_data(as_text=True)) == f"serveur {max(normal, 7)} "  # absolute, never below the current one
    # a write, a member's read: in the pool, at the priority of the thread that loaded the app
    posted = in_a_thread(lambda: client.post("/+modify/Page", data="texte=1").get_data(as_text=True))
    assert posted.startswith("ecossolies-prioritaire-") and posted.endswith(f" {normal} texte=1")
    client.set_cookie("session", "abc")
    member = in_a_thread(lambda: client.get("/Accueil").get_data(as_text=True))
    assert member.startswith("ecossolies-prioritaire-") and member.endswith(f" {normal} ")
    # a file transfer streams from the server's own thread, even for a member
    assert in_a_thread(lambda: client.get("/+get/Fichier.pdf").get_data(as_text=True)).startswith("serveur ")
    # an error of the application reaches the server's thread (its 500), it never hangs it
    with pytest.raises(RuntimeError, match="panne"):
        client.post("/casse")
    assert client.post("/+modify/Page", data="encore").get_data(as_text=True).endswith(f" {normal} encore")


def test_a_save_and_a_members_page_through_the_pool_are_the_wikis_own(app: Any, wiki: Any) -> None:
    """The real wiki behind the middleware: a member logs in, saves and reads through the pool's threads."""
    wiki.create_user("Alice")
    client = app.test_client()
    app.wsgi_app = priority.Prioritised(app.wsgi_app, threads=1)  # Flask's place for a WSGI middleware
    login(client, "Alice")
    saved = modify(client, "Essai prioritaire", "Écrit par le fil prioritaire.")
    assert saved.status_code == 302
    assert "Écrit par le fil prioritaire." in client.get("/Essai prioritaire").get_data(as_text=True)


def test_off_unless_the_setting_asks(monkeypatch: Any) -> None:
    monkeypatch.delenv("ECOSSOLIES_PRIORITE", raising=False)
    assert priority.wrap(where) is where
    monkeypatch.setenv("ECOSSOLIES_PRIORITE", "0")
    assert priority.wrap(where) is where
    monkeypatch.setenv("ECOSSOLIES_PRIORITE", "10")
    wrapped = priority.wrap(where)
    assert isinstance(wrapped, priority.Prioritised) and wrapped.nice == 10
