"""Public subsidy files in the national SCDL « subventions » format (versions 1.x and 2.x): read and check.

One function, :func:`parse`, turns the bytes of a file into records, or into the full list of what is wrong
(line, column, reason, in French). It accepts what real files do: a BOM, « ; » or « , » separators, UTF-8 or
Windows-1252, column names in any case (``nomBeneficiaire``, ``nom_beneficiaire``…), extra columns (ignored,
and said), decimal commas, amounts with spaces or a « € », dates ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``, a payment
period written as one date or ``début_fin``. Amounts are kept in integer cents: money is never a float here.

Nothing here writes: ``plugins/subventions_import.py`` stores a file only once every row of it is right.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from plugins.data.errors import UserError
from plugins.data.identifiants import rna, siret
from plugins.data.text import fold

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000
MAX_CELL = 5000
#: errors listed one by one (every bad row is named); beyond this bound, only counted (memory stays bounded)
MAX_LISTED_ERRORS = 100_000
PROGRESS_EVERY = 5000

#: the columns of the national schema (1.x and 2.x), in its order
COLUMNS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
#: a file must have these columns (the others may be missing: older files, 1.x files)
REQUIRED_COLUMNS = ("nomAttribuant", "dateConvention", "nomBeneficiaire", "montant")
#: other spellings seen in published files (folded, without « _ », « - » or spaces)
ALIASES = {
    "attribuant": "nomAttribuant",
    "siretattribuant": "idAttribuant",
    "dateattribution": "dateConvention",
    "beneficiaire": "nomBeneficiaire",
    "siretbeneficiaire": "idBeneficiaire",
    "rna": "rnaBeneficiaire",
    "montantattribue": "montant",
    "naturesubvention": "nature",
    "dispositif": "dispositifAide",
}
NATURES = ("aide en numéraire", "aide en nature")
CONDITIONS = ("unique", "échelonné")


@dataclass(frozen=True, slots=True)
class Subvention:
    """One subsidy of a public file. ``montant`` in cents; dates in ISO form; empty text when not given."""

    attribuant: str
    id_attribuant: str
    date: str
    reference: str
    beneficiaire: str
    siret: str
    rna: str
    objet: str
    montant: int
    nature: str
    conditions: str
    periode: str
    id_rae: str
    notification_ue: str
    pourcentage: str
    dispositif: str

    @property
    def annee(self) -> int:
        return int(self.date[:4])


#: the CSV/JSON columns of a record, as in the national schema
EXPORT_NAMES = dict(
    zip(
        (
            "attribuant",
            "id_attribuant",
            "date",
            "reference",
            "beneficiaire",
            "siret",
            "rna",
            "objet",
            "montant",
            "nature",
            "conditions",
            "periode",
            "id_rae",
            "notification_ue",
            "pourcentage",
            "dispositif",
        ),
        COLUMNS,
        strict=True,
    )
)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.line}" + (f", colonne « {self.column} »" if self.column else "") + f" : {self.reason}"


@dataclass
class Parsed:
    """What a file holds: its records (only when it has no error), its errors, and what was ignored."""

    records: list[Subvention] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    rows: int = 0

    def add(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, column, reason))


class FileRefused(UserError):
    """The file as a whole cannot be read (encoding, header, size); the message says why, in French."""


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", fold(name))


_CANONICAL = {_key(c): c for c in COLUMNS} | ALIASES


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            f"fichier trop gros ({len(data) // 1024 // 1024} Mo ; au plus {MAX_FILE_BYTES // 1024 // 1024} Mo)."
        )
    if b"\x00" in data[:4096]:
        raise FileRefused("ce n'est pas un fichier texte CSV (UTF-16 ou binaire ?) : enregistrez-le en « CSV UTF-8 ».")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            raise FileRefused("encodage inconnu : enregistrez le fichier en « CSV UTF-8 ».") from None


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep])


# -- cells -------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.234.567,89
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,234,567.89


def amount_cents(text: str) -> int:
    """« 1 234,5 », « 1234.50 », « 1.234.567,89 », « 2 000 € » -> cents. Raises ValueError (French).

    A lone « 1.234 » or « 1,234 » is read as a decimal number, hence refused (three decimals): in a public
    file it is ambiguous, and a wrong amount is worse than a refused one.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f]|€|eur(os?)?$", "", text.strip(), flags=re.I)
    negative = cleaned.startswith("-")
    body = cleaned[1:] if negative else cleaned
    if _PLAIN.fullmatch(body):
        number = body.replace(",", ".")
    elif _DOT_THOUSANDS.fullmatch(body):
        number = body.replace(".", "").replace(",", ".")
    elif _COMMA_THOUSANDS.fullmatch(body):
        number = body.replace(",", "")
    else:
        raise ValueError(f"montant illisible « {text} » (attendu un nombre, par exemple 1 234,56)")
    if negative:
        raise ValueError(f"montant négatif « {text} »")
    value = Decimal(number)
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"montant « {text} » : plus de deux décimales (au centime près)")
    if cents > 10**15:
        raise ValueError(f"montant improbable « {text} »")
    return int(cents)


