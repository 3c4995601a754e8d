"""Hashed word and character n-grams of each line, as a sparse matrix.

Boilerplate is phrased the same way on many sites ("Leave a reply", "Share this", cookie notices), in
every language; hashing n-grams into a fixed number of buckets lets the model learn those phrases
without word lists or a vocabulary to store. Only the start of each line is read: boilerplate phrases
are short, and the cost stays proportional to the number of lines rather than to the page's size.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from linesift.model.features import _LOWER_TABLE, _TABLE_SIZE, PageStats

N_BUCKETS = 1 << 16
MAX_WORDS_PER_LINE = 16  # n-grams from the first 16 words of a line
MAX_CHARS_PER_LINE = 32  # character trigrams from the first 32 characters of a line
CHAR_NGRAM = 3

_BIGRAM_MIX = np.uint64(0x94D049BB133111EB)
_CHAR_MIX = (np.uint64(0xD6E8FEB86659FD93), np.uint64(0xA0761D6478BD642F), np.uint64(0xE7037ED1A0B428DB))
_CHAR_SEED = np.uint64(0x8EBC6AF09C88C6E3)


def _bucket(hashes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        mixed = hashes * np.uint64(0xFF51AFD7ED558CCD)
        mixed ^= mixed >> np.uint64(33)
    return (mixed % np.uint64(N_BUCKETS)).astype(np.int64)


def _word_ngrams(stats: PageStats) -> tuple[np.ndarray, np.ndarray]:
    """Rows and hashes of the unigrams and bigrams among each line's first words."""
    lines, hashes = stats.word_lines, stats.word_hashes
    if len(lines) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    first_word = np.searchsorted(lines, np.arange(stats.n_lines))
    rank = np.arange(len(lines)) - first_word[lines]
    head = rank < MAX_WORDS_PER_LINE
    same_line = np.concatenate((lines[1:] == lines[:-1], [False])) & head & (rank + 1 < MAX_WORDS_PER_LINE)
    with np.errstate(over="ignore"):
        bigrams = hashes[:-1][same_line[:-1]] * _BIGRAM_MIX + hashes[1:][same_line[:-1]]
    rows = np.concatenate((lines[head], lines[:-1][same_line[:-1]]))
    return rows, np.concatenate((hashes[head], bigrams))


def _char_ngrams(stats: PageStats) -> tuple[np.ndarray, np.ndarray]:
    """Rows and hashes of lower-cased character trigrams from the start of each line."""
    counts = np.clip(stats.lengths.astype(np.int64) - CHAR_NGRAM + 1, 0, MAX_CHARS_PER_LINE - CHAR_NGRAM + 1)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    rows = np.repeat(np.arange(stats.n_lines), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = stats.page.starts[rows] + offsets
    codes = stats.codes
    lowered = np.where(codes < _TABLE_SIZE, _LOWER_TABLE[np.minimum(codes, _TABLE_SIZE - 1)], codes).astype(np.uint64)
    hashes = np.full(total, _CHAR_SEED, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(CHAR_NGRAM):
            hashes += lowered[positions + k] * _CHAR_MIX[k]
    return rows, hashes


def _normalised_rows(rows: np.ndarray, hashes: np.ndarray, n_lines: int) -> sp.csr_matrix:
    """Bucket counts per line scaled to unit length, so long and short lines weigh alike."""
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, _bucket(hashes))), shape=(n_lines, N_BUCKETS))
    matrix.sum_duplicates()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix)


def ngram_features(stats: PageStats) -> sp.csr_matrix:
    """``(n_lines, N_BUCKETS)``: hashed word (1, 2)-grams plus character trigrams, each part unit-normalised."""
    word = _normalised_rows(*_word_ngrams(stats), stats.n_lines)
    char = _normalised_rows(*_char_ngrams(stats), stats.n_lines)
    return sp.csr_matrix(word + char)
