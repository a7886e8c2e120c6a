"""Small text helpers shared by the structured layer."""

from __future__ import annotations

import functools
import unicodedata


@functools.lru_cache(maxsize=100_000)
def fold(value: str) -> str:
    """Accent- and case-insensitive form of a text ("Rezé" and "REZE" both give "reze"); memoised, as
    listings fold the same facet values and titles on every view."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
