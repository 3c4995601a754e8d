"""Each page's scores in an evaluation, worst first: the pages to read to see what a model gets wrong.

``linesift eval --pages FILE`` writes them as JSON Lines, a record a page: its labelled and kept lines, the word
precision, recall and F1 of what linesift keeps against its gold text, and each HTML extractor's word F1 on its HTML
when ``--html-root`` gives it. Averages hide pages; sorted by word F1, the first records are the ones to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np

from linesift.training.data import BLANK, LabelledPage
from linesift.training.evaluate import kept_text
from linesift.training.metrics import WordScores, word_scores

# Every record opens with this field, so that a file written before is known as one (see ``is_page_scores``).
SCORED_BY = "linesift eval"
_OPENING = ('{"scored_by": ' + json.dumps(SCORED_BY)).encode()
_DIGITS = 4


@dataclass(frozen=True, slots=True)
class PageScores:
    """One page's lines and word scores; ``words`` is None for a page without gold text."""

    id: str
    source: str
    page_type: str
    renderer: str
    convention: str
    lines: int  # labelled (non-blank) lines
    content_lines: int
    kept_lines: int
    kept_content_lines: int
    words: WordScores | None
    extractors: dict[str, float]  # each HTML extractor's word F1 on the page's HTML, when it read it

    def record(self) -> dict[str, object]:
        words = self.words
        return {
            "scored_by": SCORED_BY, "id": self.id, "source": self.source, "page_type": self.page_type,
            "renderer": self.renderer, "convention": self.convention, "lines": self.lines,
            "content_lines": self.content_lines, "kept_lines": self.kept_lines,
            "kept_content_lines": self.kept_content_lines,
            "word_precision": None if words is None else round(words.precision, _DIGITS),
            "word_recall": None if words is None else round(words.recall, _DIGITS),
            "word_f1": None if words is None else round(words.f1, _DIGITS),
            "extractors_word_f1": {name: round(f1, _DIGITS) for name, f1 in self.extractors.items()},
        }


def page_scores(pages: Sequence[LabelledPage], keeps: Sequence[np.ndarray],
                extractor_texts: dict[str, dict[str, str]]) -> list[PageScores]:
    """The scores of each of ``pages`` given the lines kept on it (``keeps``) and the HTML extractors' texts (by
    extractor, then source), in the order of ``pages``."""
    scores = []
    for page, keep in zip(pages, keeps, strict=True):
        labelled = page.labels != BLANK
        gold = page.main_content
        scores.append(PageScores(
            page.id, page.source, page.page_type, page.renderer, page.convention,
            int(labelled.sum()), int((page.labels == 1).sum()), int((keep & labelled).sum()),
            int((keep & (page.labels == 1)).sum()),
            None if gold is None else word_scores(kept_text(page, keep), gold),
            {} if gold is None else {name: word_scores(texts[page.source], gold).f1
                                     for name, texts in extractor_texts.items() if page.source in texts},
        ))
    return scores


def worst_first(scores: Iterable[PageScores]) -> list[PageScores]:
    """``scores`` by word F1, lowest first; pages without gold text last; ties by id."""
    return sorted(scores, key=lambda page: (page.words is None, page.words.f1 if page.words else 0.0, page.id))


def write_page_scores(scores: Iterable[PageScores], stream: IO[str]) -> None:
    """``scores`` as JSON Lines, worst first."""
    for page in worst_first(scores):
        stream.write(json.dumps(page.record(), ensure_ascii=False) + "\n")


def is_page_scores(head: bytes) -> bool:
    """Whether ``head``, the first bytes of a file, is the start of page scores written by :func:`write_page_scores`."""
    return head.startswith(_OPENING)
