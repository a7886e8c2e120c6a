"""Field kinds of structured pages: each cleans one value or says, in French, what was expected.

A kind is a small class with ``clean(value) -> value`` raising :class:`Invalide`; a page type lists its
fields (see ``plugins/data/registry.py``). Cleaning never raises anything else and never loses text: a field
that does not validate is reported and left out of the record, the page text is untouched.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from plugins.data import communes
from plugins.data.errors import UserError
from plugins.data.text import fold

MAX_TEXT = 5000
MAX_ITEMS = 200


class Invalide(UserError):
    """A value does not fit its field; the message says what was expected."""


def _shown(value: Any) -> str:
    text = str(value)
    return f"« {text[:60]}… »" if len(text) > 60 else f"« {text} »"


@dataclass
class Field:
    """A field of a page type: its key (ASCII), its French label, whether it is required."""

    key: str
    label: str
    required: bool = False
    help: str = ""
    #: a text written on several lines (the form shows a text area)
    long: bool = False

    expected = "un texte"
    #: the form's widget for this kind (``plugins/web/schema_forms.py``); a kind the form does not know is edited as YAML
    widget: ClassVar[str] = "yaml"

    def clean(self, value: Any) -> Any:
        raise NotImplementedError

    def facet_values(self, value: Any) -> list[str]:
        """Values under which a record is found when filtering on this field."""
        if isinstance(value, list):
            return [str(v) for v in value if isinstance(v, (str, int))]
        return [str(value)] if isinstance(value, (str, int)) else []


class Text(Field):
    """One line or paragraph of text (numbers are accepted and kept as text)."""

    widget: ClassVar[str] = "text"

    expected = "un texte"

    def clean(self, value: Any) -> str:
        if isinstance(value, bool) or isinstance(value, (dict, list)) or value is None:
            kind = (
                "une liste" if isinstance(value, list) else "un ensemble de champs" if isinstance(value, dict) else None
            )
            raise Invalide(f"attendu {self.expected}, trouvé {kind or _shown(value)}.")
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            raise Invalide(f"texte trop long ({len(text)} caractères ; au plus {MAX_TEXT}).")
        return text


class TextList(Field):
    """A list of short texts; a single text with commas is split ("a, b" is ["a", "b"])."""

    widget: ClassVar[str] = "list"

    expected = "une liste de textes (une ligne « - texte » par élément, ou des textes séparés par des virgules)"

    def clean(self, value: Any) -> list[str]:
        if isinstance(value, str):
            items = [v.strip() for v in value.split(",")]
        elif isinstance(value, list):
            items = []
            for i, v in enumerate(value, 1):
                if isinstance(v, (dict, list)) or v is None or isinstance(v, bool):
                    raise Invalide(f"élément {i} : attendu un texte, trouvé {_shown(v)}.")
                items.append(str(v).strip())
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            items = [str(value)]
        else:
            raise Invalide(f"attendu {self.expected}.")
        if len(items) > MAX_ITEMS:
            raise Invalide(f"trop d'éléments ({len(items)} ; au plus {MAX_ITEMS}).")
        for item in items:
            if len(item) > MAX_TEXT:
                raise Invalide(f"texte trop long ({len(item)} caractères ; au plus {MAX_TEXT}).")
        return [i for i in items if i]


class Year(Field):
    """A year, e.g. 2019 (a full date is accepted and its year kept)."""

    widget: ClassVar[str] = "year"

    expected = "une année sur quatre chiffres, par exemple 2019"

    def clean(self, value: Any) -> int:
        if isinstance(value, (datetime.date, datetime.datetime)):
            year = value.year
        elif isinstance(value, int) and not isinstance(value, bool):
            year = value
        elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
            year = int(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*", value):
            y, m, d = (int(x) for x in value.strip().split("-"))
            try:
                year = datetime.date(y, m, d).year
            except ValueError:
                raise Invalide(f"la date « {value.strip()} » n'existe pas.") from None
        else:
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(value)}.")
        if not 1800 <= year <= datetime.date.today().year + 5:
            raise Invalide(f"année improbable : {year} (attendu entre 1800 et {datetime.date.today().year + 5}).")
        return year


class Email(Text):

    widget: ClassVar[str] = "email"
    expected = "une adresse électronique, par exemple contact@exemple.org"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+", text):
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(text)}.")
        return text


class Phone(Text):

    widget: ClassVar[str] = "tel"
    expected = "un numéro de téléphone, par exemple 02 40 00 00 00"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not re.fullmatch(r"[+0-9 ().-]{6,25}", text):
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(text)}.")
        return text


class Url(Text):

    widget: ClassVar[str] = "url"
    expected = "une adresse web commençant par https:// ou http://"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if "://" not in text and re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/\S*)?", text, re.I):
            text = "https://" + text
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"']", text):
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(text)}.")
        return text


class Commune(Text):
    """A commune of the reference data, written with or without accents ("reze" is Rezé)."""

    widget: ClassVar[str] = "commune"

    expected = "le nom d'une commune de Loire-Atlantique"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        found = communes.find(text, beginning=True)
        if found is None:
            near = communes.close(text)
            if near:
                names = " ou ".join(f"« {n} »" for n in near)
                raise Invalide(f"commune inconnue {_shown(text)} : vouliez-vous dire {names} ?")
            raise Invalide(
                f"commune inconnue {_shown(text)} : écrivez le nom d'une commune de Loire-Atlantique, par exemple "
                "Saint-Nazaire ou La Baule-Escoublac (la liste s'ouvre en tapant les premières lettres)."
            )
        return found.nom


class Position(Field):
    """Coordinates: ``lat`` and ``lon`` in decimal degrees (WGS 84)."""

    widget: ClassVar[str] = "position"

    expected = "deux lignes « lat: 47.21 » et « lon: -1.55 » (degrés décimaux)"

    def clean(self, value: Any) -> dict[str, float]:
        if not isinstance(value, dict) or set(value) != {"lat", "lon"}:
            raise Invalide(f"attendu {self.expected}.")
        try:
            lat, lon = float(str(value["lat"]).replace(",", ".")), float(str(value["lon"]).replace(",", "."))
        except ValueError:
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(value)}.") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Invalide("coordonnées hors du globe (lat entre -90 et 90, lon entre -180 et 180).")
        if not _in_region(lat, lon):
            if _in_region(lon, lat):
                raise Invalide(
                    f"lat et lon semblent inversées ({lat}, {lon}) : en Loire-Atlantique, lat vaut "
                    "environ 47 et lon environ -1,5."
                )
            raise Invalide(
                f"({lat}, {lon}) est hors de Loire-Atlantique (lat entre {REGION[0]} et {REGION[1]}, "
                f"lon entre {REGION[2]} et {REGION[3]})."
            )
        return {"lat": lat, "lon": lon}


#: the area the wiki covers: Loire-Atlantique and its surroundings (lat min, lat max, lon min, lon max)
REGION = (46.8, 47.9, -2.7, -0.8)


def _in_region(lat: float, lon: float) -> bool:
    return REGION[0] <= lat <= REGION[1] and REGION[2] <= lon <= REGION[3]


class Count(Field):
    """A whole number, zero or more (e.g. the capacity of a venue)."""

    widget: ClassVar[str] = "count"

    expected = "un nombre entier, par exemple 80"

    def clean(self, value: Any) -> int:
        if isinstance(value, bool):
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(value)}.")
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*\d[\d  ]*\s*", value):
            number = int(re.sub(r"\D", "", value))
        else:
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(value)}.")
        if number < 0 or number > 1_000_000:
            raise Invalide(f"nombre improbable : {number}.")
        return number


class Amount(Field):
    """An amount of money in euros, zero or more ("1 234 000", "137,11" and 1234000 are all accepted)."""

    widget: ClassVar[str] = "amount"

    expected = "un montant en euros, par exemple 1 234 000 ou 137,11"

    def clean(self, value: Any) -> float:
        if isinstance(value, bool):
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(value)}.")
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*-?[\d  .]*\d(,\d+)?\s*(€|euros?)?\s*", value):
            digits = re.sub(r"[\s  €a-z]", "", value)
            if "," in digits:
                digits = digits.replace(".", "").replace(",", ".")
            elif digits.count(".") > 1 or re.search(r"\.\d{3}$", digits):
                digits = digits.replace(".", "")  # 1.234.000: dots group thousands
            number = float(digits)
        else:
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(value)}.")
        if number < 0:
            raise Invalide(f"montant négatif ({value}) : un budget s'écrit sans signe moins.")
        return number


class Day(Field):
    """A date (2024-09-01, 01/09/2024) or only a year (2024), kept as written in ISO form."""

    widget: ClassVar[str] = "date"

    expected = "une date AAAA-MM-JJ (ou JJ/MM/AAAA), ou une année"

    def clean(self, value: Any) -> str:
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        text = str(value).strip()
        if re.fullmatch(r"\d{4}", text):
            return Year(self.key, self.label).clean(text) and text
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if match:
            text = f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(value)} (cette date n'existe pas ?).") from None


class PageName(Text):
    """The name of another wiki page (a link to it; whether it exists is checked when the page is shown)."""

    widget: ClassVar[str] = "page"

    expected = "le nom d'une page du wiki"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if len(text) > 300 or "\n" in text or text.startswith(("/", "+")):
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(text)}.")
        return text


class Links(Field):
    """The ordered links of a chain: each a name, or ``nom`` and ``description``."""

    widget: ClassVar[str] = "links"

    expected = "une liste de maillons, un par ligne « - nom » (ou « - nom: … » et « description: … »)"

    def clean(self, value: Any) -> list[dict[str, str]]:
        if not isinstance(value, list):
            raise Invalide(f"attendu {self.expected}.")
        if len(value) > MAX_ITEMS:
            raise Invalide(f"trop de maillons ({len(value)} ; au plus {MAX_ITEMS}).")
        links, errors = [], []
        for i, element in enumerate(value, 1):
            if isinstance(element, (str, int, float)) and not isinstance(element, bool) and str(element).strip():
                links.append({"nom": str(element).strip()})
            elif (
                isinstance(element, dict) and isinstance(element.get("nom"), (str, int)) and str(element["nom"]).strip()
            ):
                extra = set(element) - {"nom", "description"}
                if extra:
                    errors.append(f"maillon {i} : champ inconnu « {extra.pop()} » (possibles : nom, description)")
                link = {"nom": str(element["nom"]).strip()}
                if isinstance(element.get("description"), (str, int, float)):
                    link["description"] = str(element["description"]).strip()
                links.append(link)
            else:
                errors.append(f"maillon {i} : attendu un nom, trouvé {_shown(element)}")
        if errors:
            raise Invalide(" ; ".join(e.rstrip(".") for e in errors) + ".")
        return links

    def facet_values(self, value: Any) -> list[str]:
        return [link["nom"] for link in value or []]


class Suggested(Text):
    """A free text with usual values: a usual value is written its usual way ("scop" gives "SCOP")."""

    widget: ClassVar[str] = "suggested"

    def __init__(self, key: str, label: str, usual: tuple[str, ...], **kw: Any) -> None:
        super().__init__(key, label, **kw)
        self.usual = usual

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return next((u for u in self.usual if fold(u) == fold(text)), text)


class Group(Field):
    """A set of sub-fields, e.g. ``contact`` with ``email``, ``telephone``, ``site``."""

    widget: ClassVar[str] = "group"

    expected = "un ensemble de champs"

    def __init__(self, key: str, label: str, fields: list[Field], **kw: Any) -> None:
        super().__init__(key, label, **kw)
        self.fields = {f.key: f for f in fields}

    def clean(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            names = ", ".join(self.fields)
            raise Invalide(f"attendu un ensemble de champs ({names}), une ligne indentée par champ.")
        cleaned, errors = clean_fields(self.fields, value)
        if errors:
            raise Invalide(" ; ".join(errors))
        return cleaned


class ListOf(Field):
    """A list whose elements are groups of sub-fields, e.g. ``parcours`` (``annee``, ``etape``)."""

    widget: ClassVar[str] = "rows"

    def __init__(self, key: str, label: str, fields: list[Field], **kw: Any) -> None:
        super().__init__(key, label, **kw)
        self.fields = {f.key: f for f in fields}
        self.expected = "une liste d'éléments « - " + ": …, ".join(self.fields) + ": … »"

    def clean(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise Invalide(f"attendu {self.expected}.")
        if len(value) > MAX_ITEMS:
            raise Invalide(f"trop d'éléments ({len(value)} ; au plus {MAX_ITEMS}).")
        result, errors = [], []
        for i, element in enumerate(value, 1):
            if not isinstance(element, dict):
                errors.append(f"élément {i} : attendu des champs ({', '.join(self.fields)}), trouvé {_shown(element)}")
                continue
            cleaned, element_errors = clean_fields(self.fields, element)
            errors.extend(f"élément {i}, {e}" for e in element_errors)
            if cleaned:
                result.append(cleaned)
        if errors:
            raise Invalide(" ; ".join(e.rstrip(".") for e in errors) + ".")
        return result

    def facet_values(self, value: Any) -> list[str]:
        return []


def clean_fields(fields: dict[str, Field], data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Clean a mapping against fields; return the clean values and the French errors."""
    cleaned: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in data.items():
        key = str(key)
        field = fields.get(key)
        if field is None:
            errors.append(f"champ inconnu « {key} » (possibles : {', '.join(fields)})")
            continue
        if value is None or value == "" or value == []:
            continue
        try:
            cleaned[key] = field.clean(value)
        except Invalide as exc:  # the label members read in the forms, and the key they see in the block
            errors.append(f"« {field.label} » ({key}) : {str(exc).rstrip('.')}")
    for field in fields.values():
        if field.required and field.key not in cleaned and field.key not in data:
            errors.append(f"« {field.label} » ({field.key}) manque")
    return cleaned, errors


