"""Every input format round-trips: one output per input record, in order, every input field kept."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
import zstandard
from fixtures.io.builders import html_page, http_response, page, warc_record
from typer.testing import CliRunner

from linesift import load_model
from linesift.cli import app
from linesift.io.cleaning import line_spans
from linesift.model.dom import parse_html_page
from linesift.model.segment import Page

runner = CliRunner()
MODEL = load_model(None)
HTML_MODEL = load_model(None, "html")


def run(*args: str, stdin: str | bytes | None = None):
    result = runner.invoke(app, ["predict", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def cleaned(text: str) -> str:
    out = MODEL.clean(text)
    return out + "\n" if out else ""


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def read_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_text_file_to_stdout_and_per_line_records(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text(page(1))
    result = run(str(tmp_path / "p.txt"))
    assert result.exit_code == 0 and result.stdout == cleaned(page(1)) and result.stdout
    records = read_jsonl(run(str(tmp_path / "p.txt"), "--format", "jsonl").stdout)
    assert [(r["line"], r["text"], r["label"]) for r in records] == [(line.number, line.text, line.label) for line in MODEL.predict_lines(page(1))]
    assert records[1] == {"line": 2, "text": "", "label": "noise", "p_content": 0.0}


def test_empty_and_blank_files_are_an_error_with_no_output(tmp_path: Path) -> None:
    for name, content in (("empty.txt", ""), ("blank.txt", " \n\n\t\n"), ("empty.html", ""), ("blank.html", "\n")):
        (tmp_path / name).write_text(content)
        result = run(str(tmp_path / name))
        assert (result.exit_code, result.stdout) == (1, ""), name
        assert "nothing to clean" in result.stderr, name


def test_stdin_page(tmp_path: Path) -> None:
    assert run("-", stdin=page(2)).stdout == cleaned(page(2))


@pytest.mark.parametrize("compress", [gzip.compress, lambda data: zstandard.ZstdCompressor().compress(data)])
def test_compressed_text_recognised_by_magic_bytes(tmp_path: Path, compress) -> None:
    (tmp_path / "page-without-suffix").write_bytes(compress(page(3).encode()))
    assert run(str(tmp_path / "page-without-suffix")).stdout == cleaned(page(3))


def test_directory_tree_is_mirrored_with_glob_and_hidden_files_skipped(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    (root / "a" / "b").mkdir(parents=True)
    (root / "one.txt").write_text(page(1))
    (root / "a" / "b" / "two.txt.gz").write_bytes(gzip.compress(page(2).encode()))
    (root / "a" / "skip.md").write_text(page(9))
    (root / ".hidden.txt").write_text(page(9))
    out = tmp_path / "out"
    assert run(str(root), "--glob", "*.txt*", "--output-dir", str(out)).exit_code == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a/b/two.txt.gz", "one.txt"]
    assert (out / "one.txt").read_text() == cleaned(page(1))
    assert gzip.decompress((out / "a" / "b" / "two.txt.gz").read_bytes()).decode() == cleaned(page(2))


def test_jsonl_keeps_every_field_in_order_and_adds_cleaned_text(tmp_path: Path) -> None:
    records = [{"id": i, "meta": {"lang": "en", "tags": [i]}, "text": page(i), "score": 0.5} for i in range(5)]
    write_jsonl(tmp_path / "docs.jsonl", records)
    out = read_jsonl(run(str(tmp_path / "docs.jsonl")).stdout)
    assert len(out) == len(records)
    for original, result in zip(records, out):
        assert list(result) == [*original, "linesift_text"]
        assert {k: result[k] for k in original} == original
        assert result["linesift_text"] == MODEL.clean(original["text"])


def test_jsonl_records_are_written_back_as_they_came(tmp_path: Path) -> None:
    """Numbers as written (a parsed 1e400 came back as Infinity, which is not JSON; 1E2 as 100.0), spacing and key
    order kept, byte for byte before the added field; a record holding a field of ours has it replaced in place."""
    text = json.dumps(page(1))
    lines = ['{"id":123456789012345678901234567890,"f":1.0000000000000001,"g":1e400,"e":1E2,"text":' + text + '}',
             '  {"u": "caf\\u00e9 \\ud83d\\ude00" ,  "text" : ' + text + ' }  \r',
             '{"linesift_text": 7, "text": ' + text + ', "n": 1E2}']
    (tmp_path / "docs.jsonl").write_bytes(("\n".join(lines) + "\n").encode())
    result = run(str(tmp_path / "docs.jsonl"))
    out = result.stdout.splitlines()
    added = ', "linesift_text": ' + json.dumps(MODEL.clean(page(1)), ensure_ascii=False) + "}"
    assert result.exit_code == 0 and out[0] == lines[0][:-1] + added
    assert out[1] == '  {"u": "caf\\u00e9 \\ud83d\\ude00" ,  "text" : ' + text + added
    assert list(json.loads(out[2])) == ["linesift_text", "text", "n"] and json.loads(out[2])["linesift_text"] == MODEL.clean(page(1))
    # Half a surrogate pair, escaped in the record, is written back escaped in the added text too.
    odd = '{"n":1e400,"text":"caf\\ud800 is half a character, and the rest of this sentence is plain text."}'
    (tmp_path / "odd.jsonl").write_text(odd + "\n")
    result = run(str(tmp_path / "odd.jsonl"))
    cleaned = MODEL.clean(json.loads(odd)["text"])
    assert result.exit_code == 0 and result.stdout == odd[:-1] + ', "linesift_text": ' + json.dumps(cleaned) + "}\n"


def test_jsonl_spans_point_into_the_original_text(tmp_path: Path) -> None:
    text = page(4).replace("\n", "\r\n") + "\r\n"
    write_jsonl(tmp_path / "docs.jsonl", [{"text": text}])
    (result,) = read_jsonl(run(str(tmp_path / "docs.jsonl"), "--spans").stdout)
    spans = result["linesift_spans"]
    assert [text[start:end] for start, end, _ in spans] == Page.from_text(text).lines
    assert [p for _, _, p in spans] == [round(p, 6) for p in MODEL.probabilities(Page.from_text(text)).tolist()]
    # The page's cut comes with the spans: it tells which lines were kept.
    kept = [text[start:end] for start, end, p in spans if p >= result["linesift_cut"] and text[start:end].strip()]
    assert [line for line in result["linesift_text"].split("\n") if line] == kept
    assert result["linesift_cut"] == round(MODEL.decide(Page.from_text(text)).cut, 6)


def test_line_spans_follow_the_page_split() -> None:
    for text in ["", "a", "a\n", "a\r\nb\rc\n\n", "\n\nx"]:
        assert [text[s:e] for s, e in line_spans(text)] == Page.from_text(text).lines


def test_jsonl_from_stdin_with_another_text_field(tmp_path: Path) -> None:
    body = "".join(json.dumps({"content": page(i)}) + "\n" for i in range(2))
    out = read_jsonl(run("-", "--input-format", "jsonl", "--text-field", "content", stdin=body).stdout)
    assert [r["linesift_text"] for r in out] == [MODEL.clean(page(i)) for i in range(2)]


def test_jsonl_gz_output_is_compressed_like_its_input(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    with gzip.open(tmp_path / "in" / "docs.jsonl.gz", "wt") as stream:
        stream.write("".join(json.dumps({"text": page(i)}) + "\n" for i in range(3)))
    run(str(tmp_path / "in"), "--output-dir", str(tmp_path / "out"))
    written = (tmp_path / "out" / "docs.jsonl.gz").read_bytes()
    out = read_jsonl(gzip.decompress(written).decode())
    assert [r["linesift_text"] for r in out] == [MODEL.clean(page(i)) for i in range(3)]
    assert written[8] == 0  # the header's XFL: 2 marks level 9, which wrote a third slower for 0.5% of its size


def test_wet_conversion_records_and_warc_html_responses(tmp_path: Path) -> None:
    html = html_page(5)
    archive = (
        warc_record("warcinfo", b"software: test\r\n", content_type="application/warc-fields")
        + warc_record("conversion", page(1).encode(), uri="http://a.example/")
        + warc_record("request", b"GET / HTTP/1.1\r\n\r\n", content_type="application/http; msgtype=request")
        + warc_record("response", http_response(html), uri="http://b.example/", content_type="application/http; msgtype=response")
    )
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(archive))
    assert run(str(tmp_path / "crawl.warc.gz"), "--output-dir", str(tmp_path / "out")).exit_code == 0
    out = read_jsonl(gzip.decompress((tmp_path / "out" / "crawl.jsonl.gz").read_bytes()).decode())
    assert [r["url"] for r in out] == ["http://a.example/", "http://b.example/"]
    assert all(r["warc_record_id"].startswith("<urn:uuid:") and r["warc_date"] for r in out)
    assert out[0]["text"] == page(1) and out[0]["linesift_text"] == MODEL.clean(page(1))
    blocks = "\n".join(parse_html_page(html).lines)  # HTML records are cleaned by the model of HTML pages
    assert out[1]["text"] == blocks and out[1]["linesift_text"] == HTML_MODEL.clean_html(html)


def test_warc_responses_sent_compressed_or_in_chunks_are_read_as_sent(tmp_path: Path) -> None:
    """wget and proxies keep a body as it came over the wire: gzip, deflate, chunks. It was a bad record ("binary
    input"), or its chunk sizes were read as text."""
    page = html_page(3)
    raw = page.encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(raw[k:k + 100]), raw[k:k + 100]) for k in range(0, len(raw), 100)) + b"0\r\n\r\n"
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    bodies = [(None, ""), (gzip.compress(raw), "Content-Encoding: gzip\r\n"),
              (zlib.compress(raw), "Content-Encoding: deflate\r\n"), (chunked, "Transfer-Encoding: chunked\r\n"),
              # Deflate without zlib's header, as some servers send it and browsers take it: it was a bad record.
              (raw_deflate.compress(raw) + raw_deflate.flush(), "Content-Encoding: deflate\r\n"),
              (b"\x1f\x8b not gzip", "Content-Encoding: gzip\r\n"),
              # Cut short, it was cleaned as the part that unpacked, without a word.
              (gzip.compress(raw)[:200], "Content-Encoding: gzip\r\n")]
    archive = b"".join(warc_record("response", http_response(page, body, headers), uri=f"http://a.example/{k}",
                                   content_type="application/http; msgtype=response")
                       for k, (body, headers) in enumerate(bodies))
    (tmp_path / "crawl.warc").write_bytes(archive)
    result = run(str(tmp_path / "crawl.warc"), "--on-error", "skip")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and len(out) == 7
    assert [r["linesift_text"] for r in out[:5]] == [HTML_MODEL.clean_html(page)] * 5
    assert out[5]["linesift_text"] is None and "crawl.warc: record 6: cannot decode its HTTP body (gzip data error" in result.stderr
    assert out[6]["linesift_text"] is None
    assert "crawl.warc: record 7: cannot decode its HTTP body (gzip data ends early: the body was cut)" in result.stderr


