"""Page types and their registry: one class per type, registered in one place.

A page type says which fields its data block has, how it is validated, which fields are facets of the
index and which named sections its card holds (``plugins/views/cards`` draws them), and how a record becomes
a flat row (CSV). Each type lives in its own module
(``plugins/data/types/fiche.py`` …) listed in :data:`TYPE_MODULES`.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from plugins.data import frontmatter
from plugins.data.frontmatter import FrontMatter, Probleme
from plugins.data.schema import Field, Invalide

#: modules defining page types; importing one registers its type
TYPE_MODULES = (
    "plugins.data.types.fiche",
    "plugins.data.types.chaine",
    "plugins.data.types.lieu",
    "plugins.data.types.dispositif",
    "plugins.data.types.position",
    "plugins.data.types.evenement",
    "plugins.data.types.interpellation",
    "plugins.data.types.argument",
    "plugins.data.types.amendement",
)

_TYPES: dict[str, PageType] = {}


@dataclass
class Record:
    """The validated data of one structured page."""

    type: PageType
    data: dict[str, Any]
    problems: list[Probleme] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.type.title_of(self.data)


class PageType:
    """Base class of page types. Subclasses set the class attributes and may override the card."""

    name: ClassVar[str]
    label: ClassVar[str]
    plural: ClassVar[str]
    fields: ClassVar[list[Field]]
    title_field: ClassVar[str] = "nom"
    #: facet name (used in macro arguments and query strings) -> field key
    facets: ClassVar[dict[str, str]] = {}
    #: sort name -> field key (``modification`` is always available)
    sorts: ClassVar[dict[str, str]] = {}
    #: facet labels that differ from their field's label
    facet_labels: ClassVar[dict[str, str]] = {}
    #: computed columns that exports add after the fields (``row`` fills them)
    extra_columns: ClassVar[tuple[str, ...]] = ()
    #: named sections of its card known only when the page is shown (rendered by ``plugins/views/cards``)
    sections: ClassVar[tuple[str, ...]] = ()
    #: named sections shown after the free text (e.g. a position's debate), rendered the same way
    footer_sections: ClassVar[tuple[str, ...]] = ()
    #: the field naming the page this one belongs to (an argument's ``sur``): whoever may not read that page
    #: does not see this one either, whatever its own ACL says (a draft's debate stays with the draft)
    read_with: ClassVar[str] = ""

    @classmethod
    def title_of(cls, data: dict[str, Any]) -> str:
        """The title of a page of this type (its title field; a type may compose one)."""
        return str(data.get(cls.title_field, ""))

    @classmethod
    def facet_label(cls, facet: str) -> str:
        return cls.facet_labels.get(facet) or cls.field_map()[cls.facets[facet]].label

    @classmethod
    def field_map(cls) -> dict[str, Field]:
        return {f.key: f for f in cls.fields}

    @classmethod
    def validate(cls, data: dict[str, Any], lines: dict[str, int] | None = None) -> Record:
        """Clean every field; a field that does not validate is reported (with its line) and left out."""
        lines = lines or {}
        fields = cls.field_map()
        clean: dict[str, Any] = {}
        problems: list[Probleme] = []
        for key, value in data.items():
            if key == "type":
                continue
            f = fields.get(key)
            if f is None:
                problems.append(
                    Probleme(
                        f"champ inconnu pour une {cls.label.lower()} ; champs possibles : {', '.join(fields)}.",
                        champ=key,
                        ligne=lines.get(key),
                    )
                )
                continue
            if value is None or value == "" or value == []:
                continue
            try:
                clean[key] = f.clean(value)
            except Invalide as exc:
                problems.append(Probleme(str(exc), champ=key, ligne=lines.get(key)))
        for f in cls.fields:
            if f.required and f.key not in clean and f.key not in data:
                problems.append(Probleme(f"ce champ est obligatoire ({f.label}).", champ=f.key, ligne=1))
        return Record(type=cls(), data=clean, problems=problems)

    def facet_values(self, record: Record) -> dict[str, list[str]]:
        """Values of each facet for the index."""
        fields = self.field_map()
        return {facet: fields[key].facet_values(record.data.get(key)) for facet, key in self.facets.items()}

    def row(self, record: Record) -> dict[str, Any]:
        """A flat row for CSV: lists joined with " ; ", groups as "key: value"."""
        row: dict[str, Any] = {}
        for f in self.fields:
            row[f.key] = flatten(record.data.get(f.key))
        return row


def flatten(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ; ".join(flatten(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {flatten(v)}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def register(page_type: type[PageType]) -> type[PageType]:
    """Class decorator: make a page type known."""
    _TYPES[page_type.name] = page_type()
    return page_type


def types() -> dict[str, PageType]:
    """Every known page type, by name (importing every type module, once)."""
    if len(_TYPES) < len(TYPE_MODULES):
        for module in TYPE_MODULES:
            importlib.import_module(module)
    return _TYPES


def get(name: str) -> PageType | None:
    return types().get(name)


@dataclass
class Analysis:
    """What a page text holds: its front matter and, when its type is known, its record."""

    front: FrontMatter
    record: Record | None
    problems: list[Probleme]


#: texts up to this size keep their analysis in a small cache (a save parses the same text several times)
CACHED_TEXT_CHARS = 100_000


def analyse(text: str) -> Analysis:
    """Parse and validate a page text; never raises. The result is shared: do not modify it."""
    return _analyse_cached(text) if len(text) <= CACHED_TEXT_CHARS else _analyse(text)


@functools.lru_cache(maxsize=512)
def _analyse_cached(text: str) -> Analysis:
    return _analyse(text)


def _analyse(text: str) -> Analysis:
    front = frontmatter.split(text)
    problems = list(front.problems)
    record = None
    if front.data is not None:
        type_name = front.data.get("type")
        page_type = get(type_name) if isinstance(type_name, str) else None
        if page_type is None:
            known = ", ".join(types())
            if type_name is None:
                message = f"le champ « type » manque : indiquez le type de la page (types possibles : {known})."
            else:
                message = f"type de page inconnu « {type_name} » (types possibles : {known})."
            problems.append(Probleme(message, champ="type", ligne=front.lines.get("type", 2)))
        else:
            record = page_type.validate(front.data, front.lines)
            problems.extend(record.problems)
    return Analysis(front=front, record=record, problems=problems)
