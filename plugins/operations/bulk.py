"""Bulk creation of fiches from a CSV file or a folder of pages: checked whole, then written whole.

Every row is validated first; if one is wrong, nothing is written and each bad row is reported with
its line, column and reason. The writing itself groups the index commits (``store_pages_batched``).
A page that already exists with the same text is skipped, so importing the same file twice changes
nothing.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moin.constants.keys import CURRENT, NAME_EXACT
from moin.utils.names import CompositeName

from plugins.data import csv_files, frontmatter
from plugins.data.errors import UserError
from plugins.data.flat import MAX_CELL, flat_to_data_for, page_name_problem
from plugins.data.registry import analyse, get
from plugins.data.spaces import space_of
from plugins.operations.pages import store_pages_batched

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20000
#: a fiche has about twenty columns: more is a mistake (or a CSV bomb of a million columns)
MAX_COLUMNS = 100
MAX_HEADER_CHARS = 10_000
#: past this many bad rows, stop reading and report the first ones
MAX_ERRORS = 1000


@dataclass
class PageToCreate:
    name: str
    text: str
    where: str  # "ligne 12" or the file name


@dataclass
class ImportRefused(UserError):
    summary: str
    rows: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.summary + ("\n" + "\n".join(self.rows) if self.rows else "")


def row_to_page(
    row: dict[str, str], line: int, prefix: str | None, type_name: str = "fiche"
) -> tuple[PageToCreate | None, list[str]]:
    """One CSV row -> a page text, or the reasons it is refused. A ``type`` column, where given, names the type
    of its row; a row without ``page`` goes in ``prefix`` (by default the folder of its type's pages)."""
    type_name = (row.get("type") or "").strip() or type_name
    page_type = get(type_name)
    if page_type is None:
        return None, [f"ligne {line}, colonne « type » : type de page inconnu « {type_name} »."]
    data, column_errors = flat_to_data_for(type_name, row)
    errors = [f"ligne {line}" + (f", colonne « {c} »" if c else "") + f" : {m}" for c, m in column_errors]
    record = page_type.validate(data)
    errors += [f"ligne {line}, colonne « {p.champ} » : {p.message}" for p in record.problems]
    if errors:
        return None, errors
    folder = prefix if prefix is not None else space_of(page_type, record.data) + "/"
    name = (row.get("page") or "").strip() or folder + record.title
    problem = page_name_problem(name)
    if problem:
        return None, [f"ligne {line}, colonne « page » : {problem}"]
    text = frontmatter.join({"type": type_name, **record.data}, (row.get("texte") or "").strip() + "\n")
    return PageToCreate(name=name, text=text, where=f"ligne {line}"), []


def read_csv(path: str, prefix: str | None, type_name: str = "fiche") -> list[PageToCreate]:
    """Read and check a CSV file of fiches (the wiki's one CSV reader: UTF-8 or Windows-1252, « ; », « , »)."""
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise ImportRefused(f"fichier trop gros (plus de {MAX_FILE_BYTES // 1024 // 1024} Mo).")
    with open(path, "rb") as f:
        data = f.read()
    try:
        text, _encoding = csv_files.decode(data, MAX_FILE_BYTES)
    except csv_files.Unreadable as exc:
        raise ImportRefused(str(exc)) from None
    first_line = text.split("\n", 1)[0]
    if len(first_line) > MAX_HEADER_CHARS:
        raise ImportRefused(f"première ligne trop longue (plus de {MAX_HEADER_CHARS} caractères).")
    pages, errors = [], []
    line = 1
    try:
        # count the rows first (cheap) so that a file of millions of rows is refused before any checking
        if any(n > MAX_ROWS for n, _row in enumerate(csv_files.rows(text, MAX_CELL + 1))):
            raise ImportRefused(f"trop de lignes (au plus {MAX_ROWS}).")
        reader = csv_files.rows(text, MAX_CELL + 1)
        header = [c.strip() for c in next(reader, [])]
        title = get(type_name).title_field if get(type_name) else "nom"
        if title not in header and "type" not in header:
            raise ImportRefused(f"la première ligne doit nommer les colonnes, dont « {title} » (voir l'aide).")
        if len(header) > MAX_COLUMNS:
            raise ImportRefused(f"trop de colonnes ({len(header)} ; au plus {MAX_COLUMNS}).")
        for n, cells in enumerate(reader, 2):
            line = n
            if n - 1 > MAX_ROWS:
                raise ImportRefused(f"trop de lignes (au plus {MAX_ROWS}).")
            if any(len(c) > MAX_CELL for c in cells):
                raise csv.Error("field larger than field limit")
            row: dict[str | None, Any] = dict(zip(header, cells, strict=False))
            for column in header[len(cells):]:
                row[column] = None
            if len(cells) > len(header):  # extra cells (a million of them: one message, not a million)
                row[None] = [""]
            if not any(c.strip() for c in cells):
                continue
            page, row_errors = row_to_page(row, n, prefix, type_name)
            errors.extend(row_errors)
            if page:
                pages.append(page)
            if len(errors) > MAX_ERRORS:
                raise ImportRefused(f"plus de {MAX_ERRORS} erreurs : rien n'est importé.", errors[:MAX_ERRORS])
    except csv.Error as exc:
        detail = "cellule trop longue ou guillemets jamais fermés" if "field larger" in str(exc) else "caractère illisible"
        raise ImportRefused(f"fichier CSV illisible à la ligne {line} ({detail}).") from None
    if errors:
        raise ImportRefused(f"{len(errors)} erreur(s) dans le fichier.", errors)
    return pages


def read_folder(path: str, prefix: str) -> list[PageToCreate]:
    pages, errors = [], []
    for filename in sorted(os.listdir(path)):
        stem, ext = os.path.splitext(filename)
        if ext not in (".moin", ".md", ".txt"):
            continue
        with open(os.path.join(path, filename), encoding="utf-8", errors="replace") as f:
            text = f.read()
        analysis = analyse(text)
        if analysis.record is None or analysis.record.type.name != "fiche":
            errors.append(f"{filename} : ce n'est pas une fiche (la page doit commencer par un bloc « type: fiche »).")
        errors.extend(f"{filename} : {p}" for p in analysis.problems if analysis.record is not None)
        pages.append(PageToCreate(name=prefix + stem, text=text, where=filename))
    if errors:
        raise ImportRefused(f"{len(errors)} erreur(s) dans le dossier.", errors)
    return pages


def read_source(path: str, prefix: str | None, type_name: str = "fiche") -> list[PageToCreate]:
    """Pages from a folder (``prefix`` + file name) or a CSV file (rows of ``type_name``, or of their ``type``)."""
    if os.path.isdir(path):
        pages = read_folder(path, prefix if prefix is not None else "Initiatives/")
    else:
        pages = read_csv(path, prefix, type_name)
    seen: dict[str, str] = {}
    duplicates = []
    for page in pages:
        if page.name in seen:
            duplicates.append(f"{page.where} : même page « {page.name} » qu'en {seen[page.name]}.")
        seen.setdefault(page.name, page.where)
    if duplicates:
        raise ImportRefused(f"{len(duplicates)} doublon(s).", duplicates)
    if not pages:
        raise ImportRefused("aucune page à importer.")
    return pages


def import_fiches(
    app: Any, pages: list[PageToCreate], dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """Write the pages that are new (all or nothing); return their names."""

    to_create, conflicts = [], []
    for page in pages:
        item = app.storage.get_item(**CompositeName("", NAME_EXACT, page.name).query)
        if not item:
            to_create.append(page)
            continue
        current = item[CURRENT].data.read().decode("utf-8", "replace")
        if current.replace("\r\n", "\n").strip() != page.text.replace("\r\n", "\n").strip():
            conflicts.append(f"{page.where} : la page « {page.name} » existe déjà avec un autre contenu.")
    if conflicts:
        raise ImportRefused(f"{len(conflicts)} page(s) existent déjà.", conflicts)
    if not dry_run and to_create:
        store_pages_batched(app, [(p.name, p.text) for p in to_create], "Import de fiches", progress=progress)
    return [p.name for p in to_create]
