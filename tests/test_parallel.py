"""--jobs N gives the same bytes as --jobs 1, in order, without reading the corpus ahead of the workers."""

from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

from fixtures.io.builders import page
from typer.testing import CliRunner

from linesift import load_model
from linesift.cli import app
from linesift.io import parallel
from linesift.io.cleaning import Document
from linesift.io.parallel import CleanOptions, clean_stream

runner = CliRunner()


def _corpus(root: Path) -> None:
    (root / "pages").mkdir(parents=True)
    for i in range(5):
        (root / "pages" / f"{i}.txt").write_text(page(i))
    (root / "docs.jsonl").write_text("".join(json.dumps({"n": i, "text": page(i % 9)}) + "\n" for i in range(70)))
    (root / "more.jsonl.gz").write_bytes(gzip.compress(b"".join(json.dumps({"text": page(i)}).encode() + b"\n" for i in range(3))))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_jobs_write_the_same_output_as_one(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    outputs = []
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["predict", str(tmp_path / "in"), "--spans", "--jobs", jobs, "--output-dir", str(tmp_path / f"out{jobs}")])
        assert result.exit_code == 0, result.output
        outputs.append(_tree(tmp_path / f"out{jobs}"))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 7
    stdout = [runner.invoke(app, ["predict", str(tmp_path / "in"), "-j", jobs]).stdout for jobs in ("1", "2")]
    assert stdout[0] == stdout[1] and stdout[0]


def test_order_is_kept_and_reading_stays_bounded() -> None:
    pulled = 0

    def endless() -> Iterator[tuple[int, Document]]:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield i, Document(text=page(i % 4))

    jobs = 2
    first = list(itertools.islice(clean_stream(endless(), CleanOptions(), jobs), 40))
    model = load_model(None)
    assert [tag for tag, _ in first] == list(range(40))
    assert [c.text for _, c in first] == [model.clean(page(i % 4)) for i in range(40)]
    assert pulled <= 40 + (jobs * parallel.IN_FLIGHT_PER_JOB + 1) * parallel.CHUNK_DOCUMENTS


def test_no_progress_output_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text(page(1))
    result = runner.invoke(app, ["predict", str(tmp_path / "p.txt")])
    assert result.exit_code == 0 and result.stderr == ""
