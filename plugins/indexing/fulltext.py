"""French full text: the analyzer of the search index and the readable text of a page.

One analyzer serves indexing, queries and highlighting, so that all three agree: words are lower-cased,
folded (accents removed) *before* French stopwords and stemming, so "écologie", "Ecologie" and "ecologie"
give one term, and "financement", "financements", "financer" another.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from plugins.data.text import fold

#: letters and digits; apostrophes and hyphens split words (l'économie -> l, économie)
WORD = r"\w+"
#: French stopwords, folded like the text they are compared with, plus the elided forms
STOPWORDS = frozenset(fold(w) for w in stoplists["fr"]) | {
    *"l d qu j n s c m t y a".split(),
    *"les cette leurs quoi tout tous toute toutes comme mais donc car ni aussi".split(),
}


#: marks a word's root (its first letters) so that it never collides with a stem
ROOT_MARK = "~"
ROOT_CHARS = 6
MIN_ROOT_CHARS = 4


class RootFilter(Filter):
    """Adds, at the same position as each word, its root: its first six letters, plural s/x left out.

    Snowball's French stemmer is light: it leaves « compost », « compostage » and « composteur », or
    « emploi » and « emplois », apart. Their common root joins them; a page holding the very word (same
    stem) still ranks above one that only shares its root, as it matches both terms. Fields using this
    filter take a word's two terms as alternatives (``multitoken_query="or"``).
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            word = token.text
            yield token
            if token.stopped:
                continue
            base = word[:-1] if len(word) > MIN_ROOT_CHARS and word[-1] in "sx" else word
            if len(base) >= MIN_ROOT_CHARS:
                token.text = ROOT_MARK + base[:ROOT_CHARS]
                yield token
                token.text = word


class StemOnlyFilter(Filter):
    """Stems the word tokens and leaves the roots (already what they are) alone."""

    def __init__(self) -> None:
        self.lang = "fr"

    def __getstate__(self) -> dict[str, Any]:
        return {"lang": self.lang}  # the index schema is pickled: keep the cached stemmer out of it

    @functools.cached_property
    def stem(self) -> Any:
        # Snowball's French stemmer (StemFilter(lang=…) keeps its English default in .stemfn: not that one)
        return functools.lru_cache(maxsize=50_000)(stemmer_for_language(self.lang))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self.stem
        for token in tokens:
            if not token.text.startswith(ROOT_MARK):
                token.text = stem(token.text)
            yield token


@functools.lru_cache(maxsize=1)
def french_analyzer() -> Analyzer:
    """Tokenise, lower-case, fold accents, drop stopwords, then each word's stem and its root."""
    return (
        RegexTokenizer(WORD)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOPWORDS, minsize=1)
        | RootFilter()
        | StemOnlyFilter()
    )


def terms_and_roots(text: str) -> set[str]:
    """Every index term a text gives: its words' stems and roots (what a passage is highlighted by)."""
    return {t.text for t in french_analyzer()(text)}


def terms(text: str) -> list[str]:
    """The stems of a text's words (what a word becomes once analysed; roots left out)."""
    return [t.text for t in french_analyzer()(text) if not t.text.startswith(ROOT_MARK)]


# -- readable text of a page ---------------------------------------------------------------------------

_MARKUP = [
    (re.compile(r"^##.*$|^#(acl|format|pragma|language)\b.*$", re.M), " "),  # comments, processing instructions
    (re.compile(r"<<[^>]*>>"), " "),  # macro calls
    (re.compile(r"\{\{\{|\}\}\}"), " "),  # preformatted delimiters
    (re.compile(r"\{\{[^|}]*\|([^|}]*)[^}]*\}\}"), r"\1"),  # transclusion with a text: keep the text
    (re.compile(r"\{\{[^}]*\}\}"), " "),  # other transclusions
    (re.compile(r"\[\[[^|\]]*\|([^\]|]*)[^\]]*\]\]"), r"\1"),  # [[target|label]] -> label
    (re.compile(r"\[\[([^\]|]*)\]\]"), r"\1"),  # [[target]] -> target
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # markdown [label](url) -> label
    (re.compile(r"'{2,}|\*\*|__|`+"), ""),  # emphasis and code marks sit inside a sentence: no space left
    (re.compile(r"\|\||^\s*[=#]+\s*|\s*=+\s*$|^\s*(\*|-|\d+\.)\s+|^----+$", re.M), " "),
    (re.compile(r"[ \t]+"), " "),
]


def plain_text(markup: str) -> str:
    """The text a reader sees of moinwiki or Markdown markup, near enough for search and snippets."""
    for pattern, replacement in _MARKUP:
        markup = pattern.sub(replacement, markup)
    return re.sub(r"\n\s*\n+", "\n", markup).strip()


def data_text(value: Any) -> str:
    """Every text of structured data, one value per line (keys are not searched, values are)."""
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for key, item in v.items():
                if key != "type":
                    walk(item)
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(item)
        elif v is not None and v != "":
            out.append(str(v))

    walk(value)
    return "\n".join(out)
