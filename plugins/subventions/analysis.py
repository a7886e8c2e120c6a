"""The figures of subsidies: who gets what, from whom, where, and how concentrated it is.

Everything is computed on integer cents and exact fractions, and rounded half up only when shown:
a total is exact to the cent, a share to the tenth of a percent, the Gini index to the hundredth.

- Beneficiaries: subsidies of one organisation are added up. A beneficiary is matched to a fiche of the
  wiki by its SIRET (``idBeneficiaire``), else its RNA number, else its name (accents and case ignored,
  as any page is named by another); it is then counted as that fiche. Otherwise, it is its SIRET, its RNA
  number, or its name.
- Concentration: the share of the best-funded 10 % of beneficiaries (rounded up to a whole number of
  beneficiaries, at least one) and the Gini index, from 0 (everyone gets the same) to nearly 1 (one gets
  everything), with its Lorenz curve (share of the total received by the poorest x % of beneficiaries).
- Where: the commune of the matched fiche, else the SIRET → commune table loaded by an admin.
- Schemes: a ``dispositifAide`` naming a ``dispositif`` page (its title or its name) links the subsidy to it.

Only what the reader may read is used: the files (moin's ACLs on their items), the fiches and schemes.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from plugins.data import communes, numbers
from plugins.data.identifiants import rna, siret
from plugins.data.text import fold
from plugins.indexing.query import readable
from plugins.indexing.structured import IndexedPage, by_alias, get_index
from plugins.subventions.scdl import COLUMNS, EXPORT_NAMES, Subvention
from plugins.subventions.store import COMMUNES_PREFIX, Parsed, Visible, readable_sources, siret_communes, visible

#: selection arguments, in the order the manual gives them
FILTERS = ("attribuant", "annee", "beneficiaire", "objet", "commune", "nature", "dispositif", "fiche")
UNKNOWN_COMMUNE = "commune inconnue"
NO_NATURE = "non renseignée"
#: the share of beneficiaries whose part is shown (the best-funded 10 %)
TOP_SHARE = Fraction(1, 10)


class SelectionError(ValueError):
    """A wrong selection argument; the message (French) says what is valid."""


@dataclass(frozen=True)
class Filters:
    """A selection of subsidies. Texts match without accents or case; ``objet`` and names match a part."""

    attribuant: str = ""
    annee: int | None = None
    beneficiaire: str = ""
    objet: str = ""
    commune: str = ""
    nature: str = ""
    dispositif: str = ""
    fiche: str = ""  # the page name of a fiche: the subsidies linked to it

    def items(self) -> list[tuple[str, str]]:
        return [(k, str(getattr(self, k))) for k in FILTERS if getattr(self, k) not in ("", None)]

    def query_string(self, **changes: Any) -> str:
        params = dict(self.items())
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return urlencode(params)


def filters_from(fixed: Mapping[str, str], asked: Mapping[str, str] | None = None) -> Filters:
    """Filters from a macro's arguments (unknown ones refused) narrowed by a query string (others ignored)."""
    values: dict[str, Any] = {}
    for source in (fixed, asked or {}):
        for raw_key, raw in source.items():
            key = fold(raw_key)
            if key not in FILTERS:
                if source is fixed:
                    raise SelectionError(
                        f"argument inconnu « {raw_key} » ; arguments possibles : {', '.join(FILTERS)}."
                    )
                continue
            value = str(raw).strip()
            if key == "annee" and value:
                if not (value.isdigit() and len(value) == 4):
                    raise SelectionError(f"« annee » s'écrit sur quatre chiffres, par exemple 2023, pas « {value} ».")
                values[key] = int(value)
            elif value:
                values[key] = value
    return Filters(**values)


# -- linking records to the wiki's pages ------------------------------------------------------------------


@dataclass(frozen=True)
class Beneficiary:
    key: str
    name: str
    fiche: IndexedPage | None
    commune: str
    siret: str
    rna: str


