"""Front matter: the YAML data block at the top of a structured page.

A structured page begins with a line ``---``, then YAML, then a line ``---``, then the free text.
Parsing never raises: every problem becomes a :class:`Probleme` (French message, page line number)
and the free text is always kept, so that a broken block never loses or hides what was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

#: a data block larger than this is refused (a fiche is a few KiB; this bounds YAML bombs and slips)
MAX_BLOCK_BYTES = 64 * 1024
#: nesting deeper than this is refused (bounds recursion in validation and rendering)
MAX_DEPTH = 12
#: more nodes than this is refused
MAX_NODES = 5000

_DELIMITER = re.compile(r"^---[ \t]*$")
_CLOSING = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class Probleme:
    """One problem found in a data block, told to the editor in French."""

    message: str
    champ: str | None = None
    ligne: int | None = None

    def __str__(self) -> str:
        where = []
        if self.ligne:
            where.append(f"ligne {self.ligne}")
        if self.champ:
            where.append(f"champ « {self.champ} »")
        prefix = ", ".join(where)
        return f"{prefix[0].upper()}{prefix[1:]} : {self.message}" if prefix else self.message


@dataclass
class FrontMatter:
    """A page text split into its data block and its free text."""

    has_block: bool
    data: dict[str, Any] | None
    body: str
    #: number of page lines taken by the block (delimiters included)
    block_lines: int = 0
    #: page line number of each top-level key
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Probleme] = field(default_factory=list)
    #: the lines of the block as written (what a malformed block still tells: its type, its name…)
    raw_block: str = ""


class _SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader when PyYAML has it (ten times faster), else the pure Python one.

    Dates stay text: the page type's fields read them, so a wrong date (2026-02-30) is reported with its field.
    """


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str)


class _AliasRefused(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _TooBig(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


def _check_events(block: str) -> None:
    """Refuse aliases (billion laughs) and documents with too many values, before building anything."""
    for count, event in enumerate(yaml.parse(block, Loader=_SafeLoader)):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.YAMLError(_AliasRefused(event.start_mark))
        if count > 2 * MAX_NODES:
            raise yaml.YAMLError(_TooBig(event.start_mark))


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()] or [level])
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value] or [level])
    return level


def _yaml_error(exc: yaml.YAMLError, first_line: int) -> Probleme:
    """Turn a PyYAML error into a French message with the page line number."""
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, _AliasRefused):
        return Probleme(
            "les alias YAML (*nom) ne sont pas acceptés : recopiez la valeur.", ligne=first_line + inner.mark.line
        )
    if isinstance(inner, _TooBig):
        return Probleme(
            f"bloc de données trop grand (plus de {MAX_NODES} valeurs).", ligne=first_line + inner.mark.line
        )
    mark = getattr(exc, "problem_mark", None)
    ligne = first_line + mark.line if mark is not None else None
    detail = french_yaml_problem(getattr(exc, "problem", None) or "")
    return Probleme(
        "le bloc de données n'est pas du YAML valide"
        + (f" ({detail})" if detail else "")
        + ". Vérifiez l'indentation, les deux-points après chaque nom de champ "
        "et les guillemets autour des textes qui contiennent « : » ou « # ».",
        ligne=ligne,
    )


