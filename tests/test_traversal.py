"""Path traversal: page names and upload names with ../, %2e%2e/, absolute paths or NUL bytes, through moin's
routes and ours, read nothing outside the storage and write nothing outside it.

The wiki here stores on disk (moin's ``stores:fs``), in a folder of its own, so that "outside" is real.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import login, modify

SECRET = "SECRET-HORS-DU-WIKI"
TRAVERSALS = [
    "../../secret.txt",
    "..%2f..%2fsecret.txt",
    "%2e%2e/%2e%2e/secret.txt",
    "%2e%2e%2f%2e%2e%2fsecret.txt",
    "..\\..\\secret.txt",
    "....//....//secret.txt",
    "%252e%252e%252fsecret.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "secret.txt%00.png",
    "a%00b",
    "..%c0%af..%c0%afsecret.txt",
]


@pytest.fixture
def disk_app(tmp_path: Any) -> Iterator[Any]:
    """A wiki whose storage is on disk under tmp_path/wiki, with a secret file beside it (outside)."""
    from moin.app import create_app_ext, destroy_app
    from moin.config import IndexStorageConfig, PasswordHasherConfig
    from moin.constants.namespaces import NAMESPACE_DEFAULT, NAMESPACE_USERPROFILES, NAMESPACE_USERS
    from moin.storage import create_simple_mapping

    import wikiconfig

    (tmp_path / "secret.txt").write_text(SECRET)
    root = tmp_path / "wiki"

    class DiskConfig(wikiconfig.Config):
        index_storage = IndexStorageConfig(name="FileStorage", args=(str(root / "index"),), kwargs={})
        structured_index_dir = str(root / "index-structure")
        instance_dir = str(root)
        ecossolies_background_merges = False  # no merging process racing the app's removal (tests/conftest.py)
        password_hasher_config = PasswordHasherConfig(
            time_cost=1, memory_cost=8192, parallelism=1, hash_len=16, salt_len=16
        )

    acls = wikiconfig.ecossolies_acls()
    namespace_mapping, backend_mapping, acl_mapping = create_simple_mapping(
        f"stores:fs:{root}/%(backend)s/%(kind)s",
        default_acl=acls[NAMESPACE_DEFAULT],
        users_acl=acls[NAMESPACE_USERS],
        userprofiles_acl=acls[NAMESPACE_USERPROFILES],
    )
    app = create_app_ext(
        flask_config_dict=dict(
            SECRET_KEY="test-secret-key",
            TESTING=True,
            THEME_PATHS=wikiconfig.THEME_PATHS,
            BABEL_TRANSLATION_DIRECTORIES=wikiconfig.BABEL_TRANSLATION_DIRECTORIES,
        ),
        moin_config_class=DiskConfig,
        namespace_mapping=namespace_mapping,
        backend_mapping=backend_mapping,
        acl_mapping=acl_mapping,
        create_backend=True,
        destroy_backend=True,
    )
    try:
        yield app
    finally:
        destroy_app(app)


def snapshot(folder: Any) -> set[str]:
    return {os.path.join(d, f) for d, _dirs, files in os.walk(folder) for f in files}


def test_reading_through_traversal_names_finds_nothing_outside(disk_app: Any, tmp_path: Any) -> None:
    from plugins.operations.pages import store_page

    with disk_app.app_context():
        store_page(disk_app, "Accueil", "Bienvenue.\n", "test")
    prefixes = ["/", "/+get/", "/+download/", "/+raw/", "/+history/", "/+meta/", "/+modify/", "/+serve/wiki_local/",
                "/+serve/font_awesome/", "/static/", "/+donnees/", "/+carte/", "/+index/", "/+diff/", "/+highlight/"]
    with disk_app.test_client() as client:
        for prefix in prefixes:
            for name in TRAVERSALS:
                response = client.get(prefix + name)
                body = response.get_data(as_text=True)
                assert response.status_code < 500, (prefix + name, response.status_code)
                assert SECRET not in body and "root:x:0:0" not in body, prefix + name
                assert "class Config(DefaultConfig)" not in body, prefix + name
        for path in ("/+serve/wiki_local/../../../wikiconfig.py", "/+serve/wiki_local/%2e%2e/%2e%2e/wikiconfig.py",
                     "/+donnees/..%2f..%2fwikiconfig.py.csv", "/+recherche?q=" + "../" * 20 + "etc/passwd"):
            body = client.get(path).get_data(as_text=True)
            assert "class Config(DefaultConfig)" not in body and "root:x:0:0" not in body, path


def test_writing_through_traversal_names_stays_in_the_storage(disk_app: Any, tmp_path: Any) -> None:
    from tests.helpers import Wiki

    wiki = Wiki(disk_app)
    wiki.create_user("Alice")
    before = snapshot(tmp_path)
    outside_before = snapshot(tmp_path.parent) - before
    written = 0
    with disk_app.test_client() as client:
        login(client, "Alice")
        for name in TRAVERSALS + ["../../evil", "/abs/evil", "..", "."]:
            response = modify(client, name, "Contenu pirate EVIL.\n")
            assert response.status_code < 500, name
            written += response.status_code == 302
            # uploads: moin's file upload (jquery-file-upload) and the edit form's file field
            client.post(
                "/+jfu-server/Televersements",
                data={"file_storage": (io.BytesIO(b"EVIL"), name.replace("%2f", "/") + ".txt")},
                content_type="multipart/form-data",
            )
            client.post(
                "/+modify/Fichier?contenttype=application%2Foctet-stream&itemtype=default&template=",
                data={"content_form_data_file": (io.BytesIO(b"EVIL"), name), "comment": "", "meta_form_name": "Fichier"},
                content_type="multipart/form-data",
            )
    assert written  # some of these names are just unusual page names in the storage
    after = snapshot(tmp_path)
    new = after - before
    assert new and all(path.startswith(str(tmp_path / "wiki")) for path in new), sorted(new)[:5]
    inside = str(tmp_path) + os.sep  # (the wiki's own work goes on there: a merge of its index, say)
    assert {p for p in snapshot(tmp_path.parent) if not p.startswith(inside)} == outside_before  # nothing beside
    assert (tmp_path / "secret.txt").read_text() == SECRET
    assert not any(os.path.basename(p).startswith("evil") for p in after)


def test_bulk_import_names_stay_page_names(disk_app: Any, tmp_path: Any) -> None:
    from plugins.operations import bulk

    path = tmp_path / "noms.csv"
    path.write_text("nom;page\nA;../../evil\nB;/etc/evil\nC;..\nD;Initiatives/../../evil\n", encoding="utf-8")
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.read_csv(str(path), "Initiatives/")
    message = str(refused.value)
    for line in (2, 3, 4, 5):
        assert f"ligne {line}, colonne « page »" in message, message
