"""The text of one page, read exactly as ``predict`` reads it, for reports and explanations.

A user who asks why line 5 was dropped must see the line 5 that ``predict --format jsonl`` numbered:
the same decompression, decoding, HTML rendering and size limits, and for records (JSONL, WARC,
Parquet) the text of the record they name.
"""

from __future__ import annotations

from dataclasses import dataclass

from linesift.io.cleaning import document_text
from linesift.io.html import PageRead
from linesift.io.sources import KIND_DESCRIPTIONS, PAGE_KINDS, ReadOptions, Record, Source, input_named, open_source
from linesift.io.text import InputError
from linesift.model.structure import Structure

# WARC records that hold no page: warcinfo, request, metadata, resource, and responses other than HTML.
NOT_A_PAGE = "not a page (a WARC record holding no HTML or text: a request, metadata, an image...)"


@dataclass(frozen=True, slots=True)
class PageText:
    """A page's text; ``where`` names it in messages (the file, and the record if any)."""

    text: str
    where: str
    warning: str | None = None
    structure: Structure | None = None  # an HTML page parsed into blocks: what its markup says of each line


def read_page_text(name: str, options: ReadOptions = ReadOptions(), record: int | None = None,
                   parse_html: bool = False) -> PageText:
    """The text of file ``name`` (``-``: stdin), or of its ``record``-th record (from 1) if it holds records; an
    HTML page is rendered to text, or with ``parse_html`` parsed into blocks with their structure.

    Raises:
        InputError: the file cannot be read, the record is missing or bad, the HTML cannot be
            rendered, or the page is over the size limits; the message names the file and record.
    """
    with open_source(input_named(name), options) as source:
        found = _the_record(source, record)
        read = PageRead("") if found.document is None else document_text(found.document, parse_html)
        if read.problem is not None:
            found = source.bad_record(found.number, read.problem)
        if found.error is not None:
            raise found.error
    where = source.where(found.number)
    warning = found.warning if read.note is None else f"{where}: {read.note}"
    return PageText(read.text, where, warning, read.structure)


def _the_record(source: Source, number: int | None) -> Record:
    name = source.input.name
    if source.kind in PAGE_KINDS:
        if number is not None:
            raise InputError(f"--record {number}: {name} is {KIND_DESCRIPTIONS[source.kind]}, not a file of records")
        return next(source.records())  # a page kind has exactly one record
    if number is None:  # the file's only record, if it has one
        records = source.records()
        first, second = next(records, None), next(records, None)
        if first is not None and second is None:
            return first
        held = "no record" if first is None else "several records"
        raise InputError(f"{name} is {KIND_DESCRIPTIONS[source.kind]} of {held}, one page per record: choose one with "
                         "--record N")
    count = 0
    for record in source.records():
        if record.number == number:
            return record
        if record.number > number:  # a WARC record that holds no page (a request, metadata), a blank JSONL line
            what = "a blank line" if source.kind == "jsonl" else NOT_A_PAGE
            raise InputError(f"{name}: record {number} is {what}")
        count = record.number
    count = max(count, source.records_read)  # a WARC file's last records may hold no page
    if number <= count:
        raise InputError(f"{name}: record {number} is {NOT_A_PAGE}")
    raise InputError(f"--record {number} is out of range: {name} has {count} record(s)")