@dataclass
class World:
    """What the current reader sees, linked: for each record, its beneficiary and its scheme page."""

    key: tuple[Any, ...]
    visible: Visible
    who: list[Beneficiary]
    scheme: list[IndexedPage | None]
    by_fiche: dict[str, list[int]]
    by_scheme: dict[str, list[int]]


def _readable(type_name: str) -> list[IndexedPage]:

    index = get_index()
    return readable(index.pages(type_name)) if index else []


class _Matcher:
    """Finds the fiche of a beneficiary: by SIRET, else RNA number, else name."""

    def __init__(self, fiches: list[IndexedPage], table: dict[str, str]) -> None:
        self.by_siret: dict[str, IndexedPage] = {}
        self.by_rna: dict[str, IndexedPage] = {}
        for page in fiches:
            number = siret(str(page.data.get("siret") or ""))
            if number:
                self.by_siret.setdefault(number, page)
            number = rna(str(page.data.get("rna") or ""))
            if number:
                self.by_rna.setdefault(number, page)
        self.by_name = by_alias(fiches)
        self.table = table
        self.seen: dict[tuple[str, str, str], Beneficiary] = {}

    def __call__(self, record: Subvention) -> Beneficiary:
        key = (record.beneficiaire, record.siret, record.rna)
        found = self.seen.get(key)
        if found is None:
            fiche = (
                (self.by_siret.get(record.siret) if record.siret else None)
                or (self.by_rna.get(record.rna) if record.rna else None)
                or self.by_name.get(fold(record.beneficiaire))
            )
            if fiche is not None:
                ident, name = "fiche:" + fiche.fullname, fiche.title
            elif record.siret:
                ident, name = "siret:" + record.siret, record.beneficiaire
            elif record.rna:
                ident, name = "rna:" + record.rna, record.beneficiaire
            else:
                ident, name = "nom:" + fold(record.beneficiaire), record.beneficiaire
            commune = str(fiche.data.get("commune") or "") if fiche is not None else ""
            if not commune and record.siret:
                commune = self.table.get(record.siret, "")
            found = Beneficiary(ident, name, fiche, commune, record.siret, record.rna)
            self.seen[key] = found
        return found


_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def remember(key: tuple[Any, ...], compute: Any) -> Any:
    """A value kept while its key holds (keys carry the data's and the reader's versions)."""
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = compute()
    with _LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def world(app: Any) -> World:
    """The reader's records, linked to the fiches and schemes they may read (kept while nothing changes)."""
    seen = visible(app)
    fiches, schemes = _readable("fiche"), _readable("dispositif")
    tables = readable_sources(app, COMMUNES_PREFIX)
    key = (
        seen.key,
        tuple(p.revid for p in fiches),
        tuple(p.revid for p in schemes),
        tuple(s.revid for s in tables),
    )

    def compute() -> World:
        match = _Matcher(fiches, siret_communes(app) if tables else {})
        scheme_names = by_alias(schemes)
        scheme_cache: dict[str, IndexedPage | None] = {}
        who, scheme = [], []
        by_fiche: dict[str, list[int]] = {}
        by_scheme: dict[str, list[int]] = {}
        for i, record in enumerate(seen.records):
            beneficiary = match(record)
            who.append(beneficiary)
            if beneficiary.fiche is not None:
                by_fiche.setdefault(beneficiary.fiche.fullname, []).append(i)
            page = None
            if record.dispositif:
                if record.dispositif not in scheme_cache:
                    scheme_cache[record.dispositif] = scheme_names.get(fold(record.dispositif))
                page = scheme_cache[record.dispositif]
                if page is not None:
                    by_scheme.setdefault(page.fullname, []).append(i)
            scheme.append(page)
        return World(key, seen, who, scheme, by_fiche, by_scheme)

    return remember(("world", *key), compute)


