"""The figures of subsidies: who gets what, from whom, where, and how concentrated it is.

Everything is computed on integer cents and exact fractions, and rounded half up only when shown:
a total is exact to the cent, a share to the tenth of a percent, the Gini index to the hundredth.

- Amounts: the schema's ``montant`` is the total of a grant *before* it is shared between beneficiaries;
  what a beneficiary received is its share, ``montant`` × ``pourcentageSubvention`` (rounded half up to the
  cent). Every total, ranking and concentration figure adds shares (:data:`METHOD` says so on the page).
- Beneficiaries: one organisation is one beneficiary: identified by its SIREN (the first 9 digits of its
  SIRET), else its RNA number, else its normalised name (accents, case, punctuation, an article in front or
  behind); a row without ids takes the SIREN its name or RNA number has elsewhere (:func:`identities`). Its
  spellings are kept. It is matched to a fiche by SIREN, RNA number or name, and then counted as that fiche.
- Concentration: the share of the best-funded 10 % of beneficiaries (rounded up to a whole number of
  beneficiaries, at least one) and the Gini index, from 0 (everyone gets the same) to nearly 1 (one gets
  everything), with its Lorenz curve (share of the total received by the poorest x % of beneficiaries).
- Where: the commune of the matched fiche, else the SIRET → commune table loaded by an admin.
- Schemes: a ``dispositifAide`` naming a ``dispositif`` page (its title or its name) links the subsidy to it.

Only what the reader may read is used: the files (moin's ACLs on their items), the fiches and schemes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from plugins.data import communes
from plugins.data import numbers as nombres
from plugins.data.caches import BoundedCache
from plugins.data.identifiants import rna, siret, siret_key_ok
from plugins.data.text import fold
from plugins.indexing.query import readable
from plugins.indexing.structured import IndexedPage, by_alias, get_index
from plugins.subventions.scdl import COLUMNS, EXPORT_NAMES, MAX_SCHEMA_TEXT, NATURES, Subvention
from plugins.subventions.store import COMMUNES_PREFIX, Parsed, Visible, readable_sources, siret_communes, visible

#: selection arguments, in the order the manual gives them
FILTERS = ("attribuant", "annee", "beneficiaire", "objet", "commune", "nature", "dispositif", "fiche")
UNKNOWN_COMMUNE = "commune inconnue"
NO_NATURE = "non renseignée"
#: how amounts and beneficiaries are counted, as the page states it
METHOD = (
    "Méthode : le montant d'une subvention (colonne « montant » du schéma SCDL) est son total avant répartition ; "
    "chaque bénéficiaire est compté pour sa part, montant × pourcentageSubvention (arrondie au centime). "
    "Un bénéficiaire est reconnu par son SIREN (les 9 premiers chiffres du SIRET), sinon son numéro RNA, sinon "
    "son nom normalisé (sans accents, majuscules, ponctuation ni article « Le », « La », « Les », « L' » devant ou "
    "derrière) : ses différentes graphies comptent pour un seul bénéficiaire. Les prêts et garanties publiés sans "
    "montant ne sont pas comptés."
)
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
    #: the spellings of its name in the files, most frequent first
    spellings: tuple[str, ...] = ()
    siren: str = ""


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


#: articles dropped in front of or behind a name (« Les Écossolies », « ECOSSOLIES (LES) », « L'Atelier »)
ARTICLES = frozenset({"le", "la", "les", "l"})


def normalised_name(name: str) -> str:
    """A beneficiary's name as compared: accents, case and punctuation ignored, an article in front or behind
    dropped (« Les Écossolies », « ECOSSOLIES (LES) » and « Ecossolies » are one name)."""
    words = re.sub(r"[^0-9a-z]+", " ", fold(name)).split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    if len(words) > 1 and words[-1] in ARTICLES:
        words = words[:-1]
    return " ".join(words)


def identities(records: tuple[Subvention, ...]) -> list[str]:
    """The identity of each record's beneficiary: its SIREN (the first 9 digits of a SIRET), else its RNA
    number, else its normalised name. A row without SIREN takes the SIREN that the same RNA number or the same
    normalised name has elsewhere (when only one SIREN goes with it), so that one association published under
    several spellings, with or without its ids, is one beneficiary."""
    siren_of_rna: dict[str, set[str]] = {}
    siren_of_name: dict[str, set[str]] = {}
    rna_of_name: dict[str, set[str]] = {}
    for record in records:
        name = normalised_name(record.beneficiaire)
        if record.siren:
            if record.rna:
                siren_of_rna.setdefault(record.rna, set()).add(record.siren)
            siren_of_name.setdefault(name, set()).add(record.siren)
        elif record.rna:
            rna_of_name.setdefault(name, set()).add(record.rna)

    def only(found: set[str] | None) -> str:
        return next(iter(found)) if found and len(found) == 1 else ""

    out = []
    for record in records:
        name = normalised_name(record.beneficiaire)
        siren = record.siren
        if not siren and record.rna:
            siren = only(siren_of_rna.get(record.rna))
        elif not siren:
            siren = only(siren_of_name.get(name))
        if siren:
            out.append("siren:" + siren)
            continue
        number = record.rna or only(rna_of_name.get(name))
        out.append("rna:" + number if number else "nom:" + name)
    return out


class _Matcher:
    """Finds the fiche of a beneficiary: by SIRET or SIREN, else RNA number, else name."""

    def __init__(self, fiches: list[IndexedPage], table: dict[str, str]) -> None:
        self.by_siren: dict[str, IndexedPage] = {}
        self.by_rna: dict[str, IndexedPage] = {}
        self.by_normalised: dict[str, IndexedPage] = {}
        for page in fiches:
            number = siret(str(page.data.get("siret") or ""))
            if number:
                self.by_siren.setdefault(number[:9], page)
            number = rna(str(page.data.get("rna") or ""))
            if number:
                self.by_rna.setdefault(number, page)
            self.by_normalised.setdefault(normalised_name(page.title), page)
        self.by_name = by_alias(fiches)
        self.table = table

    def fiche(self, records: list[Subvention]) -> IndexedPage | None:
        for record in records:
            if record.siren and record.siren in self.by_siren:
                return self.by_siren[record.siren]
        for record in records:
            if record.rna and record.rna in self.by_rna:
                return self.by_rna[record.rna]
        for record in records:
            page = self.by_name.get(fold(record.beneficiaire)) or self.by_normalised.get(
                normalised_name(record.beneficiaire)
            )
            if page is not None:
                return page
        return None

    def __call__(self, records: tuple[Subvention, ...]) -> list[Beneficiary]:
        """The beneficiary of each record, one per identity (see :func:`identities`)."""
        keys = identities(records)
        groups: dict[str, list[Subvention]] = {}
        for key, record in zip(keys, records, strict=True):
            groups.setdefault(key, []).append(record)
        found: dict[str, Beneficiary] = {}
        for key, members in groups.items():
            fiche = self.fiche(members)
            spellings = tuple(name for name, _n in Counter(r.beneficiaire for r in members).most_common())
            sirets = [r.siret for r in members if r.siret]
            numbers = [r.rna for r in members if r.rna]
            commune = str(fiche.data.get("commune") or "") if fiche is not None else ""
            if not commune:
                commune = next((self.table[s] for s in sirets if s in self.table), "")
            found[key] = Beneficiary(
                "fiche:" + fiche.fullname if fiche is not None else key,
                fiche.title if fiche is not None else spellings[0],
                fiche,
                commune,
                sirets[0] if sirets else "",
                numbers[0] if numbers else "",
                spellings,
                next((r.siren for r in members if r.siren), ""),
            )
        return [found[key] for key in keys]


#: the reader's linked records and figures; keys carry the data's and the reader's versions
_CACHE: BoundedCache[tuple[Any, ...], Any] = BoundedCache(__name__, 64, "subventions reliées et chiffres")


def remember(key: tuple[Any, ...], compute: Any) -> Any:
    """A value kept while its key holds (keys carry the data's and the reader's versions)."""
    return _CACHE.remember(key, compute)


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
        who = match(seen.records)
        scheme = []
        by_fiche: dict[str, list[int]] = {}
        by_scheme: dict[str, list[int]] = {}
        for i, record in enumerate(seen.records):
            beneficiary = who[i]
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
                or term.replace(" ", "") in (record.siret, record.siren, record.rna.lower())
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
    spellings: tuple[str, ...] = ()

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
    #: selected records the SCDL 2.1.1 export cannot hold (they are in the enriched export)
    outside_schema: int = 0
    #: loans and guarantees without amount in the files read (kept apart, never counted)
    apart: int = 0

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
    return k, nombres.rate(sum(values[:k]), sum(values))


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
        line.cents += w.visible.records[i].part
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
            who = names[line.label]
            line.label, line.commune, line.spellings = who.name, who.commune, who.spellings
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
            total=sum(records[i].part for i in indices),
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
            outside_schema=sum(1 for i in indices if outside_schema(records[i])),
            apart=len(w.visible.apart),
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

#: the enriched export: the schema's columns, then ours
ENRICHED_COLUMNS = (
    *COLUMNS,
    "sirenBeneficiaire",
    "partBeneficiaire",
    "beneficiaire",
    "fiche",
    "communeBeneficiaire",
    "source",
    "avertissements",
)
_SCHEMA_PERIOD = re.compile(r"\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?")


def outside_schema(record: Subvention) -> list[str]:
    """Why a record cannot be written as a row of the SCDL 2.1.1 schema (empty: it can), in French.

    Nothing is invented to fill the gap: such a record goes only to the enriched export.
    """

    why = []
    if record.year_only:
        why.append(f"date de convention réduite à l'année {record.date}")
    if len(record.id_attribuant) != 14:
        why.append("attribuant sans SIRET")
    elif not siret_key_ok(record.id_attribuant):  # Validata checks the key of every SIRET
        why.append("SIRET de l'attribuant à la clé de contrôle fausse")
    if not record.siret and not record.rna:
        why.append("bénéficiaire sans SIRET ni RNA")
    if record.siret and not siret_key_ok(record.siret):
        why.append("SIRET du bénéficiaire à la clé de contrôle fausse")
    if not record.objet or len(record.objet) > MAX_SCHEMA_TEXT:
        why.append("objet absent ou de plus de 256 caractères")
    if record.nature not in NATURES:
        why.append("nature absente ou hors des valeurs du schéma")
    if not record.conditions or len(record.conditions) > MAX_SCHEMA_TEXT:
        why.append("conditions de versement absentes ou de plus de 256 caractères")
    if not _SCHEMA_PERIOD.fullmatch(record.periode):
        why.append("date ou période de versement absente")
    if record.notification_ue not in ("oui", "non"):
        why.append("notificationUE absente")
    if len(record.id_rae) > 5:
        why.append("idRAE de plus de 5 caractères")
    if Decimal(record.pourcentage) < Decimal("0.01"):
        why.append("pourcentage inférieur à 0.01")
    return why


def remarks(record: Subvention) -> list[str]:
    """What a reuser should know of a record: what keeps it out of the schema, and the legacy forms it had."""
    out = outside_schema(record)
    if record.siren and not record.siret:
        out.append(f"SIREN {record.siren} publié au lieu du SIRET")
    return out


def _amount(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def scdl_row(record: Subvention) -> dict[str, str]:
    """A record as a row of the SCDL 2.1.1 schema: its columns, its formats (point décimal, ISO dates, « / »)."""

    row = {EXPORT_NAMES[k]: str(getattr(record, k)) for k in EXPORT_NAMES}
    row["montant"] = _amount(record.montant)
    return row


def scdl_rows(w: World, filters: Filters) -> tuple[list[dict[str, str]], int]:
    """The selected records that the SCDL 2.1.1 schema can hold, as its rows; and how many it cannot."""
    out, left = [], 0
    for i in select(w, filters):
        record = w.visible.records[i]
        if outside_schema(record):
            left += 1
        else:
            out.append(scdl_row(record))
    return out, left


def rows(w: World, filters: Filters) -> list[dict[str, Any]]:
    """The selected records with our additions: SIREN, share, beneficiary as counted, fiche, commune, source
    file, remarks (the enriched export; values as text)."""
    out = []
    for i in select(w, filters):
        record, who = w.visible.records[i], w.who[i]
        row: dict[str, Any] = scdl_row(record)
        row.update(
            sirenBeneficiaire=who.siren,
            partBeneficiaire=_amount(record.part),
            beneficiaire=who.name,
            fiche=who.fiche.fullname if who.fiche else "",
            communeBeneficiaire=who.commune,
            source=w.visible.origins[i].source.name,
            avertissements=" ; ".join(remarks(record)),
        )
        out.append(row)
    return out


def json_rows(w: World, filters: Filters) -> list[dict[str, Any]]:
    """The enriched rows with numbers as JSON numbers and ``notificationUE`` as a boolean."""
    out = []
    for row in rows(w, filters):
        row["montant"] = float(Decimal(row["montant"]))
        row["partBeneficiaire"] = float(Decimal(row["partBeneficiaire"]))
        row["pourcentageSubvention"] = float(Decimal(row["pourcentageSubvention"]))
        row["notificationUE"] = {"oui": True, "non": False}.get(row["notificationUE"])
        row["avertissements"] = row["avertissements"].split(" ; ") if row["avertissements"] else []
        out.append(row)
    return out


def received(app: Any, fiche_name: str) -> tuple[list[tuple[Subvention, Parsed]], World]:
    """The subsidies a fiche received (as the reader sees them), most recent first."""
    w = world(app)
    found = [(w.visible.records[i], w.visible.origins[i]) for i in w.by_fiche.get(fiche_name, [])]
    return sorted(found, key=lambda ro: (ro[0].date, ro[0].montant), reverse=True), w
