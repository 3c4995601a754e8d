"""The WCXB benchmark's page-level metric: word F1 of extracted text against the gold main content."""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import NamedTuple

_WORD = re.compile(r"\w+")


class WordScores(NamedTuple):
    precision: float
    recall: float
    f1: float


def word_counts(text: str) -> Counter[str]:
    """Tokens as the benchmark counts them: ``\\w+`` runs of the lower-cased text, as a multiset."""
    return Counter(_WORD.findall(text.lower()))


def word_scores(predicted: str, reference: str) -> WordScores:
    """Multiset word precision, recall and F1; an empty side scores 0 (both empty scores 1)."""
    pred, ref = word_counts(predicted), _reference_counts(reference)
    n_pred, n_ref = sum(pred.values()), sum(ref.values())
    if n_pred == 0 and n_ref == 0:
        return WordScores(1.0, 1.0, 1.0)
    overlap = sum((pred & ref).values())
    precision = overlap / n_pred if n_pred else 0.0
    recall = overlap / n_ref if n_ref else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return WordScores(precision, recall, f1)


@functools.lru_cache(maxsize=4096)
def _reference_counts(reference: str) -> Counter[str]:
    """``word_counts`` of a gold text, read once: an evaluation scores each page's gold against many extractions
    (every layout of the page, every cut of the precision-recall curve). Never changed by its callers."""
    return word_counts(reference)
