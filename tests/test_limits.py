"""Size limits and extreme pages: correct results on big inputs, a clear refusal past the limits.

Timing and memory are measured by scripts/measure_limits.py (numbers in docs/limits.md), not here.
"""

from __future__ import annotations

import pytest

from linesift.limits import (
    MAX_PAGE_CHARS,
    MAX_PAGE_LINES,
    MAX_REPORT_LINES,
    PageTooLargeError,
    check_page_size,
    check_report_size,
)
from linesift.model.modelfile import load_model
from linesift.model.pieces import MAX_PIECES
from linesift.model.sifter import Sifter

MB = 1_000_000
PROSE = "The committee met on Tuesday and agreed to publish the report in full. "


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


@pytest.mark.parametrize(("text", "max_chars", "max_lines"), [
    ("", 0, 0),
    ("abc", 3, 0),
    ("a\nb\nc", 5, 2),  # two terminators
    ("a\r\nb\rc\n", 10, 3),
    ("\n\n\n", 3, 3),  # only terminators, as many as allowed
])
def test_at_the_limits(text: str, max_chars: int, max_lines: int) -> None:
    check_page_size(text, max_chars, max_lines)


@pytest.mark.parametrize(("text", "max_chars", "max_lines", "message"), [
    ("abcd", 3, 10, "page has 4 characters, more than the 3 linesift cleans at once"),
    ("a\nb\nc\n", 100, 2, "page has about 3 lines, more than the 2 linesift cleans at once"),
    ("a\r\rb", 100, 1, "page has about 2 lines"),
    ("\n\n\n\n", 10, 3, "page has about 4 lines"),
])
def test_past_the_limits(text: str, max_chars: int, max_lines: int, message: str) -> None:
    with pytest.raises(PageTooLargeError, match=message) as error:
        check_page_size(text, max_chars, max_lines)
    assert "docs/limits.md" in str(error.value)


def test_default_limits() -> None:
    check_page_size("x" * MAX_PAGE_CHARS)
    with pytest.raises(PageTooLargeError):
        check_page_size("x" * (MAX_PAGE_CHARS + 1))
    check_page_size("\n" * MAX_PAGE_LINES)
    with pytest.raises(PageTooLargeError):
        check_page_size("\n" * (MAX_PAGE_LINES + 1))


def test_report_limit_at_its_edges() -> None:
    check_report_size("a\r\nb\rc\n", max_lines=3)
    with pytest.raises(PageTooLargeError, match="page has about 4 lines, more than the 3 a report shows"):
        check_report_size("a\r\nb\rc\n\n", max_lines=3)
    check_report_size("\n" * MAX_REPORT_LINES)
    with pytest.raises(PageTooLargeError, match=r"see docs/limits\.md"):
        check_report_size("\n" * (MAX_REPORT_LINES + 1))


def test_a_5_mb_line(model: Sifter) -> None:
    text = PROSE * (5 * MB // len(PROSE))
    lines = model.predict_lines(text)
    # A page on one line is read as its pieces (linesift.model.pieces): they are the line, a space apart.
    assert {line.number for line in lines} == {1} and 1 < len(lines) <= MAX_PIECES
    assert " ".join(line.text for line in lines) == text
    assert all(0.0 <= line.p_content <= 1.0 for line in lines)
    assert all(run in text for run in model.clean(text).split("\n"))


def test_200k_one_character_lines(model: Sifter) -> None:
    text = "x\n" * 200_000
    lines = model.predict_lines(text)
    assert len(lines) == 200_000
    assert all(line.text == "x" for line in lines)
    kept = model.clean(text)
    assert kept == "" or set(kept.split("\n")) == {"x"}


def test_a_long_unbroken_word(model: Sifter) -> None:
    """A run of word characters (a base64 blob, a hash) is one line like any other.

    A million characters: the e-mail pattern is anchored, so a long run is read once (docs/limits.md).
    """
    text = "Intro.\n" + "A" * 1_000_000 + "\nOutro."
    assert [line.text for line in model.predict_lines(text)] == text.split("\n")
