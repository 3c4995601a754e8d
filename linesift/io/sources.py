"""Find the inputs of a run and stream their documents, one :class:`Record` at a time.

An input is a file (``-`` for stdin) or every file under a directory. Its kind comes from
magic bytes first (Parquet's ``PAR1``, ``WARC/`` after gzip or zstd are undone), then from its name
with any ``.gz``/``.zst`` suffix removed, and can be forced with ``input_format``:

========  ====================================  ==========================================
kind      recognised by                         documents
========  ====================================  ==========================================
text      anything else                         the whole file is one page
html      ``.html``, ``.htm``; otherwise, a     the whole file, parsed into blocks
          ``<!doctype html>`` or ``<html>`` start
jsonl     ``.jsonl``, ``.ndjson``; on stdin,    one per line, the ``text_field`` string
          first lines that are JSON objects
warc      ``WARC/`` magic, ``.warc``, ``.wet``  conversion records (WET) and HTML responses
parquet   ``PAR1`` magic, ``.parquet``          one per row, the ``text_field`` column
========  ====================================  ==========================================

Nothing is read ahead of need: records are generated while the file is read, so memory does not
grow with the file. A record that cannot be used (bad JSON, missing or non-string text, a
truncated stream, a broken WARC record) is still yielded, carrying a :class:`BadRecordError`, so
that the caller decides, in input order, whether to stop or to write it through.
"""

from __future__ import annotations

import fnmatch
import gzip
import io
import json
import os
import re
import stat
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, Literal

import zstandard

from linesift.io.cleaning import ADDED_FIELDS, Document
from linesift.io.compression import READ_SIZE, open_decompressed, strip_compression_suffix
from linesift.io.text import (
    STDIN,
    STDIN_NAME,
    InputError,
    MissingExtraError,
    bom_encoding,
    decode_text,
    open_binary,
    stdin,
    utf8_lines,
)
from linesift.limits import MAX_PAGE_BYTES

if TYPE_CHECKING:
    from pyarrow.parquet import ParquetFile

InputKind = Literal["text", "html", "jsonl", "warc", "parquet"]
PAGE_KINDS = frozenset({"text", "html"})  # one file, one page: the output is a page too
KIND_DESCRIPTIONS: dict[InputKind, str] = {  # for messages: "shard.jsonl is JSONL"
    "text": "a text page",
    "html": "an HTML page",
    "jsonl": "JSONL",
    "warc": "a WARC file",
    "parquet": "a Parquet file",
}
DEFAULT_GLOB = "*"  # scrapers often save pages under bare hashes, so no extension is required
DEFAULT_TEXT_FIELD = "text"
STDIN_OUTPUT = "stdin"
PARQUET_MAGIC = b"PAR1"
WARC_MAGIC = b"WARC/"
# An HTML page opens, after a byte order mark, blanks and comments, with its doctype or <html> tag: what a
# crawler saves and ``curl`` prints, whatever the file is called (``index.php``, a page on stdin).
# A byte order mark, blanks, an XML declaration (XHTML) and comments.
_PREAMBLE = rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
# A page opens with its doctype or <html>, or, with both left out as HTML allows, with its <head> or <body> or an
# element of the head.
HTML_START = re.compile(_PREAMBLE + rb"<(?:!doctype\s+html|(?:html|head|body|meta|title)[\s>/])", re.IGNORECASE | re.DOTALL)
# A record's field may hold a fragment of a page instead (an element's inner HTML, as scrapers keep an article's
# body): it opens with a block element's start tag and closes a block element soon after, and most of its lines
# hold a tag. Text that only mentions a tag, or Markdown under an HTML banner (a README's logo and badges), does not.
_BLOCK_TAG = rb"(?:address|article|aside|blockquote|body|div|dl|figure|footer|form|h[1-6]|header|main|nav|ol|p|pre|section|table|ul)"
HTML_FRAGMENT_START = re.compile(_PREAMBLE + rb"<" + _BLOCK_TAG + rb"[\s>/].*?</" + _BLOCK_TAG + rb"\s*>", re.IGNORECASE | re.DOTALL)
FRAGMENT_MIN_TAGGED_SHARE = 0.5  # of a fragment's non-blank lines that hold a tag
_NON_BLANK_LINE = re.compile(r"^[ \t]*\S", re.MULTILINE)
_LINE_WITH_TAG = re.compile(r"^[^\n]*?</?[A-Za-z]", re.MULTILINE)
HTML_SNIFF_BYTES = 1024
PARQUET_BATCH_ROWS = 256  # rows read at once: a few MB of page text
PARQUET_EXTRA = "parquet"
SNIFF_JSON_LINES = 5  # first lines of stdin that must all be JSON objects for it to be read as JSONL
_KIND_BY_SUFFIX: dict[str, InputKind] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".wet": "warc",
    ".parquet": "parquet",
}
# What a damaged compressed stream raises while it is read.
_STREAM_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error, zstandard.ZstdError, OSError)


