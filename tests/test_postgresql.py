"""The wiki on PostgreSQL (moin's SQLAlchemy store), for those who outgrow files on one disk.

Needs a PostgreSQL server: ``ECOSSOLIES_TEST_POSTGRES`` holds its SQLAlchemy URL (``.ci/postgresql`` starts
one and prints it). Without it these tests are skipped, except under CI (``ECOSSOLIES_POSTGRES_TESTS=obligatoire``)
where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy
from moin.app import destroy_app

from tests.conftest import make_app
from tests.helpers import Wiki, content, fiche, listing_names, login, modify
from tests.test_robustesse import history

URL = os.environ.get("ECOSSOLIES_TEST_POSTGRES", "")


@pytest.fixture
def pg_app(tmp_path):
    if not URL:
        reason = "pas de serveur PostgreSQL (ECOSSOLIES_TEST_POSTGRES) : tests sautés (voir .ci/postgresql)"
        if os.environ.get("ECOSSOLIES_POSTGRES_TESTS") == "obligatoire":
            pytest.fail(reason)
        pytest.skip(reason)
    prefix = f"t{uuid.uuid4().hex[:10]}"
    app = make_app(tmp_path, f"stores:sqla:{URL}::{prefix}_%(backend)s_%(kind)s")
    try:
        yield app, prefix
    finally:
        destroy_app(app)
        engine = sqlalchemy.create_engine(URL)
        with engine.begin() as db:
            for (table,) in db.execute(sqlalchemy.text("select tablename from pg_tables where tablename like :p"),
                                       {"p": prefix + "%"}):  # fmt: skip
                db.execute(sqlalchemy.text(f'drop table if exists "{table}"'))
        engine.dispose()


def test_pages_revisions_listings_and_search_live_in_postgresql(pg_app):
    app, prefix = pg_app
    wiki = Wiki(app)
    wiki.create_user("Alice")
    wiki.save("Liste", "<<Classeur>>\n")
    wiki.save("I/Ress", fiche("La Ressourcerie", commune="Rezé"))
    wiki.save("I/Secret", fiche("Fiche réservée", commune="Nantes"), acl="Alice:read All:")
    client = app.test_client()
    login(client, "Alice")
    assert (
        modify(client, "I/Ress", fiche("La Ressourcerie", commune="Rezé") + "Réparation d'objets.\n").status_code == 302
    )
    assert listing_names(content(client, "/Liste")) == ["Fiche réservée", "La Ressourcerie"]
    anonymous = app.test_client()
    assert listing_names(content(anonymous, "/Liste")) == ["La Ressourcerie"]
    found = anonymous.get("/+recherche.json?q=reparation").get_json()
    assert [r["page"] for r in found["resultats"]] == ["I/Ress"]
    revisions = history(app, "I/Ress")  # moin's history: both revisions, both texts
    assert [r[0] for r in revisions] == [1, 2] and "Réparation d'objets." in revisions[1][2]
    # the revisions are rows of PostgreSQL tables, not files
    engine = sqlalchemy.create_engine(URL)
    with engine.connect() as db:
        tables = [t for (t,) in db.execute(sqlalchemy.text("select tablename from pg_tables where tablename like :p"),
                                           {"p": prefix + "%"})]  # fmt: skip
        data_table = next(t for t in tables if t.endswith("default_data"))
        rows = db.execute(sqlalchemy.text(f'select count(*) from "{data_table}"')).scalar()
    engine.dispose()
    assert rows >= 4  # Liste, I/Ress twice, I/Secret
