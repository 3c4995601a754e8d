"""scripts/compare_renderers.py on the WCXB fixture pages (the full run's numbers are in docs/corpus.md)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
from conftest import script_module

WCXB = Path(__file__).parent / "fixtures" / "wcxb"


@pytest.fixture(scope="module")
def script():
    yield from script_module("compare_renderers")


def test_fixture_pages_with_resiliparse(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "renderers.md"
    assert script.main(["--source", str(WCXB), "--renderers", "resiliparse", "--output", str(output)]) == 0
    table = output.read_text(encoding="utf-8")
    assert capsys.readouterr().out == table
    assert table.startswith(f"4 pages from `{WCXB}`.")
    rows = [line for line in table.splitlines() if line.startswith("| resiliparse |")]
    assert len(rows) == 3  # speed, ceiling, skips
    speed, ceiling, skips = (row.strip("| ").split(" | ") for row in rows)
    assert speed[2] == "4" and speed[5] == "0"  # pages rendered, render errors
    # 4147's fetched HTML lacks the forum post: skipped as in the corpus build, scored 0 in the last column.
    assert skips == ["resiliparse", "3", "0", "0", "0", "0", "0", "1"]  # one column a skip reason
    header = next(line for line in table.splitlines() if line.startswith("| renderer | all"))
    assert header == "| renderer | all (3) | article (1) | forum (1) | listing (1) | all, lost pages as 0 (4) |"
    scores = [float(cell) for cell in ceiling[1:]]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[-1] == pytest.approx(scores[0] * 3 / 4, abs=0.001)


def test_ceilings_per_page_type(script) -> None:
    n_pages, (result,) = script.compare(WCXB, ["resiliparse"])
    assert n_pages == 4
    assert result.pages == 4 and result.render_errors == 0
    assert result.labelled == 3 and result.lost == 1
    assert result.skips == {"gold not in rendering": 1}
    assert sorted(result.scores) == ["article", "forum", "listing"]
    for page_type in [None, "article", "forum", "listing"]:
        assert 0.0 <= result.ceiling(page_type) <= 1.0
    assert result.ceiling("product") is None


def test_limit(script) -> None:
    n_pages, (result,) = script.compare(WCXB, ["resiliparse"], limit=2)
    assert n_pages == 2 and result.pages == 2


def test_missing_source_exits_1(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert script.main(["--source", str(tmp_path / "nowhere"), "--renderers", "resiliparse"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_versions_are_the_renderers_distributions(script) -> None:
    assert script._version("markdown") == metadata.version("markdownify")
    assert script._version("html-text-scripts") == metadata.version("html-text")
    assert script._version("resiliparse") == metadata.version("resiliparse")
