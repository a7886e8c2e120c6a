"""Forms for every page type, generated from its schema: create (``/+nouvelle/<type>``), edit (``/+formulaire/<page>``).

The type's fields (``plugins/data/registry.py``, ``plugins/data/schema.py``) are the single source of the form: each
field kind names its widget (``Field.widget``), its label and help are the field's; groups become fieldsets,
lists of entries become repeatable rows, a kind the form does not know is edited as a small YAML text, so
any type registered later gets a working form. Inputs are named after the data: ``nom``, ``contact.email``,
``parcours.0.annee``, ``secteurs.2``, ``position.lat``, ``debut.date``.

Every value is checked before anything is written; a message names the field by its label and the typed
values come back. Editing keeps the free text and the keys the form does not know exactly as they were and
writes the block in the canonical style (``frontmatter.join``). The form carries the revision it was opened
on: if the page changed meanwhile, nothing is written and the member sees what changed. Pages are saved
through moin's Item API as the member (moin's ACLs, history, signals); a position's draft gets its group's ACL.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, request, url_for
from markupsafe import Markup, escape
from moin import flaskg
from moin.constants.keys import ACL, CONTENTTYPE, ITEMID, ITEMTYPE, NAME, NAMESPACE, REVID, TAGS
from moin.constants.keys import CURRENT as CURRENT_REV
from moin.items import Item
from moin.storage.middleware.exceptions import AccessDenied
from moin.themes import render_template

from plugins.data import communes, frontmatter
from plugins.data.flat import CONTROL, page_name_problem
from plugins.data.identifiants import siret_key_ok
from plugins.data.registry import PageType, analyse, get
from plugins.data.schema import REGION, Field, Invalide
from plugins.data.spaces import space_of
from plugins.data.text import fold
from plugins.indexing.query import readable
from plugins.indexing.structured import get_index, salvage_type
from plugins.operations import groupes
from plugins.operations.pages import MOINWIKI, store_page
from plugins.views.csrf import csrf_ok, csrf_token
from plugins.web import security
from plugins.web.forms import DISCUSSION_TEXT
from plugins.web.security import content_security_policy

#: the input of the free text
BODY = "texte"
#: the hidden input of a row edited from a page: which entry of the page it was (its keys the form does not
#: know follow it, wherever the member moves it)
ORIGIN = "_ligne"
#: blank rows offered under a list (more with the « Ajouter » button when scripts run)
BLANK_ROWS = 1
MAX_ROWS = 200
MAX_INPUT = 20_000
HELP = {
    "list": "Une valeur par case ; « Ajouter » ajoute une case.",
    "commune": "Une commune de Loire-Atlantique : tapez les premières lettres et choisissez dans la liste.",
    "position": "Cliquez sur la carte pour placer le lieu, ou tapez la latitude et la longitude.",
    "siret": "14 chiffres (vérifiés par leur clé de contrôle).",
    "rna": "W suivi de 9 chiffres, par exemple W442001234.",
    "year": "Quatre chiffres, par exemple 2015.",
    "url": "Commençant par https://",
    "yaml": "Écrit en YAML, comme dans l'éditeur du wiki.",
}


#: a name already used (by a page the writer may read or not): the answer does not say which, nor name it
TAKEN = "ce nom n'est pas disponible : choisissez-en un autre."


# -- data -> inputs -----------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return frontmatter.dump_block(value).rstrip("\n")
    if isinstance(value, list):  # « x: [a, b] », or « x: » and the items indented under it
        lines = frontmatter.dump_block({"x": value}).rstrip("\n").split("\n")
        return "\n".join(([lines[0][3:]] if lines[0] != "x:" else []) + [line[2:] for line in lines[1:]])
    return str(value)


def to_inputs(fields: list[Field], data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """The form's inputs filled from a data block (what the member sees when the form opens)."""
    out: dict[str, str] = {}
    for f in fields:
        name = prefix + f.key
        value = data.get(f.key)
        if value is None:
            continue
        kind = f.widget
        if kind == "group" and isinstance(value, dict):
            out.update(to_inputs(list(f.fields.values()), value, name + "."))
        elif kind in ("rows", "links") and isinstance(value, list):
            subs = list(f.fields) if kind == "rows" else ["nom", "description"]
            for i, entry in enumerate(value):
                entry = entry if isinstance(entry, dict) else {subs[0]: entry}
                for sub in subs:
                    if entry.get(sub) is not None:
                        out[f"{name}.{i}.{sub}"] = _text(entry[sub])
                if any(str(k) not in subs for k in entry):
                    out[f"{name}.{i}.{ORIGIN}"] = str(i)
        elif kind == "list":
            items = value if isinstance(value, list) else [v.strip() for v in str(value).split(",")]
            for i, item in enumerate(items):
                out[f"{name}.{i}"] = _text(item)
        elif kind == "position" and isinstance(value, dict):
            for sub in ("lat", "lon"):
                out[f"{name}.{sub}"] = _text(value.get(sub))
        elif kind == "datetime":
            text = _text(value)
            match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?", text)
            out[f"{name}.date"], out[f"{name}.heure"] = (match.group(1), match.group(2) or "") if match else (text, "")
        elif kind in ("group", "rows", "links", "position"):
            out[name] = _text(value)  # not the expected shape (written by hand): shown as YAML, to correct
        else:
            out[name] = _text(value)
    return out


# -- inputs -> data -----------------------------------------------------------------------------------------


