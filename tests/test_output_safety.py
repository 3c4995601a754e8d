"""``linesift predict`` never replaces an input, never writes one output twice, and never succeeds having done nothing.

Every test runs the real command in a temporary directory and checks the exit code, the message and
that every input file is byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fixtures.io.builders import html_page, page
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


# An output onto its own input


def test_output_dir_holding_the_input_is_refused(recipe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(recipe.parent)
    with unchanged(recipe):
        message = refused(predict("recipe.txt", "--output-dir", "."))
    assert message == "error: the output recipe.txt would replace the input recipe.txt: choose another --output-dir"


def test_output_dir_reaching_the_input_through_a_symlink_is_refused(recipe: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(recipe.parent)
    with unchanged(recipe):
        message = refused(predict(recipe, "--output-dir", tmp_path / "link" / ".." / "link"))
    assert f"would replace the input {recipe}" in message


def test_output_that_is_a_hard_link_to_the_input_is_refused(recipe: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    os.link(recipe, tmp_path / "out" / "recipe.txt")
    with unchanged(recipe):
        message = refused(predict(recipe, "--output-dir", tmp_path / "out"))
    assert message == f"error: the output {tmp_path / 'out' / 'recipe.txt'} would replace the input {recipe}: choose another --output-dir"


def test_a_named_file_written_onto_another_named_file_is_refused_before_any_output(tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text(page(1))
    other = tmp_path / "x" / "page.txt"
    kept = tmp_path / "y" / "page.txt"
    with unchanged(tmp_path):
        message = refused(predict(other, kept, "--output-dir", tmp_path / "y"))
    assert message == f"error: the output {kept} would replace the input {kept}: choose another --output-dir"
    assert sorted(tmp_path.rglob("*")) == [tmp_path / "x", other, tmp_path / "y", kept]


def test_output_dir_inside_an_input_directory_is_refused_before_any_output(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "a.txt").write_text(page(1))
    (folder / "b.jsonl").write_text(json.dumps({"body": page(2)}) + "\n")
    for output_dir in (folder, folder / "clean"):
        with unchanged(folder):
            message = refused(predict(folder, "--output-dir", output_dir, "--text-field", "body"))
        assert message == (f"error: --output-dir {output_dir} is inside the input directory {folder}: outputs would replace "
                           "inputs or be read back as inputs; choose a directory outside it")
        assert not (folder / "clean").exists()


def test_report_onto_its_input_is_refused(recipe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(recipe.parent)
    for report in ("recipe.txt", "../d/recipe.txt"):
        with unchanged(recipe):
            message = refused(predict("recipe.txt", "--report", report))
        assert message == f"error: --report {report} is the input recipe.txt: choose another file for the report"


def test_report_onto_the_pages_own_output_is_refused(recipe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The report is written first, then the run would write the cleaned page over it.
    monkeypatch.chdir(recipe.parent)
    for output_format, output in (("text", "out/recipe.txt"), ("jsonl", "out/recipe.txt.jsonl")):
        with unchanged(recipe):
            message = refused(predict("recipe.txt", "--output-dir", "out", "--format", output_format, "--report", output))
        assert message == f"error: --report {output} is where the cleaned page goes ({output}): choose another file for the report"
        assert not (recipe.parent / "out").exists()


# Two inputs, one output name


def test_two_pages_of_a_directory_with_one_output_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(html_page(1))
    (tmp_path / "in" / "page.txt").write_text(page(2))
    out = tmp_path / "out"
    with unchanged(tmp_path / "in"):
        message = refused(predict(tmp_path / "in", "--output-dir", out))
    assert message == (f"error: {tmp_path / 'in' / 'page.html'} and {tmp_path / 'in' / 'page.txt'} would both be written to "
                       f"{out / 'page.txt'}: clean them into separate output directories")
    # Inputs are read a little ahead of the outputs: the first one's output may have been written, never the second's.
    assert not (out / "page.txt").exists() or (out / "page.txt").read_text() != cleaned(page(2))


def test_html_and_htm_pages_with_one_jsonl_output_are_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.htm").write_text(html_page(1))
    (tmp_path / "in" / "page.html").write_text(html_page(2))
    with unchanged(tmp_path / "in"):
        message = refused(predict(tmp_path / "in", "--output-dir", tmp_path / "out", "--format", "jsonl"))
    assert f"would both be written to {tmp_path / 'out' / 'page.jsonl'}" in message


def test_named_files_with_one_name_are_refused_before_any_output(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text(page(1))
    out = tmp_path / "out"
    with unchanged(tmp_path / "a", tmp_path / "b"):
        message = refused(predict(tmp_path / "a" / "page.txt", tmp_path / "b" / "page.txt", "--output-dir", out))
    assert message == (f"error: {tmp_path / 'a' / 'page.txt'} and {tmp_path / 'b' / 'page.txt'} would both be written to "
                       f"{out / 'page.txt'}: clean them into separate output directories")
    assert not out.exists()


def test_two_directories_with_one_relative_path_are_refused(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder / "x").mkdir(parents=True)
        (tmp_path / folder / "x" / f"only-{folder}.txt").write_text(page(1))
        (tmp_path / folder / "y.txt").write_text(page(2))
    (tmp_path / "one" / "x" / "page.html").write_text(html_page(3))
    (tmp_path / "two" / "x" / "page.txt").write_text(page(4))
    with unchanged(tmp_path / "one", tmp_path / "two"):
        message = refused(predict(tmp_path / "one", tmp_path / "two", "--output-dir", tmp_path / "out"))
    assert message.startswith(f"error: {tmp_path / 'one' / 'y.txt'} and {tmp_path / 'two' / 'y.txt'} would both be written")
    with unchanged(tmp_path / "one", tmp_path / "two"):
        message = refused(predict(tmp_path / "one" / "x", tmp_path / "two" / "x", "--output-dir", tmp_path / "out2"))
    assert message.startswith(f"error: {tmp_path / 'one' / 'x' / 'page.html'} and {tmp_path / 'two' / 'x' / 'page.txt'} would both")


def test_a_named_file_and_a_directory_file_with_one_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text(page(1))
    (tmp_path / "page.txt").write_text(page(2))
    with unchanged(tmp_path / "in", tmp_path / "page.txt"):
        message = refused(predict(tmp_path / "in", tmp_path / "page.txt", "--output-dir", tmp_path / "out"))
    assert "would both be written to" in message


def test_the_same_run_again_is_refused_unless_it_may_overwrite(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text(page(1))
    (tmp_path / "in" / "sub" / "b.html").write_text(html_page(2))
    (tmp_path / "c.txt").write_text(page(3))
    out = tmp_path / "out"
    with unchanged(tmp_path / "in", tmp_path / "c.txt"):
        assert predict(tmp_path / "in", tmp_path / "c.txt", "--output-dir", out).exit_code == 0
    with unchanged(tmp_path):
        message = refused(predict(tmp_path / "in", tmp_path / "c.txt", "--output-dir", out))
    assert message == (f"error: the output {out / 'c.txt'} exists: pass --overwrite to replace the outputs of an earlier run, "
                       "or choose another --output-dir")
    (out / "c.txt").unlink()
    with unchanged(tmp_path / "in", tmp_path / "c.txt", out / "sub"):
        assert refused(predict(tmp_path / "in", tmp_path / "c.txt", "--output-dir", out)).startswith(f"error: the output {out / 'a.txt'} exists")
    with unchanged(tmp_path / "in", tmp_path / "c.txt"):
        assert predict(tmp_path / "in", tmp_path / "c.txt", "--output-dir", out, "--overwrite").exit_code == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a.txt", "c.txt", "sub/b.txt"]
    assert (out / "c.txt").read_text() == cleaned(page(3))


def test_a_users_file_in_the_output_dir_is_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(page(1))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.txt").write_text("my notes\n")
    (tmp_path / "out" / "README").write_text("my folder\n")
    with unchanged(tmp_path):
        refused(predict(tmp_path / "a.txt", "--output-dir", tmp_path / "out"))


def test_an_output_dir_that_is_a_file_is_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(page(1))
    (tmp_path / "notes.jsonl").write_text("{}\n")
    with unchanged(tmp_path):
        message = refused(predict(tmp_path / "a.txt", "--output-dir", tmp_path / "notes.jsonl", "--overwrite"))
    assert message == f"error: --output-dir {tmp_path / 'notes.jsonl'} is a file, not a directory: choose a directory"


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_a_directory_where_an_output_goes_is_refused_before_anything_is_written(tmp_path: Path, overwrite: list[str]) -> None:
    """The first refusal said to pass --overwrite, which then failed naming a temporary file: "Is a directory"."""
    (tmp_path / "news.txt").write_text(page(1))
    (tmp_path / "out" / "news.txt").mkdir(parents=True)
    with unchanged(tmp_path):
        message = refused(predict(tmp_path / "news.txt", "--output-dir", tmp_path / "out", *overwrite))
    assert message == f"error: the output {tmp_path / 'out' / 'news.txt'} is a directory: choose another --output-dir"


def test_overwrite_never_replaces_an_input(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(page(1))
    with unchanged(tmp_path):
        message = refused(predict(tmp_path / "page.txt", "--output-dir", tmp_path, "--overwrite"))
    assert "would replace the input" in message


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


# Several pages on stdout


def test_pages_on_stdout_are_separated_by_a_form_feed_line(tmp_path: Path) -> None:
    texts = [page(1), "", page(3) + "\n\f\nA line ending in a form feed is part of the page.\f"]
    for number, text in enumerate(texts):
        (tmp_path / f"{number}.txt").write_text(text)
    result = predict(tmp_path)
    assert result.exit_code == 0
    assert re.split(r"(?m)^\f\n", result.stdout) == [cleaned(text) for text in texts]


def test_a_single_page_on_stdout_has_no_separator(recipe: Path) -> None:
    assert predict(recipe).stdout == cleaned(page(1))


def test_a_page_that_cannot_be_cleaned_keeps_its_place_between_separators(tmp_path: Path) -> None:
    (tmp_path / "0.txt").write_text(page(1))
    (tmp_path / "1.txt").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "2.txt").write_text(page(2))
    result = predict(tmp_path, "--on-error", "skip")
    assert result.exit_code == 0
    assert re.split(r"(?m)^\f\n", result.stdout) == [cleaned(page(1)), "", cleaned(page(2))]


def test_records_among_pages_on_stdout_are_a_piece_of_their_own(tmp_path: Path) -> None:
    """A JSONL's records ran on from the page before them, so that splitting at form-feed lines gave them to it."""
    (tmp_path / "a.txt").write_text(page(1))
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": page(2)}) + "\n" + json.dumps({"text": page(3)}) + "\n")
    (tmp_path / "c.txt").write_text(page(4))
    result = predict(tmp_path / "a.txt", tmp_path / "b.jsonl", tmp_path / "c.txt")
    assert result.exit_code == 0
    first, records, last = re.split(r"(?m)^\f\n", result.stdout)
    assert (first, last) == (cleaned(page(1)), cleaned(page(4)))
    assert [json.loads(line)["linesift_text"] for line in records.splitlines()] == [cleaned(page(2)).rstrip("\n"),
                                                                                  cleaned(page(3)).rstrip("\n")]


def test_records_alone_on_stdout_run_on_as_one_jsonl_stream(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(json.dumps({"text": page(1)}) + "\n")
    result = predict(tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    assert result.exit_code == 0 and "\f" not in result.stdout and len(result.stdout.splitlines()) == 2


def test_a_stop_while_the_temporary_file_is_made_leaves_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (or SIGTERM, raised as SystemExit) between the temporary file's creation and the block that removes it
    left it in the output directory."""
    from linesift import atomic

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt), atomic.atomic_path(tmp_path / "out.jsonl"):
        pass
    assert list(tmp_path.iterdir()) == []
