"""Small text helpers shared by the structured layer."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType


@functools.lru_cache(maxsize=100_000)
def fold(value: str) -> str:
    """Accent- and case-insensitive form of a text ("Rezé" and "REZE" both give "reze"); memoised, as
    listings fold the same facet values and titles on every view."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@functools.lru_cache(maxsize=20_000)
def folded_values(values: tuple[str, ...]) -> Mapping[str, str]:
    """``values`` folded -> as written, read-only and one object for every page that holds the same values
    (« Nantes », a theme): listings and the search keep such a mapping for each facet of each page, and at
    20,000 pages one dict a page took 19 MiB of each worker (benchmarks/charge.py, ``--fiches 20000``)."""
    return MappingProxyType({fold(v): v for v in values})