def iso_date(text: str) -> str:
    """``AAAA-MM-JJ`` (a time after it is ignored) or ``JJ/MM/AAAA`` -> ``AAAA-MM-JJ``. Raises ValueError."""
    value = text.strip()
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        value = f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    else:
        value = re.sub(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", "", value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"date illisible « {text} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"la date « {text} » n'existe pas") from None
    if not 1950 <= day.year <= datetime.date.today().year + 10:
        raise ValueError(f"date improbable « {text} »")
    return day.isoformat()


def period(text: str) -> str:
    """A date, or ``début_fin`` (the schema's form) -> ISO ``début_fin``. Raises ValueError."""
    parts = text.split("_")
    if len(parts) == 1:
        return iso_date(parts[0])
    if len(parts) != 2:
        raise ValueError(f"période illisible « {text} » (attendu une date ou « début_fin »)")
    start, end = iso_date(parts[0]), iso_date(parts[1])
    if end < start:
        raise ValueError(f"la fin de la période ({end}) est avant son début ({start})")
    return f"{start}_{end}"


def _choice(text: str, allowed: tuple[str, ...], what: str) -> str:
    found = next((a for a in allowed if fold(a) == fold(text)), None)
    if found is None:
        raise ValueError(f"{what} « {text} » inconnue (valeurs possibles : {', '.join(allowed)})")
    return found


def yes_no(text: str) -> str:
    value = fold(text)
    if value in ("oui", "true", "vrai", "1", "o"):
        return "oui"
    if value in ("non", "false", "faux", "0", "n"):
        return "non"
    raise ValueError(f"« {text} » : attendu oui ou non")


def percentage(text: str) -> str:
    """A percentage between 0 and 100 (« 50 », « 50 % », « 0,5 » as the schema's ratio is kept as written)."""
    cleaned = text.replace("%", "").replace(",", ".").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"pourcentage illisible « {text} »") from None
    if not 0 <= value <= 100:
        raise ValueError(f"pourcentage « {text} » hors de 0 à 100")
    return str(value)


# -- rows --------------------------------------------------------------------------------------------


