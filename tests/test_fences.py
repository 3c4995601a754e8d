"""Fenced code blocks: found as CommonMark closes them, and kept or dropped whole."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import linesift.cli as cli
from linesift import Sifter, load_model
from linesift.explain import explain_lines
from linesift.model.arrays import with_group_means
from linesift.model.fences import fenced_blocks
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page

# A documentation page as a scraper writes it in Markdown: menus, prose, two code blocks, a footer.
DOCS = (Path(__file__).with_name("fixtures") / "hand_made" / "docs.md").read_text(encoding="utf-8")


def blocks_of(text: str) -> list[int]:
    return fenced_blocks(PageStats(Page.from_text(text))).tolist()


def test_a_closed_fence_makes_one_block_with_its_fences() -> None:
    assert blocks_of("intro\n```python\nx = 1\n\ny = 2\n```\nafter") == [-1, 1, 1, 1, 1, 1, -1]


def test_tildes_and_up_to_three_spaces_of_indentation_open_a_fence() -> None:
    assert blocks_of("~~~\ncode\n~~~") == [0, 0, 0]
    assert blocks_of("   ```\ncode\n   ```") == [0, 0, 0]
    assert blocks_of("    ```\ncode\n    ```") == [-1, -1, -1]  # four spaces: an indented code line, not a fence


def test_only_a_fence_of_the_same_character_at_least_as_long_closes() -> None:
    assert blocks_of("````\n```\nstill code\n~~~~\n````") == [0, 0, 0, 0, 0]
    assert blocks_of("```\ncode\n``` not a fence\n```") == [0, 0, 0, 0]


def test_a_divider_line_is_not_a_fence() -> None:
    divider = "~" * 20
    assert blocks_of(f"Part one\n{divider}\nA paragraph.\nAnother one.\n{divider}\nPart two") == [-1] * 6
    assert blocks_of("`" * 9 + "\ntext\n" + "`" * 9) == [-1, -1, -1]
    assert blocks_of("`" * 8 + "\ncode\n" + "`" * 8) == [0, 0, 0]


def test_an_unclosed_fence_opens_no_block() -> None:
    assert blocks_of("```\nthe rest of the page\nand more") == [-1, -1, -1]
    assert blocks_of("```\na\n```\n```\nunclosed") == [0, 0, 0, -1, -1]


def test_inline_code_of_backticks_opens_no_block() -> None:
    assert blocks_of("```a``` is inline\ntext\n```\ncode\n```") == [-1, -1, 2, 2, 2]


def test_a_block_never_crosses_joined_pages() -> None:
    joined = Page.join([Page.from_text("```\nopened on one page"), Page.from_text("closed on the next\n```\nafter")])
    assert fenced_blocks(PageStats(joined)).tolist() == [-1] * 5


def test_a_page_without_fences_has_no_block() -> None:
    assert blocks_of("Home\nA paragraph.\n`inline` code") == [-1, -1, -1]
    assert blocks_of("") == []


def test_a_block_takes_its_mean_weighted_by_characters() -> None:
    p = np.array([0.9, 0.2, 0.8, 0.5])
    blocks = np.array([-1, 1, 1, -1])
    weights = np.array([10.0, 30.0, 10.0, 5.0])
    assert with_group_means(p, blocks, weights).tolist() == pytest.approx([0.9, 0.35, 0.35, 0.5])
    assert with_group_means(p, np.full(4, -1), weights) is p


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


def test_each_code_block_of_a_markdown_page_is_kept_or_dropped_whole(model: Sifter) -> None:
    lines = model.predict_lines(DOCS)
    blocks = fenced_blocks(PageStats(Page.from_text(DOCS)))
    assert len(set(blocks.tolist()) - {-1}) == 2
    for block in set(blocks.tolist()) - {-1}:
        inside = [line for line, b in zip(lines, blocks.tolist()) if b == block and line.text.strip()]
        assert len({line.label for line in inside}) == 1
        assert len({line.p_content for line in inside}) == 1
    kept = model.clean(DOCS)
    assert "import pandas as pd" in kept  # the first block, between two paragraphs, is kept
    assert "Files exported from older systems" in kept and "[Privacy]" not in kept


def test_explain_names_the_code_block_a_line_is_in(model: Sifter) -> None:
    explanations = explain_lines(model, DOCS)
    inside = next(e for e in explanations if e.text == "import pandas as pd")
    first = next(e.number for e in explanations if e.text == "```python")
    assert inside.code_block == (first, first + 5)
    assert next(e for e in explanations if e.text.startswith("Files exported")).code_block is None


def test_explain_jsonl_records_the_code_block(tmp_path) -> None:
    page = tmp_path / "docs.md"
    page.write_text(DOCS, encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["explain", str(page), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(row) for row in result.stdout.splitlines()]
    fenced = [record for record in records if "code_block" in record]
    fences = [number for number, line in enumerate(DOCS.splitlines(), start=1) if line.startswith("```")]
    assert {tuple(record["code_block"]) for record in fenced} == {(fences[0], fences[1]), (fences[2], fences[3])}
    assert all(record["code_block"][0] <= record["line"] <= record["code_block"][1] for record in fenced)
