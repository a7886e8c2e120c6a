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


#: abbreviations members write (« St-Nazaire », « Ste-Luce-sur-Loire »)
_ABBREVIATIONS = re.compile(r"\b(st|ste|sts|stes)\b\.?")
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
#: the article written after the name, as in some directories: « Baule-Escoublac (La) », « Croisic, Le »
_ARTICLE_AFTER = re.compile(r"^(.*?)[\s,]*\(?\s*(le|la|les|l')\s*\)?$")


def _key(name: str) -> str:
    key = " ".join(fold(name).replace("’", "'").replace("_", " ").split())
    key = _ABBREVIATIONS.sub(lambda m: _SAINTS[m.group(1)], key)
    key = re.sub(r"\s*-\s*", "-", key)
    after = _ARTICLE_AFTER.match(key)
    if after and after.group(1) and ("(" in key or "," in key):
        article = after.group(2)
        key = f"{article}{after.group(1)}" if article == "l'" else f"{article} {after.group(1)}"
    return key


def find(name: str, beginning: bool = False) -> Commune | None:
    """The commune named ``name`` (accents, case, hyphens, « St » and the article ignored, a former name
    accepted), or with that INSEE code. With ``beginning`` (what members write in pages and forms, whose scope
    is the département), a beginning that names one commune only (« La Baule » is La Baule-Escoublac,
    « Machecoul » is Machecoul-Saint-Même) is that commune; never for names read from files, where « Saint-Malo »
    is not Saint-Malo-de-Guersac."""
    key = _key(name)
    if not key:
        return None
    table = _by_key()
    found = table.get(key) or table.get(key.replace("-", " ")) or table.get(fold(_without_article(key)))
    if found is not None or not beginning or len(key) < 4 or key.isdigit():
        return found
    spaced = key.replace("-", " ")
    starts = {
        c.insee: c
        for written, c in table.items()
        if not written.isdigit() and (written + " ").startswith(spaced + " ")
    }
    return next(iter(starts.values())) if len(starts) == 1 else None


def close(name: str, count: int = 3) -> list[str]:
    """Official names close to a name not found (« Saint-Nazair » gives Saint-Nazaire), for the error message."""
    import difflib  # only when a commune is not found

    key = _key(name).replace("-", " ")
    table = _by_key()
    spellings = [w for w in table if not w.isdigit()]
    found: list[str] = []
    starts = [table[w].nom for w in spellings if key and (w + " ").startswith(key + " ")]
    for nom in starts + [table[w].nom for w in difflib.get_close_matches(key, spellings, n=10, cutoff=0.75)]:
        if nom not in found:
            found.append(nom)
    return found[:count]


def names() -> list[str]:
    """Names of every known commune, sorted."""
    return sorted({c.nom for c in _by_key().values()}, key=fold)


def all_communes() -> list[Commune]:
    """Every commune once, sorted by name (for the forms' autocomplete)."""
    return sorted({c.insee: c for c in _by_key().values()}.values(), key=lambda c: fold(c.nom))
