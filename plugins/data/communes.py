"""Reference data: communes (INSEE code, name, postcodes, centroid), read from ``data/communes.csv``."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache

from plugins.data.text import fold

COMMUNES_CSV = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "data", "communes.csv")


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    codes_postaux: tuple[str, ...]
    lat: float
    lon: float


@cache
def _by_key() -> dict[str, Commune]:
    table: dict[str, Commune] = {}
    with open(COMMUNES_CSV, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            commune = Commune(
                insee=row["insee_code"],
                nom=row["nom"],
                codes_postaux=tuple(row["code_postal"].split(";")),
                lat=float(row["centroid_lat"]),
                lon=float(row["centroid_lon"]),
            )
            table[fold(commune.nom)] = commune
            table[fold(commune.nom.replace("-", " "))] = commune
            table[commune.insee] = commune
    return table


def find(name: str) -> Commune | None:
    """The commune named ``name`` (accents, case and hyphens ignored) or with that INSEE code."""
    key = fold(name)
    return _by_key().get(key) or _by_key().get(key.replace("-", " "))


def names() -> list[str]:
    """Names of every known commune, sorted."""
    return sorted({c.nom for c in _by_key().values()}, key=fold)
