"""Public subsidy files in the national SCDL « subventions » format (versions 1.x and 2.x): read and check.

One function, :func:`parse`, turns the bytes of a file into records, or into the full list of what is wrong
(line, column, reason, in French), judged as the official validator judges them (frictionless and the
official schema, shipped in ``data/schemas/scdl-subventions/``): periods ``AAAA-MM-JJ/AAAA-MM-JJ``, combined
natures, free ``conditionsVersement`` up to 256 characters, ``pourcentageSubvention`` between 0 and 1. Headers
may be the schema's field names or its field titles (1.x or 2.x); the result says which.

Real published files differ from the schema in known ways; these are read with a **warning** on the row, never
a refusal of the whole file: the underscore period of the 2017 Etalab format, the year alone as a date (kept
as a year), a 9-digit SIREN instead of a SIRET, a loan or guarantee without amount (kept apart, never counted),
a percentage written out of 100 in a 1.x file, decimal commas, ``JJ/MM/AAAA`` dates, extra columns (listed,
ignored). Real errors (no beneficiary, an unreadable amount, a share over 1 in a 2.x file…) refuse the file.
Amounts are kept in integer cents: money is never a float here.

Nothing here writes: ``plugins/subventions/store.py`` stores a file only once every row of it is right.
"""

from __future__ import annotations

import csv
import datetime
import functools
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from plugins.data import csv_files, numbers
from plugins.data.errors import UserError
from plugins.data.identifiants import rna, siret, siret_key_ok
from plugins.data.text import fold

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000
MAX_CELL = 5000
#: the schema's limit of ``objet`` and ``conditionsVersement``
MAX_SCHEMA_TEXT = 256
#: errors listed one by one (every bad row is named); beyond this bound, only counted (memory stays bounded)
MAX_LISTED_ERRORS = 100_000
#: warnings listed by kind (the others of a kind are counted)
MAX_LISTED_WARNINGS = 50
PROGRESS_EVERY = 5000
SCHEMA_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "data", "schemas", "scdl-subventions"
)
SCHEMA_2 = os.path.join(SCHEMA_DIR, "schema-2.1.1.json")
SCHEMA_1 = os.path.join(SCHEMA_DIR, "schema-1.1.json")

#: the columns of the national schema 2.1.1, in its order
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
#: columns only in 2.x: a file with one of them is read as a 2.x file
COLUMNS_2X_ONLY = ("rnaBeneficiaire", "dispositifAide")
#: a file must have these columns (without them no subsidy can be told)
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
NATURES = (
    "aide en numéraire",
    "aide en nature",
    "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
)
#: words that make a row a loan or a guarantee (published by départements with no amount)
LOAN_WORDS = ("pret", "garantie", "avance remboursable", "emprunt")

# kinds of warnings, as the reports name them
W_UNDERSCORE = "période écrite avec « _ » (forme ancienne, lue comme « / »)"
W_YEAR = "année seule comme date de convention (gardée comme année)"
W_SIREN = "SIREN (9 chiffres) au lieu du SIRET"
W_LOAN = "prêt ou garantie sans montant (gardé à part, non compté)"
W_PERCENT = "pourcentage écrit sur 100 (forme ancienne, lu comme un pourcentage)"
W_FORMAT = "écart au format du schéma, que le validateur officiel refuse (lu ici sans ambiguïté)"
W_MISSING = "valeur obligatoire du schéma absente"
W_LONG = "texte plus long que les 256 caractères du schéma (gardé entier)"
W_PERIOD = "période incohérente (gardée telle quelle)"
W_EXTRA = "colonnes hors schéma (ignorées)"
W_HEADER = "en-têtes non conformes au schéma"
W_NO_ID = "bénéficiaire sans SIRET ni RNA"
W_KEY = "SIRET dont la clé de contrôle est fausse (gardé tel quel)"
#: the kinds of warnings that the official validator (frictionless with the schema, and Validata's own checks of
#: SIRET keys and of « idBeneficiaire or rnaBeneficiaire ») reports as errors; an impossible date matching the
#: schema's pattern (:data:`W_PERIOD`) passes it
REFUSED_BY_VALIDATOR = frozenset(
    {W_UNDERSCORE, W_YEAR, W_SIREN, W_LOAN, W_PERCENT, W_FORMAT, W_MISSING, W_LONG, W_EXTRA, W_HEADER, W_NO_ID, W_KEY}
)


