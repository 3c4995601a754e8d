"""Refuse, before anything is read or written, an option that none of a run's inputs can use.

Some options fit some kinds of input only: ``--text-field`` names a field of records, ``--spans``
adds a field to records, ``--format jsonl`` turns a page into one record per line, ``--strict``
refuses text pages that are not UTF-8, ``--html-as-text`` and ``--html-model`` say how HTML is read, ``--glob`` chooses files in directories. Given to inputs
of the wrong kind they would be ignored, and a run that ignores what it was asked looks like one
that did it. Inputs can be mixed (a text page beside a JSONL shard), so an option is refused only
when no input can use it. A directory may hold files of any kind and is not listed up front, so an
option given with a directory always stands.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from linesift.io.sources import KIND_DESCRIPTIONS, STDIN, InputKind, ReadOptions, input_kind, input_named
from linesift.io.text import STDIN_NAME, InputError

RECORD_KINDS: frozenset[InputKind] = frozenset({"jsonl", "warc", "parquet"})
LISTED_INPUTS = 3  # inputs named in a message before "and N more"


@dataclass(frozen=True, slots=True)
class KindOption:
    """An option a user gave, the kinds of input it applies to, and what it does, for the message."""

    flag: str
    kinds: frozenset[InputKind]
    does: str
    instead: str = ""  # what to use on the other kinds, if anything


def text_field_option(field: str) -> KindOption:
    return KindOption(f"--text-field {field}", frozenset({"jsonl", "parquet"}), "names the text field of JSONL or Parquet records")


SPANS_OPTION = KindOption("--spans", RECORD_KINDS, "adds each line's span to JSONL, WARC and Parquet records",
                          "for the lines of a page, use --format jsonl")
STRICT_OPTION = KindOption("--strict", frozenset({"text"}), "refuses text pages that are not valid UTF-8",
                           "records and HTML are decoded as their formats say")
# Records may hold an HTML page (a crawl's html field or column, a WARC response): the HTML options fit them too.
HTML_KINDS: frozenset[InputKind] = frozenset({"html", *RECORD_KINDS})
HTML_AS_TEXT_OPTION = KindOption("--html-as-text", HTML_KINDS, "reads HTML pages and records as text")


def html_model_option(path: object) -> KindOption:
    return KindOption(f"--html-model {path}", HTML_KINDS, "cleans HTML pages and records")


LINE_RECORDS_OPTION = KindOption("--format jsonl", frozenset({"text", "html"}), "writes a text or HTML page as one record per line",
                                 "records are written as JSONL already; for their lines, use --spans")


def refuse_unusable_options(names: list[str], read: ReadOptions, given: list[KindOption]) -> None:
    """Raise :class:`InputError` for the first of ``given`` that no input named in ``names`` can use.

    Named files are opened to tell their kind (as the run will: magic bytes, name; stdin's first
    lines, given back afterwards) until every option has found an input to use it; nothing is opened
    when no option is given or a directory is named.
    """
    if not given or any(name != STDIN and os.path.isdir(name) for name in names):
        return
    unused = list(given)
    kinds: list[tuple[str, InputKind | None]] = []
    for name in names:
        item = input_named(name)
        kind = input_kind(item, read)
        kinds.append((item.name, kind))
        unused = [option for option in unused if kind is not None and kind not in option.kinds]
        if not unused:
            return
    raise InputError(_message(unused[0], kinds, read))


def refuse_unused_glob(names: list[str], pattern: str, default: str) -> None:
    """Raise :class:`InputError` when ``pattern`` is not the ``default`` and no input named in ``names`` is a directory,
    whose files it would choose."""
    if pattern != default and not any(name != STDIN and os.path.isdir(name) for name in names):
        raise InputError(f"--glob {pattern} chooses the files taken from directories, but no input is a directory")


def _message(option: KindOption, kinds: list[tuple[str, InputKind | None]], read: ReadOptions) -> str:
    described = [f"{name} is {KIND_DESCRIPTIONS[kind]}" for name, kind in kinds if kind is not None]  # all known, or it would fit
    more = f" and {len(described) - LISTED_INPUTS} more" if len(described) > LISTED_INPUTS else ""
    found = described[0] if len(described) == 1 else f"none of the inputs can use it: {', '.join(described[:LISTED_INPUTS])}{more}"
    hint = f"; {option.instead}" if option.instead else ""
    if read.input_format is None and (STDIN_NAME, "text") in kinds and "jsonl" in option.kinds:
        hint += "; stdin is read as JSONL when its first lines are JSON objects: if it is JSONL, give --input-format jsonl"
    return f"{option.flag} {option.does}, but {found}{hint}"
