"""The datatrove step cleans like predict, counts what it drops and why, and can set emptied documents aside."""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import pytest
from conftest import SEED_TEXT_PATH
from fixtures.io.builders import NAV, page

from linesift import load_model
from linesift.explain import (
    CODE_PAGE,
    CONTEXT,
    DROP_REASONS,
    NEIGHBOURS,
    NGRAMS,
    REPEAT,
    explain_lines,
    neighbour_offset,
)
from linesift.model.features import FAMILIES

pytest.importorskip("datatrove")
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from linesift.integrations.datatrove import NO_CONTENT, LinesiftFormatter

MODEL = load_model(None)
SEED = SEED_TEXT_PATH.read_text(encoding="utf-8")
JSON_LD = next(line for line in SEED.split("\n") if line.startswith("{“@context”"))  # a page of it alone keeps nothing
BLANK = " \n\n"
INPUT = {"seed": SEED, "page": page(0), "json-ld": JSON_LD, "blank": BLANK}


def run_pipeline(tmp_path: Path, step: LinesiftFormatter) -> dict[str, float]:
    """Read ``INPUT`` from JSONL, run ``step`` and write what it passes on to ``tmp_path/out``; the step's stats.

    JSONL in and out, as docs/scale.md shows the step (the ``datatrove`` extra installs orjson for it).
    """
    source = tmp_path / "in"
    source.mkdir()
    (source / "docs.jsonl").write_text("".join(json.dumps({"id": id_, "text": text}) + "\n" for id_, text in INPUT.items()),
                                       encoding="utf-8")
    pipeline = [JsonlReader(str(source)), step, JsonlWriter(str(tmp_path / "out"))]
    stats = LocalPipelineExecutor(pipeline, tasks=1, logging_dir=str(tmp_path / "logs")).run()
    return {name: metric.total for name, metric in stats.stats[1].stats.items()}


def written(folder: Path) -> dict[str, dict]:
    """The documents a ``JsonlWriter`` wrote under ``folder``, by id."""
    records = [json.loads(line) for path in sorted(folder.glob("*.jsonl.gz"))
               for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()]
    return {record["id"]: record for record in records}


def test_step_cleans_documents_and_counts_dropped_lines() -> None:
    step = LinesiftFormatter()
    docs = [Document(text=page(i), id=str(i)) for i in range(3)] + [Document(text=NAV, id="nav"), Document(text=JSON_LD, id="json-ld")]
    out = list(step.run(iter(docs)))
    assert [d.text for d in out] == [MODEL.clean(page(i)) for i in range(3)] + [MODEL.clean(NAV), ""]  # JSON-LD alone keeps nothing
    assert [d.id for d in out] == ["0", "1", "2", "nav", "json-ld"]
    lines = sum(len([line for line in t.split("\n") if line.strip()]) for t in [page(0), page(1), page(2), NAV, JSON_LD])
    kept = sum(len([line for line in d.text.split("\n") if line.strip()]) for d in out)
    assert step.stats["lines"].total == lines
    assert step.stats["lines_dropped"].total == lines - kept
    assert step.stats["emptied"].total == 1
    assert not [name for name in step.stats.stats if name.startswith("lines_dropped_")]  # reasons are opt-in


def test_pipeline_counts_each_dropped_line_under_its_reason(tmp_path: Path) -> None:
    stats = run_pipeline(tmp_path, LinesiftFormatter(reason_stats=True))
    assert {name: total for name, total in stats.items() if name.startswith(("lines", "emptied", "total"))} == {
        "total": 4, "lines": 73, "lines_dropped": 55, "emptied": 1,
        "lines_dropped_ngrams": 26, "lines_dropped_json": 2, "lines_dropped_neighbours": 12, "lines_dropped_punctuation": 6,
        "lines_dropped_notice": 3, "lines_dropped_repetition": 4, "lines_dropped_context": 2,
    }
    assert sum(total for name, total in stats.items() if name.startswith("lines_dropped_")) == stats["lines_dropped"]
    # No exclusion writer: passed on empty (datatrove's writers leave empty fields out).
    assert "text" not in written(tmp_path / "out")["json-ld"]


def test_exclusion_writer_receives_documents_left_without_content(tmp_path: Path) -> None:
    stats = run_pipeline(tmp_path, LinesiftFormatter(exclusion_writer=JsonlWriter(str(tmp_path / "removed"))))
    removed, kept = written(tmp_path / "removed"), written(tmp_path / "out")
    assert {id: record["text"] for id, record in removed.items()} == {"json-ld": JSON_LD, "blank": BLANK}
    assert {record["metadata"]["filter_reason"] for record in removed.values()} == {NO_CONTENT}
    assert {id: record["text"] for id, record in kept.items()} == {"seed": MODEL.clean(SEED), "page": MODEL.clean(page(0))}
    assert (stats["total"], stats["dropped"], stats["emptied"]) == (4, 2, 1)  # a blank document was not emptied by the step


