"""A benchmark run adds itself on top of the results file and keeps the runs before it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_predict.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_predict", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EARLIER = """# Predict throughput

- Date: 2026-12-06 21:10 UTC
- Machine: 2 cores

| tool | MB/s |
| --- | ---: |
| linesift | 16.02 |

## An earlier run (2026-12-05)

- Date: 2026-12-05 09:00 UTC
"""


def test_the_last_run_moves_under_a_heading_with_its_date(bench) -> None:
    kept = bench.with_earlier_runs(EARLIER)
    assert kept.startswith("\n## An earlier run (2026-12-06 21:10 UTC)\n\n- Date: 2026-12-06 21:10 UTC\n")
    assert "| linesift | 16.02 |" in kept and "## An earlier run (2026-12-05)\n\n- Date: 2026-12-05 09:00 UTC" in kept
    assert bench.TITLE not in kept  # one title, the new run's


def test_a_file_that_is_not_a_results_file_is_not_copied(bench) -> None:
    assert bench.with_earlier_runs("") == ""
    assert bench.with_earlier_runs("notes of my own\n") == ""


def test_the_results_file_holds_every_run_it_was_written_with(bench) -> None:
    results = (SCRIPT.parent / "results.md").read_text(encoding="utf-8")
    again = "# Predict throughput\n\n- Date: 2027-01-01 00:00 UTC\n" + bench.with_earlier_runs(results)
    assert again.count("- Date: ") == results.count("- Date: ") + 1
