"""Write cleaned documents back in the shape they came in.

=============  ==========================================================================
input          output
=============  ==========================================================================
text, html     the kept lines (or, with ``line_records``, one JSON record per line of
               the page: ``line``, ``text``, ``label``, ``p_content``); HTML pages are
               written as ``NAME.txt`` (``NAME.jsonl``)
jsonl          every input field unchanged, plus ``linesift_text`` (and ``linesift_spans``, ``linesift_cut``;
               ``linesift_blocks``, the blocks the spans index, when the field held an HTML page)
warc           JSONL: ``warc_record_id``, ``url``, ``warc_date``, ``text`` (the WET text or
               the rendered HTML), plus the same added fields; file ``NAME.jsonl``
parquet        Parquet with every input column, plus ``linesift_text`` (string) and
               ``linesift_spans`` (list of ``{start, end, p_content}``), ``linesift_cut``, ``linesift_blocks``
               (null but for rows holding an HTML page), in the input's row groups; JSONL on stdout
               (times in ISO 8601, binary columns in base64)
=============  ==========================================================================

Files under the output directory keep the input's ``.gz``/``.zst`` suffix and are compressed the
same way, and appear only once complete (see :func:`linesift.atomic.atomic_path`). A bad record
is written through: the original line for JSONL, the fields with ``linesift_text: null`` otherwise;
a bad page has no output.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol

from linesift.atomic import atomic_path
from linesift.io.cleaning import BLOCKS_FIELD, CUT_FIELD, P_CONTENT_DIGITS, SPANS_FIELD, TEXT_FIELD, Cleaned
from linesift.io.compression import (
    compressed_writer,
    compression_of_name,
    strip_compression_suffix,
)
from linesift.io.sources import PAGE_KINDS, InputKind, Record, Source
from linesift.model.sifter import Line

# Between text pages on stdout: a line holding only a form feed, as pdftotext puts between pages. A
# page's own output never has such a line (a whitespace-only line is blank, and blank lines are written
# empty), so the pages split exactly at lines equal to it.
PAGE_SEPARATOR = "\f\n"


class Sink(Protocol):
    """Where one input's records go, in input order."""

    def write(self, record: Record, cleaned: Cleaned) -> None: ...

    def write_bad(self, record: Record) -> None: ...


def output_relative(relative: PurePosixPath, kind: InputKind, line_records: bool) -> PurePosixPath:
    """The output's path under the output directory for an input at ``relative``."""
    base = strip_compression_suffix(relative.name)
    compression = relative.name[len(base) :]
    stem = PurePosixPath(base).stem
    if kind == "html":
        base = stem + (".jsonl" if line_records else ".txt")
    elif kind == "warc":
        base = stem + ".jsonl"
    elif kind == "text" and line_records:
        base += ".jsonl"
    return relative.with_name(base + compression)