class BadRecordError(InputError):
    """Data inside an input that cannot be used; the message names the file and the record."""


@dataclass(frozen=True, slots=True)
class Input:
    """One input file: ``name`` for messages, ``relative`` for the output's path under the output dir."""

    name: str
    path: str
    relative: PurePosixPath


@dataclass(frozen=True, slots=True)
class Record:
    """One document of an input, with what an output needs to write it back.

    ``payload`` depends on the kind: the line for JSONL (the JSON object when it holds a field the output adds), the
    WARC header fields for WARC, a :class:`ParquetRow` for Parquet, ``None`` for pages. ``document`` is
    ``None`` when ``error`` says why the record cannot be cleaned.
    """

    number: int
    document: Document | None
    payload: Any = None
    error: InputError | None = None
    warning: str | None = None
    size: int = 0


def find_inputs(names: list[str], pattern: str = DEFAULT_GLOB) -> Iterator[Input]:
    """The files named, and those under each directory named whose file name matches ``pattern``.

    Directories are walked in sorted order, one directory at a time, so a crawl-sized tree is never
    listed whole; hidden files and directories (starting with ``.``) are skipped.
    """
    for name in names:
        if name != STDIN and os.path.isdir(name):
            yield from _walk(name, pattern)
        else:
            yield input_named(name)


def input_named(name: str) -> Input:
    """The input of a file named on the command line, or of stdin (``-``)."""
    if name == STDIN:
        return Input(STDIN_NAME, STDIN, PurePosixPath(STDIN_OUTPUT))
    return Input(name, name, PurePosixPath(Path(name).name))


def _walk(root: str, pattern: str) -> Iterator[Input]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        yield from _matching(root, directory, files, pattern)


def _matching(root: str, directory: str, files: list[str], pattern: str) -> Iterator[Input]:
    for file in sorted(files):
        if not file.startswith(".") and fnmatch.fnmatch(file, pattern):
            path = os.path.join(directory, file)
            if _is_special(path):
                continue
            yield Input(path, path, PurePosixPath(Path(os.path.relpath(path, root)).as_posix()))


