"""Flat fiches: one value per column, as in a CSV file or a web form, turned into a data block.

Shared by the bulk import and the « Nouvelle fiche » form so both read the same columns the same way:
``email``, ``telephone``, ``site``, ``lat``, ``lon`` fill the groups; list fields take one value per line,
or values separated by « ; » (or « , »); ``parcours`` and ``chaines`` take « 2015 : création » pairs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from plugins.data.registry import get
from plugins.data.schema import TextList

#: columns of sub-fields
GROUPED = {
    "email": ("contact", "email"),
    "telephone": ("contact", "telephone"),
    "site": ("contact", "site"),
    "lat": ("position", "lat"),
    "lon": ("position", "lon"),
}
PAIRS = {"parcours": ("annee", "etape"), "chaines": ("chaine", "maillon")}
#: columns that are not data: the page name and the free text
EXTRA_COLUMNS = ("page", "texte")
MAX_CELL = 20000
FORBIDDEN_NAME_CHARS = set("\n\r\t#<>[]{}|")
#: control characters (except tab and line breaks): invisible, and refused by YAML readers
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: characters a name must not hide: controls, NUL, zero-width, bidirectional overrides and isolates (a name that
#: reads one way and is stored another: spoofing)
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def split_list(cell: str) -> list[str]:
    """One value per line, else values separated by « ; », else by « , »."""
    sep = "\n" if "\n" in cell else ";" if ";" in cell else ","
    return [v.strip() for v in cell.split(sep) if v.strip()]


def parse_pairs(cell: str, first: str, second: str) -> list[dict[str, str]]:
    """« 2015 : création ; 2019 : déménagement » (or one per line) -> [{first: 2015, second: création}, …]."""
    out = []
    for part in cell.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        a, sep, b = part.partition(":")
        out.append({first: a.strip(), second: b.strip()} if sep else {first: part.strip()})
    return out


def flat_to_data(values: Mapping[str | None, str | None]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A fiche's data block from flat values; the errors are (column, French message)."""
    return flat_to_data_for("fiche", values)


def flat_to_data_for(type_name: str, values: Mapping[str | None, str | None]) -> tuple[dict[str, Any], list]:
    """A data block of any type from flat values; the errors are (column, French message)."""
    fields = get(type_name).field_map()
    data: dict[str, Any] = {"type": type_name}
    errors: list[tuple[str, str]] = []
    for column, cell in values.items():
        if column is None:
            errors.append(("", "plus de cellules que de colonnes."))
            continue
        cell = (cell or "").strip()
        if not cell or column in EXTRA_COLUMNS or column == "type":
            continue
        if len(cell) > MAX_CELL:
            errors.append((column, "texte trop long."))
        elif CONTROL.search(cell):
            code = ord(CONTROL.search(cell).group(0))
            errors.append((column, f"caractère de contrôle invisible (code {code}) : retirez-le."))
        elif column in GROUPED:
            group, key = GROUPED[column]
            data.setdefault(group, {})[key] = cell
        elif column in PAIRS:
            data[column] = parse_pairs(cell, *PAIRS[column])
        elif column in fields:
            data[column] = split_list(cell) if isinstance(fields[column], TextList) else cell
        else:
            errors.append((column, f"colonne inconnue « {column} »."))
    return data, errors


def page_name_problem(name: str) -> str | None:
    """Why a page name cannot be used, or None."""
    if not name.strip():
        return "le nom de la page est vide."
    if INVISIBLE.search(name):
        return "le nom de la page contient un caractère invisible ou de direction d'écriture : retirez-le."
    if FORBIDDEN_NAME_CHARS & set(name) or name.startswith(("/", "+", ".")) or name.endswith("/") or "//" in name:
        return f"nom de page impossible « {name} » (pas de / au début ou à la fin, ni de # < > [ ] {{ }} |)."
    if any(part in (".", "..") for part in name.split("/")) or "\\" in name:
        return f"nom de page impossible « {name} » (pas de « . » ni de « .. » entre deux /, ni de \\)."
    if name != name.strip():
        return "le nom de la page ne doit pas commencer ni finir par une espace."
    return None