#: PyYAML's problems (English), told in French; a problem not listed here is not shown (the line is)
_YAML_PROBLEMS = (
    ("nesting depth", "le bloc de données est trop imbriqué"),
    ("could not find expected ':'", "il manque « : » après un nom de champ"),
    ("mapping values are not allowed", "un « : » inattendu : mettez le texte entre guillemets"),
    ("did not find expected key", "l'indentation ne correspond pas à celle des lignes précédentes"),
    ("did not find expected ',' or ']'", "une liste entre crochets [ ] n'est pas fermée ou mal séparée"),
    ("did not find expected ',' or '}'", "un ensemble entre accolades { } n'est pas fermé ou mal séparé"),
    ("did not find expected '-' indicator", "l'indentation d'une liste « - » ne correspond pas"),
    ("did not find expected", "l'indentation ou la ponctuation ne correspond pas à ce qui précède"),
    ("mapping keys are not allowed here", "un nom de champ inattendu"),
    ("that cannot start any token", "un caractère ne peut pas commencer une valeur (tabulation, « @ », « ` »…)"),
    ("expected <block end>", "l'indentation ne correspond pas à celle des lignes précédentes"),
    ("expected ',' or ']'", "une liste entre crochets [ ] n'est pas fermée ou mal séparée"),
    ("expected ',' or '}'", "un ensemble entre accolades { } n'est pas fermé ou mal séparé"),
    ("found unexpected end of stream", "des guillemets ou des crochets ne sont pas fermés"),
    ("found unknown escape character", "une barre oblique inverse « \\ » inconnue entre guillemets"),
    ("expected escape sequence", "une barre oblique inverse « \\ » inconnue entre guillemets"),
    ("found undefined alias", "les alias YAML (*nom) ne sont pas acceptés"),
    ("found duplicate anchor", "les ancres YAML (&nom) ne sont pas acceptées"),
    ("could not determine a constructor", "les étiquettes YAML (!!nom) ne sont pas acceptées"),
    ("found undefined tag handle", "les étiquettes YAML (!nom) ne sont pas acceptées"),
    ("found unhashable key", "un nom de champ doit être un texte"),
    ("expected a single document", "un seul bloc de données par page"),
    ("found unexpected document separator", "un seul bloc de données par page"),
    ("characters are not allowed", "un caractère invisible ou de contrôle n'est pas accepté"),
    ("unacceptable character", "un caractère invisible ou de contrôle n'est pas accepté"),
    ("expected a comment or a line break", "du texte inattendu après une valeur"),
    ("expected the node content", "une valeur manque ou commence par un caractère réservé"),
    ("expected chomping or indentation indicators", "un « | » ou « > » mal placé"),
    ("expected alphabetic or numeric character", "un nom d'ancre ou d'alias invalide après « & » ou « * »"),
)


def french_yaml_problem(problem: str) -> str:
    """PyYAML's English problem in French (or nothing: the line number and the advice remain)."""
    return next((french for english, french in _YAML_PROBLEMS if english in problem), "")


