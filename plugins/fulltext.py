"""French full text: the analyzer of the search index and the readable text of a page.

One analyzer serves indexing, queries and highlighting, so that all three agree: words are lower-cased,
folded (accents removed) *before* French stopwords and stemming, so "écologie", "Ecologie" and "ecologie"
give one term, and "financement", "financements", "financer" another.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from whoosh.analysis import Analyzer, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from plugins.text import fold

#: letters and digits; apostrophes and hyphens split words (l'économie -> l, économie)
WORD = r"\w+"
#: French stopwords, folded like the text they are compared with, plus the elided forms
STOPWORDS = frozenset(fold(w) for w in stoplists["fr"]) | {"l", "d", "qu", "j", "n", "s", "c", "m", "t"}


@functools.lru_cache(maxsize=1)
def french_analyzer() -> Analyzer:
    """Tokenise, lower-case, fold accents, drop stopwords, stem (Snowball's French stemmer)."""
    return (
        RegexTokenizer(WORD)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOPWORDS, minsize=1)
        | StemFilter(lang="fr", cachesize=50_000)
    )


def terms(text: str) -> list[str]:
    """The index terms of a text (what a word becomes once analysed)."""
    return [t.text for t in french_analyzer()(text)]


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
    (re.compile(r"'{2,}|\*\*|__|\|\||^\s*[=#]+\s*|\s*=+\s*$|^\s*(\*|-|\d+\.)\s+|^----+$", re.M), " "),
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