# -- pooling: offers and needs of a fiche ---------------------------------------------------------------

#: kinds of offers and needs (« genre »): the one vocabulary of the pooling; add a kind here to extend it
GENRES = (
    "compétence",
    "local",
    "matériel",
    "bénévolat",
    "formation",
    "transport",
    "financement",
    "communication",
)
#: the value of an offer's or need's ``commune`` that covers the whole département
TOUT_DEPARTEMENT = "tout le département"
_WHOLE_AREA = {"tout le departement", "departement", "le departement", "loire-atlantique", "loire atlantique", "44"}


class Choice(Text):
    """One value of a fixed vocabulary (``choices``), written with or without accents, plural s allowed."""

    def __init__(self, key: str, label: str, choices: tuple[str, ...], **kw: Any) -> None:
        super().__init__(key, label, **kw)
        self.choices = choices
        self.expected = "une valeur parmi : " + ", ".join(choices)

    def find(self, text: str) -> str | None:
        """The vocabulary's spelling of ``text`` (« Competences » is « compétence »), or None."""
        key = fold(text)
        for choice in self.choices:
            if fold(choice) in (key, key[:-1] if key.endswith(("s", "x")) else key):
                return choice
        return "local" if key == "locaux" and "local" in self.choices else None

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        found = self.find(text)
        if found is None:
            raise Invalide(f"valeur inconnue {_shown(text)} ; valeurs possibles : {', '.join(self.choices)}.")
        return found


