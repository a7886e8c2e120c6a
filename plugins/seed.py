"""Seed content: the pages a new wiki starts with (``data/pages/index.yaml`` lists them)."""

from __future__ import annotations

import os
from typing import Any

import yaml

from plugins.pages import MARKDOWN, MOINWIKI, store_page

COMMENT = "Contenu initial du wiki des Écossolies"


def seed_entries(directory: str) -> list[dict[str, Any]]:
    with open(os.path.join(directory, "index.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["pages"]


def load_seed(app: Any, directory: str) -> list[str]:
    """Create every seed page that does not exist yet; return the names created."""
    created = []
    for entry in seed_entries(directory):
        name = entry["page"]
        if app.storage.has_item(name):
            continue
        path = os.path.join(directory, entry["fichier"])
        with open(path, encoding="utf-8") as f:
            text = f.read()
        contenttype = MARKDOWN if path.endswith(".md") else MOINWIKI
        store_page(
            app,
            name,
            text,
            COMMENT,
            contenttype=contenttype,
            acl=entry.get("acl"),
            tags=entry.get("tags", ()),
            usergroup=entry.get("usergroup"),
        )
        created.append(name)
    return created
