"""Training and evaluation report their phases in order, with counts; the command shows them only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

import linesift.cli as cli
import linesift.training.pipeline as pipeline
from linesift.model.sifter import Sifter
from linesift.training.evaluate import CURVE_THRESHOLDS
from linesift.training.evaluation import EvalOptions, evaluate
from linesift.training.excerpts import PER_PAGE as EXCERPTS_PER_PAGE
from linesift.training.pipeline import train_from_files

Report = tuple[str, int, "int | None"]


class Recorder:
    def __init__(self) -> None:
        self.reports: list[Report] = []

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        self.reports.append((phase, done, total))


def fits(prefix: str, n_first: int) -> list[Report]:
    """One model's fits: each first pass counted as it starts, then the second pass."""
    return [*((f"{prefix}fitting the first pass", k, n_first) for k in range(n_first)), (f"{prefix}fitting the second pass", 0, None)]


def test_training_reports_each_phase_in_order_and_changes_nothing(seed_labels_path: Path, seed_training) -> None:
    recorder = Recorder()
    model = train_from_files([seed_labels_path], progress=recorder)
    # One page cut into five stretches: five held-out first passes, then the final one. The page is learnt from
    # with its excerpts, one task of features for them all.
    learnt = 1 + EXCERPTS_PER_PAGE
    assert recorder.reports == [("reading data", 0, 1), ("features", 0, learnt), ("features", learnt, learnt), ("line table", 0, None),
                                *fits("", 6), ("scoring the training pages", 0, None)]
    np.testing.assert_array_equal(model.first.coef_, seed_training.model.first.coef_)
    np.testing.assert_array_equal(model.second.coef_, seed_training.model.second.coef_)


def test_cross_validated_evaluation_reports_each_fold(seed_labels_path: Path, builtin_model: Sifter) -> None:
    recorder = Recorder()
    evaluate([seed_labels_path], [], builtin_model, EvalOptions(max_folds=2), recorder)
    # Both folds' first passes, then both second passes, then the pages scored with their fold's model.
    folds = [*(report for k in (1, 2) for report in fits(f"cross-validating fold {k} of 2: ", 5)[:-1]),
             *((f"cross-validating fold {k} of 2: fitting the second pass", 0, None) for k in (1, 2)),
             *((f"cross-validating fold {k} of 2: scoring held-out pages", 0, 1) for k in (1, 2))]
    curve = len(CURVE_THRESHOLDS) + 1  # and each page's own cut
    learnt = 1 + EXCERPTS_PER_PAGE
    assert recorder.reports == [("reading data", 0, 1), ("features", 0, learnt), ("features", learnt, learnt), ("line table", 0, None),
                                *folds, *(("precision-recall curve", k, curve) for k in range(curve)),
                                ("baselines, by renderer and layout", 0, 1)]


def test_pages_never_trained_on_are_counted_as_they_are_scored(tmp_path: Path, builtin_model: Sifter) -> None:
    data = tmp_path / "news.jsonl"
    row = '{"id": "%s", "lines": ["Home | News", "", "The council approved the budget after a long debate."], "labels": [0, null, 1]}\n'
    data.write_text(row % "a" + row % "b", encoding="utf-8")
    recorder = Recorder()
    evaluate([data], [], builtin_model, progress=recorder)
    assert recorder.reports[:3] == [("reading data", 0, 1), ("scoring pages", 0, 2), ("scoring pages", 1, 2)]


@pytest.fixture()
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The command's stderr, made a terminal so that progress is shown."""
    stream = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=stream, force_terminal=True, width=100))
    return stream


def fake_training(monkeypatch: pytest.MonkeyPatch, model: Sifter) -> None:
    def train(paths, params, n_jobs=1, progress=None, model_input="text"):
        progress("fitting the second pass", 0, None)
        return model

    monkeypatch.setattr(pipeline, "train_from_files", train)


@pytest.mark.parametrize("quiet", [[], ["--quiet"], ["-q"]])
def test_train_shows_progress_on_a_terminal_unless_quiet(runner: CliRunner, seed_labels_path: Path, seed_training, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, terminal: io.StringIO, quiet: list[str]) -> None:
    fake_training(monkeypatch, seed_training.model)
    result = runner.invoke(cli.app, ["train", str(seed_labels_path), "--out", str(tmp_path / "m.json"), *quiet])
    assert result.exit_code == 0, result.output
    assert ("fitting the second pass" in terminal.getvalue()) == (not quiet)


@pytest.mark.parametrize("quiet", [[], ["--quiet"]])
def test_eval_shows_progress_on_a_terminal_unless_quiet(runner: CliRunner, seed_labels_path: Path, shared_cross_validation,
                                                        terminal: io.StringIO, quiet: list[str]) -> None:
    result = runner.invoke(cli.app, ["eval", str(seed_labels_path), *quiet])
    assert result.exit_code == 0, result.output
    assert ("baselines, by renderer" in terminal.getvalue()) == (not quiet)
