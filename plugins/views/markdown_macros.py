"""Macros in Markdown pages: ``<<Classeur(commune="Rezé")>>`` works as in moinwiki pages.

moin 2.0.0b5's Markdown converter takes ``<<…>>`` for HTML and drops it. Before the Markdown converter
runs, each macro call (outside code) is swapped for a plain token; afterwards each token becomes the
same macro element moin's own wiki parser makes (``ConverterMacro.macro``), so moin expands it as usual:
alone in a paragraph it is a block macro, inside text an inline one.
"""

from __future__ import annotations

import re
from typing import Any

from moin.converters._wiki_macro import ConverterMacro
from moin.utils.tree import moin_page

MACRO = re.compile(r"<<(?P<name>[A-Za-z]\w*)(?:\((?P<args>.*?)\))?>>")
TOKEN = re.compile(r"ECOMACRO(\d+)X")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+).+?\1")


def protect(text: str) -> tuple[str, list[tuple[str, str | None, str]]]:
    """Replace macro calls outside code by tokens; return the text and the calls (name, args, source)."""
    calls: list[tuple[str, str | None, str]] = []

    def swap(match: re.Match[str]) -> str:
        calls.append((match.group("name"), match.group("args"), match.group(0)))
        return f"ECOMACRO{len(calls) - 1}X"

    out, in_fence = [], None
    for line in text.split("\n"):
        fence = FENCE.match(line)
        if in_fence:
            if fence and fence.group(1)[0] == in_fence:
                in_fence = None
            out.append(line)
            continue
        if fence:
            in_fence = fence.group(1)[0]
            out.append(line)
            continue
        if line.startswith(("    ", "\t")):  # indented code block
            out.append(line)
            continue
        pieces, last = [], 0
        for span in CODE_SPAN.finditer(line):
            pieces.append(MACRO.sub(swap, line[last : span.start()]))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(MACRO.sub(swap, line[last:]))
        out.append("".join(pieces))
    return "\n".join(out), calls


def restore(doc: Any, calls: list[tuple[str, str | None, str]]) -> Any:
    """Turn the tokens of a converted document back into moin macro elements."""
    if calls:
        _restore(doc, calls, ConverterMacro())
    return doc


def _restore(elem: Any, calls: list[tuple[str, str | None, str]], maker: ConverterMacro) -> None:
    new_children: list[Any] = []
    changed = False
    for child in list(elem):
        if isinstance(child, str):
            if TOKEN.search(child):
                changed = True
                new_children.extend(_split(child, calls, maker))
            else:
                new_children.append(child)
            continue
        if child.tag == moin_page.code or child.tag == moin_page.blockcode:
            new_children.append(child)  # never inside code
            continue
        only = [c for c in child if not (isinstance(c, str) and not c.strip())]
        if child.tag == moin_page.p and len(only) == 1 and isinstance(only[0], str):
            match = TOKEN.fullmatch(only[0].strip())
            if match:
                name, args, source = calls[int(match.group(1))]
                new_children.append(maker.macro(name, args, source, context_block=True))
                changed = True
                continue
        _restore(child, calls, maker)
        new_children.append(child)
    if changed:
        elem[:] = new_children


def _split(text: str, calls: list[tuple[str, str | None, str]], maker: ConverterMacro) -> list[Any]:
    out: list[Any] = []
    last = 0
    for match in TOKEN.finditer(text):
        if match.start() > last:
            out.append(text[last : match.start()])
        index = int(match.group(1))
        if index < len(calls):
            name, args, source = calls[index]
            out.append(maker.macro(name, args, source, context_block=False))
        else:
            out.append(match.group(0))
        last = match.end()
    if last < len(text):
        out.append(text[last:])
    return out
