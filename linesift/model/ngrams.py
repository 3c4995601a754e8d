"""Hashed word and character n-grams of each line, as a sparse matrix.

Boilerplate is phrased the same way on many sites ("Leave a reply", "Share this", cookie notices), in
every language; hashing n-grams into a fixed number of buckets lets the model learn those phrases
without word lists or a vocabulary to store. Only the start of each line is read: boilerplate phrases
are short, and the cost stays proportional to the number of lines rather than to the page's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from linesift.model.pagestats import PageStats

if TYPE_CHECKING:
    import scipy.sparse as sp

N_BUCKETS = 1 << 16
MAX_WORDS_PER_LINE = 16  # n-grams from the first 16 words of a line
MAX_CHARS_PER_LINE = 32  # character trigrams from the first 32 characters of a line
CHAR_NGRAM = 3

_BIGRAM_MIX = np.uint64(0x94D049BB133111EB)
_CHAR_MIX = (np.uint64(0xD6E8FEB86659FD93), np.uint64(0xA0761D6478BD642F), np.uint64(0xE7037ED1A0B428DB))
_CHAR_SEED = np.uint64(0x8EBC6AF09C88C6E3)


# Every n-gram of a line has a column of its own in the table ``_squared_counts`` sorts: unigrams from
# column 0, bigrams from column ``MAX_WORDS_PER_LINE``, trigrams (in rows of their own) from column 0.
# The last column is never taken, so every row of the table ends with padding.
_TABLE_WIDTH = max(2 * MAX_WORDS_PER_LINE - 1, MAX_CHARS_PER_LINE - CHAR_NGRAM + 1) + 1


def bucket_of(hashes: np.ndarray) -> np.ndarray:
    """The column of each n-gram hash: its bits mixed, then reduced to ``N_BUCKETS``."""
    with np.errstate(over="ignore"):
        mixed = hashes * np.uint64(0xFF51AFD7ED558CCD)
        mixed ^= mixed >> np.uint64(33)
    # The low bits: the remainder by a power of two, taken without dividing. As int32, the type of the table
    # ``_squared_counts`` writes them to: it then writes them without a cast per element.
    mixed &= np.uint64(N_BUCKETS - 1)
    return mixed.astype(np.int32)


def word_grams(stats: PageStats) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, table columns and hashes of the unigrams and bigrams among each line's first words."""
    lines, hashes = stats.word_lines, stats.word_hashes
    if len(lines) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    words = stats.words_per_line.astype(np.int64)
    first_word = np.cumsum(words) - words  # the index of each line's first word among the page's
    rank = np.arange(len(lines)) - first_word.take(lines)
    head = rank < MAX_WORDS_PER_LINE
    same_line = np.concatenate((lines[1:] == lines[:-1], [False])) & head & (rank + 1 < MAX_WORDS_PER_LINE)
    pairs = same_line[:-1]
    # ``compress`` rather than a boolean index: several times faster on masks that are not all one value.
    with np.errstate(over="ignore"):
        bigrams = hashes[:-1].compress(pairs) * _BIGRAM_MIX + hashes[1:].compress(pairs)
    rows = np.concatenate((lines.compress(head), lines[:-1].compress(pairs)))
    columns = np.concatenate((rank.compress(head), rank[:-1].compress(pairs) + MAX_WORDS_PER_LINE))
    return rows, columns, np.concatenate((hashes.compress(head), bigrams))


def word_gram_counts(stats: PageStats) -> np.ndarray:
    """How many n-grams ``word_grams`` gives each line: a unigram per word read, a bigram per two of them in a row."""
    words = np.minimum(stats.words_per_line, MAX_WORDS_PER_LINE).astype(np.int64)
    return np.maximum(2 * words - 1, 0)


def char_gram_counts(stats: PageStats) -> np.ndarray:
    """How many trigrams ``char_grams`` gives each line."""
    return np.clip(stats.lengths.astype(np.int64) - CHAR_NGRAM + 1, 0, MAX_CHARS_PER_LINE - CHAR_NGRAM + 1)