@contextmanager
def text_output(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 text stream into ``path``, compressed as its name says, there only once complete."""
    with atomic_path(path) as temporary, open(temporary, "wb") as raw, compressed_writer(raw, compression_of_name(path)) as binary:
        stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")  # type: ignore[arg-type]
        try:
            yield stream
        finally:
            stream.detach()  # flushes; the compressor, not the wrapper, then finishes the stream


def page_output(cleaned: Cleaned) -> str:
    """A page's output: its kept lines, or one JSON record per line when the lines were asked for."""
    if cleaned.lines is None:
        return cleaned.text + "\n" if cleaned.text else ""
    return "".join(json.dumps(_line_record(line), ensure_ascii=False) + "\n" for line in cleaned.lines)


def _line_record(line: Line) -> dict:
    record: dict = {"line": line.number, "text": line.text, "label": line.label,
                    "p_content": round(line.p_content, P_CONTENT_DIGITS)}
    if line.repeats_line is not None:
        record["repeats_line"] = line.repeats_line
    if line.piece is not None:
        record["piece"] = line.piece
    if line.code_page:
        record["code_page"] = True
    return record


class PageSink:
    """Text and HTML pages: one output per page, in its own file or on ``stdout``."""

    def __init__(self, target: Path | None, stdout: IO[str]) -> None:
        self._target = target
        self._stdout = stdout

    def write(self, record: Record, cleaned: Cleaned) -> None:
        rendered = page_output(cleaned)
        if self._target is None:
            self._stdout.write(rendered)
            return
        with text_output(self._target) as stream:
            stream.write(rendered)

    def write_bad(self, record: Record) -> None:
        """A page that cannot be cleaned has nothing worth writing; the run's summary counts it."""


def _text_cleaned(record: Record, cleaned: Cleaned) -> str | None:
    """The text that was cleaned: what the record's HTML rendered to, or the record's own text."""
    if cleaned.rendered is not None:
        return cleaned.rendered
    return None if record.document is None else record.document.text


class JsonlSink:
    """Records to JSON lines: input fields first, then the added ones."""

    def __init__(self, stream: IO[str], kind: InputKind) -> None:
        self._stream = stream
        self._kind = kind

    def _added(self, record: Record, cleaned: Cleaned | None) -> dict[str, Any]:
        added: dict[str, Any] = {}
        if self._kind == "warc":
            added["text"] = None if cleaned is None else _text_cleaned(record, cleaned)
        added[TEXT_FIELD] = None if cleaned is None else cleaned.text
        if cleaned is not None and cleaned.spans is not None:
            added[SPANS_FIELD] = cleaned.spans
            added[CUT_FIELD] = cleaned.cut
            if self._kind != "warc" and cleaned.rendered is not None:
                added[BLOCKS_FIELD] = cleaned.rendered
        return added

    def _fields(self, record: Record, cleaned: Cleaned | None) -> dict[str, Any]:
        if self._kind == "parquet":
            place = record.payload
            fields = place.batch.slice(place.row, 1).to_pylist()[0]
        elif isinstance(record.payload, bytes):  # a JSONL record's line
            fields = json.loads(record.payload)
        else:
            fields = dict(record.payload)
        fields.update(self._added(record, cleaned))  # a field of ours already there keeps its place
        return fields

    def write(self, record: Record, cleaned: Cleaned) -> None:
        # A JSONL record is written as it came, the added fields after its last: its numbers as they were written
        # (1e400, 1.0000000000000001), which a parsed record would write back changed, and no time spent writing its
        # text again. A record holding a field of ours already comes parsed, and ours replace it.
        if isinstance(record.payload, bytes):
            added = self._added(record, cleaned)
            # A lone surrogate in the cleaned text (the record's "\ud800") is written escaped, as the record has it.
            for ascii_only in (False, True):
                try:
                    self._stream.write(_appended(record.payload, json.dumps(added, ensure_ascii=ascii_only)))
                    return
                except UnicodeEncodeError:
                    continue
        # Parsed: a record holding a field of ours, or one whose bytes are half a surrogate pair.
        write_json_line(self._stream, self._fields(record, cleaned))

    def write_bad(self, record: Record) -> None:
        if self._kind == "jsonl":
            line = record.payload.decode("utf-8", errors="replace") if isinstance(record.payload, bytes) else ""
            self._stream.write(line if line.endswith("\n") else line + "\n")
        elif record.payload is not None:
            write_json_line(self._stream, self._fields(record, None))


def _appended(line: bytes, added: str) -> str:
    """The JSON object ``line`` (bytes, as ``json.loads`` reads them) with the object ``added`` (JSON text) after its
    last field, on one line."""
    text = line.decode(json.detect_encoding(line), "surrogatepass").rstrip()
    body = text[:-1].rstrip()  # without its closing brace
    return f"{body}{'' if body.endswith('{') else ', '}{added[1:]}\n"


def write_json_line(stream: IO[str], fields: dict[str, Any]) -> None:
    """``fields`` as one line of JSON, its characters as they are, or escaped where ``stream`` cannot take them."""
    try:
        stream.write(json.dumps(fields, ensure_ascii=False, default=_json_value) + "\n")
    except UnicodeEncodeError:
        # A lone surrogate (JSON's "\ud800" escape holds one) or an output that is not UTF-8: the
        # record is written with escapes, which read back as the same strings.
        stream.write(json.dumps(fields, ensure_ascii=True, default=_json_value) + "\n")


def _json_value(value: Any) -> str:
    """A Parquet value JSON has no type for, as JSON exports write it: times in ISO 8601, bytes in base64 (a Python
    ``b'...'`` would be read back as text), decimals and the rest as their text."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return str(value)


class NoOutput:
    """An input that could not be opened as its kind: nothing to write, the error says why."""

    def write(self, record: Record, cleaned: Cleaned) -> None:
        raise AssertionError("an unreadable input has no records to clean")

    def write_bad(self, record: Record) -> None:
        """Counted by the run's summary; there is no record to write through."""


class ParquetSink:
    """Parquet to Parquet, batch by batch: the input's columns untouched, the added ones appended (in place of
    columns of the same names)."""

    def __init__(self, path: Path, schema: Any, spans: bool) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self._spans = spans
        span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("p_content", pa.float64())])
        added = [pa.field(TEXT_FIELD, pa.string())]
        if spans:
            added += [pa.field(SPANS_FIELD, pa.list_(span)), pa.field(CUT_FIELD, pa.float64()),
                      pa.field(BLOCKS_FIELD, pa.string())]
        # A column of ours already there (a file cleaned before) is replaced, as a JSONL record's field is: two
        # columns of one name make a file pyarrow cannot read back.
        ours = {field.name for field in added}
        self._kept = [k for k, field in enumerate(schema) if field.name not in ours]
        self._schema = pa.schema([schema.field(k) for k in self._kept] + added, metadata=schema.metadata)
        self._writer = pq.ParquetWriter(str(path), self._schema)
        self._texts: list[str | None] = []
        self._span_rows: list[list[dict[str, float]] | None] = []
        self._cuts: list[float | None] = []
        self._blocks: list[str | None] = []
        self._group: list[Any] = []  # the input row group's batches cleaned so far

    def _add(self, record: Record, cleaned: Cleaned | None) -> None:
        place = record.payload
        spans = None if cleaned is None else cleaned.spans
        self._texts.append(None if cleaned is None else cleaned.text)
        self._span_rows.append(None if spans is None else [{"start": s, "end": e, "p_content": p} for s, e, p in spans])
        self._cuts.append(None if cleaned is None else cleaned.cut)
        self._blocks.append(None if cleaned is None else cleaned.rendered)
        if place.row == place.batch.num_rows - 1:
            columns = [*map(place.batch.column, self._kept), self._pa.array(self._texts, self._pa.string())]
            if self._spans:
                columns.append(self._pa.array(self._span_rows, self._schema.field(SPANS_FIELD).type))
                columns.append(self._pa.array(self._cuts, self._pa.float64()))
                columns.append(self._pa.array(self._blocks, self._pa.string()))
            self._group.append(self._pa.RecordBatch.from_arrays(columns, schema=self._schema))
            self._texts, self._span_rows, self._cuts, self._blocks = [], [], [], []
        if place.ends_group:
            # One write a row group: each write is a row group of its own.
            self._writer.write_table(self._pa.Table.from_batches(self._group, schema=self._schema),
                                     row_group_size=sum(batch.num_rows for batch in self._group))
            self._group = []

    def write(self, record: Record, cleaned: Cleaned) -> None:
        self._add(record, cleaned)

    def write_bad(self, record: Record) -> None:
        if record.payload is not None:
            self._add(record, None)

    def close(self) -> None:
        self._writer.close()


