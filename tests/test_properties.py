"""Invariants of prediction over arbitrary text: whatever a scraper hands us, every line gets one label.

The text mixes what real scrapes contain and what breaks naive code: control characters, lone
surrogates (undecodable bytes kept with ``surrogateescape``), right-to-left and zero-width characters,
every kind of line break, and empty and very long lines.
"""

from __future__ import annotations

import math
from itertools import groupby

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linesift.explain import explain_lines
from linesift.model.modelfile import load_model
from linesift.model.segment import split_lines
from linesift.model.sifter import Line, Sifter
from linesift.report import render_report

EXAMPLES = 200
LONG_LINE = 20_000  # characters: long enough to be a minified script, short enough for 200 examples
# Unbroken runs of word characters stay shorter: the e-mail pattern in features.py backtracks over a
# run quadratically (docs/limits.md), which test_limits.py covers on its own.
LONG_RUN = 2_000

PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run and machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SPECIAL = [
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060",  # zero-width
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200f",  # bidirectional controls
    "שלום עולם.", "مرحبا بالعالم.", "日本語の文章です。",  # right-to-left and CJK prose
    "\x00", "\x07", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029",  # controls and odd separators
    "\t", "   ", "\ufffd", "\U0001f600",
]
BREAKS = ["\n", "\r\n", "\r", "\n\n"]


def _from_bytes(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


line_pieces = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80).map(_from_bytes),
    st.sampled_from(SPECIAL),
    st.sampled_from(["Home", "Share this article", "The minister said the talks would resume on Monday.",
                     '{"@context":"https://schema.org","@type":"NewsArticle"}', "var x = function() { return 1; };"]),
)
lines = st.one_of(
    st.lists(line_pieces, max_size=6).map("".join),
    st.just(""),
    st.builds(lambda piece, n: piece * n, st.sampled_from(["word ", "\u05d0 ", "\udcff", "\x00", " \t"]),
              st.integers(1, LONG_LINE // 5)),
    st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "\u05d0", ".", "x.y-z+"]), st.integers(1, LONG_RUN)),
)
pages = st.builds(
    lambda items, ending: "".join(line + brk for line, brk in items) + ending,
    st.lists(st.tuples(lines, st.sampled_from(BREAKS)), max_size=25),
    st.sampled_from(["", "x", "\r", "\udc80"]),
)


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(any(item == candidate for candidate in remaining) for item in part)


def _tile(pieces: list[str], line: str) -> bool:
    """Whether ``pieces`` are ``line`` cut into parts, one character apart."""
    start = 0
    for piece in pieces:
        if not line.startswith(piece, start):
            return False
        start += len(piece) + 1
    return start == len(line) + 1


@PROPERTY_SETTINGS
@given(text=pages)
def test_one_finite_label_per_line(model: Sifter, text: str) -> None:
    """One label per line, or per piece of a line holding most of its page: its pieces are the line, a space apart."""
    expected = split_lines(text)
    predicted = model.predict_lines(text)
    numbers = [line.number for line in predicted]
    assert [number for number, _ in groupby(numbers)] == list(range(1, len(expected) + 1))
    texts = [[line.text for line in group] for _, group in groupby(predicted, lambda line: line.number)]
    assert all(_tile(pieces, line) for pieces, line in zip(texts, expected, strict=True))
    assert all(line.label in ("content", "noise") for line in predicted)
    assert all(math.isfinite(line.p_content) and 0.0 <= line.p_content <= 1.0 for line in predicted)
    assert all(line.label == "noise" for line in predicted if not line.text.strip())
    assert model.predict_lines(text) == predicted  # deterministic


@PROPERTY_SETTINGS
@given(text=pages)
def test_clean_keeps_a_subsequence_of_the_input(model: Sifter, text: str) -> None:
    cleaned = model.clean(text)
    kept = [line for line in cleaned.split("\n") if line.strip()] if cleaned else []
    predicted = model.predict_lines(text)
    content = [line.text for line in predicted if line.label == "content"]
    if all(line.piece is None for line in predicted):
        assert kept == content
        assert _is_subsequence(kept, split_lines(text))
    else:  # the kept pieces of a line next to each other are one slice of it
        assert " ".join(kept).split() == " ".join(content).split()
        assert all(any(run in line for line in split_lines(text)) for run in kept)
    assert model.clean(text) == cleaned


@PROPERTY_SETTINGS
@given(text=pages)
def test_explanations_and_report_for_any_text(model: Sifter, text: str) -> None:
    explanations = explain_lines(model, text)
    predicted = model.predict_lines(text)
    assert [(e.text, e.label) for e in explanations] == [(p.text, p.label) for p in predicted]
    assert all(math.isfinite(r.contribution) for e in explanations for r in (*e.reasons_for, *e.reasons_against))
    report = render_report([Line(e.number, e.text, e.label, e.p_content) for e in explanations], explanations,
                           model.threshold, text[:40])
    report.encode("utf-8")  # writable as UTF-8, whatever the input held


@PROPERTY_SETTINGS
@given(texts=st.lists(pages, max_size=6))
def test_pages_cleaned_together_are_cleaned_as_alone(model: Sifter, texts: list[str]) -> None:
    """Scoring pages in one batch leaks nothing between them: every page gets what it gets alone."""
    assert model.clean_many(texts) == [model.clean(text) for text in texts]