class Zone(Commune):
    """A commune of the reference data, or « tout le département »."""

    expected = f"le nom d'une commune de Loire-Atlantique, ou « {TOUT_DEPARTEMENT} »"

    def clean(self, value: Any) -> str:
        text = Text.clean(self, value)
        if fold(text) in _WHOLE_AREA:
            return TOUT_DEPARTEMENT
        return super().clean(text)


class Resources(ListOf):
    """Offers or needs of a fiche: entries with ``genre``, ``description``, ``commune``, ``jusqu_au``.

    A plain line (today's form) is still read: « Prêt de salle » is an entry of that description;
    « local : prêt de salle (Rezé, jusqu'au 2026-12-31) » also gives its kind, commune and end date
    (only what is recognised is taken out of the text). The same line form is what exports write.
    """

    def __init__(self, key: str, label: str, **kw: Any) -> None:
        super().__init__(
            key,
            label,
            [
                Choice("genre", "Genre", GENRES),
                Text("description", "Description", required=True),
                Zone("commune", "Commune (ou « tout le département »)"),
                Day("jusqu_au", "Jusqu'au"),
            ],
            **kw,
        )
        self.expected = (
            "une liste d'éléments « - description » ou « - genre: …, description: …, commune: …, jusqu_au: … » "
            f"(genres : {', '.join(GENRES)})"
        )

    def clean(self, value: Any) -> list[dict[str, Any] | str]:
        """Entries as dicts; an entry that has only a description stays a plain line, as members write it."""
        if isinstance(value, str):
            if "\n" in value or ";" in value:
                parts = value.split("\n" if "\n" in value else ";")
            else:  # commas separate entries, except inside « (commune, jusqu'au …) »
                parts = re.split(r",(?![^()]*\))", value)
            value = [v.strip() for v in parts if v.strip()]
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [str(value)]
        if not isinstance(value, list):
            raise Invalide(f"attendu {self.expected}.")
        entries: list[Any] = []
        for element in value:
            if isinstance(element, (str, int, float)) and not isinstance(element, bool):
                entries.append(parse_resource_line(str(element)))
            else:
                entries.append(element)
        return [e["description"] if set(e) == {"description"} else e for e in super().clean(entries)]


