"""Error paths of ``linesift explain`` and of model loading: a message and exit code 2, never a traceback."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from linesift.cli import app
from linesift.model.modelfile import DEFAULT_MODEL

runner = CliRunner()
USAGE = 2


def _failure(result: Result) -> str:
    """The one-line error message of a command that failed cleanly with exit code 2."""
    assert result.exit_code == USAGE, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return " ".join(result.stderr.split())


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_text("Home\nThe council met on Tuesday.\n\nContact us\n", encoding="utf-8")
    return path


def test_explain_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert _failure(runner.invoke(app, ["explain", str(missing)])) == f"error: {missing}: no such file"


def test_explain_directory(tmp_path: Path) -> None:
    assert "is a directory, not a file" in _failure(runner.invoke(app, ["explain", str(tmp_path)]))


def test_explain_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\x00\x00")
    assert "binary data (NUL bytes), not text" in _failure(runner.invoke(app, ["explain", str(binary)]))


@pytest.mark.parametrize("line", ["0", "5", "-1", "1000000"])
def test_explain_line_out_of_range(page: Path, line: str) -> None:
    message = _failure(runner.invoke(app, ["explain", str(page), "--line", line]))
    assert message == f"error: --line {line} is out of range: {page} has 4 line(s)"


def test_explain_line_of_an_empty_file_says_there_is_nothing_to_explain(tmp_path: Path) -> None:
    """An empty page is refused whatever is asked of it, with the exit code of predict's "nothing to clean"."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["explain", str(empty), "--line", "1"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip().endswith(", nothing to explain")


def test_explain_unknown_format(page: Path) -> None:
    result = runner.invoke(app, ["explain", str(page), "--format", "xml"], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "'xml' is not one of 'table', 'jsonl'" in result.output


@pytest.mark.parametrize("option", [["--top", "-1"], ["--threshold", "1.5"], ["--line", "x"]])
def test_explain_bad_option_values(page: Path, option: list[str]) -> None:
    result = runner.invoke(app, ["explain", str(page), *option])
    assert result.exit_code == USAGE
    assert "Traceback" not in result.output


def _model_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "model.json"
    if kind == "missing":
        return path
    if kind == "corrupt":
        path.write_bytes(b'{"format": "linesift-model", "format_version": 1, "thr')
        return path
    document = json.loads(resources.files("linesift.model").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8"))
    document["format_version"] = 99
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


MODEL_ERRORS = {
    "missing": "cannot read the model file (No such file or directory)",
    "corrupt": "not valid model JSON",
    "wrong version": "unsupported model format version 99; this linesift reads version 1",
}


@pytest.mark.parametrize("command", ["explain", "predict"])
@pytest.mark.parametrize("kind", sorted(MODEL_ERRORS))
def test_unusable_model_file(command: str, kind: str, page: Path, tmp_path: Path) -> None:
    model = _model_file(tmp_path, kind)
    message = _failure(runner.invoke(app, [command, str(page), "--model", str(model)]))
    assert message.startswith(f"error: {model}: ")
    assert MODEL_ERRORS[kind] in message
