"""Small text helpers shared by the structured layer."""

from __future__ import annotations

import unicodedata


def fold(value: str) -> str:
    """Accent- and case-insensitive form of a text ("Rezé" and "REZE" both give "reze")."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
