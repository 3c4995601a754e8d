"""Bad input: an error naming the file (and the record), exit 1 for bad data and 2 for usage; never a traceback."""

from __future__ import annotations

import errno
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zstandard
from fixtures.io.builders import http_response, page, warc_record
from typer.testing import CliRunner

from linesift import load_model
from linesift.cli import app
from linesift.io.cleaning import Document

MODEL = load_model()
runner = CliRunner()
BAD_JSONL = "\n".join([json.dumps({"text": page(1)}), "{not json", json.dumps({"id": 3}), json.dumps({"text": None}), "[1, 2]", json.dumps({"text": page(2)})]) + "\n"


def run(*args: str, stdin: str | bytes | None = None):
    result = runner.invoke(app, ["predict", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_missing_file_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(page(1))
    result = run(str(tmp_path / "ok.txt"), str(tmp_path / "missing.txt"))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{tmp_path / 'missing.txt'}: no such file" in result.stderr


def test_invalid_utf8_is_replaced_with_a_warning_or_refused_when_strict(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes(page(1).encode() + b"\nCaf\xe9 au lait is served at the caf\xe9 every morning, they say.\n")
    result = run(str(tmp_path / "latin.txt"))
    assert result.exit_code == 0
    assert result.stderr.count("\n") == 1 and "latin.txt: not valid UTF-8" in result.stderr
    strict = run(str(tmp_path / "latin.txt"), "--strict")
    assert strict.exit_code == 2 and "latin.txt: not valid UTF-8" in strict.stderr and strict.stdout == ""


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    (tmp_path / "blob.txt").write_bytes(b"abc\x00def")
    result = run(str(tmp_path / "blob.txt"))
    assert result.exit_code == 2 and "blob.txt: binary data" in result.stderr


@pytest.mark.parametrize(
    ("number", "reason"),
    [(2, "not valid JSON"), (3, "no 'text' field"), (4, "field 'text' is null, not a string"), (5, "an array, not a JSON object")],
)
def test_each_bad_jsonl_record_is_named(tmp_path: Path, number: int, reason: str) -> None:
    lines = BAD_JSONL.splitlines(keepends=True)
    (tmp_path / "docs.jsonl").write_text(lines[0] + lines[number - 1])
    result = run(str(tmp_path / "docs.jsonl"), "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"docs.jsonl: record 2: {reason}" in result.stderr
    assert not (tmp_path / "out" / "docs.jsonl").exists() and not list((tmp_path / "out").glob(".*"))


def test_skip_writes_bad_records_through_and_counts_them(tmp_path: Path) -> None:
    (tmp_path / "docs.jsonl").write_text(BAD_JSONL)
    result = run(str(tmp_path / "docs.jsonl"), "--on-error", "skip")
    assert result.exit_code == 0
    out = result.stdout.splitlines()
    assert len(out) == 6 and out[1:5] == BAD_JSONL.splitlines()[1:5]
    assert "linesift_text" in json.loads(out[0]) and "linesift_text" in json.loads(out[5])
    assert "4 bad record(s) skipped" in result.stderr and "docs.jsonl: 4" in result.stderr


def test_skip_with_every_record_bad_is_an_error_not_a_silent_success(tmp_path: Path) -> None:
    """A --text-field that no record has skips them all: exit 0 would pass for a clean corpus."""
    (tmp_path / "docs.jsonl").write_text(json.dumps({"body": page(1)}) + "\n" + json.dumps({"body": page(2)}) + "\n")
    result = run(str(tmp_path / "docs.jsonl"), "--on-error", "skip")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"error: {tmp_path / 'docs.jsonl'}: every record was bad, nothing cleaned"
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"body": page(1)}, {"body": page(2)}]


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_truncated_compressed_file(tmp_path: Path, suffix: str) -> None:
    data = "".join(json.dumps({"text": page(i)}) + "\n" for i in range(200)).encode()
    packed = gzip.compress(data) if suffix == ".gz" else zstandard.ZstdCompressor().compress(data)
    (tmp_path / f"docs.jsonl{suffix}").write_bytes(packed[: len(packed) // 2])
    result = run(str(tmp_path / f"docs.jsonl{suffix}"))
    assert result.exit_code == 1
    assert f"docs.jsonl{suffix}: record " in result.stderr and "truncated" in result.stderr


def test_truncated_warc_record(tmp_path: Path) -> None:
    archive = warc_record("conversion", page(1).encode()) + warc_record("conversion", page(2).encode(), declared_length=10_000)
    (tmp_path / "crawl.warc").write_bytes(archive)
    result = run(str(tmp_path / "crawl.warc"))
    assert result.exit_code == 1 and "crawl.warc: record 2: truncated" in result.stderr
    skipped = run(str(tmp_path / "crawl.warc"), "--on-error", "skip")
    out = [json.loads(line) for line in skipped.stdout.splitlines()]
    assert skipped.exit_code == 0 and [r["linesift_text"] is None for r in out] == [False, True]


def test_a_response_cut_in_its_body_counts_the_records_bytes(tmp_path: Path) -> None:
    """The counts were of the HTTP body alone, the HTTP header left out: "0 of 16" for a record of 52 bytes."""
    response = http_response("", body=b"x" * 100)
    record = warc_record("response", response, content_type="application/http; msgtype=response")
    (tmp_path / "crawl.warc").write_bytes(record[:-4 - 30])  # its end and 30 bytes of its body cut off
    result = run(str(tmp_path / "crawl.warc"))
    expected = f"record 1: truncated: {len(response) - 30} of {len(response)} content bytes"
    assert result.exit_code == 1 and expected in result.stderr, result.stderr


@pytest.mark.parametrize("cut_in", ["header", "body"])
@pytest.mark.parametrize("compress", [False, True])
def test_a_crawl_file_cut_inside_a_record_that_holds_no_page_says_so(tmp_path: Path, cut_in: str, compress: bool) -> None:
    """Cut inside a request or metadata record, the file was cleaned as if whole, exit 0 (or said it held no page)."""
    metadata = warc_record("metadata", b"fetchTimeMs: 120\r\n" * 40)
    cut = metadata.index(b"Content-Length") if cut_in == "header" else len(metadata) - 200
    archive = warc_record("conversion", page(1).encode()) + metadata[:cut]
    if compress:  # each record a gzip member of its own, as Common Crawl writes them
        archive = gzip.compress(warc_record("conversion", page(1).encode())) + gzip.compress(metadata[:cut])
    (tmp_path / "crawl.warc").write_bytes(archive)
    result = run(str(tmp_path / "crawl.warc"))
    assert result.exit_code == 1 and f"{tmp_path / 'crawl.warc'}: record 2: truncated" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["linesift_text"] == MODEL.clean(page(1))


@pytest.mark.parametrize("records", [6, 300])
def test_a_crawl_file_cut_in_its_last_gzip_member_keeps_the_records_before(tmp_path: Path, records: int) -> None:
    """Common Crawl gzips each record on its own. Cut inside the last member, the records before it are whole: each
    is cleaned, and the message names the last one. A read of the gzip stream used to fail with all it had read."""
    members = [gzip.compress(warc_record("conversion", page(k).encode(), uri=f"http://a.example/{k}")) for k in range(records)]
    members[-1] = members[-1][: len(members[-1]) // 2]
    (tmp_path / "crawl.warc.gz").write_bytes(b"".join(members))
    result = run(str(tmp_path / "crawl.warc.gz"), "--on-error", "skip")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and len(out) == records
    assert [r["url"] for r in out[:-1]] == [f"http://a.example/{k}" for k in range(records - 1)]
    assert all(r["linesift_text"] for r in out[:-1]) and out[-1]["linesift_text"] is None
    assert f"crawl.warc.gz: record {records}: " in result.stderr and "1 bad record(s) skipped" in result.stderr


def test_a_warc_record_that_cannot_be_parsed_says_the_rest_is_not_read(tmp_path: Path) -> None:
    """Without a Content-Length, FastWARC reads a record as empty and the next one from inside its body, where no
    header parses: the records after that are lost, and the message says so, naming the record without one."""
    broken = warc_record("conversion", page(2).encode()).replace(b"Content-Length", b"Content-Size", 1)
    archive = warc_record("conversion", page(1).encode()) + broken + warc_record("conversion", page(3).encode())
    (tmp_path / "crawl.warc").write_bytes(archive)
    result = run(str(tmp_path / "crawl.warc"), "--on-error", "skip")
    assert result.exit_code == 0 and [json.loads(line)["text"] for line in result.stdout.splitlines()] == [page(1)]
    assert ("crawl.warc: record 2: truncated or broken: its header has no Content-Length; the records after it are not "
            "read") in " ".join(result.stderr.split())


def test_a_warc_name_without_warc_records(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc").write_text("this is not an archive\n")
    result = run(str(tmp_path / "crawl.warc"))
    assert result.exit_code == 1 and "crawl.warc: record 1: cannot read (Invalid WARC header)" in result.stderr


def test_parquet_without_the_text_column_or_with_null_text(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"body": ["x"]}), tmp_path / "a.parquet")
    result = run(str(tmp_path / "a.parquet"))
    assert result.exit_code == 1 and "a.parquet: record 1: no 'text' column (columns: body)" in result.stderr
    pq.write_table(pa.table({"text": [page(1), None]}), tmp_path / "b.parquet")
    assert "b.parquet: record 2: column 'text' is null" in run(str(tmp_path / "b.parquet")).stderr
    run(str(tmp_path / "b.parquet"), "--on-error", "skip", "--output-dir", str(tmp_path / "out"))
    assert pq.read_table(tmp_path / "out" / "b.parquet").column("linesift_text").to_pylist()[1] is None


def test_bad_model_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "model.json").write_text("{}")
    (tmp_path / "p.txt").write_text(page(1))
    result = run(str(tmp_path / "p.txt"), "--model", str(tmp_path / "model.json"))
    assert result.exit_code == 2 and "model.json" in result.stderr


def test_full_disk_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linesift.io import sinks

    def full(self, record, cleaned):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sinks.JsonlSink, "write", full)
    (tmp_path / "docs.jsonl").write_text(json.dumps({"text": page(1)}) + "\n")
    result = run(str(tmp_path / "docs.jsonl"), "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert list((tmp_path / "out").iterdir()) == []


def _cli(*args: str, command: str = "predict", **kwargs) -> subprocess.Popen:
    script = Path(sys.executable).with_name("linesift")  # the installed entry point, as a user runs it
    return subprocess.Popen([str(script), command, *args], stderr=subprocess.PIPE, **kwargs)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["predict", "explain", "train"])
def test_full_stdout_is_a_clean_error(tmp_path: Path, command: str) -> None:
    """explain and train (and eval) printed a traceback: only predict caught the failed write."""
    (tmp_path / "p.txt").write_text(page(1))
    labelled = Path(__file__).parents[1] / "seeds" / "000_bbcd66fa357995a9.jsonl"
    args = {"predict": [str(tmp_path / "p.txt")], "explain": [str(tmp_path / "p.txt")],
            "train": [str(labelled), "--out", str(tmp_path / "model.json")]}[command]
    with open("/dev/full", "w") as full:
        process = _cli(*args, stdout=full, command=command)
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and stderr.decode().strip() == "error: cannot write stdout: No space left on device"


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps({"text": page(i % 3) * 40}) + "\n" for i in range(20)))
    process = _cli(str(tmp_path / "docs.jsonl"), stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(1)
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 141 and stderr == b""


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_a_warc_file_on_a_pipe_is_read_as_from_a_file(tmp_path: Path, compress: bool) -> None:
    """FastWARC asks its stream where it is, which a pipe cannot say: a plain WARC file on stdin crashed."""
    archive = warc_record("conversion", page(1).encode(), uri="http://a.example/") + warc_record(
        "conversion", page(2).encode(), uri="http://b.example/")
    (tmp_path / "crawl.warc").write_bytes(gzip.compress(archive) if compress else archive)
    from_file = _cli(str(tmp_path / "crawl.warc"), stdout=subprocess.PIPE).communicate(timeout=60)
    with open(tmp_path / "crawl.warc", "rb") as source:
        cat = subprocess.Popen(["cat"], stdin=source, stdout=subprocess.PIPE)
        process = _cli("-", stdin=cat.stdout, stdout=subprocess.PIPE)
        assert cat.stdout is not None
        cat.stdout.close()
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0 and stderr == b"", stderr.decode()
    assert [json.loads(line)["url"] for line in stdout.splitlines()] == ["http://a.example/", "http://b.example/"]
    assert stdout == from_file[0]


def test_a_page_or_record_over_the_byte_limit_is_refused_without_reading_on(tmp_path: Path, monkeypatch) -> None:
    """Reading stops at the most bytes a page can hold, so that an endless input is refused, not read until memory
    runs out (the limit is lowered here; /dev/zero is read to the real one below)."""
    import linesift.io.sources as sources

    monkeypatch.setattr(sources, "MAX_PAGE_BYTES", 1_000)
    (tmp_path / "big.txt").write_text(page(1) * 10)
    result = run(str(tmp_path / "big.txt"))
    assert result.exit_code == 1 and "big.txt: more than 1,000 bytes, more than a page linesift cleans" in result.stderr
    records = [json.dumps({"text": page(1)}), json.dumps({"text": page(1) * 10}), json.dumps({"text": page(2)})]
    (tmp_path / "docs.jsonl").write_text("\n".join(records) + "\n")
    result = run(str(tmp_path / "docs.jsonl"), "--on-error", "skip")
    assert "docs.jsonl: record 2: a line of more than 1,000 bytes" in result.stderr and "the rest of the file is not read" in result.stderr
    first, cut = result.stdout.splitlines()  # the line cut short is not written through, as a truncated stream's
    assert json.loads(first)["linesift_text"] == MODEL.clean(page(1)) and cut == ""


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_refused(tmp_path: Path) -> None:
    process = _cli("/dev/zero", stdout=subprocess.PIPE)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and b"/dev/zero: more than 256,000,000 bytes" in stderr and b"Traceback" not in stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="needs named pipes and /dev/zero")
