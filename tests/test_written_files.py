"""``train``, ``eval``, ``predict --report`` and ``corpus build`` replace only files of their own kind.

Running a command again replaces what it wrote before; a file of another kind at the same path (the
training data given as ``--out``, a user's notes) is refused before any work, with exit code 2, and
left byte for byte as it was.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from linesift import cli
from linesift.model.modelfile import builtin_model, is_model_file
from linesift.report import is_report
from linesift.training.corpus import is_corpus_file
from linesift.training.plots import PLOT_NAMES, is_plot

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).parents[1] / "seeds"
SEED_PAGE = SEEDS / "000_bbcd66fa357995a9.txt"
SEED_LABELS = SEEDS / "000_bbcd66fa357995a9.jsonl"
NOTES = b'{"my": "notes"}\n'


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(cli.app, [*map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def refused(result: Result) -> str:
    assert result.exit_code == 2, result.output
    return " ".join(result.stderr.split())


@pytest.fixture
def labels(tmp_path: Path) -> Path:
    return Path(shutil.copy(SEED_LABELS, tmp_path / "labels.jsonl"))


def test_train_refuses_to_write_over_its_training_data(labels: Path) -> None:
    before = labels.read_bytes()
    message = refused(run("train", labels, "--out", labels))
    assert message == f"error: --out {labels} exists and is not a linesift model file: choose another path, or move the file away"
    assert labels.read_bytes() == before


def test_train_refuses_a_users_file_and_a_directory(labels: Path, tmp_path: Path) -> None:
    notes = tmp_path / "model.json"
    notes.write_bytes(NOTES)
    assert "is not a linesift model file" in refused(run("train", labels, "--out", notes))
    assert notes.read_bytes() == NOTES
    assert refused(run("train", labels, "--out", tmp_path)) == f"error: --out {tmp_path} is a directory: name a file"


def test_train_again_replaces_its_own_model(labels: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    for _ in range(2):
        assert run("train", labels, "--out", model).exit_code == 0
    assert is_model_file(model.read_bytes())


def test_eval_save_and_plot_refuse_other_files_before_evaluating(labels: Path, tmp_path: Path) -> None:
    assert "--save" in refused(run("eval", labels, "--save", labels))
    plots = tmp_path / "plots"
    plots.mkdir()
    (plots / PLOT_NAMES[1]).write_bytes(NOTES)
    message = refused(run("eval", labels, "--plot", plots))
    assert message.startswith(f"error: --plot {plots / PLOT_NAMES[1]} exists and is not a plot linesift wrote")
    assert (plots / PLOT_NAMES[1]).read_bytes() == NOTES and not (plots / PLOT_NAMES[0]).exists()


def test_eval_plot_and_save_that_clash_are_refused_before_evaluating(labels: Path, tmp_path: Path) -> None:
    """Both given one path, the plots made it a folder and the model then failed to save, after the whole run."""
    same = tmp_path / "out" / "same.json"
    assert refused(run("eval", labels, "--plot", same, "--save", same)) == (
        f"error: --plot {same} and --save {same} would write over each other: give them other paths")
    assert refused(run("eval", labels, "--plot", tmp_path, "--save", tmp_path / PLOT_NAMES[0])).startswith(
        f"error: --plot {tmp_path} and --save")
    assert not (tmp_path / "out").exists() and not (tmp_path / PLOT_NAMES[0]).exists()
    labels_copy = tmp_path / "notes.txt"
    labels_copy.write_bytes(NOTES)
    assert refused(run("eval", labels, "--plot", labels_copy)) == (
        f"error: --plot {labels_copy} is a file: name the folder to write the plots into")
    assert refused(run("eval", labels, "--save", labels_copy / "model.json")) == (
        f"error: --save {labels_copy / 'model.json'}: a folder on the path is a file: choose another path")
    assert labels_copy.read_bytes() == NOTES


def test_eval_save_refuses_the_model_it_evaluates(labels: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    assert run("train", labels, "--out", model).exit_code == 0
    before = model.read_bytes()
    assert refused(run("eval", labels, "--model", model, "--save", model)) == (
        f"error: --save {model} is the model being evaluated: choose another file")
    assert model.read_bytes() == before
    builtin = Path(str(builtin_model()))
    assert "is the model being evaluated" in refused(run("eval", labels, "--save", builtin))


def test_eval_plots_again_over_its_own_plots(labels: Path, tmp_path: Path) -> None:
    for _ in range(2):
        assert run("eval", labels, "--plot", tmp_path).exit_code == 0
    assert all(is_plot((tmp_path / name).read_bytes()) for name in PLOT_NAMES)


def test_report_replaces_a_report_not_a_users_file(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    for _ in range(2):
        assert run("predict", SEED_PAGE, "--report", report).exit_code == 0
    assert is_report(report.read_bytes())
    mine = tmp_path / "mine.html"
    mine.write_bytes(b"<html><body>my page</body></html>")
    assert "is not a linesift report" in refused(run("predict", SEED_PAGE, "--report", mine))
    assert mine.read_bytes() == b"<html><body>my page</body></html>"


def test_corpus_build_replaces_its_corpus_not_a_users_file(tmp_path: Path) -> None:
    target = tmp_path / "fx.resiliparse.jsonl.gz"
    target.write_bytes(NOTES)
    message = refused(run("corpus", "build", FIXTURES / "wcxb", "--out", tmp_path, "--prefix", "fx"))
    assert message == f"error: the output {target} exists and is not a corpus file: choose another path, or move the file away"
    assert target.read_bytes() == NOTES
    target.unlink()
    for _ in range(2):
        assert run("corpus", "build", FIXTURES / "wcxb", "--out", tmp_path, "--prefix", "fx").exit_code == 0
    assert is_corpus_file(target.read_bytes())
    # A user's own labelled pages, gzipped with a time as gzip tools write it: the same start, and not ours.
    labelled = gzip.compress(b'{"id": "mine", "lines": ["a"], "labels": [1]}\n')
    target.write_bytes(labelled)
    assert "is not a corpus file" in refused(run("corpus", "build", FIXTURES / "wcxb", "--out", tmp_path, "--prefix", "fx"))
    assert target.read_bytes() == labelled
