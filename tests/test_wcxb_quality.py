"""Quality gate on real pages: held-out word F1 on a fixed subset of the committed WCXB corpus.

A short run (45 pages, 3 folds, sites held out together) for every test run; the full evaluation is
``linesift eval --max-folds 1 --html-root ../shared`` (docs/evaluation.md).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from linesift.training.baselines import keep_all
from linesift.training.data import LabelledPage, parse_page
from linesift.training.evaluate import cross_validated_probabilities, lines_kept, word_report
from linesift.training.train import TrainingParams

ROOT = Path(__file__).parents[1]
RECORD = json.loads((Path(__file__).parent / "wcxb_quality_floor.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def subset() -> list[LabelledPage]:
    corpus = ROOT / RECORD["corpus"]
    assert hashlib.sha256(corpus.read_bytes()).hexdigest() == RECORD["corpus_sha256"], "corpus changed: record a new floor"
    pages = []
    with gzip.open(corpus, "rt", encoding="utf-8") as rows:
        for number, row in enumerate(rows):
            if number % RECORD["every_nth_page"] == 0:
                pages.append(parse_page(json.loads(row), f"{corpus}: record {number + 1}"))
    return pages


def test_subset_covers_every_page_type_and_several_sites(subset: list[LabelledPage]) -> None:
    assert len(subset) == RECORD["measured"]["pages"]
    assert {page.page_type for page in subset} == {
        "article", "collection", "documentation", "forum", "listing", "product", "service"}
    assert len({page.domain for page in subset}) >= 30


def test_held_out_word_f1_stays_above_the_floor_and_beats_keeping_everything(subset: list[LabelledPage]) -> None:
    params = TrainingParams(n_folds=RECORD["n_folds"])
    probabilities, held_out = cross_validated_probabilities(subset, params)
    assert all(mask[page.labels >= 0].all() for mask, page in zip(held_out, subset)), "every line is scored held out"
    linesift = word_report(subset, lines_kept(subset, probabilities, params.threshold))
    everything = word_report(subset, [np.asarray(keep_all(page.lines)) for page in subset], as_written=True)
    assert linesift is not None and everything is not None
    assert linesift.overall >= RECORD["floor"]["word_f1"], f"held-out word F1 fell to {linesift.overall:.4f}"
    assert linesift.overall > everything.overall + 0.05
