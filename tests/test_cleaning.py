"""Cleaning several texts at once: the same results as one by one, and a page over the limits refused."""

from __future__ import annotations

import pytest

from linesift import load_model
from linesift.io.cleaning import clean_texts
from linesift.limits import MAX_PAGE_LINES, PageTooLargeError
from linesift.model.segment import split_lines
from tests.conftest import SEED_TEXT_PATH

MODEL = load_model()


def test_texts_cleaned_together_match_clean() -> None:
    seed = SEED_TEXT_PATH.read_text(encoding="utf-8")
    texts = [seed, "", "Home\nAbout", seed[: len(seed) // 2]]
    cleaned = clean_texts(MODEL, texts, spans=True)
    assert [c.text for c in cleaned] == [MODEL.clean(text) for text in texts]
    assert [len(c.spans) for c in cleaned] == [len(split_lines(text)) for text in texts]
    assert all(c.error is None for c in cleaned)


def test_a_text_over_the_limits_is_refused() -> None:
    with pytest.raises(PageTooLargeError, match=f"more than the {MAX_PAGE_LINES:,}"):
        clean_texts(MODEL, ["fine page", "\n" * (MAX_PAGE_LINES + 1)])