def split(text: str) -> FrontMatter:
    """Split a page text into data block and free text; never raises."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or not _DELIMITER.match(lines[0].rstrip("\r")):
        return FrontMatter(has_block=False, data=None, body=text)
    end = next((i for i in range(1, len(lines)) if _CLOSING.match(lines[i].rstrip("\r"))), None)
    if end is None:
        return FrontMatter(
            has_block=True,
            data=None,
            body="\n".join(lines[1:]),
            block_lines=1,
            raw_block="\n".join(lines[1:]),
            problems=[
                Probleme(
                    "le bloc de données n'est pas fermé : ajoutez une ligne « --- » seule après les données. "
                    "En attendant, tout le texte de la page est affiché tel quel.",
                    ligne=1,
                )
            ],
        )
    block = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    result = FrontMatter(has_block=True, data=None, body=body, block_lines=end + 1, raw_block=block)
    size = len(block.encode("utf-8", "surrogatepass"))
    if size > MAX_BLOCK_BYTES:
        result.problems.append(
            Probleme(
                f"bloc de données trop grand ({size // 1024} Ko ; au plus {MAX_BLOCK_BYTES // 1024} Ko) : "
                "mettez les longs textes dans le texte libre, après la ligne « --- ».",
                ligne=1,
            )
        )
        return result
    first_line = 2  # page line of the first YAML line
    try:
        _check_events(block)
        loader = _SafeLoader(block)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        result.problems.append(_yaml_error(exc, first_line))
        return result
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. a number of 60,000 digits
        detail = "un nombre trop long : mettez-le entre guillemets" if "digits" in str(exc) else "valeur impossible"
        result.problems.append(Probleme(f"valeur illisible dans le bloc de données ({detail}).", ligne=first_line))
        return result
    if data is None:
        data = {}
    if not isinstance(data, dict):
        result.problems.append(
            Probleme(
                "le bloc de données doit être une liste de champs « nom: valeur », un par ligne.", ligne=first_line
            )
        )
        return result
    if _depth(data) > MAX_DEPTH:
        result.problems.append(Probleme("le bloc de données est trop imbriqué.", ligne=first_line))
        return result
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                result.lines.setdefault(str(key_node.value), first_line + key_node.start_mark.line)
    result.data = {str(k): v for k, v in data.items()}
    return result


_FastDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _CanonicalDumper(_FastDumper):  # type: ignore[misc,valid-type]
    """libyaml's dumper (fast) with our choices: lists of short texts in brackets, dates unquoted (our reader
    keeps them as text), integral amounts without « .0 », paragraphs as literal blocks. The indentation of
    groups and lists of entries is written by :func:`dump_block` (libyaml writes lists unindented)."""


_CanonicalDumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and "\n" not in str(value)


def _represent_list(dumper: Any, value: list[Any]) -> Any:
    flow = bool(value) and all(_scalar(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_float(dumper: Any, value: float) -> Any:
    if value.is_integer() and abs(value) < 1e15:
        return dumper.represent_int(int(value))
    return yaml.SafeDumper.represent_float(dumper, value)


def _represent_str(dumper: Any, value: str) -> Any:
    if "\n" in value.strip("\n") and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")  # a paragraph stays readable
    return dumper.represent_str(value)


_CanonicalDumper.add_representer(list, _represent_list)
_CanonicalDumper.add_representer(float, _represent_float)
_CanonicalDumper.add_representer(str, _represent_str)


def _dump(value: Any) -> str:
    return yaml.dump(
        value, Dumper=_CanonicalDumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000
    )


def _indented(text: str, spaces: int) -> list[str]:
    return [(" " * spaces + line) if line else line for line in text.rstrip("\n").split("\n")]


def _mapping_lines(data: dict[Any, Any], indent: int) -> list[str]:
    lines: list[str] = []
    simple: dict[Any, Any] = {}  # consecutive one-line fields, dumped together (one libyaml call)
    for key, value in data.items():
        nested = isinstance(value, dict) and value
        listed = isinstance(value, list) and value and not all(_scalar(v) for v in value)
        if not nested and not listed:
            simple[key] = value
            continue
        if simple:
            lines += _indented(_dump(simple), indent)
            simple = {}
        if nested:
            lines += _indented(_dump({key: {}}).rstrip("\n")[: -len(" {}")], indent)
            lines += _mapping_lines(value, indent + 2)
        else:
            lines += _indented(_dump({key: {}}).rstrip("\n")[: -len(" {}")], indent)
            for item in value:
                if isinstance(item, dict) and item:
                    inner = _mapping_lines(item, 0)
                    lines += _indented("\n".join(["- " + inner[0]] + [("  " + x) if x else x for x in inner[1:]]), indent + 2)
                else:  # written as the value of a key « k », then « k: » becomes « - »
                    inner = _mapping_lines({"k": item}, 0)
                    first = inner[0][2:].lstrip()
                    lines += _indented("\n".join([f"- {first}" if first else "-"] + inner[1:]), indent + 2)
    if simple:
        lines += _indented(_dump(simple), indent)
    return lines


def dump_block(data: dict[str, Any]) -> str:
    """The YAML of a data block in the canonical style, the README's (without the ``---`` lines): one field a
    line, lists of short texts in brackets, groups and lists of entries indented by two spaces."""
    return "\n".join(_mapping_lines(data, 0)) + "\n" if data else ""


def join(data: dict[str, Any], body: str) -> str:
    """Write a page text from a data block and free text (forms, imports), in the canonical style."""
    return f"---\n{dump_block(data)}---\n{body}"


# -- rewriting a block written by hand: what the form does not own stays as it was ---------------------------

#: what a form owns in a block: key -> None (written canonically) or the owned sub-keys of a group
Owned = dict[str, Any]


@dataclass
class _Segment:
    """One key of a block mapping as written: its comment lines above, its own lines, a comment at its end."""

    node: Any
    line: int
    lead: list[str]
    lines: list[str]
    comment: str = ""


def _last_line(node: Any) -> int:
    """The last line a value's own text takes (comment lines after it are not its)."""
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _last_line(node.value[-1])
    end = node.end_mark
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def _segments(
    lines: list[str], node: Any, begin: int
) -> tuple[int, dict[str, _Segment], list[str], list[str]] | None:
    """A block mapping cut into its keys' segments, with its column, the lines above its first key (from line
    ``begin``) and those after its last; None if it cannot be."""
    if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
        return None
    column = node.value[0][0].start_mark.column
    segments: dict[str, _Segment] = {}
    previous_end = node.value[0][0].start_mark.line - 1
    head: list[str] = []
    for index, (key, value) in enumerate(node.value):
        start = key.start_mark.line
        if (
            not isinstance(key, yaml.ScalarNode)
            or key.start_mark.column != column
            or lines[start][:column].strip()
            or str(key.value) in segments
        ):
            return None
        end = max(_last_line(value), start)
        lead = lines[previous_end + 1 : start] if index else []
        if not index:
            head = lines[begin:start]
        comment = ""
        if end == start and isinstance(value, yaml.ScalarNode) and value.end_mark.line == start:
            rest = lines[start][value.end_mark.column :]
            comment = rest.strip() if rest.strip().startswith("#") else ""
        segments[str(key.value)] = _Segment(value, start, lead, lines[start : end + 1], comment)
        previous_end = end
    tail = lines[previous_end + 1 :] if begin == 0 else []  # a group's last lines are its parent's next lead
    return column, segments, head, tail


