"""``linesift predict`` never replaces an input, never writes one output twice, and never succeeds having done nothing.

Every test runs the real command in a temporary directory and checks the exit code, the message and
that every input file is byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fixtures.io.builders import page
from typer.testing import CliRunner, Result

from linesift import load_model
from linesift.cli import app

runner = CliRunner()
MODEL = load_model(None)
USAGE = 2


def predict(*args: str | Path) -> Result:
    result = runner.invoke(app, ["predict", "--quiet", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def refused(result: Result) -> str:
    """The one-line message of a run refused as a usage error."""
    assert result.exit_code == USAGE, result.output
    return " ".join(result.stderr.split())


@contextmanager
def unchanged(*roots: Path) -> Iterator[None]:
    """Assert that every file under ``roots`` has the same bytes after the block as before."""

    def contents() -> dict[Path, bytes]:
        files = [path for root in roots for path in ([root] if root.is_file() else sorted(root.rglob("*"))) if path.is_file()]
        return {path: path.read_bytes() for path in files}

    before = contents()
    yield
    assert contents() == before


def cleaned(text: str) -> str:
    out = MODEL.clean(text)
    return out + "\n" if out else ""


@pytest.fixture
def recipe(tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    folder.mkdir()
    path = folder / "recipe.txt"
    path.write_text(page(1), encoding="utf-8")
    return path


# Nothing to clean


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden").write_text(page(1))
    message = refused(predict(tmp_path / "empty"))
    assert message == f"error: {tmp_path / 'empty'}: no file to clean: none matches --glob '*' (hidden files and directories are skipped)"


def test_a_glob_matching_nothing_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text(page(1))
    with unchanged(tmp_path / "in"):
        message = refused(predict(tmp_path / "in", "--glob", "*.jsonl", "--output-dir", tmp_path / "out"))
    assert message == f"error: {tmp_path / 'in'}: no file to clean: none matches --glob '*.jsonl' (hidden files and directories are skipped)"
    assert not (tmp_path / "out").exists()

