"""``train`` and ``eval`` on data they cannot use: a clear error naming the file (or a warning when the run still
means something), never a traceback, a model learnt from nothing, or a table of zeros."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import linesift.cli as cli
import linesift.training.evaluate as evaluate
from linesift.training.baselines import TRAFILATURA_UNAVAILABLE, BaselineUnavailable

EXIT_BAD_DATA = 1
EXIT_USAGE = 2
NEWS = ["Home | News | Sport", "", "The council approved the new budget on Tuesday after a long debate.", "Share this"]
NEWS_LABELS = [0, None, 1, 0]


def squeeze(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def run(runner: CliRunner, args: list[str], inputs: list[Path]) -> object:
    """Run the command and check that it left every input file byte for byte as it was."""
    before = {path: path.read_bytes() for path in inputs}
    result = runner.invoke(cli.app, args)
    assert {path: path.read_bytes() for path in inputs} == before
    return result


def failure(result, code: int) -> str:
    """The command failed with ``code`` through a handled error, printing no traceback; its message."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return squeeze(result.stderr)


# --- train --------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n  \n\n"], ids=["empty", "blank-rows"])
def test_train_refuses_a_file_without_pages(runner: CliRunner, tmp_path: Path, content: str) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(content, encoding="utf-8")
    out = tmp_path / "model.json"
    message = failure(run(runner, ["train", str(data), "--out", str(out)], [data]), EXIT_BAD_DATA)
    assert message == f"error: {data}: no labelled pages: the file is empty or holds only blank lines"
    assert not out.exists()


def test_train_refuses_pages_without_labelled_lines(runner: CliRunner, tmp_path: Path) -> None:
    data = write_rows(tmp_path / "data.jsonl", [{"id": "a", "lines": ["", "  "], "labels": [None, None]},
                                                {"id": "b", "lines": [], "labels": []}])
    out = tmp_path / "model.json"
    message = failure(run(runner, ["train", str(data), "--out", str(out)], [data]), EXIT_BAD_DATA)
    assert message == (f"error: {data}: no labelled lines (the pages have only blank lines, or none): "
                       "a model needs content (1) and noise (0) lines to learn from")
    assert not out.exists()


@pytest.mark.parametrize(("label", "said"), [(1, "content (1), none is noise (0)"), (0, "noise (0), none is content (1)")])
def test_train_refuses_labels_of_one_class(runner: CliRunner, tmp_path: Path, label: int, said: str) -> None:
    # A model fitted on one class would give every line of every page that class.
    data = write_rows(tmp_path / "data.jsonl", [{"id": "a", "lines": NEWS, "labels": [label, None, label, label]}])
    out = tmp_path / "model.json"
    message = failure(run(runner, ["train", str(data), "--out", str(out)], [data]), EXIT_BAD_DATA)
    assert message == f"error: {data}: all 3 labelled lines are {said}: a model needs content (1) and noise (0) lines to learn from"
    assert not out.exists()


@pytest.mark.parametrize("label", [1, 0])
def test_train_refuses_a_labelled_blank_line(runner: CliRunner, tmp_path: Path, label: int) -> None:
    data = write_rows(tmp_path / "data.jsonl", [{"id": "a", "lines": NEWS, "labels": NEWS_LABELS},
                                                {"id": "b", "lines": NEWS, "labels": [0, label, 1, 0]}])
    out = tmp_path / "model.json"
    message = failure(run(runner, ["train", str(data), "--out", str(out)], [data]), EXIT_BAD_DATA)
    assert message == (f"error: {data}: record 2: line 2 is blank, its label must be null "
                       f"(a blank line only separates blocks: it is neither content nor noise), got {label}")
    assert not out.exists()


def test_train_on_a_missing_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    message = failure(run(runner, ["train", str(missing), "--out", str(tmp_path / "model.json")], []), EXIT_USAGE)
    assert message == f"error: {missing}: no such file or directory"


# --- eval ---------------------------------------------------------------------------------------