def parse_resource_line(line: str) -> dict[str, str]:
    """An offer or need written as one line: « [genre :] description [(commune, jusqu'au AAAA-MM-JJ)] »."""
    text = line.strip()
    entry: dict[str, str] = {}
    head, sep, rest = text.partition(":")
    genre = Choice("genre", "Genre", GENRES).find(head.strip()) if sep else None
    if genre and rest.strip():
        entry["genre"], text = genre, rest.strip()
    match = re.fullmatch(r"(.+?)\s*\(([^()]*)\)", text, re.S)
    if match:
        found: dict[str, str] = {}
        for part in (p.strip() for p in match.group(2).split(",")):
            until = re.fullmatch(r"jusqu[’']?\s*au\s+(.+)", part, re.I)
            try:
                if until:
                    found["jusqu_au"] = Day("jusqu_au", "Jusqu'au").clean(until.group(1))
                elif part and "commune" not in found:
                    found["commune"] = Zone("commune", "Commune").clean(part)
                else:
                    raise Invalide("")
            except Invalide:
                found = {}
                break
        if found:
            entry.update(found)
            text = match.group(1)
    entry["description"] = text
    return {k: entry[k] for k in ("genre", "description", "commune", "jusqu_au") if k in entry}


def resource_line(entry: dict[str, Any] | str) -> str:
    """The one-line form of an offer or need (what :func:`parse_resource_line` reads back)."""
    if isinstance(entry, str):
        return entry
    extra = [str(entry[k]) for k in ("commune",) if entry.get(k)]
    if entry.get("jusqu_au"):
        extra.append(f"jusqu'au {entry['jusqu_au']}")
    text = (f"{entry['genre']} : " if entry.get("genre") else "") + str(entry.get("description", ""))
    return text + (f" ({', '.join(extra)})" if extra else "")


class DayList(Field):
    """A list of dates (e.g. the reminders of a letter), each as :class:`Day` accepts it; one date alone is a list."""

    expected = "une liste de dates, une ligne « - AAAA-MM-JJ » par date"

    def clean(self, value: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        if len(items) > MAX_ITEMS:
            raise Invalide(f"trop de dates ({len(items)} ; au plus {MAX_ITEMS}).")
        day = Day(self.key, self.label)
        out, errors = [], []
        for i, item in enumerate(items, 1):
            if isinstance(item, (dict, list, bool)) or item is None:
                errors.append(f"élément {i} : attendu une date, trouvé {_shown(item)}")
                continue
            try:
                out.append(day.clean(item))
            except Invalide as exc:
                errors.append(f"élément {i} : {exc}")
        if errors:
            raise Invalide(" ; ".join(errors))
        return sorted(out)