def char_grams(stats: PageStats) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, table columns and hashes of lower-cased character trigrams from the start of each line."""
    counts = char_gram_counts(stats)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    rows = np.repeat(np.arange(stats.n_lines), counts)
    # A trigram's rank among its line's trigrams, and its offset in the page: its line's start plus that rank.
    columns = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = columns + np.repeat(stats.page.starts, counts)  # repeated, not gathered through ``rows``: faster
    lowered = stats.lowered
    hashes = np.full(total, _CHAR_SEED, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(CHAR_NGRAM):
            # uint32 times a uint64 is a uint64, no cast needed; ``take``: faster than indexing.
            hashes += lowered[k:].take(positions) * _CHAR_MIX[k]
    return rows, columns, hashes


def _squared_counts(rows: np.ndarray, columns: np.ndarray, buckets: np.ndarray, counts: np.ndarray,
                    width: int = _TABLE_WIDTH) -> np.ndarray:
    """Sum of the squared bucket counts of every line: its number of n-grams, plus ``L * (L - 1)`` per run of
    ``L`` equal buckets. Each n-gram has a column of its own in a table ``width`` wide, before its last column.

    The buckets are laid out in the rows of that table, padded with values no bucket takes, and sorted
    row by row: equal buckets become runs of neighbours.
    """
    squares = counts.astype(np.float64)
    if len(rows) == 0:
        return squares
    n_lines = len(counts)
    table = np.empty((n_lines, width), dtype=np.int32)
    table[:] = N_BUCKETS + np.arange(width, dtype=np.int32)
    flat = table.reshape(-1)
    flat[rows * width + columns] = buckets
    table.sort(axis=1)
    # A row's last value is padding above any bucket and above the next row's first value: runs never cross rows.
    equal = np.flatnonzero(flat[1:] == flat[:-1])  # the first of two equal neighbours
    if len(equal):
        # Consecutive offsets in ``equal`` belong to one run; a run of L buckets has L - 1 of them.
        firsts = np.flatnonzero(np.diff(equal, prepend=-2) != 1)
        pairs = np.diff(np.append(firsts, len(equal)))
        squares += np.bincount(equal[firsts] // width, weights=pairs * (pairs + 1), minlength=n_lines)
    return squares


def _row_scales(squares: np.ndarray) -> np.ndarray:
    """What scales each line's bucket counts to unit length, from their ``squares`` (0.0 for a line without n-grams)."""
    norms = np.sqrt(squares)
    return np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)


def _scaled_buckets(rows: np.ndarray, columns: np.ndarray, hashes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bucket of every n-gram, and what scales each line's bucket counts to unit length (``counts``: each
    line's number of n-grams)."""
    buckets = bucket_of(hashes)
    return buckets, _row_scales(_squared_counts(rows, columns, buckets, counts))


def _normalised_rows(rows: np.ndarray, columns: np.ndarray, hashes: np.ndarray, counts: np.ndarray) -> sp.csr_matrix:
    """Bucket counts per line scaled to unit length, so long and short lines weigh alike."""
    import scipy.sparse as sp  # only training and explanations build the matrix: cleaning starts without scipy

    buckets, scales = _scaled_buckets(rows, columns, hashes, counts)
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, buckets)), shape=(len(counts), N_BUCKETS))
    matrix.sum_duplicates()
    return sp.csr_matrix(sp.diags(scales) @ matrix)


def ngram_features(stats: PageStats) -> sp.csr_matrix:
    """``(n_lines, N_BUCKETS)``: hashed word (1, 2)-grams plus character trigrams, each part unit-normalised."""
    word = _normalised_rows(*word_grams(stats), word_gram_counts(stats))
    char = _normalised_rows(*char_grams(stats), char_gram_counts(stats))
    return word + char  # the sum of two CSR matrices is CSR


def ngram_scores(stats: PageStats, weights: np.ndarray) -> np.ndarray:
    """``ngram_features(stats) @ weights`` without building the matrix: what scoring a page needs.

    Each line's word and character parts are scaled apart, then added.
    """
    word = _part_scores(*word_grams(stats), word_gram_counts(stats), weights)
    char = _part_scores(*char_grams(stats), char_gram_counts(stats), weights)
    return word + char


def _part_scores(rows: np.ndarray, columns: np.ndarray, hashes: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each line's sum of ``weights`` over the buckets of its n-grams of one part (``counts`` of them), scaled to
    unit length."""
    buckets, scales = _scaled_buckets(rows, columns, hashes, counts)
    # ``take``: faster than indexing, for 8-byte items.
    return np.bincount(rows, weights=weights.take(buckets), minlength=len(counts)) * scales
