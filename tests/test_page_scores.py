"""``linesift eval --pages``: each page's scores, lowest word F1 first, for reading the pages a model gets wrong."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import linesift.cli as cli
import linesift.training.evaluate as evaluate
from linesift.training.data import BLANK, LabelledPage
from linesift.training.metrics import word_scores
from linesift.training.page_scores import SCORED_BY, is_page_scores, page_scores, worst_first, write_page_scores

NEWS = ["Home | News | Sport", "", "The council approved the new budget on Tuesday after a long debate.", "Share this"]
NEWS_LABELS = [0, None, 1, 0]
GOLD = "The council approved the new budget on Tuesday after a long debate."


def _page(page_id: str, gold: str | None, source: str = "") -> LabelledPage:
    labels = np.array([BLANK if label is None else label for label in NEWS_LABELS], dtype=np.int8)
    return LabelledPage(page_id, NEWS, labels, source=source, page_type="article", renderer="resiliparse",
                        main_content=gold)


def test_a_page_is_scored_on_what_is_kept_and_beside_each_extractor() -> None:
    pages = [_page("a", GOLD, "site/a.html"), _page("b", None, "site/b.html")]
    keeps = [np.array([True, False, True, False]), np.array([False, False, True, True])]
    texts = {"trafilatura": {"site/a.html": "The council approved the budget."}, "jusText": {}}
    first, second = page_scores(pages, keeps, texts)
    assert (first.lines, first.content_lines, first.kept_lines, first.kept_content_lines) == (3, 1, 2, 1)
    assert first.words == word_scores("Home | News | Sport\n" + GOLD, GOLD)
    assert first.words is not None and first.words.recall == 1.0 and first.words.precision < 1.0
    assert first.extractors == {"trafilatura": word_scores("The council approved the budget.", GOLD).f1}
    # Without gold text there is nothing to score words against; its lines are still counted.
    assert second.words is None and second.extractors == {} and second.kept_lines == 2


def test_records_come_lowest_word_f1_first_and_mark_the_file_as_linesifts(tmp_path: Path) -> None:
    pages = [_page("good", GOLD), _page("bad", "Rain fell in Paris overnight."), _page("none", None)]
    keeps = [np.array([False, False, True, False])] * 3
    scores = page_scores(pages, keeps, {})
    assert [page.id for page in worst_first(scores)] == ["bad", "good", "none"]
    path = tmp_path / "pages.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        write_page_scores(scores, stream)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["word_f1"]) for r in records] == [("bad", 0.0), ("good", 1.0), ("none", None)]
    assert all(next(iter(r)) == "scored_by" and r["scored_by"] == SCORED_BY for r in records)
    assert is_page_scores(path.read_bytes()[:100])
    assert not is_page_scores(b'{"id": "a", "lines": []}') and not is_page_scores(b"")


@pytest.fixture()
def labelled(tmp_path: Path) -> Path:
    """Two pages the built-in model never saw: one whose gold text is its paragraph, one whose gold is elsewhere."""
    rows = [{"id": "right", "source": "site/a.html", "lines": NEWS, "labels": NEWS_LABELS, "main_content": GOLD},
            {"id": "wrong", "source": "site/b.html", "lines": NEWS, "labels": NEWS_LABELS,
             "main_content": "Rain fell in Paris overnight."}]
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_eval_writes_the_pages_lowest_first_and_replaces_only_its_own_file(
        runner: CliRunner, labelled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluate, "HTML_EXTRACTORS", {"trafilatura": lambda html: GOLD})
    root = tmp_path / "html"
    (root / "site").mkdir(parents=True)
    for name in ("a", "b"):
        (root / "site" / f"{name}.html").write_text(f"<p>{GOLD}</p>", encoding="utf-8")
    out = tmp_path / "scores" / "pages.jsonl"
    for _ in range(2):  # the second run replaces the file the first wrote
        result = runner.invoke(cli.app, ["eval", str(labelled), "--html-root", str(root), "--pages", str(out), "-q"])
        assert result.exit_code == 0, result.output
        assert f"2 page scores, lowest word F1 first, written to {out}" in " ".join(result.stdout.split())
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["wrong", "right"]
    assert records[0]["word_f1"] == 0.0 and records[1]["word_f1"] > 0.5
    assert records[1]["extractors_word_f1"] == {"trafilatura": 1.0}
    assert records[1]["lines"] == 3 and records[1]["content_lines"] == 1
    layouts = runner.invoke(cli.app, ["eval", str(labelled), "--convention", "all", "--pages", str(out), "-q"])
    assert layouts.exit_code == 0, layouts.output
    written = len(out.read_text(encoding="utf-8").splitlines())
    assert f"{written} page scores (2 pages, each in several renderings or layouts)" in " ".join(layouts.stdout.split())


def test_eval_refuses_to_write_pages_over_another_file(runner: CliRunner, labelled: Path, tmp_path: Path) -> None:
    mine = tmp_path / "notes.jsonl"
    mine.write_text('{"note": "mine"}\n', encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", str(labelled), "--pages", str(mine), "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--pages" in result.stderr and "is not page scores linesift eval wrote" in " ".join(result.stderr.split())
    assert mine.read_text(encoding="utf-8") == '{"note": "mine"}\n'
    result = runner.invoke(cli.app, ["eval", str(labelled), "--pages", str(labelled), "-q"])
    assert result.exit_code == 2 and json.loads(labelled.read_text(encoding="utf-8").splitlines()[0])["id"] == "right"
    same = tmp_path / "same.json"
    result = runner.invoke(cli.app, ["eval", str(labelled), "--pages", str(same), "--save", str(same), "-q"])
    assert result.exit_code == 2 and "would write over each other" in result.stderr and not same.exists()
