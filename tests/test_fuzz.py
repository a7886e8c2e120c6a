"""Fuzzing (hypothesis) of the two parsers every page and macro call goes through: they never raise, answer
bad input with a French message, and stay within a time bound."""

from __future__ import annotations

import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.data import frontmatter
from plugins.views.macro_support import ArgumentError, keyword_arguments

#: words of PyYAML's or Python's English messages, which must never reach a reader
ENGLISH = re.compile(r"\b(expected|found|while|could not|not allowed|scanning|parsing|exceeds|limit|character)\b", re.I)
SECONDS = 2.0

YAML_ALPHABET = st.sampled_from(list("abc:- \n\t[]{},'\"&*!|>#%@`?\\0123456789.éà«»\x00\x07\u2028\ufeff"))
yaml_like = st.lists(
    st.one_of(
        st.text(YAML_ALPHABET, max_size=30),
        st.sampled_from(["type: fiche\n", "nom: X\n", "  - a\n", "- b\n", "&a x", "*a", "<<: *a\n", "!!python/name:os.system", "---\n", "...\n", ": ", "? k\n"]),
    ),
    max_size=25,
).map("".join)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_split(text: str) -> None:
    start = time.perf_counter()
    result = frontmatter.split(text)
    assert time.perf_counter() - start < SECONDS
    assert isinstance(result, frontmatter.FrontMatter)
    if result.has_block and result.data is None:
        assert result.problems, "un bloc refusé dit pourquoi"
    for problem in result.problems:
        message = str(problem)
        assert message and not ENGLISH.search(message), message
    if result.data is not None:
        assert all(isinstance(k, str) for k in result.data)


@FUZZ
@given(yaml_like, st.text(max_size=40))
def test_front_matter_of_yaml_like_blocks(block: str, body: str) -> None:
    check_split(f"---\n{block}\n---\n{body}")


@FUZZ
@given(st.text(max_size=300))
def test_front_matter_of_any_text(text: str) -> None:
    check_split(text)
    check_split("---\n" + text)


ARG_ALPHABET = st.sampled_from(list('abcé=",\\ ()<>«»\'\x00\n\t_-0123456789'))


@FUZZ
@given(st.text(ARG_ALPHABET, max_size=80))
def test_macro_arguments(text: str) -> None:
    start = time.perf_counter()
    try:
        args = keyword_arguments([text], "Classeur")
    except ArgumentError as exc:
        message = str(exc)
        assert message.startswith("Classeur : ") and not ENGLISH.search(message), message
    else:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in args.items())
    assert time.perf_counter() - start < SECONDS


@FUZZ
@given(st.text(max_size=200))
def test_macro_arguments_of_any_text(text: str) -> None:
    try:
        keyword_arguments([text], "Carte")
    except ArgumentError as exc:
        assert str(exc).startswith("Carte : ")
