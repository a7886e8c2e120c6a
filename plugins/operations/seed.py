"""Seed content: the pages a new wiki starts with (``data/pages/index.yaml`` lists them)."""

from __future__ import annotations

import os
from typing import Any

import yaml

from plugins.operations.pages import MARKDOWN, MOINWIKI, PageSpec, store_pages_batched
from plugins.subventions import store

COMMENT = "Contenu initial du wiki des Écossolies"


def seed_entries(directory: str) -> list[dict[str, Any]]:
    with open(os.path.join(directory, "index.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["pages"]


def load_seed(app: Any, directory: str) -> list[str]:
    """Create every seed page that does not exist yet (in one batch); return the names created."""
    specs = []
    data_files = []
    for entry in seed_entries(directory):
        if app.storage.has_item(entry["page"]):
            continue
        path = os.path.join(directory, entry["fichier"])
        if path.endswith(".csv"):  # public data files (subsidies…) go through their import, checks included
            data_files.append((entry, path))
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        specs.append(
            PageSpec(
                name=entry["page"],
                text=text,
                contenttype=MARKDOWN if path.endswith(".md") else MOINWIKI,
                acl=entry.get("acl"),
                tags=tuple(entry.get("tags", ())),
                usergroup=entry.get("usergroup"),
            )
        )
    if specs:
        store_pages_batched(app, specs, COMMENT)
    for entry, path in data_files:
        _import_data_file(app, entry, path)
    return [spec.name for spec in specs] + [entry["page"] for entry, _path in data_files]


def _import_data_file(app: Any, entry: dict[str, Any], path: str) -> None:
    """A seed data file, imported as an admin would (``make import-subventions``), with its origin."""

    with open(path, "rb") as f:
        data = f.read()
    prefix, filename = entry["page"].rsplit("/", 1)
    origine = entry.get("origine", COMMENT)
    if prefix + "/" == store.COMMUNES_PREFIX:
        store.import_communes(app, data, filename, origine=origine)
    else:
        store.import_file(app, data, filename, origine=origine)
