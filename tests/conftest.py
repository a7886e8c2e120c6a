"""Test fixtures: a real moin app on memory stores (moin's own fixture pattern), with our config."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("ECOSSOLIES_SECRET_KEY", "test-secret-key-not-for-production")

from moin.app import before_wiki, create_app_ext, destroy_app, teardown_wiki  # noqa: E402
from moin.config import IndexStorageConfig, PasswordHasherConfig  # noqa: E402
from moin.storage import create_simple_mapping  # noqa: E402

import wikiconfig  # noqa: E402
from plugins.operations.i18n import compile_catalogues  # noqa: E402
from tests import helpers  # noqa: E402

compile_catalogues()  # the French catalogue, as the set-up compiles it


def make_app(tmp_path: Any, store_uri: str = "stores:memory:", background_merges: bool = False) -> Any:
    """A moin app with our configuration; its storage on memory stores, or on ``store_uri`` (PostgreSQL…).

    Whoosh merges its segments in the saves, as moin does, unless ``background_merges`` (as the served wiki:
    plugins/indexing/merging.py, tested in tests/test_merging.py): a test does not race a merging process."""

    class TestConfig(wikiconfig.Config):
        index_storage = IndexStorageConfig(name="FileStorage", args=(str(tmp_path / "index"),), kwargs=wikiconfig.INDEX_OPTIONS)
        structured_index_dir = str(tmp_path / "index-structure")
        instance_dir = str(tmp_path)
        ecossolies_background_merges = background_merges
        # minimal Argon2 cost, for speed (never in production)
        password_hasher_config = PasswordHasherConfig(
            time_cost=1, memory_cost=8192, parallelism=1, hash_len=16, salt_len=16
        )

    acls = wikiconfig.ecossolies_acls()
    from moin.constants.namespaces import NAMESPACE_DEFAULT, NAMESPACE_USERPROFILES, NAMESPACE_USERS

    namespace_mapping, backend_mapping, acl_mapping = create_simple_mapping(
        store_uri,
        default_acl=acls[NAMESPACE_DEFAULT],
        users_acl=acls[NAMESPACE_USERS],
        userprofiles_acl=acls[NAMESPACE_USERPROFILES],
    )
    return create_app_ext(
        flask_config_dict=dict(
            SECRET_KEY="test-secret-key",
            TESTING=True,
            THEME_PATHS=wikiconfig.THEME_PATHS,
            BABEL_TRANSLATION_DIRECTORIES=wikiconfig.BABEL_TRANSLATION_DIRECTORIES,
        ),
        moin_config_class=TestConfig,
        namespace_mapping=namespace_mapping,
        backend_mapping=backend_mapping,
        acl_mapping=acl_mapping,
        create_backend=True,
        destroy_backend=True,
    )


@pytest.fixture
def app(tmp_path: Any) -> Iterator[Any]:
    app = make_app(tmp_path)
    try:
        yield app
    finally:
        destroy_app(app)


@pytest.fixture
def req(app: Any) -> Iterator[Any]:
    """A request context as the wiki's own requests have (flaskg.storage, flaskg.user…)."""
    with app.test_request_context("/", base_url="http://localhost/"):
        before_wiki()
        yield app
        teardown_wiki("")


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    with app.test_client() as client:
        yield client


@pytest.fixture
def wiki(app: Any) -> helpers.Wiki:
    """Helpers to write pages and users, each in its own request context."""
    return helpers.Wiki(app)