@dataclass
class Reading:
    """A submitted form read back: the data block, and the French errors by input name."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: for a list of entries: row number in the data -> number of the page's entry it was opened from
    origins: dict[str, dict[int, int]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _get(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _indices(form: Mapping[str, str], name: str) -> list[int]:
    """Row numbers present under ``name.`` in the form, in order."""
    pattern = re.compile(re.escape(name) + r"\.(\d{1,4})(?:\.|$)")
    found = {int(m.group(1)) for key in form for m in [pattern.match(key)] if m}
    return sorted(found)[:MAX_ROWS]


def _clean(f: Field, value: Any, label: str, name: str, reading: Reading) -> Any:
    try:
        return f.clean(value)
    except Invalide as exc:
        reading.error(name, f"{label} : {exc}")
    except Exception:  # noqa: BLE001 - a kind added later must never give a traceback
        reading.error(name, f"{label} : valeur impossible à lire.")
    return None


def _yaml_value(text: str) -> Any:
    """A value written as YAML in the form (kinds the form does not know), read with the pages' safe reader."""
    body = "x:\n" + "\n".join("  " + line for line in text.split("\n"))
    parsed = frontmatter.split(f"---\n{body}\n---\n")
    if parsed.problems or parsed.data is None:
        message = parsed.problems[0].message if parsed.problems else "YAML illisible."
        raise Invalide(re.sub(r"^le bloc de données", "le texte", message))
    return parsed.data.get("x")


def read_field(f: Field, form: Mapping[str, str], reading: Reading, prefix: str = "", label: str = "") -> Any:
    """The value of one field from the form (None when left empty); errors go to ``reading``."""
    name = prefix + f.key
    label = f"{label}, {f.label}" if label else f.label
    kind = f.widget
    if kind == "group":
        value: dict[str, Any] = {}
        for sub in f.fields.values():
            got = read_field(sub, form, reading, name + ".", label)
            if got is not None:
                value[sub.key] = got
        if form.get(name):  # a value of another shape, shown as YAML
            try:
                return _clean(f, _yaml_value(_get(form, name)), label, name, reading)
            except Invalide as exc:
                reading.error(name, f"{label} : {exc}")
                return None
        return value or None
    if kind in ("rows", "links"):
        subs = f.fields if kind == "rows" else {"nom": None, "description": None}
        rows = []
        for position, i in enumerate(_indices(form, name), 1):
            row: dict[str, Any] = {}
            row_prefix, row_label = f"{name}.{i}.", f"{label}, ligne {position}"
            for sub_key, sub in subs.items():
                if sub is None:  # a chain's link: a name and a description, plain texts
                    text = _get(form, row_prefix + sub_key)
                    if len(text) > MAX_INPUT or CONTROL.search(text):
                        reading.error(row_prefix + sub_key, f"{row_label} : texte trop long ou caractère invisible.")
                    elif text:
                        row[sub_key] = text
                    continue
                got = read_field(sub, form, reading, row_prefix, row_label)
                if got is not None:
                    row[sub_key] = got
            if not row:
                continue
            if kind == "links" and "nom" not in row:
                reading.error(f"{name}.{i}.nom", f"{label}, ligne {position} : le nom du maillon manque.")
                continue
            origin = _get(form, row_prefix + ORIGIN)
            if origin.isdigit() and len(origin) < 5:
                reading.origins.setdefault(name, {})[len(rows)] = int(origin)
            rows.append(row)
        if not rows:
            return None
        if any(k.startswith(name + ".") for k in reading.errors):
            return rows
        return _clean(f, rows, label, name, reading)
    if kind == "list":
        items = [_get(form, f"{name}.{i}") for i in _indices(form, name)]
        items = [i for i in items if i]
        if form.get(name):  # written by hand as one text (or YAML)
            items += [v.strip() for v in _get(form, name).split("\n") if v.strip()]
        return _clean(f, items, label, name, reading) if items else None
    if kind == "position":
        if form.get(name):
            text = _get(form, name)
            try:
                return _clean(f, _yaml_value(text), label, name, reading) if text else None
            except Invalide as exc:
                reading.error(name, f"{label} : {exc}")
                return None
        lat, lon = _get(form, name + ".lat"), _get(form, name + ".lon")
        if not lat and not lon:
            return None
        if not lat or not lon:
            reading.error(name, f"{label} : indiquez la latitude et la longitude, ou cliquez sur la carte.")
            return None
        return _clean(f, {"lat": lat, "lon": lon}, label, name, reading)
    if kind == "datetime":
        day, hour = _get(form, name + ".date"), _get(form, name + ".heure")
        if not day and not hour:
            return None
        if not day:
            reading.error(name + ".date", f"{label} : la date manque (l'heure seule ne suffit pas).")
            return None
        value = _clean(f, f"{day} {hour}" if hour else day, label, name + ".date", reading)
        return value.replace("T", " ", 1) if isinstance(value, str) else value  # written as the README shows
    text = _get(form, name)
    if not text:
        return None
    if len(text) > MAX_INPUT:
        reading.error(name, f"{label} : texte trop long ({len(text)} caractères ; au plus {MAX_INPUT}).")
        return None
    if CONTROL.search(text):
        reading.error(name, f"{label} : un caractère de contrôle invisible est à retirer.")
        return None
    if kind == "yaml":
        try:
            value = _yaml_value(text)
        except Invalide as exc:
            reading.error(name, f"{label} : {exc}")
            return None
        return _clean(f, value, label, name, reading)
    value = _clean(f, text, label, name, reading)
    if kind == "siret" and value is not None:

        if not siret_key_ok(value):
            reading.error(
                name, f"{label} : ce numéro n'existe pas, sa clé de contrôle est fausse (vérifiez les chiffres)."
            )
            return None
    return value


