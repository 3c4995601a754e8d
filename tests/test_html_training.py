"""A model of HTML pages from labelled blocks: the corpus, training, the model file, and what cannot be mixed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linesift import ModelFileError, load_model
from linesift.cli import app
from linesift.model.dom import parse_html_page
from linesift.model.modelfile import save_model
from linesift.model.structure import Structure
from linesift.training.corpus import build_corpus
from linesift.training.data import DataError, load_pages
from linesift.training.evaluation import evaluate
from linesift.training.excerpts import plain_markup
from linesift.training.pipeline import train_from_files

WCXB = Path(__file__).parent / "fixtures" / "wcxb"  # CC-BY-4.0, see its ATTRIBUTION.md


@pytest.fixture(scope="module")
def blocks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("blocks")
    summary = build_corpus(WCXB, out, ["blocks"], prefix="wcxb-fixtures")
    assert summary.written["blocks"] == 3 and {s.page_id for s in summary.skipped} == {"wcxb-4147"}
    return summary.files["blocks"]


def test_block_corpus_rows_are_the_parsed_blocks_with_their_markup(blocks: Path) -> None:
    rows = [json.loads(line) for line in gzip.decompress(blocks.read_bytes()).decode().splitlines()]
    for row in rows:
        html = gzip.decompress((WCXB / "html" / f"{row['id'].split('-')[1]}.html.gz").read_bytes()).decode("utf-8")
        page = parse_html_page(html)
        assert row["renderer"] == "blocks" and row["lines"] == page.lines
        assert row["structure"] == page.structure.to_dict()
        assert set(row["labels"]) <= {0, 1} and 1 in row["labels"] and 0 in row["labels"]


def test_a_model_of_html_pages_trains_the_same_twice_and_reads_back(blocks: Path, tmp_path: Path) -> None:
    first, second = (train_from_files([blocks], model_input="html") for _ in range(2))
    assert first.input == "html"
    assert np.array_equal(first.first.coef_, second.first.coef_) and np.array_equal(first.second.coef_, second.second.coef_)
    save_model(first, tmp_path / "m.json")
    loaded = load_model(tmp_path / "m.json", "html")
    page = load_pages([blocks])[0]
    cleaned = loaded.clean_html(gzip.decompress((WCXB / "html" / f"{page.id.split('-')[1]}.html.gz").read_bytes()).decode())
    assert cleaned and set(cleaned.split("\n")) <= set(page.lines)
    with pytest.raises(ModelFileError, match="a model of HTML pages, not of text"):
        load_model(tmp_path / "m.json")


def test_text_and_block_pages_are_not_mixed(blocks: Path, seed_labels_path: Path) -> None:
    with pytest.raises(DataError, match=r"parsed from HTML .* and the others are text"):
        train_from_files([blocks, seed_labels_path], model_input="html")
    with pytest.raises(DataError, match="not what a model of text reads: use --input html"):
        train_from_files([blocks])


def test_eval_refuses_pages_its_model_does_not_read(blocks: Path, seed_labels_path: Path) -> None:
    """Blocks for the text model, text pages for the model of HTML pages: named, exit 1, no traceback."""
    runner = CliRunner()
    for data, given, hint in ((blocks, [], "not what a model of text reads: use --input html"),
                              (seed_labels_path, ["--input", "html"], "not what a model of html reads: build them with "
                                                                      "corpus build --renderer blocks")):
        result = runner.invoke(app, ["eval", str(data), *given, "--max-folds", "1", "-q"])
        assert result.exit_code == 1, result.output
        assert hint in " ".join(result.stderr.split()) and "Traceback" not in result.output


def test_train_and_eval_commands_take_input_html(blocks: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["train", str(blocks), "--input", "html", "--out", str(tmp_path / "m.json"), "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["eval", str(blocks), "--input", "html", "--model", str(tmp_path / "m.json"), "-q"])
    assert result.exit_code == 0, result.output
    assert "rendered by blocks" in result.stdout and "ceiling" in result.stdout
    result = runner.invoke(app, ["eval", str(blocks), "--model", str(tmp_path / "m.json"), "-q"])
    assert result.exit_code == 2 and "a model of HTML pages, not of text (give it to predict and explain --html-model, eval --input html" in " ".join(result.output.split())


def test_eval_warns_of_pages_that_predict_reads_as_text(blocks: Path, tmp_path: Path) -> None:
    # One page's markup stripped to each block's own tag: predict leaves such a page to the model of text.
    rows = [json.loads(line) for line in gzip.decompress(blocks.read_bytes()).decode().splitlines()]
    bare = plain_markup(Structure.from_dict(rows[0]["structure"], len(rows[0]["lines"])))
    rows[0]["structure"] = bare.to_dict()
    data = tmp_path / "blocks.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    model = train_from_files([data], model_input="html")
    warnings = evaluate([data], [], model).warnings
    assert warnings == ["1 of the 3 pages scored name fewer than half of their blocks in their markup: predict reads "
                        "them with the model of text, this evaluation with the model of HTML pages"]
    assert evaluate([blocks], [], train_from_files([blocks], model_input="html")).warnings == []