def test_a_warc_response_whose_media_type_is_in_capitals_is_read(tmp_path: Path) -> None:
    """Media types are case-insensitive: "TEXT/HTML" and "Text/Html" responses were passed over without a word."""
    page = html_page(4)
    archive = b"".join(
        warc_record("response", http_response("", body=page.encode()).replace(b"text/html", kind),
                    uri=f"http://a.example/{k}", content_type="application/http; msgtype=response")
        for k, kind in enumerate((b"TEXT/HTML", b"Text/Html", b"text/html")))
    (tmp_path / "crawl.warc").write_bytes(archive)
    out = [json.loads(line) for line in run(str(tmp_path / "crawl.warc")).stdout.splitlines()]
    assert [r["linesift_text"] for r in out] == [HTML_MODEL.clean_html(page)] * 3


def test_a_warc_response_is_decoded_in_the_charset_its_http_header_names(tmp_path: Path) -> None:
    """A page without a <meta> charset, served as KOI8-R: detection guessed short pages wrong; the header was never read."""
    text = "Сегодня хорошая погода в Москве, и все гуляют в парке у реки."
    page = f"<html><body><p>{text}</p></body></html>"
    response = http_response("", page.encode("koi8-r")).replace(b"charset=utf-8", b"charset=koi8-r")
    (tmp_path / "crawl.warc").write_bytes(warc_record("response", response, content_type="application/http; msgtype=response"))
    result = run(str(tmp_path / "crawl.warc"))
    assert result.exit_code == 0 and json.loads(result.stdout)["text"] == text
    explained = runner.invoke(app, ["explain", str(tmp_path / "crawl.warc"), "--record", "1", "--format", "jsonl"])
    assert explained.exit_code == 0 and json.loads(explained.stdout.splitlines()[0])["text"] == text


