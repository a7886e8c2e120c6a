"""The production server (``make serve``: gunicorn, several processes) keeps every save and both indexes right."""

from __future__ import annotations

import json
import os
import threading

import pytest

from benchmarks.serveur import BIN, PASSWORD, Client, create_instance, serve


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    instance = create_instance(str(tmp_path_factory.mktemp("production")))
    for name in ("Alice", "Bruno", "Chloe", "David"):
        instance.run(f"{BIN}/moin", "account-create", "-n", name, "-e", f"{name.lower()}@exemple.org", "-p", PASSWORD)
    server = serve(instance, workers=3, threads=2, log=os.path.join(instance.base, "gunicorn.log"))
    yield instance, server
    server.stop()


def server_errors(instance) -> str:
    """The tracebacks the server logged (shown when a request failed)."""
    with open(os.path.join(instance.base, "gunicorn.log"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    return log[log.find("Traceback") :] if "Traceback" in log else "(aucune trace dans le journal du serveur)"


def test_concurrent_saves_through_several_processes_are_all_kept_and_indexed(production):
    instance, server = production
    statuses: list[int] = []
    errors: list[str] = []

    def editor(name: str) -> None:
        client = Client(server.url)
        try:
            client.login(name)
            for n in range(6):
                text = f"---\ntype: fiche\nnom: Fiche {name} {n}\ncommune: Rezé\n---\nÉcrite par {name}.\n"
                statuses.append(client.save(f"Initiatives/Concurrence/{name} {n}", text))
        except Exception as exc:  # noqa: BLE001 - reported below with the editor's name
            errors.append(f"{name}: {exc!r}")

    threads = [threading.Thread(target=editor, args=(n,)) for n in ("Alice", "Bruno", "Chloe", "David")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, server_errors(instance)
    assert len(statuses) == 24 and all(s in (200, 302) for s in statuses), statuses
    # every save is in moin's storage and index, and in ours, whichever process served it
    client = Client(server.url)
    status, body = client.request("/+recherche.json?q=commune:Rezé&limite=100")
    found = {r["titre"] for r in json.loads(body)["resultats"]}
    assert {f"Fiche {a} {n}" for a in ("Alice", "Bruno", "Chloe", "David") for n in range(6)} <= found
    check = instance.cli("verifier-index")
    assert "0 périmé(s), 0 en trop" in check.stdout, check.stdout
    status, body = client.request("/+index/Initiatives/Concurrence")
    assert status == 200  # moin's own index view lists them too:
    for who in ("Alice", "Bruno", "Chloe", "David"):
        assert f"Concurrence/{who} 5" in body


def test_production_settings_come_from_a_git_ignored_file(tmp_path):
    from plugins.operations.production import admin_from_environment, load_environment

    env = tmp_path / "production.env"
    env.write_text("# réglages\nECOSSOLIES_TEST_REGLAGE='valeur lue'\n\nECOSSOLIES_TEST_AUTRE=2\n", encoding="utf-8")
    import os

    os.environ.pop("ECOSSOLIES_TEST_REGLAGE", None)
    os.environ["ECOSSOLIES_TEST_AUTRE"] = "l'environnement gagne"
    try:
        assert load_environment(str(env)) == ["ECOSSOLIES_TEST_REGLAGE", "ECOSSOLIES_TEST_AUTRE"]
        assert os.environ["ECOSSOLIES_TEST_REGLAGE"] == "valeur lue"
        assert os.environ["ECOSSOLIES_TEST_AUTRE"] == "l'environnement gagne"
    finally:
        os.environ.pop("ECOSSOLIES_TEST_REGLAGE", None)
        os.environ.pop("ECOSSOLIES_TEST_AUTRE", None)
    env.write_text("pas une ligne valable\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="ligne 1 : attendu NOM=valeur"):
        load_environment(str(env))
    os.environ["ECOSSOLIES_ADMIN_NAME"] = "Chef"
    try:
        with pytest.raises(SystemExit, match="il manque ECOSSOLIES_ADMIN_EMAIL, ECOSSOLIES_ADMIN_PASSWORD"):
            admin_from_environment()
    finally:
        os.environ.pop("ECOSSOLIES_ADMIN_NAME")
    ignored = open(os.path.join(os.path.dirname(os.path.dirname(__file__)), ".gitignore")).read().split()
    assert "/production.env" in ignored


def test_a_worker_killed_during_saves_loses_no_confirmed_save(production):
    import signal
    import time

    instance, server = production
    confirmed: list[tuple[str, str]] = []
    stop = time.monotonic() + 6

    def editor(name: str) -> None:
        client = Client(server.url)
        client.login(name)
        n = 0
        while time.monotonic() < stop:
            page, marker = f"Panne/{name} {n % 5}", f"{name}-{n}"
            try:
                status = client.save(page, f"= {page} =\n\nTexte {marker}.\n", comment=marker)
            except Exception:  # noqa: BLE001 - the killed worker's connection breaks: not confirmed
                status = 0
            if status in (200, 302):
                confirmed.append((page, marker))
            n += 1

    threads = [threading.Thread(target=editor, args=(n,)) for n in ("Alice", "Bruno", "Chloe")]
    for t in threads:
        t.start()
    time.sleep(2)
    for pid in server.worker_pids()[:1]:  # one worker dies, mid-request most likely
        os.kill(pid, signal.SIGKILL)
    for t in threads:
        t.join(timeout=120)
    assert confirmed
    instance.cli("verifier-index", "--reparer")
    check = instance.cli("verifier-index")
    assert "Index de moin : 0 révision(s) en écart" in check.stdout and "0 périmé(s), 0 en trop" in check.stdout
    client = Client(server.url)  # gunicorn has started a new worker: the wiki answers
    histories = {page: client.request("/+history/" + page)[1] for page in {p for p, _ in confirmed}}
    lost = [marker for page, marker in confirmed if marker not in histories[page]]
    assert not lost  # every save answered « done » is a revision in the page's history


def anonymous_read(url: str) -> tuple[str, str]:
    """(X-Cache-Wiki, body) of an anonymous read, without cookies."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as response:
        return response.headers.get("X-Cache-Wiki", ""), response.read().decode("utf-8")


def test_anonymous_answers_are_computed_once_for_all_processes_and_never_stale(production):
    """Three worker processes: an answer is computed by one and shared with the others; right after a save
    returns, every process answers with the new text."""
    from urllib.parse import quote

    instance, server = production
    editor = Client(server.url)
    editor.login("Alice")
    assert editor.save("Partage", "= Partage =\n\nPremière version : Zanzibar.\n") in (200, 302)
    page = server.url + "/Partage"
    export = server.url + "/+donnees/fiche.json"
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=12) as pool:  # at once: every process gets some of them
        first = list(pool.map(lambda _: anonymous_read(page), range(12)))
    assert [c for c, _ in first].count("stored") == 1, [c for c, _ in first]
    assert {c for c, _ in first} <= {"stored", "shared", "hit"}
    assert all("Zanzibar" in body for _, body in first)
    for _ in range(6):
        anonymous_read(export)
    text = "---\ntype: fiche\nnom: Fiche Tombouctou\ncommune: Rezé\n---\nNouvelle.\n"
    assert editor.save("Initiatives/Partage Tombouctou", text) in (200, 302)
    assert editor.save("Partage", "= Partage =\n\nSeconde version : Tombouctou.\n") in (200, 302)
    for _ in range(12):  # whichever process answers
        _, body = anonymous_read(page)
        assert "Tombouctou" in body and "Zanzibar" not in body
        _, data = anonymous_read(export)
        assert "Fiche Tombouctou" in data
    _, body = anonymous_read(server.url + "/" + quote("Initiatives/Partage Tombouctou"))
    assert "Nouvelle." in body