@dataclass(frozen=True, slots=True)
class Subvention:
    """One subsidy of a public file. ``montant`` in cents (the total before sharing, as the schema says);
    ``pourcentage`` the beneficiary's share as a ratio (« 0.4 »); ``date`` ``AAAA-MM-JJ``, or ``AAAA`` when the
    file gives only the year; ``siren`` the 9 digits that identify the organisation; empty text when not given.
    """

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
    siren: str = ""

    @property
    def annee(self) -> int:
        return int(self.date[:4])

    @property
    def year_only(self) -> bool:
        return len(self.date) == 4

    @property
    def part(self) -> int:
        """The beneficiary's share in cents: ``montant`` × ``pourcentageSubvention`` (half up)."""
        return share_cents(self.montant, self.pourcentage)


@functools.lru_cache(maxsize=4096)
def _ratio(text: str) -> Decimal:
    try:
        return Decimal(text) if text else Decimal(1)
    except InvalidOperation:
        return Decimal(1)


def share_cents(cents: int, ratio: str) -> int:
    """``cents`` × ``ratio``, rounded half up to the cent."""
    value = _ratio(ratio)
    if value == 1:
        return cents
    return int((Decimal(cents) * value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
        where = f"ligne {self.line}" if self.line else "en-têtes"
        return where + (f", colonne « {self.column} »" if self.column else "") + f" : {self.reason}"


@dataclass
class Parsed:
    """What a file holds: its records (only when it has no error), its errors, its warnings by kind, and how it
    was read (schema version, header convention)."""

    records: list[Subvention] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    rows: int = 0
    #: loans and guarantees published without an amount: kept, never counted in amounts
    apart: list[Subvention] = field(default_factory=list)
    warnings: dict[str, list[RowError]] = field(default_factory=dict)
    warning_counts: Counter[str] = field(default_factory=Counter)
    version: str = "2.x"
    convention: str = ""

    def add(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, column, reason))

    def warn(self, kind: str, line: int, column: str, reason: str) -> None:
        self.warning_counts[kind] += 1
        listed = self.warnings.setdefault(kind, [])
        if len(listed) < MAX_LISTED_WARNINGS:
            listed.append(RowError(line, column, reason))

    def located(self) -> set[tuple[int, str]]:
        """Every (line, column) the reading found something about, error or warning (the tests compare them
        with the official validator's)."""
        found = {(e.line, e.column) for e in self.errors}
        for listed in self.warnings.values():
            found |= {(w.line, w.column) for w in listed}
        return found

    def summary(self) -> list[str]:
        """What the file holds, before anything is written: rows, total, years, grantors, warnings by kind."""

        records = self.records
        total = sum(r.montant for r in records)
        parts = sum(r.part for r in records)
        years = sorted({r.annee for r in records})
        grantors = Counter(r.attribuant for r in records)
        lines = [
            f"Lecture : schéma SCDL {self.version}, en-têtes {self.convention or 'noms des champs'}, "
            f"encodage {self.encoding}.",
            f"{numbers.count(len(records))} subvention(s) sur {numbers.count(self.rows)} ligne(s), "
            f"{numbers.euros(Decimal(total) / 100)} au total"
            + (f" ({numbers.euros(Decimal(parts) / 100)} en parts des bénéficiaires)" if parts != total else "")
            + ".",
        ]
        lines.append(self.validator_verdict())
        if years:
            lines.append("Années : " + (f"{years[0]} à {years[-1]}" if len(years) > 1 else str(years[0])) + ".")
        if grantors:
            lines.append(
                "Attribuants : "
                + ", ".join(f"{name} ({numbers.count(n)})" for name, n in grantors.most_common(10))
                + (f" et {len(grantors) - 10} autre(s)" if len(grantors) > 10 else "")
                + "."
            )
        if self.apart:
            lines.append(f"{numbers.count(len(self.apart))} prêt(s) ou garantie(s) sans montant, gardé(s) à part.")
        if self.warning_counts:
            lines.append("Avertissements :")
            lines += [f"  {kind} : {numbers.count(n)}" for kind, n in self.warning_counts.most_common()]
        return lines

    def validator_verdict(self) -> str:
        """Whether the official validator (Validata: frictionless with the schema of the file's version, and its
        own checks) would accept the file as it is, and why not: a producer learns what to fix at the source."""
        schema = "2.1.1" if self.version == "2.x" else "1.1"
        refused = sum(n for kind, n in self.warning_counts.items() if kind in REFUSED_BY_VALIDATOR)
        reasons = []
        if self.error_count:
            reasons.append(f"{numbers.count(self.error_count)} erreur(s)")
        if refused:
            reasons.append(f"{numbers.count(refused)} écart(s) au schéma lus ici avec un avertissement")
        if self.convention and self.convention != "noms des champs":
            reasons.append("en-têtes autres que les noms des champs")
        if not reasons:
            return f"Validateur officiel (Validata, schéma SCDL {schema}) : le fichier lui est conforme."
        return (
            f"Validateur officiel (Validata, schéma SCDL {schema}) : le fichier tel quel serait refusé ("
            + ", ".join(reasons)
            + ")."
        )

    def warning_lines(self, per_kind: int = 5) -> list[str]:
        """A few examples of each kind of warning, with their line and column."""
        out = []
        for kind, listed in self.warnings.items():
            out += [f"{kind} — {w}" for w in listed[:per_kind]]
            more = self.warning_counts[kind] - min(per_kind, len(listed))
            if more > 0:
                out.append(f"{kind} — … et {more} autre(s)")
        return out


class FileRefused(UserError):
    """The file as a whole cannot be read (encoding, header, size); the message says why, in French."""


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", fold(name))


def _title_key(title: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(title).replace("’", "'"))


@functools.lru_cache(maxsize=1)
def schema_titles() -> dict[str, str]:
    """The field titles of the shipped schemas (1.1 and 2.1.1), folded → field name."""
    titles: dict[str, str] = {}
    for path in (SCHEMA_1, SCHEMA_2):
        with open(path, encoding="utf-8") as f:
            for spec in json.load(f)["fields"]:
                titles.setdefault(_title_key(spec["title"]), spec["name"])
    return titles


_CANONICAL = {_key(c): c for c in COLUMNS} | ALIASES


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding (the wiki's one CSV reader, ``plugins/data/csv_files.py``)."""
    try:
        return csv_files.decode(data, MAX_FILE_BYTES)
    except csv_files.Unreadable as exc:
        raise FileRefused(str(exc)) from None


# -- cells -------------------------------------------------------------------------------------------

#: a cell reading's remark: (kind of warning, reason)
Note = Callable[[str, str], None]

_SCHEMA_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.234.567,89
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,234,567.89
_PERIOD = re.compile(r"\d{4}-\d{2}-\d{2}(?:/\d{4}-\d{2}-\d{2})?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRENCH_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME_AFTER = re.compile(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
#: a period written in words or with a dash: « du 01/04/2023 au 30/06/2023 », « 2023-04-01 - 2023-06-30 »
_PERIOD_WORDS = re.compile(r"(?:du\s+)?(\S+)\s*(?:\s+au\s+|\s[-–]\s|\s*[–]\s*)\s*(\S+)", re.I)
_LOAN = re.compile(r"\b(?:" + "|".join(LOAN_WORDS) + ")")
#: the latest year a date may have (a public file does not plan grants further ahead)
LAST_YEAR = datetime.date.today().year + 10


def _ignore(kind: str, reason: str) -> None:
    """Remarks nobody asked for (cells read outside a file)."""


def amount_cents(text: str, note: Note = _ignore) -> int:
    """« 1234.50 » (the schema's form), « 1 234,5 », « 1.234.567,89 », « 2 000 € » -> cents.

    Raises ValueError (French). Forms other than the schema's are read with a note. A lone « 1.234 » or
    « 1,234 » is read as a decimal number, hence refused (three decimals): in a public file it is ambiguous,
    and a wrong amount is worse than a refused one.
    """
    raw = text.strip()
    cleaned = re.sub(r"[\s\u00a0\u202f]|€|eur(os?)?$", "", raw, flags=re.I)
    negative = cleaned.startswith("-")
    body = cleaned[1:] if negative else cleaned
    if _PLAIN.fullmatch(body):
        number = body.replace(",", ".")
    elif _DOT_THOUSANDS.fullmatch(body):
        number = body.replace(".", "").replace(",", ".")
    elif _COMMA_THOUSANDS.fullmatch(body):
        number = body.replace(",", "")
    else:
        raise ValueError(f"montant illisible « {text} » (attendu un nombre, par exemple 1234.56)")
    if negative:
        raise ValueError(f"montant négatif « {text} »")
    value = Decimal(number)
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"montant « {text} » : plus de deux décimales (au centime près)")
    if cents > 10**15:
        raise ValueError(f"montant improbable « {text} »")
    if not _SCHEMA_NUMBER.fullmatch(raw):
        note(W_FORMAT, f"« {text} » lu {number} : le schéma attend un nombre au point décimal, sans espace ni symbole")
    return int(cents)


def _real_date(value: str, text: str) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"la date « {text} » n'existe pas") from None
    if not 1950 <= day.year <= LAST_YEAR:
        raise ValueError(f"date improbable « {text} »")
    return day.isoformat()


def iso_date(text: str, note: Note = _ignore, year_alone: bool = False) -> str:
    """``AAAA-MM-JJ`` (the schema's form), ``JJ/MM/AAAA`` or a time after the date (read with a note), or, when
    ``year_alone``, ``AAAA`` (kept as a year, never turned into a day). Raises ValueError."""
    value = text.strip()
    if year_alone and re.fullmatch(r"\d{4}", value):
        if not 1950 <= int(value) <= LAST_YEAR:
            raise ValueError(f"année improbable « {text} »")
        note(W_YEAR, f"« {text} » : le schéma attend une date AAAA-MM-JJ ; gardée comme l'année {value}")
        return value
    match = _FRENCH_DAY.fullmatch(value)
    if match:
        value = f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    else:
        value = _TIME_AFTER.sub("", value)
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(f"date illisible « {text} » (attendu AAAA-MM-JJ, par exemple 2023-03-15)")
    day = _real_date(value, text)
    if day != text.strip():
        note(W_FORMAT, f"« {text} » lu {day} : le schéma attend une date AAAA-MM-JJ")
    return day


def period(text: str, note: Note = _ignore) -> str:
    """A date or a period ``AAAA-MM-JJ/AAAA-MM-JJ`` (the schema's form, ISO 8601), or the legacy ``début_fin``
    (read with a note, written back with « / »). Raises ValueError when it is neither."""
    value = text.strip()
    if _PERIOD.fullmatch(value):
        parts = value.split("/")
        try:
            days = [_real_date(p, p) for p in parts]
        except ValueError as exc:
            note(W_PERIOD, f"« {text} » : {exc} (le motif du schéma est respecté)")
            return value
        if len(days) == 2 and days[1] < days[0]:
            note(W_PERIOD, f"« {text} » : la fin ({days[1]}) est avant le début ({days[0]})")
        return value
    parts = value.split("_")
    words = _PERIOD_WORDS.fullmatch(value) if len(parts) == 1 else None
    if len(parts) == 2 or words:
        first, last = (parts[0], parts[1]) if len(parts) == 2 else (words.group(1), words.group(2))
        try:
            start, end = iso_date(first), iso_date(last)
        except ValueError as exc:
            raise ValueError(f"période illisible « {text} » : {exc}") from None
        if len(parts) == 2:
            note(W_UNDERSCORE, f"« {text} » lu {start}/{end} : le schéma sépare les deux dates par « / » (ISO 8601)")
        else:
            note(W_FORMAT, f"« {text} » lu {start}/{end} : le schéma attend AAAA-MM-JJ/AAAA-MM-JJ (ISO 8601)")
        if end < start:
            note(W_PERIOD, f"« {text} » : la fin ({end}) est avant le début ({start})")
        return f"{start}/{end}"
    if len(parts) == 1:
        try:
            return iso_date(value, note)
        except ValueError:
            pass
    raise ValueError(
        f"période illisible « {text} » (attendu AAAA-MM-JJ ou AAAA-MM-JJ/AAAA-MM-JJ, par exemple 2023-04-01/2023-06-30)"
    )


def nature(text: str, note: Note = _ignore) -> str:
    """One of the schema's four values (combined natures included); case or a comma read with a note."""
    value = text.strip()
    if value in NATURES:
        return value
    wanted = re.sub(r"\s*[;,]\s*", ";", fold(value))
    found = next((n for n in NATURES if fold(n) == wanted), None)
    if found is None:
        raise ValueError(f"nature « {text} » inconnue (valeurs du schéma : {' ; '.join(repr(n) for n in NATURES)})")
    note(W_FORMAT, f"« {text} » lu « {found} » : valeur du schéma écrite autrement")
    return found


def yes_no(text: str, note: Note = _ignore) -> str:
    value = fold(text)
    if value in ("oui", "true", "vrai", "1", "o", "yes", "y"):
        found = "oui"
    elif value in ("non", "false", "faux", "0", "n", "no"):
        found = "non"
    else:
        raise ValueError(f"« {text} » : attendu oui ou non")
    if text.strip() != found:
        note(W_FORMAT, f"« {text} » lu « {found} » : le schéma n'admet que « oui » ou « non »")
    return found


def _ratio_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def percentage(text: str, version: str = "2.x", note: Note = _ignore) -> str:
    """The beneficiary's share of the total, 0 to 1 as the schema says (« 0.45 ») -> its ratio as text.

    Over 1: an error in a 2.x file; in a 1.x file, a percent out of 100 (the legacy reading, with a note).
    """
    cleaned = text.replace("%", "").replace(",", ".").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            f"pourcentage illisible « {text} » (attendu un nombre entre 0.01 et 1, par exemple 0.45)"
        ) from None
    if not value.is_finite():
        raise ValueError(f"pourcentage illisible « {text} »")
    if cleaned != text.strip():
        note(W_FORMAT, f"« {text} » lu {cleaned} : le schéma attend un nombre au point décimal")
    if value > 1:
        if version.startswith("2") or value > 100:
            raise ValueError(
                f"pourcentage « {text} » supérieur à 1 : le schéma attend la part du bénéficiaire entre 0.01 et 1 "
                "(45 % s'écrit 0.45)"
            )
        note(W_PERCENT, f"« {text} » lu {value} % : le schéma attend une part entre 0 et 1 (ici {value / 100})")
        return _ratio_text(value / 100)
    if value <= 0:
        raise ValueError(f"pourcentage « {text} » : le schéma attend une part d'au moins 0.01")
    return _ratio_text(value)