def read_form(page_type: PageType, form: Mapping[str, str]) -> Reading:
    """The data block a submitted form describes, checked field by field and then as a whole."""
    reading = Reading()
    for f in page_type.fields:
        value = read_field(f, form, reading)
        if value is not None and value != [] and value != {}:
            reading.data[f.key] = value
    if not reading.errors:
        record = page_type.validate(reading.data)
        labels = page_type.field_map()
        for problem in record.problems:
            key = problem.champ or page_type.title_field
            label = labels[key].label if key in labels else key
            message = problem.message
            if message.startswith("ce champ est obligatoire"):
                message = "ce champ est obligatoire."
            reading.error(_input_of(page_type, key), f"{label} : {message}")
    return reading


def _input_of(page_type: PageType, key: str) -> str:
    f = page_type.field_map().get(key)
    if f is not None and f.widget == "datetime":
        return key + ".date"
    return key


def merge(
    page_type: PageType,
    original: Mapping[str, Any],
    new: Mapping[str, Any],
    origins: Mapping[str, Mapping[int, int]] | None = None,
) -> dict[str, Any]:
    """The block to write: the original's keys in their order (unknown ones untouched), the form's values; an
    entry of a list keeps the keys the form does not know of the page's entry it was opened from."""
    fields = page_type.field_map()
    new = dict(new)
    for key, rows in (origins or {}).items():
        old_rows = original.get(key)
        if key in fields and isinstance(new.get(key), list) and isinstance(old_rows, list):
            new[key] = _with_unknown_keys(fields[key], new[key], old_rows, rows)
    merged: dict[str, Any] = {"type": page_type.name}
    for key, value in original.items():
        if key == "type":
            continue
        if key not in fields:
            merged[key] = value  # a key the form does not know: kept exactly
        elif key in new:
            merged[key] = _merge_value(fields[key], value, new[key])
    for f in page_type.fields:
        if f.key in new and f.key not in merged:
            merged[f.key] = new[f.key]
    return merged


def _with_unknown_keys(f: Field, rows: list[Any], old_rows: list[Any], origins: Mapping[int, int]) -> list[Any]:
    known = set(f.fields) if f.widget == "rows" else {"nom", "description"}
    out = []
    for i, row in enumerate(rows):
        old = old_rows[origins[i]] if i in origins and origins[i] < len(old_rows) else None
        if isinstance(row, dict) and isinstance(old, dict):
            kept = {str(k): v for k, v in old.items() if str(k) not in known}
            order = [str(k) for k in old if str(k) in row or str(k) in kept]
            row = {k: row.get(k, kept.get(k)) for k in order} | {k: v for k, v in row.items() if k not in order}
        out.append(row)
    return out


def _merge_value(f: Field, old: Any, new: Any) -> Any:
    """A group keeps the sub-keys the form does not know."""
    if f.widget == "group" and isinstance(old, dict) and isinstance(new, dict):
        out = {k: (new[k] if k in f.fields else v) for k, v in old.items() if k not in f.fields or k in new}
        out.update({k: v for k, v in new.items() if k not in out})
        return out
    return new


# -- suggestions --------------------------------------------------------------------------------------------


def _commune_hint(name: str, postcodes: list[str] | tuple[str, ...]) -> str:
    """Postcodes, and the name without accents when it has some: browsers match what is typed against an
    option's text too, so « guerande » or « 44350 » still offers Guérande."""
    folded = fold(name)
    hint = " ".join(postcodes)
    return f"{hint} · {folded}" if folded != name.lower() else hint


def suggestions(page_type: PageType) -> dict[str, list[tuple[str, str]]]:
    """Values to suggest by field key: (value, what the member sees beside it) — values already used (with
    their counts, in pages the member may read), usual values, communes with their postcodes."""

    out: dict[str, list[tuple[str, str]]] = {}
    index = get_index()
    pages = readable(index.pages(page_type.name)) if index is not None else []
    by_field = {key: facet for facet, key in page_type.facets.items()}

    def visit(fields: list[Field], prefix: str) -> None:
        for f in fields:
            name = prefix + f.key
            if f.widget == "group":
                visit(list(f.fields.values()), name + ".")
            elif f.widget == "rows":
                visit(list(f.fields.values()), name + ".*.")
            elif f.widget == "commune":
                out[name] = [(c.nom, _commune_hint(c.nom, c.codes_postaux)) for c in communes.all_communes()]
            elif f.widget in ("list", "suggested", "text", "choice") and (
                f.key in by_field and not prefix or hasattr(f, "usual") or hasattr(f, "choices")
            ):
                counts: Counter[str] = Counter()
                if f.key in by_field and not prefix:
                    for page in pages:
                        counts.update(set(page.facets.get(by_field[f.key]) or ()))
                options = [
                    (v, f"{n} {page_type.plural if n > 1 else page_type.label.lower()}")
                    for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                ]
                known = {v for v, _ in options}
                options += [(u, "") for u in getattr(f, "usual", ()) or getattr(f, "choices", ()) if u not in known]
                if options:
                    out[name] = options

    visit(page_type.fields, "")
    return out


