"""Polynomial hashes (mod 2**64) of spans of a page's lower-cased code points, and sets of hashes.

A page's running sums (:func:`running_sums`) hash any span of it in two reads and a product, so words
and whole lines are hashed without a Python string each.
"""

from __future__ import annotations

import numpy as np

# Words: runs of letters and digits; the hash of a word reads at most this many code points.
HASHED_WORD_PREFIX = 12
HASH_BASE = np.uint64(0x100000001B3)  # an odd 64-bit multiplier (FNV's prime)
# Odd 64-bit multipliers that mix a hash's bits: one for a length, one for the rest.
LENGTH_MIX = np.uint64(0xBF58476D1CE4E5B9)
MIX = np.uint64(0x94D049BB133111EB)
# A page's running sums and the powers of ``HASH_BASE`` that go with them (see ``running_sums``).
HashSums = tuple[np.ndarray, np.ndarray]


def _geometric(ratio: np.uint64, n: int) -> np.ndarray:
    """``ratio ** k`` mod 2**64 for ``k`` from 0 to ``n - 1``."""
    terms = np.full(n, ratio, dtype=np.uint64)
    terms[0] = 1
    with np.errstate(over="ignore"):
        return np.multiply.accumulate(terms)


_INVERSE_HASH_BASE = np.uint64(pow(int(HASH_BASE), -1, 1 << 64))
# Powers for pages of up to twice a batch (``sifter.BATCH_CHARS``) are computed once; a longer page computes its own.
_POWERS_KEPT = 1 << 19
_KEPT_POWERS = (_geometric(HASH_BASE, _POWERS_KEPT), _geometric(_INVERSE_HASH_BASE, _POWERS_KEPT))
# ``LENGTH_MIX * B**m`` for a word's prefix of ``m`` code points: the term its length is multiplied by.
with np.errstate(over="ignore"):
    _LENGTH_TERMS = LENGTH_MIX * _KEPT_POWERS[0][: HASHED_WORD_PREFIX + 1]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``B ** k`` and ``B ** -k`` mod 2**64 (``B``: ``HASH_BASE``) for ``k`` from 0 to at least ``n - 1``."""
    if n <= _POWERS_KEPT:
        return _KEPT_POWERS
    return _geometric(HASH_BASE, n), _geometric(_INVERSE_HASH_BASE, n)


def running_sums(lowered: np.ndarray) -> HashSums:
    """Running sums (mod 2**64) of ``lowered[j] * B**-j`` with a leading 0, and ``B**k`` for every offset ``k``
    (``B``: ``HASH_BASE``, odd, so it has an inverse): what hashes any span of the page (see ``span_hashes``)."""
    n = len(lowered)
    powers, inverse_powers = _powers(n + 1)
    sums = np.empty(n + 1, dtype=np.uint64)
    sums[0] = 0
    with np.errstate(over="ignore"):
        np.multiply(lowered, inverse_powers[:n], out=sums[1:])
        np.cumsum(sums[1:], out=sums[1:])
    return sums, powers


def hash_words(sums: HashSums, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash the words at ``starts:ends`` of a text (given by its ``running_sums``): their first
    ``HASHED_WORD_PREFIX`` lower-cased code points and their length, bits mixed.

    A polynomial rolling hash (mod 2**64) over the prefix, so that words differing in any position differ:
    starting from ``length * LENGTH_MIX``, each code point in turn is added to the hash times ``B``. That is
    ``length * LENGTH_MIX * B**m + B**(m - 1) * span_hashes(...)`` for a prefix of ``m``, read from the
    text's running sums instead of code point by code point.
    """
    lengths = ends - starts
    prefix = np.minimum(lengths, HASHED_WORD_PREFIX)
    prefix_sums, powers = sums
    prefix_ends = starts + prefix
    with np.errstate(over="ignore"):
        # ``span_hashes`` times ``B**(m - 1)``, in one product: ``B**start * B**(m - 1)`` is ``B**(start + m - 1)``.
        hashes = prefix_sums.take(prefix_ends) - prefix_sums.take(starts)
        hashes *= powers.take(prefix_ends - 1)
        hashes += lengths.astype(np.uint64) * _LENGTH_TERMS.take(prefix)
        hashes ^= hashes >> np.uint64(31)
        hashes *= MIX
        hashes ^= hashes >> np.uint64(29)
    return hashes


def span_hashes(sums: HashSums, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The polynomial hash (mod 2**64) of the lower-cased code points at each ``starts:ends``: the sum of
    ``lowered[start + k] * B**-k``, from the text's running sums (``running_sums``) in two reads and a product."""
    prefix_sums, powers = sums
    with np.errstate(over="ignore"):
        return (prefix_sums.take(ends) - prefix_sums.take(starts)) * powers.take(starts)


def hash_set(hashes: np.ndarray) -> np.ndarray:
    """A direct-mapped table of distinct ``hashes``: ``h`` is one of them when ``table[h & (len(table) - 1)] == h``.

    The table is the smallest power of two where no two of them share a slot. An empty slot holds a value
    whose low bits are not its own index (1 in slot 0, 0 elsewhere), so that no hash matches it.
    """
    size = 2
    while len(np.unique(hashes & np.uint64(size - 1))) < len(hashes):
        size *= 2
    table = np.zeros(size, dtype=np.uint64)
    table[0] = 1
    table[(hashes & np.uint64(size - 1)).astype(np.int64)] = hashes
    return table


def in_hash_set(hashes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether each of ``hashes`` is in ``table`` (from ``hash_set``): ``np.isin`` without sorting."""
    return table[(hashes & np.uint64(len(table) - 1)).astype(np.int64)] == hashes

