"""Each page's cut: the best expected word F1, page by page, in a batch as alone."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from linesift.model.cuts import MAX_CUT_WORDS, MIN_PAGE_CUT, cuts, page_cuts
from linesift.model.segment import Page
from linesift.model.sifter import Sifter

pages_strategy = st.lists(
    st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 30)), max_size=12), min_size=1, max_size=6)


def _arrays(pages: list[list[tuple[float, int]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = np.array([prob for page in pages for prob, _ in page], dtype=np.float64)
    words = np.array([count for page in pages for _, count in page], dtype=np.float64)
    return p, words, np.concatenate(([0], np.cumsum([len(page) for page in pages])))


def _expected_f1(p: np.ndarray, words: np.ndarray, keep: np.ndarray) -> float:
    denominator = words[keep].sum() + (p * words).sum()
    return 2 * (p * words)[keep].sum() / denominator if denominator else 0.0


@settings(max_examples=200, deadline=None)
@given(pages_strategy)
@example(pages=[[(0.9203627677435584, 27)], [(1.0, 8)]])  # the second page's F1 rounded to 1 + 2e-16
def test_no_cut_gives_a_higher_expected_word_f1(pages: list[list[tuple[float, int]]]) -> None:
    p, words, bounds = _arrays(pages)
    for (start, end), cut in zip(itertools.pairwise(bounds), page_cuts(p, words, bounds)):
        page_p, page_words = p[start:end], words[start:end]
        chosen = _expected_f1(page_p, page_words, page_p >= cut)
        for other in [*page_p.tolist(), 1.1]:
            if other >= MIN_PAGE_CUT:
                assert chosen >= _expected_f1(page_p, page_words, page_p >= other) - 1e-9
        assert MIN_PAGE_CUT <= cut <= 0.5  # a line at least as likely content as not always helps


@settings(max_examples=200, deadline=None)
@given(pages_strategy)
def test_a_batch_cuts_each_page_as_alone(pages: list[list[tuple[float, int]]]) -> None:
    p, words, bounds = _arrays(pages)
    alone = [page_cuts(*_arrays([page]))[0] for page in pages]
    np.testing.assert_allclose(page_cuts(p, words, bounds), alone, rtol=1e-12, atol=1e-12)


def test_a_sure_page_is_cut_higher_than_a_doubtful_one() -> None:
    words = np.array([40.0, 40.0, 5.0])
    sure = page_cuts(np.array([0.99, 0.98, 0.4]), words, np.array([0, 3]))[0]
    doubtful = page_cuts(np.array([0.6, 0.3, 0.3]), words, np.array([0, 3]))[0]
    assert sure > 0.45 and doubtful < 0.35  # the sure page drops its 0.4 line; the doubtful one keeps its 0.3 lines


def test_a_page_sized_line_in_doubt_does_not_pull_its_page_cut_down() -> None:
    # Three paragraphs of an article and a framework's state on one line, 50,000 words at P 0.27. Counted whole, the
    # line's 13,500 expected content words would outweigh the article, and the best cut would keep it (0.21).
    p, words = np.array([0.9, 0.85, 0.9, 0.27]), np.array([60.0, 60.0, 60.0, 50_000.0])
    cut = page_cuts(p, words, np.array([0, 4]))[0]
    assert 0.27 < cut < 0.85
    assert cut == page_cuts(p, np.minimum(words, MAX_CUT_WORDS), np.array([0, 4]))[0]


def test_a_page_without_words_or_lines_gets_the_floor() -> None:
    assert page_cuts(np.zeros(0), np.zeros(0), np.array([0, 0])).tolist() == [MIN_PAGE_CUT]
    assert page_cuts(np.array([0.9, 0.8]), np.zeros(2), np.array([0, 2])).tolist() == [MIN_PAGE_CUT]


def test_a_threshold_is_the_same_for_every_page() -> None:
    assert cuts(np.array([0.9, 0.1]), np.ones(2), np.array([0, 1, 2]), 0.7).tolist() == [0.7, 0.7]


def test_predict_explain_and_clean_agree_on_the_seed(builtin_model: Sifter, seed_text: str) -> None:
    from linesift.explain import explain_lines

    page = Page.from_text(seed_text)
    decision = builtin_model.decide(page)
    lines = builtin_model.predict_lines(seed_text)
    explained = explain_lines(builtin_model, seed_text)
    assert [e.cut for e in explained] == [decision.cut] * len(explained)
    assert [line.label for line in lines] == [e.label for e in explained]
    kept = [line.text for line in lines if line.label == "content"]
    assert [line for line in builtin_model.clean(seed_text).split("\n") if line] == kept
    # A page's cut depends on its own lines only, not on the pages scored with it.
    other = builtin_model.decide_many([Page.from_text("Home\nAbout us\nA sentence of prose, to be kept."), page])[1]
    assert other.cut == pytest.approx(decision.cut, abs=1e-12)