def separated_on_stdout(source: Source, pages_before: bool, inputs_before: int, line_records: bool) -> bool:
    """Whether ``source``'s output on stdout is parted from the input before it by :data:`PAGE_SEPARATOR`: text pages
    are, from each other and from the records of a JSONL, WARC or Parquet input among them (``pages_before``: a page
    was written before), but records alone run on as one JSONL stream, and so does ``--format jsonl``."""
    return inputs_before > 0 and not line_records and (source.kind in PAGE_KINDS or pages_before)


@contextmanager
def open_sink(source: Source, output_dir: Path | None, stdout: IO[str], spans: bool, line_records: bool,
              separated: bool = False) -> Iterator[Sink]:
    """The sink for ``source``'s records; a file output appears only if the block completes.

    Written to ``stdout`` and ``separated`` from the input before (see :func:`separated_on_stdout`), its output is
    preceded by :data:`PAGE_SEPARATOR`, even when it cannot be cleaned, so that the n-th piece of the output is the
    n-th input's.
    """
    target = None if output_dir is None else output_dir / output_relative(source.input.relative, source.kind, line_records)
    if target is None and separated:
        stdout.write(PAGE_SEPARATOR)
    parquet = source.parquet  # a Parquet file, the reason it cannot be read, or None for other kinds
    if source.kind in PAGE_KINDS:
        yield PageSink(target, stdout)
    elif isinstance(parquet, str):
        yield NoOutput()
    elif target is None:
        yield JsonlSink(stdout, source.kind)
    elif parquet is not None:
        with atomic_path(target) as temporary:
            sink = ParquetSink(temporary, parquet.schema_arrow, spans)
            try:
                yield sink
            finally:
                sink.close()
    else:
        with text_output(target) as stream:
            yield JsonlSink(stream, source.kind)