def identify(text: str, note: Note = _ignore) -> tuple[str, str, str]:
    """An organisation's id cell -> (SIRET, SIREN, RNA): a SIRET (spaces or a trailing « .0 » read with a note),
    a SIREN (9 digits, read with a note), or an RNA number in a 1.x file's id column. Raises ValueError."""
    value = text.strip()
    spread = re.fullmatch(r"(\d{14})\.0+", value)
    number = value if re.fullmatch(r"\d{14}", value) else spread.group(1) if spread else siret(value)
    if number:
        if number != value:
            note(W_FORMAT, f"« {text} » lu {number} : le schéma attend les 14 chiffres du SIRET d'un seul tenant")
        if not siret_key_ok(number):
            note(W_KEY, f"« {number} » : la clé de contrôle (Luhn) de ce SIRET est fausse ; vérifiez-le à l'INSEE")
        return number, number[:9], ""
    digits = re.sub(r"[\s\u00a0\u202f.-]", "", value)
    if re.fullmatch(r"\d{9}", digits):
        note(W_SIREN, f"« {text} » : le schéma attend un SIRET de 14 chiffres ; gardé comme SIREN {digits}")
        return "", digits, ""
    found = rna(value)
    if found:
        note(W_FORMAT, f"« {text} » est un numéro RNA : gardé comme numéro RNA du bénéficiaire")
        return "", "", found
    raise ValueError(f"« {text} » n'est pas un SIRET (14 chiffres) ni un SIREN (9 chiffres)")


