"""Reference data: the 207 communes of Loire-Atlantique (INSEE code, name, postcodes, EPCI, centroid, population).

``data/communes.csv`` is a copy of ``loire_atlantique_communes.csv`` (COG 2026; sources and method in the
README of the shared reference folder): the network's scope is the whole département. A commune is found by
its official name with or without accents, hyphens or its article (« Chapelle-sur-Erdre » is La
Chapelle-sur-Erdre), or by its INSEE code.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import cache

from plugins.data.text import fold

COMMUNES_CSV = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "data", "communes.csv")


#: former names of communes, from the reference README: Ancenis and Saint-Géréon merged into Ancenis-Saint-Géréon
#: (2019), Grandchamps-des-Fontaines renamed Grandchamp-des-Fontaines (2023)
FORMER_NAMES = {"Ancenis": "44003", "Saint-Géréon": "44003", "Grandchamps-des-Fontaines": "44066"}


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    codes_postaux: tuple[str, ...]
    lat: float
    lon: float
    epci: str = ""
    population: int = 0


@cache
def _by_key() -> dict[str, Commune]:
    table: dict[str, Commune] = {}
    with open(COMMUNES_CSV, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            commune = Commune(
                insee=row["insee_code"],
                nom=row["nom"],
                codes_postaux=tuple((row.get("codes_postaux") or row.get("code_postal") or "").split(";")),
                lat=float(row["centroid_lat"]),
                lon=float(row["centroid_lon"]),
                epci=row.get("epci_siren") or "",
                population=int(row.get("population") or row.get("population_municipale_2021") or 0),
            )
            for written in (commune.nom, _without_article(commune.nom)):
                table.setdefault(fold(written), commune)
                table.setdefault(fold(written.replace("-", " ")), commune)
            table[commune.insee] = commune
    for former, insee in FORMER_NAMES.items():  # names members still write (COG events since 2018)
        if insee in table:
            table.setdefault(fold(former), table[insee])
            table.setdefault(fold(former.replace("-", " ")), table[insee])
    return table


_ARTICLE = re.compile(r"^(le |la |les |l')", re.I)


def _without_article(name: str) -> str:
    return _ARTICLE.sub("", name)


def find(name: str) -> Commune | None:
    """The commune named ``name`` (accents, case and hyphens ignored) or with that INSEE code."""
    key = " ".join(fold(name).replace("’", "'").split())
    table = _by_key()
    return table.get(key) or table.get(key.replace("-", " ")) or table.get(fold(_without_article(key)))


def names() -> list[str]:
    """Names of every known commune, sorted."""
    return sorted({c.nom for c in _by_key().values()}, key=fold)


def all_communes() -> list[Commune]:
    """Every commune once, sorted by name (for the forms' autocomplete)."""
    return sorted({c.insee: c for c in _by_key().values()}.values(), key=lambda c: fold(c.nom))