def select(w: World, filters: Filters) -> list[int]:
    """Indices of the records of a selection."""
    wanted = {k: fold(v) for k, v in filters.items()}
    year = filters.annee
    out = []
    for i, record in enumerate(w.visible.records):
        if year is not None and record.annee != year:
            continue
        if "attribuant" in wanted and not (
            wanted["attribuant"] in fold(record.attribuant) or wanted["attribuant"] == record.id_attribuant
        ):
            continue
        if "objet" in wanted and wanted["objet"] not in fold(record.objet):
            continue
        if "nature" in wanted and wanted["nature"] != fold(record.nature or NO_NATURE):
            continue
        if "beneficiaire" in wanted:
            who = w.who[i]
            term = wanted["beneficiaire"]
            if not (
                term in fold(record.beneficiaire)
                or term in fold(who.name)
                or term.replace(" ", "") in (record.siret, record.rna.lower())
            ):
                continue
        if "fiche" in wanted and (w.who[i].fiche is None or fold(w.who[i].fiche.fullname) != wanted["fiche"]):
            continue
        if "commune" in wanted and fold(w.who[i].commune or UNKNOWN_COMMUNE) != wanted["commune"]:
            continue
        if "dispositif" in wanted:
            page = w.scheme[i]
            if wanted["dispositif"] not in fold(record.dispositif) and (
                page is None or wanted["dispositif"] not in fold(page.title)
            ):
                continue
        out.append(i)
    return out


# -- figures ----------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One line of a split (a year, a nature, a commune…): its amount, its number of subsidies."""

    label: str
    cents: int
    count: int
    beneficiaries: int = 0
    page: IndexedPage | None = None
    commune: str = ""

    @property
    def euros(self) -> Decimal:
        return Decimal(self.cents) / 100


@dataclass
class Figures:
    total: int  # cents
    count: int
    beneficiaries: list[Line]  # best-funded first
    top_count: int
    top_share: Decimal | None
    gini: Decimal | None
    lorenz: list[tuple[Fraction, Fraction]]  # (share of beneficiaries, share of the total), poorest first
    by_year: list[Line]
    by_nature: list[Line]
    by_attribuant: list[Line]
    by_commune: list[Line]
    by_scheme: list[Line]
    sources: list[tuple[Parsed, int]] = field(default_factory=list)

    @property
    def euros(self) -> Decimal:
        return Decimal(self.total) / 100


def gini(amounts: list[int]) -> Fraction | None:
    """Gini index of amounts (exact): 0 when all are equal, (n-1)/n when one gets all; None without money."""
    values = sorted(amounts)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return None
    weighted = sum(i * v for i, v in enumerate(values, 1))
    return Fraction(2 * weighted, n * total) - Fraction(n + 1, n)


def lorenz(amounts: list[int]) -> list[tuple[Fraction, Fraction]]:
    """Points of the Lorenz curve, from (0, 0) to (1, 1), poorest beneficiaries first."""
    values = sorted(amounts)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return []
    points, running = [(Fraction(0), Fraction(0))], 0
    for i, v in enumerate(values, 1):
        running += v
        points.append((Fraction(i, n), Fraction(running, total)))
    return points


def top_share(amounts: list[int], share: Fraction = TOP_SHARE) -> tuple[int, Decimal | None]:
    """How many beneficiaries make the best-funded ``share`` (rounded up, at least 1), and their part in %."""
    values = sorted(amounts, reverse=True)
    if not values or sum(values) == 0:
        return 0, None
    k = max(1, math.ceil(len(values) * share))
    return k, numbers.rate(sum(values[:k]), sum(values))