def _shifted(lines: list[str], column: int, indent: int) -> list[str]:
    if column == indent:
        return list(lines)
    out = []
    for line in lines:
        if line.startswith(" " * column):
            out.append(" " * indent + line[column:])
        else:
            out.append(line if line.strip() else "")
    return out


def _rewrite(
    lines: list[str], node: Any, begin: int, old: dict[str, Any], new: dict[str, Any], owned: Owned, indent: int
) -> list[str] | None:
    """The lines of ``new`` at ``indent``, over the block mapping ``node`` written in ``lines``."""
    cut = _segments(lines, node, begin)
    if cut is None:
        return None
    column, segments, head, tail = cut
    out = _shifted(head, column, indent)
    for key, value in new.items():
        segment = segments.get(key)
        if segment is None:
            out += _indented("\n".join(_mapping_lines({key: value}, 0)), indent)
            continue
        out += _shifted(segment.lead, column, indent)
        sub = owned.get(key, False)
        if sub is False and old.get(key) == value:  # a key the form does not own: exactly as it was
            out += _shifted(segment.lines, column, indent)
            continue
        if isinstance(sub, dict) and isinstance(value, dict) and isinstance(old.get(key), dict):
            first = segment.lines[0][column:].rstrip()
            inner = _rewrite(lines, segment.node, segment.line + 1, old[key], value, sub, indent + 2)
            if inner is not None and first == f"{key}:" and value:
                out += [" " * indent + first] + inner
                continue
        written = _indented("\n".join(_mapping_lines({key: value}, 0)), indent)
        if segment.comment and len(written) == 1:
            written = [written[0] + "  " + segment.comment]
        out += written
    return out + _shifted(tail, column, indent)


def rewrite(raw_block: str, old: dict[str, Any], new: dict[str, Any], owned: Owned) -> str:
    """The YAML of ``new`` written over a block written by hand (``raw_block``, which read as ``old``): the keys
    in ``owned`` (the form's fields) in the canonical style, every other key, and the comment lines, exactly as
    they were. Falls back to the canonical block whenever the result would not read back as ``new``."""
    canonical = dump_block(new)
    lines = [line[:-1] if line.endswith("\r") else line for line in raw_block.split("\n")]
    try:
        loader = _SafeLoader("\n".join(lines))
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        written = _rewrite(lines, node, 0, old, new, owned, 0)
    except (yaml.YAMLError, IndexError, ValueError, RecursionError):
        written = None
    if written is None:
        return canonical
    text = "\n".join(written) + "\n" if written else ""
    if split(f"---\n{text}---\n").data != split(f"---\n{canonical}---\n").data or not _keys_once(text, len(new)):
        return canonical
    return text


def _keys_once(text: str, count: int) -> bool:
    """Whether a block has ``count`` top-level keys, each once (YAML would silently keep the last of two)."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    cut = _segments(text.split("\n"), node, 0) if count else None
    return (cut is not None and len(cut[1]) == count) if count else node is None