def is_loan(*texts: str) -> bool:
    """Whether a row speaks of a loan or a guarantee (départements publish them without amount)."""
    return bool(_LOAN.search(" ".join(fold(t) for t in texts)))


# -- rows --------------------------------------------------------------------------------------------


def _row(cells: dict[str, str], line: int, out: Parsed) -> Subvention | None:
    """One row checked; its errors and warnings go to ``out``. Returns None for a wrong row."""
    before = out.error_count

    def remark(column: str) -> Note:
        return lambda kind, reason: out.warn(kind, line, column, reason)

    def text(column: str, required: bool = False, schema_required: bool = False, limit: int = 0) -> str:
        value = cells.get(column, "").strip()
        if required and not value:
            out.add(line, column, "valeur obligatoire manquante")
        elif schema_required and not value and column in cells:
            out.warn(W_MISSING, line, column, "valeur obligatoire selon le schéma, absente")
        elif len(value) > MAX_CELL:
            out.add(line, column, f"texte trop long ({len(value)} caractères ; au plus {MAX_CELL})")
            return ""
        elif limit and len(value) > limit:
            out.warn(W_LONG, line, column, f"{len(value)} caractères (le schéma en admet {limit})")
        return value

    def checked(column: str, check: Callable[[str, Note], str], schema_required: bool = True) -> str:
        value = text(column, schema_required=schema_required)
        if not value:
            return ""
        try:
            return check(value, remark(column))
        except ValueError as exc:
            out.add(line, column, str(exc))
            return ""

    def ids(column: str) -> tuple[str, str, str]:
        value = text(column)
        if not value:
            return "", "", ""
        try:
            return identify(value, remark(column))
        except ValueError as exc:
            out.add(line, column, str(exc))
            return "", "", ""

    montant_text = cells.get("montant", "").strip()
    loan = not montant_text and is_loan(cells.get("nature", ""), cells.get("objet", ""))
    cents, apart = 0, False
    if not montant_text and loan:
        apart = True
        out.warn(W_LOAN, line, "montant", "montant absent : prêt ou garantie, gardé à part et non compté")
    elif not montant_text:
        out.add(line, "montant", "valeur obligatoire manquante")
    else:
        try:
            cents = amount_cents(montant_text, remark("montant"))
        except ValueError as exc:
            out.add(line, "montant", str(exc))
    id_attribuant = ids("idAttribuant")
    if "idAttribuant" in cells and not cells["idAttribuant"].strip():
        out.warn(W_MISSING, line, "idAttribuant", "valeur obligatoire selon le schéma, absente")
    number, siren, rna_in_id = ids("idBeneficiaire")
    rna_number = text("rnaBeneficiaire")
    if rna_number:
        found = rna(rna_number)
        if found is None:
            out.add(line, "rnaBeneficiaire", f"« {rna_number} » n'est pas un numéro RNA (W suivi de 9 chiffres)")
            rna_number = ""
        else:
            if found != rna_number:
                out.warn(
                    W_FORMAT, line, "rnaBeneficiaire", f"« {rna_number} » lu {found} (le schéma : W et 9 chiffres)"
                )
            rna_number = found
    rna_number = rna_number or rna_in_id
    if not (siren or rna_number):
        out.warn(W_NO_ID, line, "idBeneficiaire", "ni SIRET ni RNA : le bénéficiaire n'est reconnu que par son nom")
    kind = nature if not loan else (lambda v, note: v.strip())
    date = text("dateConvention", required=True)
    if date:
        try:
            date = iso_date(date, remark("dateConvention"), year_alone=True)
        except ValueError as exc:
            out.add(line, "dateConvention", str(exc))
            date = ""
    intern = sys.intern  # values repeated across rows (grantors, dates, natures) are kept once in memory
    ratio = checked("pourcentageSubvention", lambda v, note: percentage(v, out.version, note)) or "1"
    record = Subvention(
        attribuant=intern(text("nomAttribuant", required=True)),
        id_attribuant=intern(id_attribuant[0] or id_attribuant[1]),
        date=intern(date),
        reference=text("referenceDecision"),
        beneficiaire=intern(text("nomBeneficiaire", required=True)),
        siret=number,
        rna=rna_number,
        objet=text("objet", schema_required=True, limit=MAX_SCHEMA_TEXT),
        montant=cents,
        nature=intern(checked("nature", kind)),
        conditions=intern(text("conditionsVersement", schema_required=True, limit=MAX_SCHEMA_TEXT)),
        periode=intern(checked("datesPeriodeVersement", period)),
        id_rae=text("idRAE"),
        notification_ue=intern(checked("notificationUE", yes_no)),
        pourcentage=intern(ratio),
        dispositif=intern(text("dispositifAide")),
        siren=siren,
    )
    if len(record.id_rae) > 5:
        out.warn(W_FORMAT, line, "idRAE", f"« {record.id_rae} » : le schéma admet 5 caractères au plus")
    if out.error_count != before:
        return None
    if apart:
        out.apart.append(record)
        return None
    return record


