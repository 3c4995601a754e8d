"""Clean a whole corpus: every input, every record, streamed through the cleaning processes in order.

One stream of records runs from all inputs through :func:`linesift.io.parallel.clean_stream`, so a
directory of many small pages keeps every process as busy as one large JSONL file does. Each input
is announced by a marker that opens its output, and the previous output is finished (made
visible) when the next input starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import IO, Literal

from linesift.io.cleaning import Document
from linesift.io.outputs import OutputPlan
from linesift.io.parallel import CleanOptions, clean_stream
from linesift.io.sinks import Sink, open_sink, output_relative, separated_on_stdout
from linesift.io.sources import (
    DEFAULT_GLOB,
    PAGE_KINDS,
    BadRecordError,
    Input,
    ReadOptions,
    Record,
    Source,
    check_inputs,
    find_inputs,
    open_source,
)
from linesift.io.text import STDIN, InputError

OnError = Literal["fail", "skip"]
MAX_SKIP_WARNINGS = 20  # then only the summary counts them: a bad shard should not flood the terminal


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Everything a run needs besides its inputs."""

    read: ReadOptions = field(default_factory=ReadOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    output_dir: Path | None = None
    line_records: bool = False  # text and HTML pages: one JSON record per line instead of the kept lines
    on_error: OnError = "fail"
    jobs: int = 1
    pattern: str = DEFAULT_GLOB
    overwrite: bool = False  # replace files already under output_dir (the outputs of an earlier run); never an input


@dataclass(slots=True)
class Summary:
    """What a run did: documents cleaned, those holding any text, input bytes, bad records written through or skipped."""

    inputs: int = 0
    documents: int = 0
    documents_with_text: int = 0  # holding a line to decide: more than white space, or HTML showing some text
    bytes: int = 0
    skipped: int = 0
    skipped_by_input: dict[str, int] = field(default_factory=dict)


# What a run or page with no line to decide holds, said when it is refused.
NO_TEXT = "no text but white space, or HTML that shows none"
Notify = Callable[[str], None]
Progress = Callable[[Summary], None]
_Tag = tuple[Source, Record | None]


def _records(names: list[str], options: RunOptions, plan: OutputPlan | None) -> Iterator[tuple[_Tag, Document | None]]:
    for index, name in enumerate(names):
        walked = name != STDIN and os.path.isdir(name)
        for item in find_inputs([name], options.pattern):
            with _opened(item, options.read, walked) as source:
                if plan is not None:
                    plan.claim(index, item, output_relative(item.relative, source.kind, options.line_records))
                yield (source, None), None
                lines = options.line_records and source.kind in PAGE_KINDS
                for record in source.records():
                    document = record.document
                    yield (source, record), document if document is None or not lines else replace(document, lines=True)


@contextmanager
def _opened(item: Input, options: ReadOptions, walked: bool) -> Iterator[Source]:
    """``item`` opened (see :func:`open_source`). A file found in a directory (``walked``) that cannot be opened, a
    broken link say, is a page whose one record is bad, which ``--on-error skip`` passes over; a file named on the
    command line that cannot be is an error of the command."""
    with ExitStack() as stack:
        try:
            source = stack.enter_context(open_source(item, options))
        except InputError as error:
            if not walked:
                raise
            source = Source.unreadable(item, error, options)
        yield source


def _output_of(item: Input, options: RunOptions) -> PurePosixPath:
    with _opened(item, options.read, walked=True) as source:  # a named file that cannot be opened fails when read
        return output_relative(item.relative, source.kind, options.line_records)


def clean_corpus(
    names: list[str], options: RunOptions, stdout: IO[str], warn: Notify = lambda _: None, progress: Progress = lambda _: None
) -> Summary:
    """Clean every input in ``names`` and write the outputs; raises the first bad record unless ``on_error`` is ``skip``.

    ``warn`` receives one-line warnings (non-UTF-8 pages, skipped records); ``progress`` the running
    summary after every document. Outputs of the input being written when an error stops the run are
    removed; those of earlier inputs are complete.
    """
    check_inputs(names, options.pattern)
    plan = None
    if options.output_dir is not None:
        plan = OutputPlan(names, options.output_dir, options.pattern, lambda item: _output_of(item, options), options.overwrite)
        plan.check()
    summary = Summary()
    after_page = False  # a page went to stdout already: the next input is separated from it
    with ExitStack() as output:
        sink: Sink | None = None
        for (source, record), cleaned in clean_stream(_records(names, options, plan), options.clean, options.jobs):
            if record is None:
                output.close()  # the previous input's output is complete
                summary.inputs += 1
                separated = separated_on_stdout(source, after_page, summary.inputs - 1, options.line_records)
                sink = output.enter_context(open_sink(source, options.output_dir, stdout, options.clean.spans, options.line_records, separated))
                after_page = after_page or (options.output_dir is None and source.kind in PAGE_KINDS)
                continue
            assert sink is not None  # a marker always comes first
            error = record.error
            if error is None and cleaned is not None and cleaned.error is not None:
                error = source.bad_record(record.number, cleaned.error).error
            if error is not None:
                _skip(error, source, record, sink, options, summary, warn)
            else:
                assert cleaned is not None
                if record.warning:
                    warn(record.warning)
                if cleaned.note:
                    warn(f"{source.where(record.number)}: {cleaned.note}")
                sink.write(record, cleaned)
                summary.documents += 1
                summary.documents_with_text += cleaned.text_lines > 0
                summary.bytes += record.size
            progress(summary)
    return summary


def _skip(error: InputError, source: Source, record: Record, sink: Sink, options: RunOptions, summary: Summary, warn: Notify) -> None:
    if options.on_error == "fail":
        raise error
    sink.write_bad(record)
    summary.skipped += 1
    name = source.input.name
    summary.skipped_by_input[name] = summary.skipped_by_input.get(name, 0) + 1
    if summary.skipped <= MAX_SKIP_WARNINGS:
        warn(f"skipped: {error}")
    elif summary.skipped == MAX_SKIP_WARNINGS + 1:
        warn("more bad records: see the summary at the end")


__all__ = ["BadRecordError", "OnError", "RunOptions", "Summary", "clean_corpus"]