def _is_special(path: str) -> bool:
    """Whether ``path`` (or what it links to) is a named pipe, a device or a socket: opening a pipe in a directory
    waits for a writer that may never come, and a device such as ``/dev/zero`` never ends. Named on the command
    line, they are read."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # a broken link: read, it says why it cannot be
        return False


def inputs_in(root: str, relative: PurePosixPath, pattern: str = DEFAULT_GLOB) -> Iterator[Input]:
    """The inputs a walk of directory ``root`` finds directly in its subdirectory ``relative`` (none if it has none)."""
    if any(part.startswith(".") for part in relative.parts):
        return
    directory = os.path.join(root, *relative.parts)
    try:
        files = [entry.name for entry in os.scandir(directory) if not entry.is_dir()]
    except OSError:  # no such subdirectory
        return
    yield from _matching(root, directory, files, pattern)


def check_inputs(names: list[str], pattern: str = DEFAULT_GLOB) -> None:
    """Fail before any work if a named input does not exist, or a named directory holds nothing to clean:
    a typo should not cost hours of cleaning, nor a wrong ``pattern`` pass for a clean corpus."""
    if names.count(STDIN) > 1:  # the second read would find it empty
        raise InputError(f"{STDIN_NAME} ('-') is named {names.count(STDIN)} times: it can be read once")
    # Its output would be written twice, or its pages cleaned twice. Counted, not searched: a shell's glob can name
    # thousands of shards.
    real = [(name, os.path.realpath(name)) for name in names if name != STDIN]
    times = Counter(path for _, path in real)
    twice = next(((name, times[path]) for name, path in real if times[path] > 1), None)
    if twice is not None:
        raise InputError(f"{twice[0]} is named {twice[1]} times (or by another path): name each input once")
    for name in names:
        if name != STDIN and not os.path.exists(name):
            raise InputError(f"{name}: {_why_missing(name)}")
        if os.path.isdir(name) and next(_walk(name, pattern), None) is None:
            raise InputError(f"{name}: no file to clean: none matches --glob {pattern!r} (hidden files and directories are skipped)")


def _why_missing(name: str) -> str:
    """Why ``name``, which does not exist as far as ``os.path.exists`` can tell, cannot be read."""
    try:
        os.stat(name)
    except FileNotFoundError:
        return "no such file"
    except OSError as error:  # a loop of links, a path through a file, a directory not searchable
        return f"cannot read ({error.strerror})"
    return "no such file"


def kind_from_name(name: str) -> InputKind:
    """The kind an input's name suggests: its suffix once any compression suffix is removed."""
    return _KIND_BY_SUFFIX.get(PurePosixPath(strip_compression_suffix(name)).suffix.lower(), "text")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read inputs: forced kind (``None``: detect), the text field, strict UTF-8 for pages."""

    input_format: InputKind | None = None
    text_field: str = DEFAULT_TEXT_FIELD
    strict: bool = False


class Source:
    """An open input: its detected ``kind`` and a generator of its records."""

    def __init__(self, item: Input, kind: InputKind, stream: IO[bytes], options: ReadOptions, problem: str | None = None) -> None:
        self.input = item
        self.kind = kind
        self._stream = stream
        self._options = options
        self._problem = problem  # why the file cannot be read: its one record is bad
        self.records_read = 0  # WARC records read so far, those that hold no page included
        # Opened here rather than when records are read, so that a writer knows the schema up front.
        self.parquet: ParquetFile | str | None = _open_parquet(stream, options.text_field) if kind == "parquet" else None

    @classmethod
    def unreadable(cls, item: Input, error: InputError, options: ReadOptions) -> Source:
        """A file that cannot be opened (a broken link, no permission), as a page whose one record is bad."""
        return cls(item, "text", io.BytesIO(), options, str(error).removeprefix(f"{item.name}: "))

    def records(self) -> Iterator[Record]:
        if self._problem is not None:
            yield self.bad_record(1, self._problem)
            return
        reader = {
            "text": self._page,
            "html": self._page,
            "jsonl": self._jsonl,
            "warc": self._warc,
            "parquet": self._parquet,
        }[self.kind]
        yield from reader()

    def bad_record(self, number: int, reason: str, payload: Any = None) -> Record:
        """A record that cannot be cleaned, with an error naming the file (and the record, if there are several)."""
        return Record(number, None, payload, BadRecordError(f"{self.where(number)}: {reason}"))

    def where(self, number: int) -> str:
        """Record ``number`` as messages name it: the file, and the record if the file holds several."""
        return self.input.name if self.kind in PAGE_KINDS else f"{self.input.name}: record {number}"

    def _page(self) -> Iterator[Record]:
        try:
            data = self._stream.read(MAX_PAGE_BYTES + 1)
        except _STREAM_ERRORS as error:
            yield self.bad_record(1, _stream_problem(error))
            return
        if len(data) > MAX_PAGE_BYTES:
            yield self.bad_record(1, f"more than {MAX_PAGE_BYTES:,} bytes, more than a page linesift cleans at once "
                                     "(see docs/limits.md); split it into smaller documents")
            return
        if self.kind == "html":
            yield Record(1, Document(html=data), size=len(data))
            return
        try:
            text, warning = decode_text(data, self.input.name, self._options.strict)
        except InputError as error:
            yield Record(1, None, error=error)
            return
        yield Record(1, Document(text=text), warning=warning, size=len(data))

    def _jsonl(self) -> Iterator[Record]:
        field = self._options.text_field
        number = 0
        stream = utf8_lines(self._stream, _peek(self._stream, 4))
        while True:
            try:
                line = stream.readline(MAX_PAGE_BYTES + 1)
            except (*_STREAM_ERRORS, UnicodeDecodeError) as error:
                yield self.bad_record(number + 1, _stream_problem(error))
                return
            if not line:
                return
            number += 1
            if not line.strip():  # a blank line between records, or after the last: no record, as JSONL readers skip it
                continue
            if len(line) > MAX_PAGE_BYTES:
                yield self.bad_record(number, f"a line of more than {MAX_PAGE_BYTES:,} bytes, more than a record linesift "
                                              "reads (see docs/limits.md); the rest of the file is not read")
                return
            try:
                fields = json.loads(line)
            except (ValueError, RecursionError) as error:
                yield self.bad_record(number, f"not valid JSON ({_short(error)})", line)
                continue
            if not isinstance(fields, dict):
                yield self.bad_record(number, f"{_json_type(fields)}, not a JSON object", line)
            elif field not in fields:
                yield self.bad_record(number, f"no {field!r} field", line)
            elif not isinstance(fields[field], str):
                yield self.bad_record(number, f"field {field!r} is {_json_type(fields[field])}, not a string", line)
            else:
                # Its line, to be written back as it came, unless it holds a field the output replaces.
                payload = fields if not ADDED_FIELDS.isdisjoint(fields) else line
                yield Record(number, _field_document(fields[field]), payload, size=len(line))

    def _warc(self) -> Iterator[Record]:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        number = 0
        cut = False  # whether the last record read was cut short, and said so
        stream = _WarcStream(self._stream)
        records = iter(ArchiveIterator(stream, parse_http=False))
        while True:
            at = number + 1  # the record a failure is in
            try:
                record = next(records)
                number = self.records_read = at
                if "Content-Length" not in record.headers:  # every record has one: its header was cut short, or is broken
                    yield self.bad_record(number, "truncated or broken: its header has no Content-Length; the records "
                                                  "after it are not read")
                    return
                if record.record_type not in (WarcRecordType.conversion, WarcRecordType.response):
                    # It holds no page, but a file cut inside it is cut all the same: read to its end to know.
                    read, expected = _bytes_left(record.reader), record.content_length
                    cut = read < expected
                    if cut:
                        yield self.bad_record(number, f"truncated: {read} of {expected} content bytes (a record that "
                                                      "holds no page; the file ends there)")
                    continue
                expected = record.content_length  # the record's, HTTP header included
                if record.record_type == WarcRecordType.response:
                    record.parse_http()  # leaves the body's length in content_length
                body = record.reader.read()
                missing = record.content_length - len(body)
            except StopIteration:
                if stream.error is not None and not cut:
                    yield self.bad_record(at, _warc_problem(stream.error))
                return
            except _STREAM_ERRORS as error:
                yield self.bad_record(at, _warc_problem(error))
                return
            headers = {
                "warc_record_id": record.record_id,
                "url": record.headers.get("WARC-Target-URI"),
                "warc_date": record.headers.get("WARC-Date"),
            }
            cut = missing > 0
            if cut:
                yield self.bad_record(number, f"truncated: {expected - missing} of {expected} content bytes", headers)
            elif record.record_type == WarcRecordType.conversion:
                yield Record(number, Document(text=body.decode("utf-8", errors="replace")), headers, size=len(body))
            elif "html" in (record.http_content_type or "").lower():  # media types are case-insensitive
                try:
                    page = _http_body(body, record.http_headers)
                except OSError as error:
                    yield self.bad_record(number, f"cannot decode its HTTP body ({_short(error)})", headers)
                else:
                    yield Record(number, Document(html=page, charset=record.http_charset), headers, size=len(body))

    def _parquet(self) -> Iterator[Record]:
        if isinstance(self.parquet, str):
            yield self.bad_record(1, self.parquet)
            return
        field = self._options.text_field
        number = 0
        assert self.parquet is not None  # opened with the source, as its kind is parquet
        for batch, ends_group in _parquet_batches(self.parquet):
            for row, value in enumerate(batch.column(field).to_pylist()):
                number += 1
                place = ParquetRow(batch, row, ends_group and row == batch.num_rows - 1)
                if isinstance(value, str):
                    yield Record(number, _field_document(value), place, size=len(value))
                else:
                    yield self.bad_record(number, f"column {field!r} is {_json_type(value)}, not a string", place)


@dataclass(frozen=True, slots=True)
class ParquetRow:
    """Where a Parquet record is: its batch, its row there, and whether it is the last row of its row group."""

    batch: Any
    row: int
    ends_group: bool


def _parquet_batches(parquet: Any) -> Iterator[tuple[Any, bool]]:
    """The batches of ``parquet``, a row group at a time, each with whether it is its row group's last, so that the
    output can keep the input's row groups: a reader's parallelism and memory depend on them."""
    for group in range(parquet.num_row_groups):
        batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group])
        batch = next(batches, None)
        while batch is not None:
            following = next(batches, None)
            yield batch, following is None
            batch = following


def _bytes_left(reader: Any) -> int:
    """How many bytes ``reader`` has left, read a block at a time: a record may hold a video."""
    count = 0
    while chunk := reader.read(READ_SIZE):
        count += len(chunk)
    return count


def _http_body(body: bytes, http_headers: Any) -> bytes:
    """An HTTP response's body as the server meant it: without its chunks, uncompressed. wget and proxies keep the
    body as it came over the wire; Common Crawl stores it decoded, and renames the headers that would say otherwise."""
    from fastwarc.stream_io import BrotliReader, ChunkedReader

    if "chunked" in (http_headers.get("Transfer-Encoding") or "").lower():
        body = ChunkedReader(io.BytesIO(body)).read()
    encoding = (http_headers.get("Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        body = _inflated(body, encoding)
    elif encoding == "br":
        body = BrotliReader(io.BytesIO(body)).read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:  # a body that unpacks without end
        raise OSError(f"it unpacks to more than {MAX_PAGE_BYTES:,} bytes")
    return body


def _inflated(body: bytes, encoding: str) -> bytes:
    """A gzip or deflate body unpacked (up to one byte past the page limit). "deflate" is zlib's format, or the raw
    stream some servers send, which browsers take as well; a body that ends before its stream does is an error."""
    zlib_header = len(body) >= 2 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0
    wbits = 16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:
        unpacked = inflater.decompress(body, MAX_PAGE_BYTES + 1)
    except zlib.error as error:
        raise OSError(f"{encoding} data error: {error}") from None
    if not inflater.eof and len(unpacked) <= MAX_PAGE_BYTES:
        raise OSError(f"{encoding} data ends early: the body was cut")
    return unpacked


class _WarcStream(io.RawIOBase):
    """A WARC file's bytes as FastWARC reads them: it asks where the stream is, which a pipe cannot tell (a WARC file
    on stdin), and a read that fails (a gzip member cut short, as at the end of a truncated crawl file) would take the
    records already read in the same chunk with it. So reads are counted, each takes what one read of the stream
    gives up to the failure, and a failed read ends the stream, its ``error`` kept for the record that was cut."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self._stream = stream
        self._position = 0
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        pieces: list[bytes] = []
        wanted = size
        # Piece by piece (a short read would end the archive for FastWARC), so that a failure keeps what came before.
        while self.error is None and wanted != 0:
            try:
                piece = self._stream.read1(wanted)  # type: ignore[attr-defined]
            except _STREAM_ERRORS as error:
                self.error = error
                break
            if not piece:
                break
            pieces.append(piece)
            wanted = wanted - len(piece) if wanted > 0 else wanted
        data = b"".join(pieces)
        self._position += len(data)
        return data

    def tell(self) -> int:
        return self._position