def test_pipes_and_devices_in_a_directory_are_skipped(tmp_path: Path) -> None:
    """Opening a named pipe waits for a writer, and /dev/zero never ends: in a directory they are not pages."""
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "a.txt").write_text(page(1))
    os.mkfifo(tmp_path / "crawl" / "b.fifo")
    (tmp_path / "crawl" / "c.txt").symlink_to("/dev/zero")
    process = _cli(str(tmp_path / "crawl"), stdout=subprocess.PIPE)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0 and stderr == b"" and stdout.decode() == MODEL.clean(page(1)) + "\n"


@pytest.mark.parametrize("on_error", ["fail", "skip"])
def test_a_broken_link_in_a_directory_is_a_bad_page(tmp_path: Path, on_error: str) -> None:
    """It stopped the run as a wrong command does (exit 2), even under --on-error skip."""
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "a.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "crawl" / "b.txt").write_text(page(1))
    result = run(str(tmp_path / "crawl"), "--on-error", on_error)
    broken = tmp_path / "crawl" / "a.txt"
    if on_error == "fail":
        assert result.exit_code == 1 and f"error: {broken}: no such file" in result.stderr
    else:
        assert result.exit_code == 0 and f"warning: skipped: {broken}: no such file" in result.stderr
        assert result.stdout == "\f\n" + MODEL.clean(page(1)) + "\n"  # the broken page's place is kept, empty


