"""Pooling of skills and resources: needs meet offers across the network.

Each open need is compared with every open offer that shares a word, a root or a notion with it (an
inverted index, so a wiki of thousands of fiches does not compare every pair). The score of a pair says how
much of the need the offer's description covers, word by word, each word weighted by its rarity (IDF), with
the French analysis of the search (Snowball stems, accents folded, the roots of ``plugins/indexing/fulltext.py``), a
shorter root for « répéter » / « répétition », and a small table of notions (« salle » is a « local »,
« camion » a « véhicule »). Agreeing kinds (declared, or guessed from the words when a plain line gives none)
keep it whole, differing kinds lower it. Only pairs whose text and kind pass :data:`MIN_SCORE` are matches; among them, the distance between
communes (their centroids) and the freshness of the fiches rank the offers.

This module is data only: it knows nothing of readers. Callers give it the pages the reader may read
(``plugins/views/mutualisation.py`` does, through ``plugins/indexing/query.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from plugins.data import communes
from plugins.data.schema import GENRES, TOUT_DEPARTEMENT, parse_resource_line
from plugins.data.text import fold
from plugins.indexing.fulltext import ROOT_MARK, french_analyzer

#: the two sides of the pooling, as fiche fields
OFFRES, BESOINS = "offres", "besoins"
#: a pair below this score (text and kind, before distance and freshness) is no match
MIN_SCORE = 0.3
#: how much a word counts when an offer has it: same stem, same 6-letter root, same 5-letter root, same notion
STEM, ROOT, SHORT_ROOT, NOTION = 1.0, 0.85, 0.6, 0.75
#: weight of the kind when it counts as one more word of a description (relative to a word of the same rarity)
KIND_WORD = 0.5
#: kinds whose very name is a word members repeat in the description (counted once, as the kind)
KIND_NOTION = {"formation": "formation", "bénévolat": "benevole"}
#: the text score weighs how much of the need the offer covers, and how much of the offer the need covers
NEED_SIDE, OFFER_SIDE = 0.6, 0.4
#: the text score is multiplied by: same kind, one kind unknown, different kinds
SAME_KIND, UNKNOWN_KIND, OTHER_KIND = 1.0, 0.85, 0.6
#: kinds that often name the same thing from two sides (a photographer is a « compétence » to one member and
#: « communication » to another): between them the text score is multiplied by UNKNOWN_KIND, not OTHER_KIND
NEAR_KINDS = frozenset({frozenset({"compétence", "communication"}), frozenset({"compétence", "formation"})})
#: distance (km) at which the distance factor has lost 63 % of its 25 % share
DISTANCE_SCALE_KM = 20.0
#: a word, root or notion found in more than this share of the entries (and at least COMMON_MIN of them)
#: opens no comparison by itself
COMMON_SHARE, COMMON_MIN = 0.03, 40
#: age (days) at which the freshness factor has lost 63 % of its 10 % share
FRESHNESS_SCALE_DAYS = 365.0

#: words that say one asks or offers, not what: they never make a match
NEUTRAL = frozenset(
    fold(w)
    for w in (
        "besoin besoins cherche cherchons recherche recherchons propose proposons offre offrons prêt prête prêter "
        "mise relation disposition mettre aide aider possible ponctuel ponctuelle régulier régulière gratuit gratuite "
        "association associations structure structures projet projets notre nos votre vos autre autres "
        "peut peuvent pouvons pouvez peux souhaite souhaitons"
    ).split()
)

#: notions: words (folded 6-letter roots) that name the same thing; kept small and readable
NOTIONS: dict[str, tuple[str, ...]] = {
    "salle": ("local", "locaux", "salle", "salles", "lieu", "lieux", "espace", "scène", "studio", "plateau"),
    "stockage": ("stockage", "stocker", "entreposer", "hangar", "entrepôt", "garage", "cave", "réserve"),
    "vehicule": ("véhicule", "camion", "camionnette", "fourgon", "utilitaire", "voiture", "remorque", "minibus"),
    "gestion": (
        "comptabilité",
        "comptable",
        "compta",
        "gestion",
        "bilan",
        "budget",
        "paie",
        "trésorerie",
        "financier",
        "financière",
    ),
    "droit": ("juridique", "juriste", "droit", "statuts", "contrat", "contrats", "avocat"),
    "benevole": ("bénévole", "bénévoles", "bénévolat", "volontaire", "volontaires", "bras", "renfort"),
    "graphisme": (
        "graphisme",
        "graphiste",
        "affiche",
        "affiches",
        "maquette",
        "visuel",
        "visuels",
        "logo",
        "mise en page",
    ),
    "communication": ("communication", "communiquer", "presse", "réseaux", "newsletter", "diffusion", "site"),
    "son": (
        "son",
        "sono",
        "sonorisation",
        "sonore",
        "enceinte",
        "enceintes",
        "micro",
        "micros",
        "lumière",
        "éclairage",
        "régie",
    ),
    "informatique": (
        "informatique",
        "ordinateur",
        "ordinateurs",
        "numérique",
        "logiciel",
        "logiciels",
        "serveur",
        "serveurs",
        "internet",
    ),
    "financement": (
        "financement",
        "financer",
        "subvention",
        "subventions",
        "fonds",
        "mécénat",
        "mécène",
        "don",
        "dons",
        "crowdfunding",
        "garantie",
        "garanties",
        "honneur",
    ),
    "formation": ("formation", "former", "formateur", "initiation", "apprentissage", "apprendre", "stage"),
    "jardin": ("jardin", "jardinage", "potager", "maraîchage", "semences", "plants"),
    "paillage": ("broyat", "paillage", "pailler", "copeaux", "BRF"),
    "spectacle": ("spectacle", "spectacles", "concert", "concerts", "représentation", "représentations"),
    "mobilier": ("mobilier", "meubles", "tables", "chaises", "barnum", "tente", "tentes", "stand"),
    "cuisine": ("cuisine", "cuisiner", "repas", "traiteur", "restauration", "buvette"),
    "impression": ("impression", "imprimer", "imprimante", "imprimerie", "reprographie", "photocopie", "photocopieuse"),
    "photo": ("photo", "photos", "photographie", "photographe", "photographier"),
    "video": ("vidéo", "vidéos", "vidéaste", "film", "filmer", "tournage", "montage", "monteur", "caméra"),
    "traduction": ("traduction", "traduire", "traducteur", "traductrice", "interprète", "interprétariat"),
    "hebergement": ("hébergement", "héberger", "logement", "loger", "nuitée", "nuitées"),
    "menuiserie": ("menuiserie", "menuisier", "ébéniste", "ébénisterie", "charpente"),
    "electricite": ("électricité", "électricien", "électrique", "électriques"),
}

#: « local » after another word is an adjective (« producteurs locaux »), not premises
LOCAL_ADJECTIVE = frozenset({"local", "locaux", "locale", "locales"})
#: words that say one gives, not what (« dons d'ordinateurs » is equipment): they guess no kind
GUESS_SKIP = frozenset({"don"})
#: kinds guessed from the words of a line that gives none (first notion or word found wins)
KIND_HINTS: dict[str, tuple[str, ...]] = {
    "local": ("salle", "stockage", "hebergement"),
    "transport": ("vehicule",),
    "compétence": ("gestion", "droit", "traduction", "menuiserie", "electricite"),
    "bénévolat": ("benevole",),
    "communication": ("graphisme", "communication", "photo", "video"),
    "matériel": ("son", "informatique", "mobilier", "materiel", "outils"),
    "financement": ("financement",),
    "formation": ("formation",),
}


def _root(word: str, size: int) -> str:
    base = word[:-1] if len(word) > 4 and word[-1] in "sx" else word
    return base[:size] if len(base) >= 4 else ""


def _notion_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for notion, words in NOTIONS.items():
        for w in words:
            for part in fold(w).split():
                table.setdefault(_root(part, 6) or part, notion)
    return table


_NOTION_OF = _notion_table()


@dataclass(frozen=True)
class Word:
    """One meaningful word of a description: its stem, its roots and its notion."""

    stem: str
    root: str
    short: str
    notion: str | None

    def keys(self) -> set[str]:
        keys = {"s:" + self.stem}
        if self.root:
            keys.add("r:" + self.root)
        if self.short:
            keys.add("c:" + self.short)
        if self.notion:
            keys.add("n:" + self.notion)
        return keys


def words_of(text: str) -> tuple[Word, ...]:
    """The meaningful words of a description, each analysed as the search analyses it."""
    out: list[Word] = []
    for raw in re.findall(r"\w+", fold(text)):
        if out and raw in LOCAL_ADJECTIVE:
            continue  # « légumes locaux »: an adjective (nearby), not premises (« local de stockage »)
        word = _word(raw)
        if word is not None:
            out.append(word)
    return tuple(out)


def singular(word: str) -> str:
    """The singular of a folded French word, by the regular rules (« jeux » → « jeu », « chevaux » → « cheval »,
    « vélos » → « vélo »): Snowball leaves some plurals with a stem of their own, and both sides must agree."""
    if len(word) <= 3 or word[-1] not in "sx" or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("eaux") or word.endswith("eux"):
        return word[:-1]
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"
    return word[:-1]


@functools.lru_cache(maxsize=20_000)
def _word(raw: str) -> Word | None:
    if raw in NEUTRAL:
        return None
    stem = root = ""
    for token in french_analyzer()(singular(raw)):
        if token.text.startswith(ROOT_MARK):
            root = token.text[len(ROOT_MARK) :]
        else:
            stem = token.text
    if not stem or stem in NEUTRAL:
        return None  # a stopword
    return Word(stem, root, _root(raw, 5), _NOTION_OF.get(_root(raw, 6) or raw))


def guess_kind(words: Iterable[Word]) -> str | None:
    """The kind a plain line most likely means, from its notions (None when nothing says)."""
    notions = [w.notion or w.stem for w in words if w.stem not in GUESS_SKIP]
    for notion in notions:
        for kind, hints in KIND_HINTS.items():
            if notion in hints:
                return kind
    return None


@dataclass
class Entry:
    """One offer or need of a fiche, ready to be matched."""

    page: Any  # an IndexedPage (or anything with fullname, title, data, mtime)
    side: str
    number: int
    description: str
    genre: str | None
    commune: str | None
    whole_area: bool
    until: dt.date | None
    words: tuple[Word, ...] = ()
    guessed: str | None = None
    sectors: frozenset[str] = field(default_factory=frozenset)

    @property
    def kind(self) -> str | None:
        return self.genre or self.guessed

    def expired(self, today: dt.date | None = None) -> bool:
        return self.until is not None and self.until < (today or dt.date.today())

    def keys(self) -> set[str]:
        out: set[str] = {"k:" + self.kind} if self.kind else set()
        for w in self.words:
            out |= w.keys()
        return out

    @functools.cached_property
    def sets(self) -> tuple[set[str], set[str], set[str], set[str]]:
        """Its stems, roots, short roots and notions (what another entry's words are looked up in)."""
        return (
            {w.stem for w in self.words},
            {w.root for w in self.words if w.root},
            {w.short for w in self.words if w.short},
            {w.notion for w in self.words if w.notion},
        )

    @property
    def ident(self) -> tuple[str, str, int]:
        return (self.page.fullname, self.side, self.number)


def _until(value: Any) -> dt.date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def entries_of(page: Any, side: str, values: list[Any] | None = None) -> list[Entry]:
    """The offers or needs of a fiche page (``values`` instead of its indexed data, for a preview)."""
    data = page.data or {}
    raw = data.get(side, []) if values is None else values
    sectors = frozenset(fold(s) for s in data.get("secteurs", []) if isinstance(s, str))
    out = []
    for number, element in enumerate(raw if isinstance(raw, list) else [], 1):
        if isinstance(element, str):
            element = parse_resource_line(element)
        if not isinstance(element, dict) or not str(element.get("description", "")).strip():
            continue
        zone = element.get("commune") or data.get("commune")
        words = words_of(str(element["description"]))
        genre = element.get("genre") if element.get("genre") in GENRES else None
        out.append(
            Entry(
                page=page,
                side=side,
                number=number,
                description=str(element["description"]),
                genre=genre,
                commune=None if zone in (None, TOUT_DEPARTEMENT) else str(zone),
                whole_area=zone == TOUT_DEPARTEMENT,
                until=_until(element.get("jusqu_au")),
                words=words,
                guessed=None if genre else guess_kind(words),
                sectors=sectors,
            )
        )
    return out


@functools.lru_cache(maxsize=50_000)
def distance_km(a: str | None, b: str | None) -> float | None:
    """Distance between two communes' centroids (great circle), None when one is unknown."""
    ca, cb = communes.find(a) if a else None, communes.find(b) if b else None
    if ca is None or cb is None:
        return None
    la1, lo1, la2, lo2 = map(math.radians, (ca.lat, ca.lon, cb.lat, cb.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Match:
    """An offer that meets a need (or the reverse), with what its rank is made of."""

    need: Entry
    offer: Entry
    score: float
    base: float
    distance: float | None
    cross_sector: bool

    def other(self, side: str) -> Entry:
        """The entry on the other side of ``side`` (``besoins``: the offer)."""
        return self.offer if side == BESOINS else self.need


class Matcher:
    """Matches among a fixed set of entries (those a reader may read), with an inverted index of words."""

    def __init__(self, entries: Iterable[Entry], today: dt.date | None = None, now: float | None = None) -> None:
        self.today = today or dt.date.today()
        self.now = now if now is not None else time.time()
        self.entries = [e for e in entries if not e.expired(self.today)]
        self.postings: dict[str, dict[str, list[Entry]]] = {OFFRES: {}, BESOINS: {}}
        df: dict[str, int] = {}
        for entry in self.entries:
            keys = entry.keys()
            for key in keys:
                self.postings[entry.side].setdefault(key, []).append(entry)
                df[key] = df.get(key, 0) + 1
        n = max(1, len(self.entries))
        self.idf = {key: math.log(1 + n / count) for key, count in df.items()}
        self.default_idf = math.log(1 + n)
        self._weights: dict[Word, float] = {}
        self._profiles: dict[tuple[str, str, int], tuple[list[tuple[float, Word]], float, float]] = {}
        self._found: dict[tuple[Any, ...], list[Match]] = {}
        #: a word shared by more entries than this opens no comparison by itself (it weighs little anyway)
        self.common = max(COMMON_MIN, int(COMMON_SHARE * n))

    def _weight(self, word: Word) -> float:
        weight = self._weights.get(word)
        if weight is None:
            weight = self._weights[word] = max(self.idf.get(k, self.default_idf) for k in word.keys())
        return weight

    def _profile(self, entry: Entry) -> tuple[list[tuple[float, Word]], float, float]:
        """An entry's scoring words with their weights, their total, and the weight of its kind."""
        profile = self._profiles.get(entry.ident)
        if profile is None:
            kind_notion = KIND_NOTION.get(entry.kind or "")
            # « formation » in a training offer: the kind already says it
            items = [(self._weight(w), w) for w in entry.words if not (w.notion and w.notion == kind_notion)]
            kind = KIND_WORD * self.idf.get("k:" + entry.kind, self.default_idf) if entry.kind else 0.0
            profile = self._profiles[entry.ident] = (items, sum(w for w, _ in items) + kind, kind)
        return profile

    def text_score(self, query: Entry, other: Entry) -> float:
        """How much of ``query``'s words ``other`` covers (each word weighted by rarity), 0 to 1."""
        if not query.words:
            return 0.0
        items, total, kind_weight = self._profile(query)
        if not total:
            return 0.0
        stems, roots, shorts, notions = other.sets
        got = kind_weight if query.kind and other.kind == query.kind else 0.0  # the kind: one more word, half weight
        for weight, w in items:
            if w.stem in stems:
                got += weight * STEM
            elif w.root and w.root in roots:
                got += weight * ROOT
            elif w.notion and w.notion in notions:
                got += weight * NOTION
            elif w.short and w.short in shorts:
                got += weight * SHORT_ROOT
        return got / total

    def base_score(self, need: Entry, offer: Entry) -> float:
        """Text (both ways, the need's side first) times the agreement of kinds; before distance and freshness."""
        text = NEED_SIDE * self.text_score(need, offer) + OFFER_SIDE * self.text_score(offer, need)
        if need.kind and offer.kind:
            if need.kind == offer.kind:
                kind = SAME_KIND
            else:
                kind = UNKNOWN_KIND if frozenset({need.kind, offer.kind}) in NEAR_KINDS else OTHER_KIND
        else:
            kind = UNKNOWN_KIND
        return text * kind

    def _freshness(self, entry: Entry) -> float:
        """1 for a fiche changed today, down to 0.9 for one left alone for years."""
        age_days = max(0.0, (self.now - float(entry.page.mtime or self.now)) / 86400)
        return 0.9 + 0.1 * math.exp(-age_days / FRESHNESS_SCALE_DAYS)

    def _factor(self, need: Entry, offer: Entry) -> tuple[float, float | None]:
        distance = None
        if need.whole_area or offer.whole_area:
            near = 1.0
        else:
            distance = distance_km(need.commune, offer.commune)
            near = 1.0 if distance is None else 0.75 + 0.25 * math.exp(-distance / DISTANCE_SCALE_KM)
        fresh = (self._freshness(need) + self._freshness(offer)) / 2
        return near * fresh, distance

    def pair(self, need: Entry, offer: Entry) -> Match | None:
        """The match of a need and an offer, or None if they do not meet (or belong to the same page)."""
        if need.page.fullname == offer.page.fullname:
            return None
        base = self.base_score(need, offer)
        if base < MIN_SCORE:
            return None
        factor, distance = self._factor(need, offer)
        cross = bool(need.sectors and offer.sectors and not (need.sectors & offer.sectors))
        return Match(need, offer, round(base * factor, 4), round(base, 4), distance, cross)

    def matches(self, entry: Entry, limit: int | None = 3) -> list[Match]:
        """Best matches of an entry on the other side (offers for a need, needs for an offer), best first."""
        if entry.expired(self.today):
            return []
        # a page being previewed has the idents of its saved revision: its text is part of the key
        memo_key = (entry.ident, entry.description, entry.kind, entry.commune, entry.whole_area, limit)
        if memo_key in self._found:
            return self._found[memo_key]
        other_side = OFFRES if entry.side == BESOINS else BESOINS
        postings = self.postings[other_side]
        candidates: dict[tuple[str, str, int], Entry] = {}
        keys = entry.keys()
        if any(not k.startswith("k:") for k in keys):
            keys = {k for k in keys if not k.startswith("k:")}  # the kind alone is too wide a door
        rare = {k for k in keys if len(postings.get(k, ())) <= self.common}
        for key in rare or keys:
            for other in postings.get(key, ()):
                candidates[other.ident] = other
        found = []
        for other in candidates.values():
            match = self.pair(entry, other) if entry.side == BESOINS else self.pair(other, entry)
            if match is not None:
                found.append(match)
        found.sort(key=lambda m: (-m.score, fold(m.other(entry.side).page.title), m.other(entry.side).number))
        found = found if limit is None else found[:limit]
        self._found[memo_key] = found
        return found

    def open_entries(self, side: str) -> list[Entry]:
        return [e for e in self.entries if e.side == side]