def test_a_warc_body_that_unpacks_past_the_limit_is_a_bad_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import linesift.io.sources as sources

    monkeypatch.setattr(sources, "MAX_PAGE_BYTES", 1_000)
    body = gzip.compress(html_page(1).encode() * 5)
    (tmp_path / "crawl.warc").write_bytes(warc_record("response", http_response("", body, "Content-Encoding: gzip\r\n"),
                                                      content_type="application/http; msgtype=response"))
    result = run(str(tmp_path / "crawl.warc"), "--on-error", "skip")
    assert "crawl.warc: record 1: cannot decode its HTTP body (it unpacks to more than 1,000 bytes)" in result.stderr


def test_html_file_is_cleaned_by_the_model_of_html_pages(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(html_page(6))
    run(str(tmp_path / "page.html"), "--output-dir", str(tmp_path / "out"))
    assert (tmp_path / "out" / "page.txt").read_text() == HTML_MODEL.clean_html(html_page(6)) + "\n"


def test_html_file_as_text_is_rendered_like_the_training_pages(tmp_path: Path) -> None:
    from linesift.io.render import render_html

    (tmp_path / "page.html").write_text(html_page(6))
    run(str(tmp_path / "page.html"), "--html-as-text", "--output-dir", str(tmp_path / "out"))
    assert (tmp_path / "out" / "page.txt").read_text() == cleaned(render_html(html_page(6).encode()))


def test_parquet_to_parquet_keeps_columns_and_adds_ours(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    # Row 7 holds an HTML page, as a crawl's html column would: it is parsed into blocks, which the spans index.
    texts = [html_page(6) if i == 7 else page(i % 7) for i in range(300)]
    table = pa.table({"id": list(range(300)), "text": texts, "when": pa.array(range(300), pa.timestamp("s"))})
    pq.write_table(table, tmp_path / "docs.parquet")
    assert run(str(tmp_path / "docs.parquet"), "--spans", "--output-dir", str(tmp_path / "out")).exit_code == 0
    out = pq.read_table(tmp_path / "out" / "docs.parquet")
    assert out.schema.names == ["id", "text", "when", "linesift_text", "linesift_spans", "linesift_cut", "linesift_blocks"]
    assert out.select(["id", "text", "when"]).equals(pq.read_table(tmp_path / "docs.parquet"))
    expected = {i: MODEL.clean(page(i)) for i in range(7)}
    assert out.column("linesift_text").to_pylist() == [HTML_MODEL.clean_html(texts[i]) if i == 7 else expected[i % 7]
                                                       for i in range(300)]
    first = out.column("linesift_spans")[0].as_py()
    assert [page(0)[s["start"]:s["end"]] for s in first] == page(0).split("\n")
    assert out.column("linesift_cut")[0].as_py() == round(MODEL.decide(Page.from_text(page(0))).cut, 6)
    blocks = out.column("linesift_blocks").to_pylist()
    assert blocks[7] == "\n".join(parse_html_page(texts[7]).lines) and blocks[:7] == [None] * 7
    assert [blocks[7][s["start"]:s["end"]] for s in out.column("linesift_spans")[7].as_py()] == blocks[7].split("\n")


def test_parquet_output_keeps_the_input_row_groups(tmp_path: Path) -> None:
    """A row group of 600 rows is read in batches of fewer, and one of 3 rows ends inside a batch's worth: each
    comes back as one row group of its size."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": list(range(603)), "text": [page(i % 5) for i in range(603)]})
    pq.write_table(table, tmp_path / "docs.parquet", row_group_size=600)
    assert run(str(tmp_path / "docs.parquet"), "--output-dir", str(tmp_path / "out")).exit_code == 0
    written = pq.ParquetFile(tmp_path / "out" / "docs.parquet")
    assert [written.metadata.row_group(k).num_rows for k in range(written.num_row_groups)] == [600, 3]
    expected = {i: MODEL.clean(page(i)) for i in range(5)}
    assert written.read().column("linesift_text").to_pylist() == [expected[i % 5] for i in range(603)]


def test_parquet_values_json_lacks_are_written_as_json_exports_write_them(tmp_path: Path) -> None:
    import datetime
    from decimal import Decimal

    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"text": [page(1)], "when": pa.array([datetime.datetime(2024, 5, 1, 12, 30)], pa.timestamp("s")),
                      "day": [datetime.date(2024, 5, 1)], "raw": [b"\x00\xff"], "price": [Decimal("1.50")]})
    pq.write_table(table, tmp_path / "docs.parquet")
    record = json.loads(run(str(tmp_path / "docs.parquet")).stdout)
    assert (record["when"], record["day"], record["raw"], record["price"]) == ("2024-05-01T12:30:00", "2024-05-01",
                                                                              "AP8=", "1.50")


def test_parquet_cleaned_again_has_its_columns_of_ours_replaced(tmp_path: Path) -> None:
    """A file cleaned before (or holding a column of the name) gets one column of each name, as a JSONL record gets
    its field overwritten: two would make a file pyarrow cannot read."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"linesift_text": [1, 2], "text": [page(1), page(2)]}), tmp_path / "docs.parquet")
    assert run(str(tmp_path / "docs.parquet"), "--output-dir", str(tmp_path / "once")).exit_code == 0
    once = pq.read_table(tmp_path / "once" / "docs.parquet")
    assert once.schema.names == ["text", "linesift_text"] and once.column("text").to_pylist() == [page(1), page(2)]
    assert once.column("linesift_text").to_pylist() == [MODEL.clean(page(1)), MODEL.clean(page(2))]
    assert run(str(tmp_path / "once" / "docs.parquet"), "--spans", "--output-dir", str(tmp_path / "twice")).exit_code == 0
    twice = pq.read_table(tmp_path / "twice" / "docs.parquet")
    assert twice.schema.names == ["text", "linesift_text", "linesift_spans", "linesift_cut", "linesift_blocks"]
    assert twice.column("linesift_text").equals(once.column("linesift_text"))


def test_a_jsonl_field_holding_an_html_page_is_cleaned_as_html(tmp_path: Path) -> None:
    shard = tmp_path / "crawl.jsonl"
    shard.write_text(json.dumps({"id": 1, "html": html_page(6)}) + "\n" + json.dumps({"id": 2, "html": page(3)}) + "\n")
    records = [json.loads(line) for line in run(str(shard), "--text-field", "html", "--spans").stdout.splitlines()]
    assert records[0]["linesift_text"] == HTML_MODEL.clean_html(html_page(6))
    blocks = records[0]["linesift_blocks"]
    assert blocks == "\n".join(parse_html_page(html_page(6)).lines)
    assert [blocks[start:end] for start, end, _ in records[0]["linesift_spans"]] == blocks.split("\n")
    assert records[1]["linesift_text"] == MODEL.clean(page(3)) and "linesift_blocks" not in records[1]


def test_a_warc_file_with_no_page_in_it_is_an_error_not_a_silent_success(tmp_path: Path) -> None:
    (tmp_path / "requests.warc").write_bytes(
        warc_record("warcinfo", b"software: test\r\n", content_type="application/warc-fields")
        + warc_record("request", b"GET / HTTP/1.1\r\n\r\n", content_type="application/http; msgtype=request"))
    result = run(str(tmp_path / "requests.warc"))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"error: {tmp_path / 'requests.warc'}: nothing to clean: no page, nor any record holding one\n"


# An article's body as a scraper keeps it: an element's inner HTML, with no <html> around it.
FRAGMENT = ('<div class="article"><h1>Local bakery wins award</h1><p>A family bakery in the old town has won the regional '
            'prize for the best sourdough, beating forty other entries from across the county.</p><p>The owners said they '
            'would use the prize money to train two new apprentices next year.</p></div><div class="share"><a href="#">'
            'Share on Facebook</a> <a href="#">Tweet</a></div>')


# A README: Markdown under an HTML banner, whose lines an HTML parser would run together.
README = ('<p align="center">\n  <img src="logo.png" alt="Kettle">\n</p>\n\n# Kettle\n\nKettle boils water for you, on time, '
          'every morning.\n\n## Install\n\nRun `pip install kettle`, then `kettle init` in your kitchen folder.\n\n## Use\n\n'
          'Call `kettle boil` before you wake up, and the water is ready when you are.\n')


@pytest.mark.parametrize("fragment", [FRAGMENT, FRAGMENT.replace("><", ">\n  <")], ids=["one-line", "pretty-printed"])
def test_a_field_holding_an_html_fragment_is_cleaned_as_html(tmp_path: Path, fragment: str) -> None:
    shard = tmp_path / "bodies.jsonl"
    shard.write_text(json.dumps({"text": fragment}) + "\n")
    cleaned_html = HTML_MODEL.clean_html(fragment)
    assert "two new apprentices" in cleaned_html and "Share on Facebook" not in cleaned_html
    assert json.loads(run(str(shard)).stdout)["linesift_text"] == cleaned_html
    # Read as text the one-line fragment was one line, and dropped whole.
    assert MODEL.clean(FRAGMENT) == ""


@pytest.mark.parametrize("text", ["<p>Open the lid, then press the button twice.", "<b>Note:</b> the meeting moved to Tuesday.",
                                  "The <div> element holds a block; close it with </div> when the block ends.", README])
def test_text_that_opens_a_tag_without_closing_a_block_stays_text(tmp_path: Path, text: str) -> None:
    shard = tmp_path / "notes.jsonl"
    shard.write_text(json.dumps({"text": text}) + "\n")
    assert json.loads(run(str(shard)).stdout)["linesift_text"] == MODEL.clean(text)
    assert "linesift_blocks" not in json.loads(run(str(shard), "--spans").stdout)


def test_parquet_without_output_dir_gives_jsonl(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"text": [page(1), page(2)], "n": [1, 2]}), tmp_path / "docs.parquet")
    out = read_jsonl(run(str(tmp_path / "docs.parquet")).stdout)
    assert [(r["n"], r["linesift_text"]) for r in out] == [(1, MODEL.clean(page(1))), (2, MODEL.clean(page(2)))]


