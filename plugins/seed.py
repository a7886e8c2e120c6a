"""Seed content: the pages a new wiki starts with (``data/pages/index.yaml`` lists them)."""

from __future__ import annotations

import os
from typing import Any

import yaml

from plugins.pages import MARKDOWN, MOINWIKI, PageSpec, store_pages_batched

COMMENT = "Contenu initial du wiki des Écossolies"


def seed_entries(directory: str) -> list[dict[str, Any]]:
    with open(os.path.join(directory, "index.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["pages"]


def load_seed(app: Any, directory: str) -> list[str]:
    """Create every seed page that does not exist yet (in one batch); return the names created."""
    specs = []
    for entry in seed_entries(directory):
        if app.storage.has_item(entry["page"]):
            continue
        path = os.path.join(directory, entry["fichier"])
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
    return [spec.name for spec in specs]