def _open_parquet(stream: IO[bytes], text_field: str) -> ParquetFile | str:
    """A ``pyarrow.parquet.ParquetFile`` with a ``text_field`` column, or the reason there is none."""
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise MissingExtraError(f"Parquet input needs pyarrow: pip install 'linesift[{PARQUET_EXTRA}]' ({error})") from None
    try:
        parquet = pq.ParquetFile(stream)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError, its ArrowIOError an OSError
        return f"not a readable Parquet file ({_short(error)})"
    names = parquet.schema_arrow.names
    if text_field not in names:
        return f"no {text_field!r} column (columns: {', '.join(names)})"
    return parquet


@contextmanager
def open_source(item: Input, options: ReadOptions) -> Iterator[Source]:
    """Open ``item``, undo compression and tell its kind; the stream is closed when the block ends."""
    with open_binary(item.path) as opened:
        kind = options.input_format
        if kind is None and item.path == STDIN:
            kind = _stdin_kind()
        raw = opened if hasattr(opened, "peek") else io.BufferedReader(opened)  # type: ignore[type-var]
        if kind == "parquet" or (kind is None and (_peek(raw).startswith(PARQUET_MAGIC) or kind_from_name(item.name) == "parquet")):
            if item.path == STDIN:  # Parquet is read from its footer, by seeking
                raise InputError(f"{STDIN_NAME}: Parquet cannot be read from stdin: give the file's path")
            yield Source(item, "parquet", raw, options)
            return
        stream = open_decompressed(raw)
        if kind is None:
            kind = "warc" if _peek(stream).startswith(WARC_MAGIC) else kind_from_name(item.name)
            if kind == "text" and _starts_like_html(stream):
                kind = "html"
        yield Source(item, kind, stream, options)


