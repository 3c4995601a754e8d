"""Training is repeatable, and the built-in model is what ``linesift train`` writes with its defaults."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

import linesift.training.train as train_module
from linesift import load_model
from linesift.model.features import page_features
from linesift.model.ngrams import ngram_features
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page
from linesift.training.conventions import ONE_LINE, in_convention
from linesift.training.data import LabelledPage, data_files, data_sha256, load_pages, parse_page
from linesift.training.pipeline import in_sample_report, training_pages
from linesift.training.train import (
    PAGES_PER_TASK,
    LineTable,
    TrainingParams,
    fit_first_pass,
    fit_second_pass,
    fit_sifter,
    prepare,
    train,
)
from tests.conftest import SEEDS


def test_pieces_of_a_page_on_one_line_are_learnt_as_cleaning_reads_them(seed_pages) -> None:
    """Training builds each page as cleaning does: the pieces of a line of the text share its block."""
    pieced = in_convention(seed_pages[0], ONE_LINE)
    [example] = prepare([pieced], n_folds=5)
    assert example.page.continued.tolist() == pieced.continued.tolist()
    np.testing.assert_array_equal(example.page.block_ids, pieced.text_page().block_ids)
    assert example.page.block_ids.max() == 0  # one line of the text, cut into pieces: one block


def test_training_twice_gives_the_same_model(seed_pages: list[LabelledPage]) -> None:
    first, second = train(seed_pages), train(seed_pages)
    for a, b in ((first.first, second.first), (first.second, second.second)):
        np.testing.assert_array_equal(a.coef_, b.coef_)
        np.testing.assert_array_equal(a.mean_, b.mean_)
        np.testing.assert_array_equal(a.scale_, b.scale_)
        assert a.intercept_ == b.intercept_


def test_training_gives_the_same_model_on_one_process_or_two(seed_pages: list[LabelledPage]) -> None:
    # Pages of two sites so that there are folds to fit in parallel: the seed and a copy of it elsewhere.
    pages = [*seed_pages, dataclasses.replace(seed_pages[0], id="copy", domain="elsewhere.example")]
    alone, shared = train(pages, n_jobs=1), train(pages, n_jobs=2)
    for a, b in ((alone.first, shared.first), (alone.second, shared.second)):
        np.testing.assert_array_equal(a.coef_, b.coef_)
        assert a.intercept_ == b.intercept_


def test_builtin_model_records_what_it_was_trained_with() -> None:
    versions = load_model().metadata["versions"]
    assert {"python", "linesift", "numpy", "scipy", "scikit-learn", "blas"} <= set(versions)
    assert "openblas" in versions["blas"].lower() or "mkl" in versions["blas"].lower()


def test_builtin_model_was_trained_with_the_default_parameters() -> None:
    model = load_model()
    defaults = TrainingParams()
    assert model.metadata["training"]["params"] == defaults.as_dict()
    assert model.threshold == defaults.threshold
    # Trained on the seed and the four renderings of the WCXB pages shipped in seeds/.
    assert set(model.metadata["training"]["files"]) == {
        "000_bbcd66fa357995a9.jsonl", "wcxb-dev.html-text.jsonl.gz", "wcxb-dev.html-text-scripts.jsonl.gz",
        "wcxb-dev.markdown.jsonl.gz", "wcxb-dev.resiliparse.jsonl.gz"}


@pytest.mark.parametrize(("model_input", "folder"), [("text", SEEDS), ("html", SEEDS / "html")])
def test_builtin_models_record_the_in_sample_figures_of_todays_rules(model_input: str, folder: Path) -> None:
    """`linesift train` writes the in-sample figures of the rules that decide lines when it runs: a change to those
    rules leaves a built-in file that retraining no longer reproduces until its figures are written again."""
    model = load_model(input=model_input)
    labelled = load_pages(data_files([folder]))
    assert data_sha256(data_files([folder])) == model.metadata["training"]["data_sha256"]
    report = in_sample_report(model, labelled)
    recorded = model.metadata["training"]["in_sample"]
    # Other BLAS kernels may round a sum differently and move a line or two across a cut: no more than this.
    assert report.content.precision == pytest.approx(recorded["content_precision"], abs=1e-5)
    assert report.content.recall == pytest.approx(recorded["content_recall"], abs=1e-5)


def test_the_second_pass_is_fitted_on_the_columns_it_scores(seed_pages: list[LabelledPage]) -> None:
    """Training builds the second pass's rows as matrices, scoring multiplies their parts: the columns agree."""
    with gzip.open(SEEDS / "wcxb-dev.html-text-scripts.jsonl.gz", "rt", encoding="utf-8") as rows:
        rendered = [parse_page(json.loads(row), str(n)) for n, row in enumerate(itertools.islice(rows, 8))]
    model = load_model()
    for example in prepare([*seed_pages, *rendered]):
        scored = model.scored(example.page)
        p_first = np.zeros(len(example.page))
        p_first[scored.rows] = scored.p_first
        # The same columns in the same order; training keeps the page's own features in single precision.
        np.testing.assert_allclose(example.second(p_first)[scored.rows], scored.second_input.matrix(), rtol=1e-6, atol=1e-6)


