"""Rendering of structured pages: readers see the card, then the free text, never the raw YAML.

Registered in moin's converter registry ahead of moin's own moinwiki and Markdown input converters:
it splits off the data block, lets moin's converter render the free text, and puts the card on top.
Blank lines stand in for the block, so moin's line numbers (edit autoscroll) stay right. In Markdown
pages it also makes ``<<Macro(…)>>`` work (``plugins/views/markdown_macros.py``).
"""

from __future__ import annotations

import re
from typing import Any

from moin.converters import default_registry, markdown_in, moinwiki_in
from moin.converters._util import decode_data
from moin.utils.mime import Type, type_moin_document, type_moin_wiki
from moin.utils.registry import RegistryBase
from moin.utils.tree import moin_page

from plugins.data.registry import analyse
from plugins.views import card, cards, markdown_macros

TYPE_MARKDOWN = Type("text/x-markdown")

#: moin's own input converters, which render the free text
_INNER = (
    (type_moin_wiki, moinwiki_in.Converter.factory),
    (TYPE_MARKDOWN, markdown_in.Converter._factory),
)


def render_structured(text: str) -> tuple[Any | None, str]:
    """Return (card element or None, text left for the markup converter)."""
    analysis = analyse(text)
    front = analysis.front
    if not front.has_block:
        return None, text
    if analysis.record is not None:
        element = cards.render(analysis.record, analysis.problems)
    else:
        element = card.div("eco-card eco-invalide", [card.problems_box(analysis.problems)])
    return element, "\n" * front.block_lines + front.body


DETAILS = re.compile(r"</?details\b[^>]*>", re.IGNORECASE)
SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary>", re.IGNORECASE | re.DOTALL)


def unfold_details(markdown: str) -> str:
    """A Markdown text with its ``<details>`` blocks opened: the summary in bold, then the hidden text."""
    return DETAILS.sub("", SUMMARY.sub(lambda m: f"\n**{m.group(1).strip()}**\n", markdown))


class StructuredConverter:
    """Input converter wrapping moin's: the card, then what moin makes of the free text."""

    def __init__(self, inner: Any, markdown: bool = False) -> None:
        self.inner = inner
        self.markdown = markdown

    @property
    def messages(self) -> Any:
        return getattr(self.inner, "messages", set())

    @classmethod
    def factory(cls, input: Type, output: Type, **kwargs: Any) -> StructuredConverter | None:
        for content_type, inner_factory in _INNER:
            if content_type.issupertype(input):
                return cls(inner_factory(input, output, **kwargs), markdown=content_type is TYPE_MARKDOWN)
        return None

    def __call__(self, data: Any, contenttype: str | None = None, arguments: Any = None) -> Any:
        text = decode_data(data, contenttype)
        element, body = render_structured(text)
        if self.markdown:
            body, calls = markdown_macros.protect(body)
        if self.markdown:
            if DETAILS.search(body):
                # moin's markdown_in crashes on some <details> blocks and silently drops nested ones: their
                # content is shown instead, opened (the summary in bold)
                body = unfold_details(body)
            doc = self.inner(body, contenttype, arguments)
            markdown_macros.restore(doc, calls)
        else:
            doc = self.inner(body, contenttype, arguments)
        if element is not None:
            target = doc[0] if len(doc) and getattr(doc[0], "tag", None) == moin_page.body else doc
            target.insert(0, element)
            record = analyse(text).record
            footer = cards.footer(record) if record is not None else None
            if footer is not None:  # after the free text: e.g. the debate of a position
                target.append(footer)
        return doc


def register() -> None:
    """Put our converter ahead of moin's for moinwiki and Markdown (idempotent)."""
    for content_type, _inner in _INNER:
        default_registry.register(
            StructuredConverter.factory, content_type, type_moin_document, RegistryBase.PRIORITY_FIRST
        )