def _read_header(header: list[str], out: Parsed) -> list[str | None]:
    """The schema field of each column (None: not in the schema), the version and the convention of the file;
    header problems go to ``out`` as warnings (column names, order, missing columns) or refuse the file."""
    titles = schema_titles()
    columns: list[str | None] = []
    seen: dict[str, str] = {}
    how: Counter[str] = Counter()
    for raw in header:
        name = raw.strip().lstrip("\ufeff").strip()
        if name in COLUMNS:
            canonical, kind = name, "noms"
        elif _title_key(name) in titles:
            canonical, kind = titles[_title_key(name)], "titres"
        elif _key(name) in _CANONICAL:
            canonical, kind = _CANONICAL[_key(name)], "approché"
        else:
            if name:
                out.ignored_columns.append(name)
            columns.append(None)
            continue
        if canonical in seen:
            raise FileRefused(f"la colonne « {canonical} » apparaît deux fois sur la première ligne.")
        seen[canonical] = name
        how[kind] += 1
        columns.append(canonical)
        if kind == "approché":
            out.warn(
                W_HEADER, 0, canonical, f"« {name} » lu comme « {canonical} » : le schéma le nomme « {canonical} »"
            )
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise FileRefused(
            f"colonne(s) obligatoire(s) absente(s) de la première ligne : {', '.join(missing)} "
            f"(colonnes du schéma SCDL « subventions », par leur nom ou leur titre : {', '.join(COLUMNS)})."
        )
    out.version = "2.x" if any(c in seen for c in COLUMNS_2X_ONLY) else "1.x"
    if how["titres"] and not how["noms"]:
        out.convention = "titres des champs"
    elif how["titres"]:
        out.convention = "mélange de noms et de titres des champs"
    else:
        out.convention = "noms des champs"
    if how["approché"]:
        out.convention += f" ({how['approché']} nom(s) approché(s))"
    expected = [c for c in COLUMNS if out.version == "2.x" or c not in COLUMNS_2X_ONLY]
    for column in expected:
        if column not in seen:
            out.warn(W_HEADER, 0, column, f"colonne du schéma {out.version} absente")
    present = [c for c in columns if c is not None]
    in_order = [c for c in expected if c in seen]
    for position, (found, wanted) in enumerate(zip(present, in_order, strict=True), 1):
        if found != wanted:
            out.warn(
                W_HEADER, 0, found, f"colonne n° {position} : le schéma place ici « {wanted} » (ordre des colonnes)"
            )
    if out.ignored_columns:
        out.warn(W_EXTRA, 0, "", "colonnes ignorées : " + ", ".join(f"« {c} »" for c in out.ignored_columns))
    return columns


def parse(data: bytes, progress: Callable[[int, int], None] | None = None) -> Parsed:
    """Read and check every row of a file; ``records`` is filled only if no row is wrong.

    Raises :class:`FileRefused` when the file cannot be read at all (encoding, header, size).
    ``progress(rows read, lines in the file)`` is called every few thousand rows.
    """
    text, encoding = decode(data)
    lines = max(text.count("\n"), 1)
    out = Parsed(encoding=encoding)
    reader = csv_files.rows(text, MAX_CELL * 4)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FileRefused(f"première ligne illisible ({exc}).") from None
    if not header or not any(h.strip() for h in header):
        raise FileRefused("fichier vide : la première ligne doit nommer les colonnes (nomAttribuant, montant…).")
    columns = _read_header(header, out)
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
    else:
        out.apart = []
    return out