def test_eval_refuses_an_empty_file(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "empty.jsonl"
    data.write_bytes(b"")
    result = run(runner, ["eval", str(data)], [data])
    assert failure(result, EXIT_BAD_DATA) == f"error: {data}: no labelled pages: the file is empty or holds only blank lines"
    assert result.stdout == ""  # no table of zeros


def test_eval_refuses_pages_without_labelled_lines(runner: CliRunner, tmp_path: Path) -> None:
    data = write_rows(tmp_path / "data.jsonl", [{"id": "a", "lines": ["", " "], "labels": [None, None]}])
    result = run(runner, ["eval", str(data)], [data])
    assert failure(result, EXIT_BAD_DATA) == f"error: {data}: no labelled lines (the pages have only blank lines, or none): nothing to score"
    assert result.stdout == ""


def test_eval_of_one_class_warns_and_still_scores(runner: CliRunner, tmp_path: Path) -> None:
    data = write_rows(tmp_path / "data.jsonl", [{"id": "a", "lines": NEWS, "labels": [1, None, 1, 1]}])
    result = run(runner, ["eval", str(data)], [data])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr) == (f"warning: {data}: all 3 labelled lines are content (1), none is noise (0): "
                                      "only the recall of content lines means something on this data")
    assert "1 page(s), 3 labelled lines" in squeeze(result.stdout)


# --- eval --html-root ---------------------------------------------------------------------------


@pytest.fixture()
def two_pages(tmp_path: Path) -> Path:
    """Two labelled pages whose HTML sources are site/a.html and site/b.html."""
    return write_rows(tmp_path / "data.jsonl", [{"id": "a", "source": "site/a.html", "lines": NEWS, "labels": NEWS_LABELS},
                                                {"id": "b", "source": "site/b.html", "lines": NEWS, "labels": NEWS_LABELS}])


def test_eval_html_root_that_does_not_exist_is_a_usage_error(runner: CliRunner, two_pages: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short relative path: the message is not wrapped
    result = run(runner, ["eval", two_pages.name, "--html-root", "no-such-folder"], [two_pages])
    message = failure(result, EXIT_USAGE)
    assert "Invalid value for '--html-root': Directory 'no-such-folder' does not exist." in message
    assert result.stdout == ""


def test_eval_html_root_holding_none_of_the_sources_warns(runner: CliRunner, two_pages: Path, tmp_path: Path) -> None:
    root = tmp_path / "html"
    root.mkdir()
    result = run(runner, ["eval", str(two_pages), "--html-root", str(root)], [two_pages])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr) == (f"warning: {root}: holds the HTML of none of the 2 page(s) (looked for their 'source' "
                                      f"paths, such as {root / 'site' / 'a.html'}): the HTML extractors are left out of the "
                                      "comparison")
    assert "(HTML)" not in result.stdout


def _extractors(monkeypatch: pytest.MonkeyPatch, **extract: object) -> None:
    """Only the extractors named, doing what is given: the evaluation's wiring, not the libraries, is under test."""
    monkeypatch.setattr(evaluate, "HTML_EXTRACTORS", extract)


def _html_of_both_pages(tmp_path: Path) -> Path:
    """A folder holding the HTML of both of ``two_pages``' sources."""
    root = tmp_path / "html"
    (root / "site").mkdir(parents=True)
    for name in ("a", "b"):
        (root / "site" / f"{name}.html").write_text("<p>Text.</p>", encoding="utf-8")
    return root


def test_eval_html_root_holding_some_sources_warns_with_a_count(runner: CliRunner, two_pages: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _extractors(monkeypatch, trafilatura=lambda html: "The council approved the new budget.", jusText=lambda html: "")
    root = tmp_path / "html"
    (root / "site").mkdir(parents=True)
    page = root / "site" / "a.html"
    page.write_text("<html><body><p>The council approved the new budget.</p></body></html>", encoding="utf-8")
    result = run(runner, ["eval", str(two_pages), "--html-root", str(root)], [two_pages, page])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr) == (f"warning: {root}: holds the HTML of 1 of 2 page(s): the HTML extractors are scored "
                                      "on those pages only")
    assert "trafilatura" in result.stdout and "jusText" in result.stdout and "(HTML)" in result.stdout