def usual_spellings(page_type: PageType, data: dict[str, Any]) -> None:
    """A sector, theme or category typed another way than one already used (« recup » for « Récup' », case,
    accents, apostrophes and hyphens aside) is written the way the pages already write it: no near duplicate."""
    by_field = {key: facet for facet, key in page_type.facets.items()}
    fields = page_type.field_map()
    targets = [k for k in data if k in by_field and fields[k].widget in ("list", "suggested", "text")]
    if not targets:
        return
    offered = suggestions(page_type)
    for key in targets:
        spelling: dict[str, str] = {}
        for value, _count in offered.get(key, []):
            spelling.setdefault(_loose(value), value)
        value = data[key]
        if isinstance(value, list):
            data[key] = [spelling.get(_loose(v), v) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            data[key] = spelling.get(_loose(value), value)


def _loose(text: str) -> str:
    """A value with case, accents, apostrophes, hyphens and spaces aside."""
    return re.sub(r"[\s'’\-_.]+", "", fold(text))


# -- HTML ---------------------------------------------------------------------------------------------------


def _row_numbers(values: Mapping[str, str], name: str) -> list[int]:
    """The rows to show under a list: those present (their numbers kept, so errors stay beside them), then blanks."""
    present = _indices(values, name)
    following = present[-1] + 1 if present else 0
    return present + list(range(following, following + BLANK_ROWS))


def _id(name: str) -> str:
    return "f_" + re.sub(r"[^A-Za-z0-9_-]", "_", name)


class Builder:
    """Writes the form's fields; every value and label is escaped here."""

    def __init__(self, values: Mapping[str, str], errors: Mapping[str, list[str]], lists: dict[str, Any]) -> None:
        self.values = values
        self.errors = errors
        self.lists = lists
        self.datalists: dict[str, list[tuple[str, str]]] = {}

    def value(self, name: str) -> str:
        return self.values.get(name) or ""

    def described(self, name: str, help_text: str) -> tuple[str, str]:
        """aria attributes and the help and error paragraphs of an input."""
        ids, paragraphs = [], []
        if help_text:
            ids.append(_id(name) + "_aide")
            paragraphs.append(f'<p class="eco-aide" id="{_id(name)}_aide">{escape(help_text)}</p>')
        if self.errors.get(name):
            ids.append(_id(name) + "_erreur")
            paragraphs.append(
                f'<p class="error eco-erreur" id="{_id(name)}_erreur">{escape(" ; ".join(self.errors[name]))}</p>'
            )
        attrs = f' aria-describedby="{" ".join(ids)}"' if ids else ""
        if self.errors.get(name):
            attrs += ' aria-invalid="true"'
        return attrs, "".join(paragraphs)

    def datalist(self, pattern: str) -> str:
        options = self.lists.get(pattern)
        if not options:
            return ""
        list_id = "eco-liste-" + re.sub(r"[^A-Za-z0-9_-]", "_", pattern)
        self.datalists[list_id] = options
        return f' list="{list_id}" autocomplete="off"'

    def control(self, f: Field, name: str, pattern: str) -> str:
        """The input of one simple field."""
        kind = f.widget
        value = self.value(name)
        extra = ""
        if kind == "yaml" or f.long or "\n" in value:
            rows = 6 if kind == "yaml" else 4
            return (
                f'<textarea id="{_id(name)}" name="{escape(name)}" rows="{rows}"{{attrs}}>\n{escape(value)}</textarea>'
            )
        input_type = {"email": "email", "tel": "tel", "url": "url", "count": "number", "year": "text"}.get(kind, "text")
        if kind == "date" and (not value or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
            input_type = "date"
        if kind == "count":
            extra += ' min="0" step="1" inputmode="numeric"'
        if kind == "year":
            extra += ' inputmode="numeric" maxlength="4" pattern="[0-9]{4}"'
        if kind == "amount":
            extra += ' inputmode="decimal"'
        if kind == "siret":
            extra += ' inputmode="numeric" data-eco-verifier="siret"'
        if kind == "rna":
            extra += ' data-eco-verifier="rna"'
        if kind == "choice":
            options = "".join(
                f'<option value="{escape(c)}"{" selected" if c == value else ""}>{escape(c)}</option>'
                for c in ("",) + tuple(getattr(f, "choices", ()))
            )
            if value and value not in getattr(f, "choices", ()):
                options += f'<option value="{escape(value)}" selected>{escape(value)}</option>'
            return f'<select id="{_id(name)}" name="{escape(name)}"{{attrs}}>{options}</select>'
        extra += self.datalist(pattern)
        if f.required:
            extra += ' required aria-required="true"'
        return f'<input id="{_id(name)}" name="{escape(name)}" type="{input_type}" value="{escape(value)}"{extra}{{attrs}}>'

    def simple(self, f: Field, name: str, pattern: str, label: str) -> str:
        """A labelled input, its help, its live check (SIRET, RNA) and its errors."""
        help_text = f.help or HELP.get(f.widget, "")
        attrs, after = self.described(name, help_text)
        star = ' <span aria-hidden="true">*</span>' if f.required else ""
        control = self.control(f, name, pattern).replace("{attrs}", attrs)
        live = '<p class="eco-verification" aria-live="polite"></p>' if f.widget in ("siret", "rna") else ""
        return (
            f'<div class="eco-champ eco-champ-{f.widget}"><label for="{_id(name)}">{escape(label)}{star}</label>'
            f"{control}{live}{after}</div>"
        )

    def field(self, f: Field, prefix: str = "", pattern_prefix: str = "") -> str:
        name, pattern = prefix + f.key, pattern_prefix + f.key
        kind = f.widget
        shape_error = kind in ("group", "position") and self.values.get(name)
        if kind == "group" and not shape_error:
            inner = "".join(self.field(sub, name + ".", pattern + ".") for sub in f.fields.values())
            return self.fieldset(f, name, inner)
        if kind in ("rows", "links") and not self.values.get(name):
            return self.rows(f, name, pattern)
        if kind == "list":
            return self.list_rows(f, name, pattern)
        if kind == "position" and not shape_error:
            return self.position(f, name)
        if kind == "datetime":
            return self.datetime(f, name)
        if shape_error:
            return self.simple(
                _AsYaml(f.key, f.label, help="Valeur écrite à la main, à corriger en YAML."), name, pattern, f.label
            )
        return self.simple(f, name, pattern, f.label)

    def fieldset(self, f: Field, name: str, inner: str, css: str = "") -> str:
        attrs, after = self.described(name, f.help)
        return (
            f'<fieldset class="eco-groupe {css}" id="{_id(name)}"{attrs}><legend>{escape(f.label)}</legend>'
            f"{after}{inner}</fieldset>"
        )

    def rows(self, f: Field, name: str, pattern: str) -> str:
        subs = (
            list(f.fields.values())
            if f.widget == "rows"
            else [_Plain("nom", "Nom"), _Plain("description", "Description", long=True)]
        )
        rows = []
        for n, i in enumerate(_row_numbers(self.values, name)):
            cells = "".join(
                self.simple(sub, f"{name}.{i}.{sub.key}", f"{pattern}.*.{sub.key}", sub.label) for sub in subs
            )
            origin = self.value(f"{name}.{i}.{ORIGIN}")
            if origin:  # the page's entry this row was opened from (its keys the form does not show follow it)
                cells += f'<input type="hidden" name="{escape(name)}.{i}.{ORIGIN}" value="{escape(origin)}">'
            rows.append(f'<li class="eco-ligne" data-eco-ligne><span class="eco-numero">{n + 1}.</span>{cells}</li>')
        movable = " data-eco-deplacer" if f.widget == "links" else ""
        inner = (
            f'<ol class="eco-lignes" data-eco-lignes="{escape(name)}"{movable}>{"".join(rows)}</ol>'
            '<p class="eco-aide eco-sans-script">Une ligne vide de plus est offerte à chaque enregistrement.</p>'
        )
        return self.fieldset(f, name, inner, "eco-repetable")

    def list_rows(self, f: Field, name: str, pattern: str) -> str:
        rows = []
        for n, i in enumerate(_row_numbers(self.values, name)):
            value = escape(self.value(f"{name}.{i}"))
            rows.append(
                f'<li class="eco-ligne" data-eco-ligne><label class="eco-invisible" for="{_id(f"{name}.{i}")}">'
                f'{escape(f.label)} {n + 1}</label><input id="{_id(f"{name}.{i}")}" name="{escape(name)}.{i}" '
                f'type="text" value="{value}"{self.datalist(pattern)}></li>'
            )
        legacy = ""
        if self.values.get(name):  # a value of another shape written by hand
            legacy = self.simple(_Plain(f.key, f"{f.label} (écrit à la main)", long=True), name, pattern, f.label)
        inner = f'<ul class="eco-lignes eco-liste" data-eco-lignes="{escape(name)}">{"".join(rows)}</ul>{legacy}'
        help_text = f.help or HELP["list"]
        attrs, after = self.described(name, help_text)
        return (
            f'<fieldset class="eco-groupe eco-repetable" id="{_id(name)}"{attrs}><legend>{escape(f.label)}</legend>'
            f"{after}{inner}</fieldset>"
        )

    def position(self, f: Field, name: str) -> str:

        cells = "".join(
            self.simple(_Plain(sub, label), f"{name}.{sub}", "", label).replace(
                'type="text"', 'type="text" inputmode="decimal"'
            )
            for sub, label in (("lat", "Latitude"), ("lon", "Longitude"))
        )
        tiles = current_app.cfg.map_tiles_url
        attribution = getattr(current_app.cfg, "map_tiles_attribution", "")
        carte = (
            f'<div class="eco-carte-formulaire" data-eco-carte="{escape(name)}" data-tuiles="{escape(tiles)}" '
            f'data-attribution="{escape(attribution)}" data-region="{escape(",".join(map(str, REGION)))}" '
            f'role="application" aria-label="Carte : cliquez pour placer le lieu"></div>'
        )
        return self.fieldset(f, name, carte + cells, "eco-position")

    def datetime(self, f: Field, name: str) -> str:
        day, hour = self.value(name + ".date"), self.value(name + ".heure")
        day_type = "date" if not day or re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else "text"
        day_attrs, day_after = self.described(name + ".date", f.help)
        hour_attrs, hour_after = self.described(name + ".heure", "Facultative : sans heure, toute la journée.")
        required = ' required aria-required="true"' if f.required else ""
        star = ' <span aria-hidden="true">*</span>' if f.required else ""
        inner = (
            f'<div class="eco-champ"><label for="{_id(name + ".date")}">Date{star}</label>'
            f'<input id="{_id(name + ".date")}" name="{escape(name)}.date" type="{day_type}" value="{escape(day)}"'
            f"{required}{day_attrs}>{day_after}</div>"
            f'<div class="eco-champ"><label for="{_id(name + ".heure")}">Heure</label>'
            f'<input id="{_id(name + ".heure")}" name="{escape(name)}.heure" type="time" value="{escape(hour)}"'
            f"{hour_attrs}>{hour_after}</div>"
        )
        return self.fieldset(f, name, inner, "eco-moment")


class _Plain(Field):
    """A plain text input of the form itself (a chain link's name, a latitude), not a field of the schema."""

    widget = "text"

    def clean(self, value: Any) -> Any:
        return value


class _AsYaml(_Plain):
    """A value whose shape the widget cannot show (written by hand): edited as YAML, checked by its own field."""

    widget = "yaml"


def build_fields(
    page_type: PageType, values: Mapping[str, str], errors: Mapping[str, list[str]]
) -> tuple[Markup, Markup]:
    """The fields of a type's form and their datalists, as HTML."""
    builder = Builder(values, errors, suggestions(page_type))
    html = "".join(builder.field(f) for f in page_type.fields)
    lists = "".join(
        f'<datalist id="{list_id}">'
        + "".join(f'<option value="{escape(v)}">{escape(hint)}</option>' for v, hint in options)
        + "</datalist>"
        for list_id, options in builder.datalists.items()
    )
    return Markup(html), Markup(lists)  # nosec B704 - every value above went through escape()


# -- views --------------------------------------------------------------------------------------------------


@dataclass
class Screen:
    """What the form page shows."""

    page_type: PageType
    heading: str
    action: str
    button: str
    values: Mapping[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    notice: list[str] = field(default_factory=list)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    show_form: bool = True
    login_needed: bool = False
    changes: list[tuple[str, str]] = field(default_factory=list)
    page_name: str = ""
    ask_page_name: bool = False


def render(screen: Screen, status: int = 200) -> Response:

    fields_html, lists_html = (
        build_fields(screen.page_type, screen.values, screen.errors) if screen.show_form else ("", "")
    )
    error_list = [(name, message) for name, messages in screen.errors.items() for message in messages]
    html = render_template(
        "ecossolies/formulaire_type.html",
        title_name=screen.heading,
        screen=screen,
        fields_html=fields_html,
        lists_html=lists_html,
        error_list=error_list,
        field_id=_id,
        body_value=screen.values.get(BODY, ""),
        body_error=screen.errors.get(BODY),
        page_input=screen.values.get("page", ""),
        csrf_token=csrf_token(),
        login_url=url_for("frontend.login"),
        has_map=any(f.widget == "position" for f in screen.page_type.fields),
    )
    response = Response(html, status, mimetype="text/html")
    tiles = security.tiles_origin(current_app.cfg.map_tiles_url)
    response.headers["Content-Security-Policy"] = content_security_policy().replace(
        "img-src 'self' data:;", f"img-src 'self' data: {tiles};"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _login_screen(page_type: PageType, heading: str, action: str, button: str, verb: str) -> Response:
    screen = Screen(page_type, heading, action, button, {}, show_form=False, login_needed=True)
    screen.general = [f"Pour {verb}, connectez-vous d'abord (ou créez un compte) : le formulaire s'affichera ensuite."]
    return render(screen, 200 if request.method == "GET" else 403)


def new_page(type_name: str) -> Response:
    """``/+nouvelle/<type>``: GET shows the form; POST checks, writes the block, saves as the member."""

    page_type = get(type_name)
    if page_type is None:
        abort(404)
    heading = f"Nouvelle page : {page_type.label.lower()}"
    heading = {
        "fiche": "Nouvelle fiche",
        "lieu": "Nouveau lieu",
        "chaine": "Nouvelle chaîne",
        "evenement": "Nouvel événement",
        "dispositif": "Nouveau dispositif",
        "position": "Nouvelle position",
    }.get(type_name, heading)
    action = url_for("ecossolies.new_page", type_name=type_name)
    button = "Créer la page"
    ask_name = page_type.title_field not in page_type.field_map()
    group = (request.values.get("groupe") or "").strip()
    if not flaskg.user.valid:
        return _login_screen(page_type, heading, action, button, "créer une page")
    values: dict[str, str] = dict(request.form) if request.method == "POST" else {}
    if type_name == "position" and group:
        values["groupe"] = group
    screen = Screen(page_type, heading, action, button, values, ask_page_name=ask_name)
    if type_name == "position":
        screen.notice.append(
            "Une position commence en brouillon : seuls le groupe et les administrateurs la lisent, jusqu'à ce qu'un "
            "membre du groupe la rende publique."
        )
        if group:
            screen.action = action + "?groupe=" + _quote(group)
    if request.method == "GET":
        return render(screen)
    if not csrf_ok():
        screen.general.append("Le formulaire a expiré : vérifiez les champs et envoyez-le de nouveau.")
        return render(screen, 400)
    reading = read_form(page_type, values)
    usual_spellings(page_type, reading.data)
    screen.errors = reading.errors
    title = str(reading.data.get(page_type.title_field) or "").strip() if not ask_name else _get(values, "page")
    name = ""
    if title:
        name = f"{space_of(page_type, reading.data)}/{title}"
        problem = page_name_problem(name)
        if problem:
            reading.error("page" if ask_name else page_type.title_field, problem)
        elif flaskg.storage.has_item(name):
            # the same answer for a page one may not read as for one that is taken: it names nothing
            reading.error("page" if ask_name else page_type.title_field, TAKEN)
    elif ask_name:
        reading.error("page", "Nom de la page : ce champ est obligatoire.")
    acl = None
    if type_name == "position" and not reading.errors:

        group = str(reading.data.get("groupe") or "")
        if not flaskg.storage.has_item(groupes.space(group)):
            reading.error(
                "groupe",
                f"Groupe de travail inconnu « {group} » : ouvrez ce formulaire depuis la page de votre groupe "
                "(GroupesDeTravail/…).",
            )
        elif not groupes.is_member(group):
            screen.errors = {
                "groupe": [f"Groupe de travail : seuls les membres du groupe {group} rédigent ses positions."]
            }
            screen.general.append("La position n'est pas enregistrée.")
            return render(screen, 403)
        reading.data.setdefault("statut", "brouillon")
        acl = groupes.draft_acl(group)
    if reading.errors:
        screen.general.append("La page n'est pas encore enregistrée : corrigez les champs signalés ci-dessous.")
        return render(screen, 422)
    text = frontmatter.join({"type": type_name, **reading.data}, _body(values))
    comment = f"Nouvelle page : {page_type.label.lower()} (formulaire)"
    if type_name == "fiche":
        comment = "Nouvelle fiche (formulaire)"
    try:
        if acl is not None:  # members may not set ACLs through moin: membership was checked, we write the draft's

            store_page(current_app, name, text, "Nouvelle position (brouillon)", acl=acl)
            store_page(
                current_app,
                f"{name}/Discussion",
                DISCUSSION_TEXT.format(title=title),
                "Discussion de la position (brouillon)",
                acl=acl,
            )
        else:
            item = Item.create(name, itemtype="default", contenttype=MOINWIKI)
            item._save({CONTENTTYPE: MOINWIKI, ITEMTYPE: "default"}, text, comment=comment)
    except AccessDenied:
        screen.general.append("Vous n'avez pas le droit de créer cette page.")
        return render(screen, 403)
    return redirect(url_for("frontend.show_item", item_name=name))


def _quote(text: str) -> str:

    return quote(text, safe="")


def _body(values: Mapping[str, str]) -> str:
    """The free text as typed (browsers send CRLF line ends; the wiki's pages use LF)."""
    return (values.get(BODY) or "").replace("\r\n", "\n")


def edit_page(item_name: str) -> Response:
    """``/+formulaire/<page>``: edit a structured page through its type's form."""

    item = flaskg.storage.get_item(name_exact=item_name)
    if not item or not flaskg.user.may.read(item_name):
        abort(404)
    rev = item[CURRENT_REV]
    text = rev.data.read().decode("utf-8", "replace")
    analysis = analyse(text)
    front = analysis.front
    page_type = analysis.record.type if analysis.record is not None else _salvaged_type(item_name, front)
    if page_type is None:
        abort(404)
    action = url_for("ecossolies.edit_page", item_name=item_name)
    heading = f"Modifier : {item_name.rsplit('/', 1)[-1]}"
    button = "Enregistrer"
    if not flaskg.user.valid:
        return _login_screen(page_type, heading, action, button, "modifier cette page")
    if not flaskg.user.may.write(item_name):
        screen = Screen(page_type, heading, action, button, {}, show_form=False)
        screen.general.append("Vous pouvez lire cette page, mais pas la modifier.")
        return render(screen, 403)
    current_revid = rev.meta[REVID]
    original = front.data if front.data is not None else None
    if request.method == "GET":
        data = original if original is not None else _last_valid(item_name) or {}
        values = to_inputs(page_type.fields, data)
        values[BODY] = front.body
        screen = Screen(
            page_type, heading, action, button, values, hidden=[("revision", current_revid)], page_name=item_name
        )
        if original is None:
            screen.notice.append(
                "Le bloc de données de cette page est mal écrit ; le formulaire part de ses dernières valeurs valides. "
                "En enregistrant, vous le remplacez par un bloc correct."
            )
            screen.notice += [str(p) for p in analysis.problems]
        return render(screen)
    values = dict(request.form)
    screen = Screen(
        page_type, heading, action, button, values, hidden=[("revision", current_revid)], page_name=item_name
    )
    if not csrf_ok():
        screen.general.append("Le formulaire a expiré : vérifiez les champs et envoyez-le de nouveau.")
        return render(screen, 400)
    opened_on = values.get("revision", "")
    if opened_on != current_revid:
        screen.general.append(
            "Quelqu'un a modifié cette page depuis que vous avez ouvert le formulaire : rien n'a été enregistré. "
            "Voici ce qui a changé ; vos valeurs sont gardées ci-dessous. Envoyez de nouveau pour remplacer "
            "la nouvelle version par la vôtre, après avoir repris ce qu'il faut garder."
        )
        screen.changes = _changes(item, opened_on, text)
        return render(screen, 409)
    reading = read_form(page_type, values)
    usual_spellings(page_type, reading.data)
    screen.errors = reading.errors
    if reading.errors:
        screen.general.append("La page n'est pas encore enregistrée : corrigez les champs signalés ci-dessous.")
        return render(screen, 422)
    block = merge(page_type, original or {"type": page_type.name}, reading.data, reading.origins)
    body = _body(values)
    if "\r\n" in front.body:  # saved by moin's editor with CRLF line ends: the free text keeps them
        body = body.replace("\n", "\r\n")
    new_text = _written(page_type, front, block, body, text)
    if new_text == text or (block == original and body == front.body):  # nothing changed: no new revision
        return redirect(url_for("frontend.show_item", item_name=item_name))
    meta: dict[str, Any] = {
        CONTENTTYPE: rev.meta.get(CONTENTTYPE, MOINWIKI),
        ITEMTYPE: rev.meta.get(ITEMTYPE, "default"),
    }
    if rev.meta.get(ACL) is not None:
        meta[ACL] = rev.meta[ACL]  # the page keeps its rights (a group's draft stays the group's)
    if rev.meta.get(TAGS):
        meta[TAGS] = list(rev.meta[TAGS])
    try:
        Item.create(item_name, itemtype=meta[ITEMTYPE], contenttype=meta[CONTENTTYPE])._save(
            meta, new_text, comment="Modification (formulaire)"
        )
    except AccessDenied:
        screen.general.append("Vous n'avez pas le droit de modifier cette page.")
        return render(screen, 403)
    return redirect(url_for("frontend.show_item", item_name=item_name))


def owned(page_type: PageType) -> frontmatter.Owned:
    """The keys the form writes (a group's known sub-keys too): every other key stays as it was written."""
    return {f.key: ({k: None for k in f.fields} if f.widget == "group" else None) for f in page_type.fields}


def _written(page_type: PageType, front: frontmatter.FrontMatter, block: dict[str, Any], body: str, text: str) -> str:
    """The page text after a form's edit: the form's fields in the canonical style; the keys it does not know,
    the comment lines and the free text byte for byte (a block saved with CRLF line ends keeps them)."""
    if front.data is None:  # a malformed block: replaced by a correct one
        return frontmatter.join(block, body)
    yaml_text = frontmatter.rewrite(front.raw_block, front.data, block, owned(page_type))
    if text.startswith("---\r\n") and front.raw_block.endswith("\r"):
        return "---\r\n" + yaml_text.replace("\n", "\r\n") + "---\r\n" + body
    return f"---\n{yaml_text}---\n{body}"


def _changes(item: Any, opened_on: str, current: str) -> list[tuple[str, str]]:
    """The lines that changed between the revision the form was opened on and the current one."""
    try:
        old = item[opened_on].data.read().decode("utf-8", "replace")
    except (KeyError, AccessDenied):
        old = ""
    lines = []
    for line in difflib.unified_diff(old.split("\n"), current.split("\n"), "avant", "maintenant", lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        css = {"+": "eco-ajout", "-": "eco-retrait", "@": "eco-position-diff"}.get(line[:1], "")
        lines.append((css, line))
    return lines[:400]


def _salvaged_type(item_name: str, front: frontmatter.FrontMatter) -> PageType | None:
    """The type of a page whose block is malformed: from its ``type:`` line, or what the index last knew."""

    name = salvage_type(front) if front.has_block else None
    if name is None:
        page = _indexed(item_name)
        name = page.type if page is not None else None
    return get(name) if name else None


def _indexed(item_name: str) -> Any:

    index = get_index()
    if index is None:
        return None
    return next((p for p in index if item_name in p.names and not p.namespace), None)


def _last_valid(item_name: str) -> dict[str, Any] | None:
    page = _indexed(item_name)
    return dict(page.data) if page is not None else None


def edit_link(fqname: Any, item: Any = None) -> str | None:
    """The form's address for a structured page (the « Modifier avec le formulaire » button), else None."""


    try:
        itemid = item.meta.get(ITEMID) if item is not None else None
        index = get_index()
        page = index.snapshot().by_itemid.get(itemid) if index is not None and itemid else None
    except Exception:  # noqa: BLE001 - a button must never break moin's page
        return None
    if page is None or not page.type or get(page.type) is None:
        return None
    return url_for("ecossolies.edit_page", item_name=page.fullname)


def describe(problem: Any, page_type: PageType | None) -> str:
    """A problem of a data block told with the field's label (and its key, which is what moin's editor shows)."""
    where = []
    if problem.ligne:
        where.append(f"ligne {problem.ligne}")
    if problem.champ:
        f = page_type.field_map().get(problem.champ) if page_type is not None else None
        where.append(f"champ « {f.label} » ({problem.champ})" if f is not None else f"champ « {problem.champ} »")
    prefix = ", ".join(where)
    return f"{prefix[0].upper()}{prefix[1:]} : {problem.message}" if prefix else problem.message


def warn_after_save(app: Any, meta: Mapping[str, Any]) -> None:
    """After a save in moin's editor: a block with problems is said at once, with its line, the field's label
    and the way to the form (the page is saved all the same: nothing typed is lost, nothing hidden)."""


    index = get_index(app)
    if index is None or meta.get(NAMESPACE):
        return
    stored_meta, data = app.storage.backend.retrieve(index.backend_names.get("", "default"), meta[REVID])
    try:
        if not str(stored_meta.get(CONTENTTYPE, "")).startswith(("text/x.moin.wiki", "text/x-markdown")):
            return
        text = data.read().decode("utf-8", "replace")
    finally:
        data.close()
    analysis = analyse(text)
    if not analysis.front.has_block or not analysis.problems:
        return

    page_type = analysis.record.type if analysis.record is not None else get(salvage_type(analysis.front) or "")
    names = list(meta.get(NAME) or [])
    lines = [describe(p, page_type) for p in analysis.problems[:5]]
    message = escape("Page enregistrée, mais son bloc de données est à corriger : " + " ; ".join(lines))
    if page_type is not None and names:
        link = url_for("ecossolies.edit_page", item_name=names[0])
        message += Markup(' <a href="{}">Modifier avec le formulaire</a>').format(link)
    flash(message, "warning")
