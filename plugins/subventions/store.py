"""Public subsidy files kept in the wiki: one moin item per source file, its records read from it.

Subsidies are records, not pages. Each imported SCDL file is stored, byte for byte, as one item
``Données/Subventions/<nom du fichier>`` (``text/csv``), whose revision comment says where it came from,
when and by whom it was imported, and its SHA-256: every figure can be traced back to a file. Importing
the same bytes again (under any name) stores nothing, which makes the import idempotent; a new version of
a file is a new revision of its item (moin keeps the history).

Records are parsed from those items once per process and revision (a warm render never re-parses), and
a reader sees the records of a file only if moin's ACLs let them read its item. A record found in two
files (the same subsidy published twice) counts once.

The table SIRET → commune (where a beneficiary is, when no fiche says so) is kept the same way, under
``Données/SIRET-communes/``.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moin import flaskg
from moin.constants.keys import (
    ACL,
    COMMENT,
    CURRENT,
    HASH_ALGORITHM,
    ITEMID,
    LATEST_REVS,
    NAME,
    NAME_EXACT,
    NAMESPACE,
    REVID,
    TRASH,
)
from whoosh.query import Prefix

from plugins.data import communes, csv_files, french, numbers
from plugins.data.caches import BoundedCache
from plugins.data.flat import page_name_problem
from plugins.data.identifiants import siret
from plugins.indexing.query import readable
from plugins.indexing.structured import IndexedPage
from plugins.operations.bulk import ImportRefused
from plugins.operations.pages import store_page
from plugins.subventions import scdl
from plugins.subventions.csv_preview import CONTENT_TYPES
from plugins.subventions.scdl import FileRefused, Subvention

PREFIX = "Données/Subventions/"
COMMUNES_PREFIX = "Données/SIRET-communes/"
#: parsed files kept in memory (by revision id)
CACHE_SIZE = 32


@dataclass(frozen=True)
class Source:
    """A stored file, as moin's index knows it."""

    itemid: str
    revid: str
    name: str
    namespace: str
    acl: str | None

    @property
    def title(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Parsed:
    """A stored file read: its records and where they came from (the revision comment)."""

    source: Source
    records: tuple[Subvention, ...]
    comment: str
    #: loans and guarantees published without an amount (never counted in amounts)
    apart: tuple[Subvention, ...] = ()


@dataclass
class ImportReport:
    name: str
    stored: bool
    rows: int
    total_cents: int
    duplicates: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    same_as: str = ""
    #: what the file holds, said before anything is written (``scdl.Parsed.summary``)
    summary: list[str] = field(default_factory=list)
    #: a few warnings of each kind, with their line and column
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def __str__(self) -> str:

        if not self.stored and not self.dry_run:
            return f"« {self.name} » : fichier déjà importé ({self.same_as}), rien n'a changé."
        verb = "serait importé (essai : rien n'est écrit)" if self.dry_run else "importé"
        text = (
            f"« {self.name} » {verb} : {french.plural(self.rows, 'subvention')}, "
            f"{numbers.euros(self.total_cents / 100)} au total"
        )
        if self.duplicates:
            text += f" ; {numbers.count(self.duplicates)} déjà présente(s) dans un autre fichier (comptée(s) une fois)"
        if self.ignored_columns:
            text += f" ; colonnes ignorées (hors schéma) : {', '.join(self.ignored_columns)}"
        return text + "."


def item_name(filename: str, prefix: str = PREFIX) -> str:
    """The item a file is stored as: its base name under the prefix."""

    base = os.path.basename(filename.replace("\\", "/")).strip() or "subventions.csv"
    name = prefix + base
    problem = page_name_problem(name)
    if problem:
        raise ImportRefused(f"nom de fichier impossible « {base} » : {problem}")
    return name


# -- reading what is stored ---------------------------------------------------------------------------


def sources(app: Any, prefix: str = PREFIX) -> list[Source]:
    """Every stored file under ``prefix`` (trashed ones excepted), from moin's latest-revisions index.

    Looked up again only when moin's index has changed (any write makes a new generation).
    """
    ix = app.storage.ix[LATEST_REVS]
    where = getattr(getattr(ix, "storage", None), "folder", None) or id(ix)  # which wiki (a test run has many)
    key = (where, ix.latest_generation())
    known = _SOURCES.get(prefix)
    if known is not None and known[0] == key:
        return known[1]
    found = _search_sources(ix, prefix)
    _SOURCES[prefix] = (key, found)  # only the latest answer: it never pushes parsed files out of their cache
    return found


_SOURCES: dict[str, tuple[tuple[Any, int], list[Source]]] = {}


def _search_sources(ix: Any, prefix: str) -> list[Source]:
    """The files under ``prefix``, by name. Sorted here, not by Whoosh: its ``sortedby`` reads the names of
    every page of the wiki (seconds under load on 2,000 fiches, after every save)."""
    found = []
    with ix.searcher() as searcher:
        for hit in searcher.search(Prefix(NAME_EXACT, prefix), limit=None):
            doc = hit.fields()
            if doc.get(TRASH) or doc.get(NAMESPACE):
                continue
            names = [n for n in doc.get(NAME) or () if n.startswith(prefix)]
            if names:
                found.append(Source(doc[ITEMID], doc[REVID], names[0], "", doc.get(ACL)))
    return sorted(found, key=lambda source: source.name)


def readable_sources(app: Any, prefix: str = PREFIX) -> list[Source]:
    """The stored files the current reader may read (moin's ACLs, as for pages)."""

    found = sources(app, prefix)
    pages = [IndexedPage(s.itemid, s.revid, "source", (s.name,), s.namespace, s.acl, 0, s.name, {}, {}) for s in found]
    allowed = {p.itemid for p in readable(pages)}
    return [s for s in found if s.itemid in allowed]


#: parsed files and the reader's view of them, by revision id
_PARSED: BoundedCache[str, Any] = BoundedCache(__name__, CACHE_SIZE, "fichiers de subventions lus")


def _cached(key: str, compute: Callable[[], Any]) -> Any:
    return _PARSED.remember(key, compute)


def _read(app: Any, source: Source) -> tuple[bytes, str]:
    rev = app.storage.get_item(itemid=source.itemid)[CURRENT]
    try:
        return rev.data.read(), str(rev.meta.get(COMMENT) or "")
    finally:
        rev.close()


def parsed(app: Any, source: Source) -> Parsed:
    """The records of a stored file, parsed once per revision. A file that no longer parses gives none."""

    def compute() -> Parsed:
        data, comment = _read(app, source)
        try:
            result = scdl.parse(data)
        except FileRefused:
            return Parsed(source, (), comment)
        return Parsed(source, tuple(result.records), comment, tuple(result.apart))

    return _cached("subventions:" + source.revid, compute)


@dataclass(frozen=True)
class Visible:
    """What the current reader sees: each record once, with the file it was first found in."""

    key: tuple[str, ...]  # the revision ids of the files read: changes whenever the data does
    records: tuple[Subvention, ...]
    origins: tuple[Parsed, ...]  # origins[i] is where records[i] comes from
    #: loans and guarantees without amount (each once), never counted in amounts
    apart: tuple[Subvention, ...] = ()


def visible(app: Any) -> Visible:
    """Records of every file the reader may read, identical records of different files counted once."""
    readable = readable_sources(app)
    key = tuple(s.revid for s in readable)

    def compute() -> Visible:
        merged: Counter[Subvention] = Counter()
        first: dict[Subvention, Parsed] = {}
        for source in readable:
            files = parsed(app, source)
            for record, n in Counter(files.records).items():
                if n > merged[record]:  # a subsidy listed twice in one file is two subsidies
                    merged[record] = n
                first.setdefault(record, files)
        records, origins = [], []
        for record, n in merged.items():
            records += [record] * n
            origins += [first[record]] * n
        apart = {r: None for source in readable for r in parsed(app, source).apart}
        return Visible(key, tuple(records), tuple(origins), tuple(apart))

    return _cached("visible:" + "|".join(key), compute)


# -- the SIRET -> commune table -------------------------------------------------------------------------

SIRET_COLUMNS = ("siret", "idbeneficiaire")
COMMUNE_COLUMNS = ("commune", "nomcommune", "libellecommune", "codecommune", "codeinsee", "insee")


def parse_communes(data: bytes) -> tuple[dict[str, str], list[str]]:
    """A table SIRET → commune (name or INSEE code); returns it and the errors (« ligne N, colonne … »)."""
    try:
        text, _encoding = scdl.decode(data)
    except FileRefused as exc:
        return {}, [str(exc)]
    reader = csv_files.rows(text, scdl.MAX_CELL)
    header = [scdl._key(h) for h in next(reader, [])]
    col_siret = next((header.index(c) for c in SIRET_COLUMNS if c in header), None)
    col_commune = next((header.index(c) for c in COMMUNE_COLUMNS if c in header), None)
    if col_siret is None or col_commune is None:
        return {}, ["la première ligne doit nommer les colonnes « siret » et « commune » (nom ou code INSEE)."]
    table: dict[str, str] = {}
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            errors.append(f"ligne {line} : {len(row)} cellules au lieu de {len(header)}.")
            continue
        number = siret(row[col_siret])
        if number is None:
            errors.append(f"ligne {line}, colonne « siret » : « {row[col_siret]} » n'est pas un SIRET (14 chiffres).")
        written = row[col_commune].strip()
        if not written:
            errors.append(f"ligne {line}, colonne « commune » : valeur obligatoire manquante.")
        if number and written:
            found = communes.find(written)
            table[number] = found.nom if found else written
    if not table and not errors:
        errors.append("aucune ligne dans le fichier.")
    return table, errors


def siret_communes(app: Any) -> dict[str, str]:
    """SIRET → commune, from every table the reader may read (the latest file wins a shared SIRET)."""
    table: dict[str, str] = {}
    for source in readable_sources(app, COMMUNES_PREFIX):

        def compute(source: Source = source) -> dict[str, str]:
            return parse_communes(_read(app, source)[0])[0]

        table.update(_cached("communes:" + source.revid, compute))
    return table


# -- importing ------------------------------------------------------------------------------------------


def _same_file(app: Any, data: bytes, prefix: str) -> str:
    """The name of a stored file with exactly these bytes, or ""."""
    digest = hashlib.sha1(
        data, usedforsecurity=False
    ).hexdigest()  # what moin records of every revision (an identity, not a secret)
    for source in sources(app, prefix):
        rev = app.storage.get_item(itemid=source.itemid)[CURRENT]
        if rev.meta.get(HASH_ALGORITHM) == digest:
            return source.name
    return ""


def _comment(kind: str, data: bytes, origine: str, user: str) -> str:
    today = datetime.date.today().isoformat()
    sha = hashlib.sha256(data).hexdigest()
    return (
        f"{kind} — origine : {origine.strip() or 'non précisée'} — importé le {today}"
        + (f" par {user}" if user else "")
        + f" — SHA-256 {sha}"
    )


def check(data: bytes, progress: Callable[[int, int], None] | None = None) -> scdl.Parsed:
    """Every row of a file checked; raises ImportRefused listing each bad row (line, column, reason)."""
    try:
        result = scdl.parse(data, progress=progress)
    except FileRefused as exc:
        raise ImportRefused(str(exc)) from None
    if result.error_count:
        # the header's problems first (names, order, missing or extra columns), as the validator lists them, so
        # that a file with misnamed columns is not reported as one with only its cells wrong
        header = [
            f"avertissement : {w}" for kind in (scdl.W_HEADER, scdl.W_EXTRA) for w in result.warnings.get(kind, [])
        ]
        rows = header + [str(e) for e in result.errors]
        if result.error_count > len(result.errors):
            rows.append(f"… et {result.error_count - len(result.errors)} autre(s) erreur(s).")
        others = [
            line
            for line in result.warning_lines(scdl.MAX_LISTED_WARNINGS)
            if not line.startswith((scdl.W_HEADER + " — ", scdl.W_EXTRA + " — "))
        ]
        rows += [f"avertissement : {line}" for line in others]
        said = f"{result.error_count} erreur(s) dans le fichier (sur {result.rows} ligne(s))"
        if header:
            said += f" ; en-têtes : {len(header)} écart(s) au schéma (noms, ordre ou colonnes absentes ou en plus)"
        raise ImportRefused(said + ".", rows)
    return result


def import_file(
    app: Any,
    data: bytes,
    filename: str,
    origine: str = "",
    user: str = "",
    progress: Callable[[int, int], None] | None = None,
    checked: scdl.Parsed | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Check a whole SCDL file, then store it as one item (all or nothing; the same bytes twice: nothing).

    ``checked`` is the result of :func:`check` on the same bytes, when the caller already checked them.
    ``dry_run``: say what would be imported, write nothing.
    """

    name = item_name(filename)
    same = _same_file(app, data, PREFIX)
    if same:  # these very bytes were checked and stored before: nothing to read again
        return ImportReport(name, False, 0, 0, same_as=same)
    result = checked if checked is not None else check(data, progress)
    total = sum(r.montant for r in result.records)
    known: set[Subvention] = set()
    for source in sources(app):
        if source.name != name:
            known.update(parsed(app, source).records)
    duplicates = sum(1 for r in result.records if r in known)
    said = {"summary": result.summary(), "warnings": result.warning_lines()}
    if dry_run:
        return ImportReport(
            name, False, len(result.records), total, duplicates, result.ignored_columns, dry_run=True, **said
        )
    itemid = store_page(
        app,
        name,
        data,
        _comment("Import SCDL subventions", data, origine, user),
        contenttype=CONTENT_TYPES[0] if result.encoding == "utf-8" else CONTENT_TYPES[1],
    )
    # the records were just read: this process need not read the file again to show them
    rev = app.storage.get_item(itemid=itemid)[CURRENT]
    source = Source(itemid, rev.meta[REVID], name, "", rev.meta.get(ACL))
    _cached(
        "subventions:" + source.revid,
        lambda: Parsed(source, tuple(result.records), rev.meta.get(COMMENT, ""), tuple(result.apart)),
    )
    return ImportReport(name, True, len(result.records), total, duplicates, result.ignored_columns, **said)


def import_communes(app: Any, data: bytes, filename: str, origine: str = "", user: str = "") -> str:
    """Store a SIRET → commune table (all or nothing); returns a French report."""

    name = item_name(filename, COMMUNES_PREFIX)
    table, errors = parse_communes(data)
    if errors:
        raise ImportRefused(f"{len(errors)} erreur(s) dans la table.", errors)
    same = _same_file(app, data, COMMUNES_PREFIX)
    if same:
        return f"« {name} » : table déjà importée ({same}), rien n'a changé."
    contenttype = CONTENT_TYPES[0] if scdl.decode(data)[1] == "utf-8" else CONTENT_TYPES[1]
    store_page(app, name, data, _comment("Table SIRET → commune", data, origine, user), contenttype=contenttype)
    return f"« {name} » importée : {len(table)} SIRET avec leur commune."


#: where admins upload subsidy files (the route of ``plugins/subventions/web.py``)
IMPORT_PATH = "/+financements/import"


def may_import() -> bool:
    """Importing public files changes the network's figures: admins only (the admin right on the data space)."""
    return bool(flaskg.user.valid and flaskg.user.may.admin(PREFIX.rstrip("/")))