def input_kind(item: Input, options: ReadOptions) -> InputKind | None:
    """The kind ``item`` will be read as, told from its first bytes without using them up;
    ``None`` for a pipe or device other than stdin, whose bytes cannot be read twice."""
    if options.input_format is not None:
        return options.input_format
    if item.path == STDIN:
        return _stdin_kind()
    if not os.path.isfile(item.path):
        return None
    with open_source(item, options) as source:
        return source.kind


def _stdin_kind() -> InputKind:
    """What stdin holds, told as a file's kind is (magic bytes), then JSONL if its first lines are JSON objects, else text.

    Stdin has no name to tell JSONL by, and piping a shard (``zcat x.jsonl.gz |``) is common. The
    bytes read here are given back for the reader that follows.
    """
    stream = stdin()
    with stream.given_back():
        raw = io.BufferedReader(stream)
        if _peek(raw).startswith(PARQUET_MAGIC):
            return "parquet"
        decompressed = open_decompressed(raw)
        if _peek(decompressed).startswith(WARC_MAGIC):
            return "warc"
        if _starts_like_html(decompressed):
            return "html"
        return "jsonl" if _starts_with_json_objects(decompressed) else "text"


def _starts_with_json_objects(stream: IO[bytes]) -> bool:
    """Whether the first ``SNIFF_JSON_LINES`` non-blank lines (all, if fewer) are each a JSON object.

    One line is not enough: a page's text can open with a JSON-LD object left over from its markup.
    """
    seen = 0
    stream = utf8_lines(stream, _peek(stream, 4))
    try:
        while seen < SNIFF_JSON_LINES and (line := stream.readline(MAX_PAGE_BYTES + 1)):
            if not line.strip():
                continue
            if not isinstance(_json_or_none(line), dict):
                return False
            seen += 1
    except (*_STREAM_ERRORS, UnicodeDecodeError):
        pass  # a damaged stream is reported, with its record, when it is read
    return seen > 0


