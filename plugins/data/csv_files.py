"""The one reader of CSV files for every import (fiches and venues in bulk, subsidy files, SIRET tables).

Files come from spreadsheets and public portals: UTF-8 with or without a BOM, or Windows-1252 (Excel's « CSV »
in French), separated by « ; », « , » or tabs. Each import reads them the same way, so a file accepted by one is
read alike by the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from plugins.data.errors import UserError

SEPARATORS = (";", ",", "\t")


class Unreadable(UserError):
    """The file cannot be read as CSV text at all (size, encoding, binary); the message says why, in French."""


def decode(data: bytes, max_bytes: int) -> tuple[str, str]:
    """The text of a file and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if len(data) > max_bytes:
        raise Unreadable(f"fichier trop gros ({len(data) // 1024 // 1024} Mo ; au plus {max_bytes // 1024 // 1024} Mo).")
    head = data[:4096]
    # UTF-16 (a BOM, or a NUL every other byte) or a binary file; one stray NUL is a cell's problem, reported there
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") > len(head) // 10:
        raise Unreadable("ce n'est pas un fichier texte CSV (UTF-16 ou binaire ?) : enregistrez-le en « CSV UTF-8 ».")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            raise Unreadable("encodage inconnu : enregistrez le fichier en « CSV UTF-8 ».") from None


def separator(first_line: str) -> str:
    """The separator of a file: the most frequent of « ; », « , » and tab on its first line (« ; » on a tie)."""
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    return max(SEPARATORS, key=lambda sep: counts[sep])


def rows(text: str, max_cell: int) -> Iterator[list[str]]:
    """The rows of a decoded file, cells as strings (``csv.Error`` on a cell over ``max_cell`` characters)."""
    csv.field_size_limit(max(csv.field_size_limit(), max_cell))
    first_line = text.split("\n", 1)[0]
    return csv.reader(io.StringIO(text, newline=""), delimiter=separator(first_line))


#: a cell starting with one of these would be run as a formula by a spreadsheet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: str) -> str:
    """Make a cell inert in spreadsheets (OWASP "CSV injection"): prefix risky cells with a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """A cell as written before :func:`neutralise` (our exports read back as they were written)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