def test_reasons_are_the_first_pass_family_that_weighed_most_against_each_line() -> None:
    """Checked against the full explanations: the first pass's reasons summed per family."""
    family_of = {column.name: family.name for family in FAMILIES.values() for column in family.columns}
    expected = dict.fromkeys(DROP_REASONS, 0)
    explanations = explain_lines(MODEL, SEED, top=10_000)
    for line in explanations:
        if line.label == "content" or line.first_pass is None:
            continue
        if line.repeats_line is not None:
            expected[REPEAT] += 1
            continue
        if line.first_pass.p_content >= 0.5:
            expected[CONTEXT] += 1
            continue
        sums = dict.fromkeys((reason for reason in DROP_REASONS if reason not in (CONTEXT, REPEAT, CODE_PAGE)), 0.0)
        for reason in line.first_pass.reasons_for + line.first_pass.reasons_against:
            family = NGRAMS if reason.name == NGRAMS else NEIGHBOURS if neighbour_offset(reason.name) is not None else family_of[reason.name]
            sums[family] += reason.contribution
        expected[min(sums, key=sums.__getitem__)] += 1
    step = LinesiftFormatter(reason_stats=True)
    list(step.run(iter([Document(text=SEED, id="seed")])))
    counted = {reason: step.stats[f"lines_dropped_{reason}"].total for reason in DROP_REASONS}
    assert counted == expected
    assert len({reason for reason, count in counted.items() if count}) >= 5
    assert sum(counted.values()) == sum(line.label == "noise" and line.first_pass is not None for line in explanations)


def test_the_lines_of_a_page_of_code_alone_are_counted_as_such() -> None:
    code = "window.dataLayer = window.dataLayer || [];\nfunction gtag(){dataLayer.push(arguments);}\ngtag('js', new Date());"
    step = LinesiftFormatter(reason_stats=True)
    out = list(step.run(iter([Document(text=code, id="code"), Document(text=SEED, id="seed")])))
    assert [doc.text for doc in out] == ["", MODEL.clean(SEED)]
    assert step.stats["lines_dropped_code_page"].total == 3


def test_step_pickles_without_the_model() -> None:
    step = LinesiftFormatter(threshold=0.9)
    assert len(pickle.dumps(step)) < 10_000
    assert pickle.loads(pickle.dumps(step)).format(page(1)) == MODEL.clean(page(1), 0.9)


def test_step_cleans_html_documents_with_the_model_of_html_pages() -> None:
    from fixtures.io.builders import html_page

    html_model = load_model(None, "html")
    step = LinesiftFormatter(html=True)
    pages = [html_page(i) for i in range(3)]
    out = list(step.run(iter([Document(text=html, id=str(i)) for i, html in enumerate(pages)]
                             + [Document(text="\x00\x01\x02" * 100, id="binary")])))
    assert [d.text for d in out[:3]] == [html_model.clean_html(html) for html in pages]
    assert all("Example Corp" not in d.text and d.text for d in out[:3])  # the footer goes, the article stays
    assert out[3].text == "" and step.stats["emptied"].total == 1  # not a page: left empty, counted


def test_a_bad_document_is_named() -> None:
    from linesift.limits import MAX_PAGE_CHARS, PageTooLargeError

    docs = [Document(text=page(1), id="ok"), Document(text=None, id="empty"), Document(text=page(2), id="ok2")]
    with pytest.raises(TypeError, match=r"^document 'empty': the text is null, not a str$"):
        list(LinesiftFormatter().run(iter(docs)))
    docs = [Document(text=page(1), id="ok"), Document(text="x" * (MAX_PAGE_CHARS + 1), id="huge")]
    with pytest.raises(PageTooLargeError, match=r"^document 'huge': page has"):
        list(LinesiftFormatter().run(iter(docs)))


@pytest.mark.parametrize(("threshold", "error"), [(5, ValueError), ("0.5", TypeError)])
def test_a_bad_threshold_is_refused_when_the_step_is_made(threshold: object, error: type) -> None:
    """It was taken, and failed on a worker once documents came."""
    with pytest.raises(error, match=r"^threshold must be a number between 0 and 1"):
        LinesiftFormatter(threshold=threshold)  # type: ignore[arg-type]