def _field_document(value: str) -> Document:
    """The document of a record's text field: an HTML page when the field holds one (a crawl's ``html``
    column) or a fragment of one (see :data:`HTML_FRAGMENT_START`), else text."""
    head = value[:HTML_SNIFF_BYTES].encode("utf-8", errors="replace")
    if HTML_START.match(head) or (HTML_FRAGMENT_START.match(head) and _count(_LINE_WITH_TAG, value)
                                  >= FRAGMENT_MIN_TAGGED_SHARE * _count(_NON_BLANK_LINE, value)):
        return Document(html=value.encode("utf-8", errors="replace"))
    return Document(text=value)


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Matches of ``pattern`` in ``text``, counted without keeping them (a field may hold a whole page)."""
    return sum(1 for _ in pattern.finditer(text))


def _starts_like_html(stream: IO[bytes]) -> bool:
    """Whether ``stream`` opens as an HTML page does (see :data:`HTML_START`), read without using it up; a page in
    UTF-16 or UTF-32 with a byte order mark is read in its encoding."""
    head = _peek(stream, HTML_SNIFF_BYTES)
    encoding = bom_encoding(head)
    if encoding is not None:
        head = head.decode(encoding, errors="ignore").encode("utf-8")  # the peek may end inside a character
    return HTML_START.match(head) is not None


def _json_or_none(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _peek(stream: IO[bytes], size: int = len(WARC_MAGIC)) -> bytes:
    """The first ``size`` bytes of ``stream`` (or fewer) without consuming them (empty if the stream cannot peek)."""
    peek = getattr(stream, "peek", None)
    try:
        return peek(size)[:size] if peek else b""
    except _STREAM_ERRORS:
        return b""  # a damaged stream is reported, with its record, when it is read


def _warc_problem(error: BaseException) -> str:
    """What stopped a WARC file's reading: FastWARC cannot find the next record after a header it cannot parse (no
    Content-Length, stray bytes) or a gzip member that does not unpack, so the records after it are lost."""
    if isinstance(error, EOFError):  # the file ends there
        return _stream_problem(error)
    return f"{_stream_problem(error)}; the records after it are not read"


def _stream_problem(error: BaseException) -> str:
    if isinstance(error, EOFError):
        return "compressed data ends early (truncated file?)"
    return f"cannot read ({_short(error)})"


def _short(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _json_type(value: object) -> str:
    return {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array", dict: "an object"}.get(
        type(value), type(value).__name__
    )