def _row(cells: dict[str, str], line: int, out: Parsed) -> Subvention | None:
    """One row checked; its errors go to ``out``."""
    before = out.error_count

    def text(column: str, required: bool = False) -> str:
        value = cells.get(column, "").strip()
        if required and not value:
            out.add(line, column, "valeur obligatoire manquante")
        elif len(value) > MAX_CELL:
            out.add(line, column, f"texte trop long ({len(value)} caractères ; au plus {MAX_CELL})")
            return ""
        return value

    def checked(column: str, check, required: bool = False) -> str:  # noqa: ANN001
        value = text(column, required)
        if not value:
            return ""
        try:
            return check(value)
        except ValueError as exc:
            out.add(line, column, str(exc))
            return ""

    def identifier(column: str, normalise, expected: str) -> str:  # noqa: ANN001
        value = text(column)
        if not value:
            return ""
        found = normalise(value)
        if found is None:
            out.add(line, column, f"« {value} » n'est pas {expected}")
            return ""
        return found

    montant_text = text("montant", required=True)
    cents = 0
    if montant_text:
        try:
            cents = amount_cents(montant_text)
        except ValueError as exc:
            out.add(line, "montant", str(exc))
    rna_cell = cells.get("rnaBeneficiaire", "").strip()
    id_cell = cells.get("idBeneficiaire", "").strip()
    if id_cell and not rna_cell and siret(id_cell) is None and rna(id_cell) is not None:
        # some 1.x files give an association's RNA number where the SIRET goes: keep it as its RNA number
        cells = {**cells, "idBeneficiaire": "", "rnaBeneficiaire": id_cell}
    intern = sys.intern  # values repeated across rows (grantors, dates, natures) are kept once in memory
    record = Subvention(
        attribuant=intern(text("nomAttribuant", required=True)),
        id_attribuant=intern(identifier("idAttribuant", siret, "un SIRET (14 chiffres)")),
        date=intern(checked("dateConvention", iso_date, required=True)),
        reference=text("referenceDecision"),
        beneficiaire=intern(text("nomBeneficiaire", required=True)),
        siret=identifier("idBeneficiaire", siret, "un SIRET (14 chiffres)"),
        rna=identifier("rnaBeneficiaire", rna, "un numéro RNA (W suivi de 9 chiffres)"),
        objet=text("objet"),
        montant=cents,
        nature=intern(checked("nature", lambda v: _choice(v, NATURES, "nature"))),
        conditions=intern(checked("conditionsVersement", lambda v: _choice(v, CONDITIONS, "condition de versement"))),
        periode=intern(checked("datesPeriodeVersement", period)),
        id_rae=text("idRAE"),
        notification_ue=intern(checked("notificationUE", yes_no)),
        pourcentage=checked("pourcentageSubvention", percentage),
        dispositif=intern(text("dispositifAide")),
    )
    return record if out.error_count == before else None


def parse(data: bytes, progress: Callable[[int, int], None] | None = None) -> Parsed:
    """Read and check every row of a file; ``records`` is filled only if no row is wrong.

    Raises :class:`FileRefused` when the file cannot be read at all (encoding, header, size).
    ``progress(rows read, lines in the file)`` is called every few thousand rows.
    """
    text, encoding = decode(data)
    lines = max(text.count("\n"), 1)
    out = Parsed(encoding=encoding)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL * 4))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FileRefused(f"première ligne illisible ({exc}).") from None
    if not header or not any(h.strip() for h in header):
        raise FileRefused("fichier vide : la première ligne doit nommer les colonnes (nomAttribuant, montant…).")
    columns: list[str | None] = []
    seen: set[str] = set()
    for name in header:
        canonical = _CANONICAL.get(_key(name.strip().lstrip("\ufeff")))
        if canonical is None:
            if name.strip():
                out.ignored_columns.append(name.strip())
            columns.append(None)
            continue
        if canonical in seen:
            raise FileRefused(f"la colonne « {canonical} » apparaît deux fois sur la première ligne.")
        seen.add(canonical)
        columns.append(canonical)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise FileRefused(
            f"colonne(s) obligatoire(s) absente(s) de la première ligne : {', '.join(missing)} "
            f"(colonnes du schéma SCDL « subventions » : {', '.join(COLUMNS)})."
        )
    width = len(header)
    records: list[Subvention] = []
    line = reader.line_num + 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            out.rows += 1
            if progress and out.rows % PROGRESS_EVERY == 0:
                progress(out.rows, lines)
            if out.rows > MAX_ROWS:
                raise FileRefused(f"trop de lignes (au plus {MAX_ROWS}) : découpez le fichier.")
            if len(row) != width:
                more = "plus" if len(row) > width else "moins"
                out.add(start, "", f"{len(row)} cellules au lieu de {width} ({more} que de colonnes ; séparateur ?)")
                continue
            cells = {c: v for c, v in zip(columns, row, strict=True) if c is not None}
            record = _row(cells, start, out)
            if record is not None:
                records.append(record)
    except csv.Error as exc:
        out.add(line, "", f"ligne CSV illisible ({exc})")
    if out.rows == 0 and not out.error_count:
        raise FileRefused("aucune subvention dans le fichier (seulement la ligne des colonnes).")
    if progress:
        progress(out.rows, out.rows)
    if not out.error_count:
        out.records = records
    return out
