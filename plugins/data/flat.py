"""Flat fiches: one value per column, as in a CSV file or a web form, turned into a data block.

Shared by the bulk import and the « Nouvelle fiche » form so both read the same columns the same way:
``email``, ``telephone``, ``site``, ``lat``, ``lon`` fill the groups; list fields take one value per line,
or values separated by « ; » (or « , »); ``parcours`` and ``chaines`` take « 2015 : création » pairs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from plugins.data.csv_files import unneutralise
from plugins.data.registry import PageType, flatten, get
from plugins.data.schema import DayList, Group, ListOf, Position, Resources, TextList, resource_line

#: groups whose columns are named by their sub-field alone (``email``, not ``contact.email``), as people write them
NAMED_BY_SUBFIELD = ("contact",)
#: columns that are not data: the page name and the free text
EXTRA_COLUMNS = ("page", "texte")
#: columns the CSV export adds and the import ignores: the page's address in the wiki
COMPUTED_COLUMNS = ("adresse_wiki",)
MAX_CELL = 20000
FORBIDDEN_NAME_CHARS = set("\n\r\t#<>[]{}|")
#: control characters (except tab and line breaks): invisible, and refused by YAML readers
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: characters a name must not hide: controls, NUL, zero-width and filler characters, bidirectional marks, overrides
#: and isolates, line separators, Unicode tags (a name that reads one way and is stored another: spoofing)
INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def split_list(cell: str) -> list[str]:
    """One value per line, else values separated by « ; », else by « , »."""
    sep = "\n" if "\n" in cell else ";" if ";" in cell else ","
    return [v.strip() for v in cell.split(sep) if v.strip()]


def columns(page_type: PageType) -> list[str]:
    """The CSV columns of a type's fields, in schema order: one column a field, a position as ``lat``/``lon``,
    a contact as ``email``/``telephone``/``site``, another group as ``groupe.champ`` (``periode.debut``)."""
    out: list[str] = []
    for f in page_type.fields:
        if isinstance(f, Position):
            out += ["lat", "lon"]
        elif isinstance(f, Group):
            out += [sub if f.key in NAMED_BY_SUBFIELD else f"{f.key}.{sub}" for sub in f.fields]
        else:
            out.append(f.key)
    return out


def _entry(f: ListOf, entry: Any) -> str:
    """One entry of a list of entries, on one line: « 2015 : création », or « titre | adresse | date »."""
    if not isinstance(entry, dict):
        return flatten(entry)
    keys = list(f.fields)
    values = [flatten(entry.get(k)) for k in keys]
    if len(keys) == 2:
        return f"{values[0]} : {values[1]}" if values[1] else values[0]
    return " | ".join(values).rstrip(" |")


def to_row(page_type: PageType, data: dict[str, Any]) -> dict[str, str]:
    """A record's data as one CSV row (the inverse of :func:`flat_to_data_for`)."""
    row: dict[str, str] = {}
    for f in page_type.fields:
        value = data.get(f.key)
        if isinstance(f, Position):
            row["lat"], row["lon"] = (flatten(value.get("lat")), flatten(value.get("lon"))) if value else ("", "")
        elif isinstance(f, Group):
            for sub in f.fields:
                column = sub if f.key in NAMED_BY_SUBFIELD else f"{f.key}.{sub}"
                row[column] = flatten((value or {}).get(sub))
        elif isinstance(f, Resources):
            row[f.key] = " ; ".join(resource_line(e) for e in value or [])
        elif isinstance(f, ListOf):
            row[f.key] = " ; ".join(_entry(f, e) for e in value or [])
        else:
            row[f.key] = flatten(value)
    return row


def _parse_entries(f: ListOf, cell: str) -> list[Any]:
    keys = list(f.fields)
    out: list[Any] = []
    for part in cell.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        if len(keys) == 2:
            a, sep, b = part.partition(":")
            out.append({keys[0]: a.strip(), keys[1]: b.strip()} if sep else {keys[0]: part.strip()})
        else:
            values = [v.strip() for v in part.split("|")]
            out.append({k: v for k, v in zip(keys, values, strict=False) if v})
    return out


def flat_to_data(values: Mapping[str | None, str | None]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A fiche's data block from flat values; the errors are (column, French message)."""
    return flat_to_data_for("fiche", values)


def flat_to_data_for(type_name: str, values: Mapping[str | None, str | None]) -> tuple[dict[str, Any], list]:
    """A data block of any type from one CSV row (as :func:`to_row` writes it, or typed by hand); the errors are
    (column, French message). Columns the export adds (the page's address, computed figures) are ignored."""
    page_type = get(type_name)
    fields = page_type.field_map()
    grouped = {
        (sub if f.key in NAMED_BY_SUBFIELD else f"{f.key}.{sub}"): (f.key, sub)
        for f in page_type.fields
        if isinstance(f, Group)
        for sub in f.fields
    }
    positions = {f.key for f in page_type.fields if isinstance(f, Position)}
    ignored = {*EXTRA_COLUMNS, *COMPUTED_COLUMNS, *page_type.extra_columns, "type"}
    data: dict[str, Any] = {"type": type_name}
    errors: list[tuple[str, str]] = []
    for column, cell in values.items():
        if column is None:
            errors.append(("", "plus de cellules que de colonnes."))
            continue
        cell = unneutralise((cell or "").strip())
        if not cell or column in ignored:
            continue
        f = fields.get(column)
        if len(cell) > MAX_CELL:
            errors.append((column, "texte trop long."))
        elif CONTROL.search(cell):
            code = ord(CONTROL.search(cell).group(0))
            errors.append((column, f"caractère de contrôle invisible (code {code}) : retirez-le."))
        elif column in ("lat", "lon") and positions:
            data.setdefault(next(iter(positions)), {})[column] = cell
        elif column in grouped:
            group, key = grouped[column]
            data.setdefault(group, {})[key] = cell
        elif isinstance(f, Resources):
            data[column] = cell
        elif isinstance(f, ListOf):
            data[column] = _parse_entries(f, cell)
        elif isinstance(f, (TextList, DayList)):
            data[column] = split_list(cell)
        elif f is not None:
            data[column] = cell
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
