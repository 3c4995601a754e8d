"""The datatrove step cleans like predict and counts what it drops."""

from __future__ import annotations

import pickle

import pytest
from fixtures.io.builders import NAV, page

from linesift import load_model

pytest.importorskip("datatrove")
from datatrove.data import Document

from linesift.integrations.datatrove import LinesiftFormatter

MODEL = load_model(None)


def test_step_cleans_documents_and_counts_dropped_lines() -> None:
    step = LinesiftFormatter()
    docs = [Document(text=page(i), id=str(i)) for i in range(3)] + [Document(text=NAV, id="nav")]
    out = list(step.run(iter(docs)))
    assert [d.text for d in out] == [MODEL.clean(page(i)) for i in range(3)] + [MODEL.clean(NAV)]
    assert [d.id for d in out] == ["0", "1", "2", "nav"]
    lines = sum(len([line for line in t.split("\n") if line.strip()]) for t in [page(0), page(1), page(2), NAV])
    kept = sum(len([line for line in d.text.split("\n") if line.strip()]) for d in out)
    assert step.stats["lines"].total == lines
    assert step.stats["lines_dropped"].total == lines - kept
    assert step.stats["emptied"].total == sum(1 for d in out if not d.text)


def test_step_pickles_without_the_model() -> None:
    step = LinesiftFormatter(threshold=0.9)
    assert len(pickle.dumps(step)) < 10_000
    assert pickle.loads(pickle.dumps(step)).format(page(1)) == MODEL.clean(page(1), 0.9)