def rounded(value: Fraction | None, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def split(w: World, indices: list[int], label_of: Any, page_of: Any = None) -> list[Line]:
    lines: dict[str, Line] = {}
    people: dict[str, set[str]] = {}
    for i in indices:
        label = label_of(i)
        line = lines.get(label)
        if line is None:
            line = lines[label] = Line(label, 0, 0, page=page_of(i) if page_of else None)
            people[label] = set()
        line.cents += w.visible.records[i].montant
        line.count += 1
        people[label].add(w.who[i].key)
    for label, line in lines.items():
        line.beneficiaries = len(people[label])
    return sorted(lines.values(), key=lambda line: (-line.cents, fold(line.label)))


def compute(w: World, filters: Filters) -> Figures:
    """The figures of a selection (kept while nothing changes, per reader and selection)."""

    def run() -> Figures:
        indices = select(w, filters)
        records = w.visible.records
        beneficiaries = split(w, indices, lambda i: w.who[i].key, lambda i: w.who[i].fiche)
        names = {}
        for i in indices:
            names.setdefault(w.who[i].key, w.who[i])
        for line in beneficiaries:
            line.label, line.commune = names[line.label].name, names[line.label].commune
        amounts = [line.cents for line in beneficiaries]
        k, share = top_share(amounts)
        years = split(w, indices, lambda i: str(records[i].annee))
        years.sort(key=lambda line: line.label)
        origins: dict[str, tuple[Parsed, int]] = {}
        for i in indices:
            origin = w.visible.origins[i]
            parsed, n = origins.get(origin.source.revid, (origin, 0))
            origins[origin.source.revid] = (parsed, n + 1)
        return Figures(
            total=sum(records[i].montant for i in indices),
            count=len(indices),
            beneficiaries=beneficiaries,
            top_count=k,
            top_share=share,
            gini=rounded(gini(amounts)),
            lorenz=lorenz(amounts),
            by_year=years,
            by_nature=split(w, indices, lambda i: records[i].nature or NO_NATURE),
            by_attribuant=split(w, indices, lambda i: records[i].attribuant),
            by_commune=split(w, indices, lambda i: w.who[i].commune or UNKNOWN_COMMUNE),
            by_scheme=split(
                w,
                [i for i in indices if records[i].dispositif],
                lambda i: w.scheme[i].title if w.scheme[i] else records[i].dispositif,
                lambda i: w.scheme[i],
            ),
            sources=sorted(origins.values(), key=lambda pn: pn[0].source.name),
        )

    return remember(("figures", w.key, filters), run)


def located(lines: list[Line]) -> tuple[list[tuple[Line, communes.Commune]], list[Line]]:
    """Communes of a split with known coordinates, and the others (unknown commune, outside the reference)."""
    placed, unplaced = [], []
    for line in lines:
        found = communes.find(line.label) if line.label != UNKNOWN_COMMUNE else None
        if found is None:
            unplaced.append(line)
        else:
            placed.append((line, found))
    return placed, unplaced


# -- rows for exports -------------------------------------------------------------------------------------

EXPORT_COLUMNS = (*COLUMNS, "fiche", "communeBeneficiaire", "source")


def rows(w: World, filters: Filters) -> list[dict[str, str]]:
    """The selected records as rows of the national schema, plus the fiche, the commune and the source file."""

    out = []
    for i in select(w, filters):
        record, who = w.visible.records[i], w.who[i]
        row = {EXPORT_NAMES[k]: getattr(record, k) for k in EXPORT_NAMES}
        row["montant"] = f"{Decimal(record.montant) / 100:.2f}"
        row.update(
            fiche=who.fiche.fullname if who.fiche else "",
            communeBeneficiaire=who.commune,
            source=w.visible.origins[i].source.name,
        )
        out.append(row)
    return out


def received(app: Any, fiche_name: str) -> tuple[list[tuple[Subvention, Parsed]], World]:
    """The subsidies a fiche received (as the reader sees them), most recent first."""
    w = world(app)
    found = [(w.visible.records[i], w.visible.origins[i]) for i in w.by_fiche.get(fiche_name, [])]
    return sorted(found, key=lambda ro: (ro[0].date, ro[0].montant), reverse=True), w


def url(path: str, filters: Filters) -> str:
    qs = filters.query_string()
    return path + (f"?{qs}" if qs else "")