def test_a_loop_of_links_says_so(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = run(str(tmp_path / "a"))
    assert result.exit_code == 2 and "a: cannot read (Too many levels of symbolic links)" in result.stderr


def test_explain_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`linesift explain page --format jsonl | head -1` ends as predict does. The page is long enough that its
    explanations outgrow the pipe's buffer."""
    script = Path(sys.executable).with_name("linesift")
    seed = (Path(__file__).resolve().parents[1] / "seeds" / "000_bbcd66fa357995a9.txt").read_text(encoding="utf-8")
    (tmp_path / "long.txt").write_text("\n\n".join([seed] * 8), encoding="utf-8")
    process = subprocess.Popen([str(script), "explain", str(tmp_path / "long.txt"), "--format", "jsonl"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(1)
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 141 and stderr == b""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_stopped_by_sigterm_leaves_no_output(tmp_path: Path, jobs: str) -> None:
    """A scheduler's time limit or `kill` sends SIGTERM: the output being written went on lying under a temporary
    name, and with --jobs 2 the worker processes outlived the run, holding its stdout and stderr open."""
    seed = (Path(__file__).resolve().parents[1] / "seeds" / "000_bbcd66fa357995a9.txt").read_text(encoding="utf-8")
    (tmp_path / "shard.jsonl").write_text("".join(json.dumps({"id": k, "text": seed}) + "\n" for k in range(20_000)))
    out = tmp_path / "out"
    process = _cli(str(tmp_path / "shard.jsonl"), "--output-dir", str(out), "--jobs", jobs, "-q", stdout=subprocess.PIPE)
    for _ in range(600):  # until the output is being written
        if out.exists() and any(out.iterdir()):
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)  # returns once every process holding the pipes has ended
    assert process.returncode == 128 + signal.SIGTERM and stdout == b"" and b"Traceback" not in stderr
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_two_jobs_stopped_through_their_process_group_end_cleanly(tmp_path: Path, signum: int) -> None:
    """Ctrl-C, or a scheduler's SIGTERM, reaches the workers too. A worker cut off while sending a result left the run
    waiting for the rest for ever (1 run in 8 to 10), and each worker stopped by Ctrl-C printed a traceback."""
    seed = (Path(__file__).resolve().parents[1] / "seeds" / "000_bbcd66fa357995a9.txt").read_text(encoding="utf-8")
    # Long pages, so that results are large and a worker is often stopped while sending one.
    (tmp_path / "shard.jsonl").write_text("".join(json.dumps({"id": k, "text": "\n\n".join([seed] * 10)}) + "\n"
                                                  for k in range(2_000)))
    out = tmp_path / "out"

    def ctrl_c_as_in_a_terminal() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a process started in the background ignores it

    for delay in (0.0, 0.1, 0.2, 0.35, 0.5, 0.7):
        process = _cli(str(tmp_path / "shard.jsonl"), "--output-dir", str(out), "--jobs", "2", "-q",
                       stdout=subprocess.PIPE, start_new_session=True, preexec_fn=ctrl_c_as_in_a_terminal)
        for _ in range(600):  # until the output is being written: the workers have results to send
            if out.exists() and any(out.iterdir()):
                break
            time.sleep(0.05)
        time.sleep(delay)
        os.killpg(process.pid, signum)
        stdout, stderr = process.communicate(timeout=60)  # returns once every process holding the pipes has ended
        assert (process.returncode, stdout, stderr) == (128 + signum, b"", b""), delay
        assert not out.exists() or list(out.iterdir()) == []


def test_a_worker_that_dies_is_a_clean_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed (for its memory, say) gave a traceback of 51 lines ending in BrokenProcessPool."""
    from linesift.io import parallel

    monkeypatch.setattr(parallel, "clean_chunk", _killed)
    with pytest.raises(parallel.WorkerDiedError, match=r"^a worker process ended while cleaning"):
        list(parallel.clean_stream(((k, Document(text=page(k))) for k in range(40)), parallel.CleanOptions(), jobs=2))


def _killed(options: object, documents: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_blank_lines_in_jsonl_hold_no_record(tmp_path: Path) -> None:
    """A blank line between records or after the last, as editors and `cat a.jsonl b.jsonl` leave them, was a bad
    record ("not valid JSON") that failed the run; records keep the numbers of their lines."""
    (tmp_path / "docs.jsonl").write_text(f"{json.dumps({'text': page(1)})}\n\n  \n{json.dumps({'text': page(2)})}\n\n")
    result = run(str(tmp_path / "docs.jsonl"))
    assert result.exit_code == 0 and result.stderr == ""
    assert [json.loads(line)["linesift_text"] for line in result.stdout.splitlines()] == [MODEL.clean(page(1)), MODEL.clean(page(2))]
    explained = runner.invoke(app, ["explain", str(tmp_path / "docs.jsonl"), "--record", "4", "--format", "jsonl"])
    assert explained.exit_code == 0 and json.loads(explained.stdout.splitlines()[0])["text"] == page(2).split("\n")[0]
    blank = runner.invoke(app, ["explain", str(tmp_path / "docs.jsonl"), "--record", "2"])
    assert blank.exit_code == 2 and f"{tmp_path / 'docs.jsonl'}: record 2 is a blank line" in blank.stderr


def test_explain_counts_the_records_after_the_last_page(tmp_path: Path) -> None:
    """The count stopped at the last record holding a page: a request record after it was "out of range"."""
    archive = warc_record("conversion", page(1).encode()) + warc_record("request", b"GET / HTTP/1.1\r\n\r\n")
    (tmp_path / "crawl.warc").write_bytes(archive)
    not_a_page = runner.invoke(app, ["explain", str(tmp_path / "crawl.warc"), "--record", "2"])
    assert not_a_page.exit_code == 2
    assert f"{tmp_path / 'crawl.warc'}: record 2 is not a page" in " ".join(not_a_page.stderr.split())
    beyond = runner.invoke(app, ["explain", str(tmp_path / "crawl.warc"), "--record", "3"])
    assert "--record 3 is out of range: " in beyond.stderr and "has 2 record(s)" in " ".join(beyond.stderr.split())