def test_several_inputs_go_to_stdout_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(page(1))
    write_jsonl(tmp_path / "b.jsonl", [{"text": page(2)}])
    result = run(str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl"))
    first, second = result.stdout.split("\f\n")  # the page, then the records, parted as pages are
    assert first == cleaned(page(1)) and json.loads(second)["linesift_text"] == MODEL.clean(page(2))


def test_per_line_format_applies_to_pages_only(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text(page(2))
    write_jsonl(tmp_path / "docs.jsonl", [{"text": page(1)}])
    *lines, record = read_jsonl(run(str(tmp_path / "p.txt"), str(tmp_path / "docs.jsonl"), "--format", "jsonl").stdout)
    assert [line["text"] for line in lines] == page(2).split("\n")
    assert record == {"text": page(1), "linesift_text": MODEL.clean(page(1))}


def test_a_jsonl_text_with_a_lone_surrogate_is_written_back_escaped(tmp_path: Path) -> None:
    # JSON may escape a lone surrogate, which UTF-8 cannot hold: the record comes back escaped, not as a crash.
    text = "caf\ud800 is half a character, and the rest of this sentence is plain text."
    shard = tmp_path / "odd.jsonl"
    shard.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
    result = run(str(shard))
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["text"] == text and record["linesift_text"] == MODEL.clean(text)
    out = tmp_path / "out"
    assert run(str(shard), "--output-dir", str(out)).exit_code == 0
    assert json.loads((out / "odd.jsonl").read_text(encoding="utf-8"))["text"] == text


def test_explain_shows_a_pages_control_characters_without_sending_them(tmp_path: Path) -> None:
    """A page's escape sequences went to the terminal inside explain's tables (a title set, colours); they are shown
    as their Unicode pictures, as the report shows them."""
    (tmp_path / "page.txt").write_text("Hello \x1b[31mRED\x1b[0m world, a sentence of prose to keep.\n"
                                       "\x1b]0;pwned\x07Title\n", encoding="utf-8")
    for shown in ([], ["--line", "2"]):
        result = runner.invoke(app, ["explain", str(tmp_path / "page.txt"), *shown])
        assert result.exit_code == 0 and "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\u241b]0;pwned\u2407Title" in result.stdout


def test_explain_shows_a_record_with_a_lone_surrogate(tmp_path: Path) -> None:
    text = "caf\ud800 is half a character, and the rest of this sentence is plain text."
    shard = tmp_path / "odd.jsonl"
    shard.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
    for shown in ([], ["--line", "1"]):
        result = runner.invoke(app, ["explain", str(shard), "--record", "1", *shown])
        assert result.exit_code == 0 and result.exception is None, result.output
        assert "caf\ufffd" in result.stdout  # shown as U+FFFD, in a table cell or whole
    result = runner.invoke(app, ["explain", str(shard), "--record", "1", "--format", "jsonl"])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert json.loads(result.stdout)["text"] == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
@pytest.mark.parametrize("from_stdin", [False, True])
def test_jsonl_with_a_utf16_or_utf32_byte_order_mark_is_read_as_its_text(tmp_path: Path, encoding: str, from_stdin: bool) -> None:
    """Windows PowerShell and Notepad save "Unicode" as UTF-16. Split at its bytes, the first record read as invalid
    JSON ("truncated data"); from stdin, the file was cleaned as one text page of JSON."""
    records = [{"text": page(1), "id": "a"}, {"text": "Línea uno del consejo municipal que votó el martes.", "id": "b"}]
    data = "".join(json.dumps(record, ensure_ascii=False) + "\r\n" for record in records).encode(encoding)
    shard = tmp_path / "shard.jsonl"
    shard.write_bytes(data)
    result = run("-", stdin=data) if from_stdin else run(str(shard))
    assert result.exit_code == 0, result.stderr
    assert [(r["id"], r["linesift_text"]) for r in read_jsonl(result.stdout)] == [(r["id"], MODEL.clean(r["text"])) for r in records]


def test_jsonl_in_utf16_cut_inside_a_character_names_the_record(tmp_path: Path) -> None:
    shard = tmp_path / "cut.jsonl"
    shard.write_bytes('{"text": "The council voted."}\n'.encode("utf-16")[:7])
    result = run(str(shard))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: {shard}: record 1: cannot read (") and "truncated data" in result.stderr