def test_eval_html_root_without_an_extractor_warns_and_scores_the_others(runner: CliRunner, two_pages: Path,
                                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(html: object) -> str:
        raise BaselineUnavailable(TRAFILATURA_UNAVAILABLE)

    _extractors(monkeypatch, trafilatura=unavailable, jusText=lambda html: "The council approved the new budget.")
    root = _html_of_both_pages(tmp_path)
    result = run(runner, ["eval", str(two_pages), "--html-root", str(root)], [two_pages])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr) == f"warning: {TRAFILATURA_UNAVAILABLE}; trafilatura is left out of the comparison"
    assert "trafilatura" not in result.stdout and "jusText" in result.stdout


def test_eval_counts_the_pages_an_extractor_fails_on_and_goes_on(runner: CliRunner, two_pages: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(html: bytes) -> str:
        raise AttributeError("'NoneType' object has no attribute 'lower'")

    _extractors(monkeypatch, trafilatura=lambda html: "The council approved the new budget.", BoilerPy3=broken)
    root = _html_of_both_pages(tmp_path)
    result = run(runner, ["eval", str(two_pages), "--html-root", str(root)], [two_pages])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr) == (f"warning: BoilerPy3 failed on 2 page(s), scored as extracting nothing (first: "
                                      f"{root / 'site' / 'a.html'}: AttributeError: 'NoneType' object has no attribute 'lower')")
    assert "BoilerPy3 (HTML)" in result.stdout and "trafilatura (HTML)" in result.stdout


@pytest.mark.parametrize("labels", [[], [1, None, 1, 1]], ids=["no pages", "one class"])
def test_the_library_train_refuses_what_it_cannot_learn_from(labels: list) -> None:
    from linesift.training.data import DataError, parse_page
    from linesift.training.train import train

    pages = [parse_page({"id": "news", "lines": NEWS, "labels": labels}, "news")] if labels else []
    with pytest.raises(DataError, match=r"the training pages: .*needs content \(1\) and noise \(0\) lines"):
        train(pages)


# --- eval --convention and --sites ----------------------------------------------------------------


def test_eval_unknown_layout_is_a_usage_error_naming_the_layouts(runner: CliRunner, two_pages: Path) -> None:
    result = run(runner, ["eval", str(two_pages), "--convention", "tabs"], [two_pages])
    message = failure(result, EXIT_USAGE)
    assert "--convention tabs: no such layout; choose from all, blank-lines, no-blank-lines, wrapped, indented" in message
    assert result.stdout == ""


def test_eval_unknown_sites_is_a_usage_error(runner: CliRunner, two_pages: Path) -> None:
    message = failure(run(runner, ["eval", str(two_pages), "--sites", "half"], [two_pages]), EXIT_USAGE)
    assert "--sites half: choose from all, development, final-check" in message


def test_eval_every_layout_prints_a_table_each(runner: CliRunner, two_pages: Path) -> None:
    result = run(runner, ["eval", str(two_pages), "--convention", "all"], [two_pages])
    assert result.exit_code == 0, result.output
    output = " ".join(result.stdout.split())
    for layout in ("blank-lines", "no-blank-lines", "wrapped", "indented"):
        assert f"laid out {layout}, 2 pages" in output
    assert "laid out one-line" not in output  # asked for by name: it is one more copy of every page


def test_eval_all_and_one_line_lay_out_five_tables(runner: CliRunner, two_pages: Path) -> None:
    result = run(runner, ["eval", str(two_pages), "--convention", "all", "--convention", "one-line"], [two_pages])
    assert result.exit_code == 0, result.output
    output = " ".join(result.stdout.split())
    for layout in ("blank-lines", "no-blank-lines", "wrapped", "indented", "one-line"):
        assert output.count(f"laid out {layout}, 2 pages") >= 1
