"""Names of a working group: its moin group item and its space ``GroupesDeTravail/<Nom>`` (conventions only)."""

from __future__ import annotations

import re
import unicodedata

SPACE = "GroupesDeTravail"


def group_item(name: str) -> str:
    """The moin group of a working group: « Culture et sport » -> « CultureEtSportGroup »."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", ascii_name)) + "Group"


def space(name: str) -> str:
    return f"{SPACE}/{name}"


def members_acl(name: str) -> str:
    return f"{group_item(name)}:read,write,create,admin"
