"""Where the pages of each type live: the folder a form or an import puts a new page in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugins.data import groupes
from plugins.data.registry import PageType

#: where new pages of a type live (a type not listed here: its plural, capitalised)
SPACES = {
    "fiche": "Initiatives",
    "lieu": "Lieux",
    "chaine": "Chaînes",
    "dispositif": "Dispositifs",
    "evenement": "Agenda",
}


def space_of(page_type: PageType, data: Mapping[str, Any] | None = None) -> str:
    """The folder of a new page of this type."""
    if page_type.name == "position":
        return groupes.space(str((data or {}).get("groupe") or ""))
    return getattr(page_type, "space", None) or SPACES.get(page_type.name) or page_type.plural.capitalize()
