"""Hashed n-grams: the same phrase lands in the same buckets wherever it appears, in any case."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linesift.model.ngrams import (
    MAX_CHARS_PER_LINE,
    MAX_WORDS_PER_LINE,
    N_BUCKETS,
    _normalised_rows,
    char_gram_counts,
    char_grams,
    ngram_features,
    word_gram_counts,
    word_grams,
)
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page


def ngrams(lines: list[str]) -> sp.csr_matrix:
    return ngram_features(PageStats(Page.from_lines(lines)))


def row(matrix: sp.csr_matrix, i: int) -> dict[int, float]:
    r = matrix.getrow(i).tocoo()
    return dict(zip(r.col.tolist(), r.data.tolist()))


def buckets(matrix: sp.csr_matrix, i: int) -> set[int]:
    return set(row(matrix, i))


def test_shape_and_type() -> None:
    matrix = ngrams(["Leave a reply", "", "Share this"])
    assert sp.isspmatrix_csr(matrix) or isinstance(matrix, sp.csr_matrix)
    assert matrix.shape == (3, N_BUCKETS)
    assert np.isfinite(matrix.data).all()


def test_same_line_twice_gives_the_same_row() -> None:
    matrix = ngrams(["Leave a reply", "Some article text here.", "", "Leave a reply"])
    assert row(matrix, 0) == row(matrix, 3)
    assert row(matrix, 0) != row(matrix, 1)


def test_a_phrase_starting_different_lines_shares_its_buckets() -> None:
    matrix = ngrams(["Share this", "Share this article with friends", "Share this page"])
    phrase = buckets(matrix, 0)
    assert phrase  # unigrams, the bigram and character trigrams
    assert phrase <= buckets(matrix, 1)
    assert phrase <= buckets(matrix, 2)


def test_case_does_not_matter() -> None:
    matrix = ngrams(["LEAVE A REPLY", "Leave a Reply", "leave a reply", "ÉTÉ ΑΘΗΝΑ МОСКВА", "été αθηνα москва"])
    assert row(matrix, 0) == row(matrix, 1) == row(matrix, 2)
    assert row(matrix, 3) == row(matrix, 4)


def test_empty_lines_give_empty_rows() -> None:
    matrix = ngrams(["", "Hello there", "", "ok", ""])
    assert [matrix.getrow(i).nnz for i in (0, 2, 4)] == [0, 0, 0]
    # "ok": a word but fewer than three characters, so only the unigram.
    assert matrix.getrow(3).nnz == 1
    assert matrix.getrow(1).nnz > 0
    assert ngrams([]).shape == (0, N_BUCKETS)


def test_only_the_start_of_a_line_is_read() -> None:
    head = " ".join("abcdefghijklmnop")  # 16 one-letter words, 31 characters
    assert len(head.split()) == MAX_WORDS_PER_LINE and len(head) == MAX_CHARS_PER_LINE - 1
    matrix = ngrams([head + " qrs tuv", head + " xyz wvu", head + "!"])
    assert row(matrix, 0) == row(matrix, 1)
    assert row(matrix, 0) != row(matrix, 2)  # the 32nd character differs


def unit_parts(lines: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    stats = PageStats(Page.from_lines(lines))
    return (_normalised_rows(*word_grams(stats), word_gram_counts(stats)), _normalised_rows(*char_grams(stats), char_gram_counts(stats)))


def row_norms(matrix: sp.csr_matrix) -> np.ndarray:
    return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())


def test_word_and_character_parts_are_each_unit_length() -> None:
    lines = ["the the the cat", "a", "", "Leave a reply, or share this article with your friends today please"]
    word, char = unit_parts(lines)
    np.testing.assert_allclose(row_norms(word), [1, 1, 0, 1], atol=1e-12)
    np.testing.assert_allclose(row_norms(char), [1, 0, 0, 1], atol=1e-12)
    # Repeated n-grams weigh more, but the row stays unit length: unigrams "the" x3, "cat" x1,
    # bigrams "the the" x2, "the cat" x1.
    assert sorted(word.getrow(0).data.round(12).tolist()) == sorted((np.array([3, 1, 2, 1]) / np.sqrt(15)).round(12).tolist())
    full = ngrams(lines)
    np.testing.assert_allclose(full.toarray(), (word + char).toarray(), atol=1e-12)


def test_seed_rows_are_unit_length_per_part(seed_text: str) -> None:
    lines = Page.from_text(seed_text).lines
    word, char = unit_parts(lines)
    has_words = np.array([any(c.isalnum() for c in line) for line in lines])
    np.testing.assert_allclose(row_norms(word), has_words.astype(float), atol=1e-12)
    np.testing.assert_allclose(row_norms(char), np.array([len(line) >= 3 for line in lines], dtype=float), atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_characters="\r\n"), max_size=50), max_size=8))
def test_rows_are_unit_or_empty_on_any_text(lines: list[str]) -> None:
    word, char = unit_parts(lines)
    for part in (word, char):
        norms = row_norms(part)
        assert np.all((np.abs(norms - 1) < 1e-9) | (norms == 0))
    matrix = ngrams(lines)
    assert matrix.shape == (len(lines), N_BUCKETS)
    assert np.isfinite(matrix.data).all()
    for i, line in enumerate(lines):
        if line == "":
            assert matrix.getrow(i).nnz == 0