def test_pages_prepared_together_get_the_features_of_each_page_alone(seed_pages: list[LabelledPage]) -> None:
    """``prepare`` computes the features of ``PAGES_PER_TASK`` pages joined into one: exactly what each page gets alone,
    on its non-blank lines (a blank line carries no label and gets no row), in single precision."""
    with gzip.open(SEEDS / "wcxb-dev.html-text-scripts.jsonl.gz", "rt", encoding="utf-8") as rows:
        rendered = [parse_page(json.loads(row), str(n)) for n, row in enumerate(itertools.islice(rows, PAGES_PER_TASK + 8))]
    pages = [*seed_pages, *rendered]
    assert sum(not line.strip() for page in pages for line in page.lines) > 0
    for page, example in zip(pages, prepare(pages)):
        stats = PageStats(Page.from_lines(page.lines))
        blank = stats.page.blank
        # Stored for the non-blank lines in single precision, the features are what each page alone gets, rounded.
        np.testing.assert_array_equal(example.dense, page_features(stats.page, stats)[0][~blank].astype(np.float32))
        alone = ngram_features(stats)[~stats.page.blank].astype(np.float32)
        assert example.ngrams.shape == alone.shape and (example.ngrams != alone).nnz == 0
        np.testing.assert_array_equal(example.stats.words_per_line, stats.words_per_line)


def test_a_shared_table_fits_like_a_fresh_one(seed_pages: list[LabelledPage]) -> None:
    examples = prepare(seed_pages)
    table = LineTable(examples)
    masks = [ex.folds != 0 for ex in examples]
    shared = fit_sifter(examples, masks, TrainingParams(), table=table)
    fresh = fit_sifter(examples, masks, TrainingParams(), n_jobs=2)  # its own table takes the n-grams
    with pytest.raises(ValueError, match="moved into another line table"):
        LineTable(examples)
    np.testing.assert_array_equal(shared.first.coef_, fresh.first.coef_)
    np.testing.assert_array_equal(shared.second.coef_, fresh.second.coef_)
    # Both passes fitted apart, as evaluation fits every fold's first pass before any second pass: the same model.
    first = fit_first_pass(examples, masks, TrainingParams(), 1, table)
    apart = fit_second_pass(examples, masks, first, TrainingParams())
    np.testing.assert_array_equal(apart.first.coef_, fresh.first.coef_)
    np.testing.assert_array_equal(apart.second.coef_, fresh.second.coef_)


def test_a_table_taking_the_ngrams_holds_the_same_blocks(seed_pages: list[LabelledPage], monkeypatch: pytest.MonkeyPatch) -> None:
    # Small blocks: each page's n-grams are let go as soon as the blocks holding its rows are made.
    monkeypatch.setattr(train_module, "BLOCK_ROWS", 7)
    pages = training_pages(seed_pages, TrainingParams())
    kept, taken = prepare(pages), prepare(pages)
    table, taking = LineTable(kept), LineTable(taken, take_ngrams=True)
    assert len(pages) > 1 and len(table.blocks) > 10
    assert all(example.ngrams is None for example in taken) and all(example.ngrams is not None for example in kept)
    for (start, block), (other_start, other) in zip(table.blocks, taking.blocks, strict=True):
        assert start == other_start and (block.rest != other.rest).nnz == 0
        np.testing.assert_array_equal(block.dense, other.dense)


def test_lines_chosen_across_folds_are_fitted_from_copies_of_their_blocks(seed_pages: list[LabelledPage]) -> None:
    examples = prepare(seed_pages)
    table = LineTable(examples)
    # Every other line: no block of the table is wholly in or wholly out.
    masks = [np.arange(len(ex.labels)) % 2 == 0 for ex in examples]
    rows = table.rows(masks)
    blocks = table.blocks_of(rows)
    assert sum(len(block.y) for block in blocks) == rows.sum()
    model = fit_sifter(examples, masks, TrainingParams(), table=table)
    scores = np.concatenate([decision.p for decision in model.decide_many([ex.page for ex in examples])])
    assert np.isfinite(model.first.coef_).all() and ((scores >= 0) & (scores <= 1)).all()
