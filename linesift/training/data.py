"""Labelled pages: the JSONL format every corpus in ``seeds/`` uses, and its loader.

One page per row: ``{"id": str, "source": str, "lines": [str, ...], "labels": [1 | 0 | null, ...]}``
where ``lines`` is :func:`linesift.model.segment.split_lines` of the page text, 1 marks content, 0
noise, and null a blank line. Optional fields: ``domain`` (pages of one site share a fold in
cross-validation), ``page_type``, ``renderer``, ``convention`` (how the text is laid out, see
:mod:`linesift.training.conventions`), ``title``, ``main_content`` (the gold text, for the benchmark's word F1),
``structure`` (for a page parsed from HTML: what the markup says of each line, see
:class:`linesift.model.structure.Structure`). Files may be compressed with gzip or zstd, told by their first bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import zstandard

from linesift.io.compression import open_decompressed
from linesift.limits import PageTooLargeError, check_page_size
from linesift.model.segment import Page, continues, laid_out
from linesift.model.structure import Structure
from linesift.training.progress import Progress, no_progress

PATTERNS = ("*.jsonl", "*.jsonl.gz", "*.jsonl.zst")
BLANK = -1  # label of a blank line in the arrays used for training


class DataError(ValueError):
    """Labelled data that cannot be used, naming the file and record."""


class MissingDataError(DataError):
    """No labelled data where the user pointed: a path that does not exist, or a folder without data files."""


@dataclass(frozen=True, slots=True)
class LabelledPage:
    id: str
    lines: list[str]
    labels: np.ndarray  # int8 per line: 1 content, 0 noise, BLANK for blank lines
    source: str = ""
    domain: str = ""
    page_type: str = ""
    renderer: str = ""
    main_content: str | None = None
    convention: str = ""  # how the text is laid out (see linesift.training.conventions); "" as the file has it
    structure: Structure | None = None  # what the markup says of each line, for a page parsed from HTML
    continued: np.ndarray | None = None  # per line: a piece of the line before's line of the text (see read_as_text)

    @property
    def group(self) -> str:
        """Pages of one site are held out together: a model must not be tested on a site it has seen."""
        return self.domain or self.id

    def text_page(self) -> Page:
        """The page of its lines, as the model scores it."""
        return Page.from_lines(self.lines, self.continued)

    def read_as_text(self) -> LabelledPage:
        """This page as cleaning its text reads it (:meth:`Page.from_text`): a line holding most of the page cut into
        its pieces (see :mod:`linesift.model.pieces`), each labelled as its line. A page parsed from HTML is its
        blocks, read as they are."""
        pieced = None if self.structure is not None else laid_out(self.lines, np.fromiter(map(len, self.lines), np.int64))
        if pieced is None:
            return self
        lines, line_of = pieced
        return replace(self, lines=lines, labels=self.labels[line_of], continued=continues(line_of))


def data_files(paths: Sequence[Path]) -> list[Path]:
    """Expand directories into their labelled-data files (sorted); files are taken as given, each once however often
    it is named (a file and its directory, say)."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted({f for pattern in PATTERNS for f in path.glob(pattern)}))
        elif path.is_file():
            files.append(path)
        elif path.exists():  # a device or a pipe: read twice (its pages, then its hash), and /dev/zero never ends
            raise DataError(f"{path}: not a regular file: labelled data must be a file")
        else:
            raise MissingDataError(f"{path}: no such file or directory")
    if not files:
        raise MissingDataError(f"no labelled data (*.jsonl, *.jsonl.gz, *.jsonl.zst) in {', '.join(str(p) for p in paths)}")
    first_of: dict[Path, Path] = {}
    for file in files:
        first_of.setdefault(file.resolve(), file)
    return list(first_of.values())


def data_sha256(files: Iterable[Path]) -> str:
    """SHA-256 over the bytes of the files in order: it identifies what a model was trained on."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


def _open(path: Path) -> io.TextIOWrapper:
    """The file's text, gzip or zstd told by its first bytes, as predict tells them."""
    return io.TextIOWrapper(open_decompressed(path.open("rb")), encoding="utf-8")


def parse_page(row: object, where: str) -> LabelledPage:
    if not isinstance(row, dict):
        raise DataError(f"{where}: a labelled page must be a JSON object")
    lines, labels = row.get("lines"), row.get("labels")
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise DataError(f"{where}: 'lines' must be a list of strings")
    # A line as predict splits a page holds no line break: one that did would teach the model lines it never meets.
    broken = next((index for index, line in enumerate(lines) if "\n" in line or "\r" in line), None)
    if broken is not None:
        raise DataError(f"{where}: line {broken + 1} holds a line break: give each line of the page as its own entry")
    # As predict refuses such a page: one over the limits took 1.4 GB to learn from (docs/limits.md).
    try:
        check_page_size("\n".join(lines))
    except PageTooLargeError as error:
        raise DataError(f"{where}: {error}") from None
    if not isinstance(labels, list) or len(labels) != len(lines):
        raise DataError(f"{where}: 'labels' must be a list with one label per line ({len(lines)})")
    values = np.empty(len(lines), dtype=np.int8)
    for index, (line, label) in enumerate(zip(lines, labels)):
        if not line.strip():
            if label is not None:
                raise DataError(f"{where}: line {index + 1} is blank, its label must be null (a blank line only "
                                f"separates blocks: it is neither content nor noise), got {label!r}")
            values[index] = BLANK
        elif label in (0, 1) and not isinstance(label, bool):
            values[index] = label
        else:
            raise DataError(f"{where}: line {index + 1} is not blank, its label must be 0 or 1, got {label!r}")
    page_id = row.get("id")
    if not isinstance(page_id, str) or not page_id:
        raise DataError(f"{where}: 'id' must be a non-empty string")
    text_fields: dict[str, Any] = {key: row.get(key) or "" for key in ("source", "domain", "page_type", "renderer", "convention")}
    wrong = next((key for key, value in text_fields.items() if not isinstance(value, str)), None)
    if wrong is not None:
        raise DataError(f"{where}: {wrong!r} must be a string, not {type(text_fields[wrong]).__name__}")
    gold = row.get("main_content")
    structure = None
    if row.get("structure") is not None:
        try:
            structure = Structure.from_dict(row["structure"], len(lines))
        except ValueError as error:
            raise DataError(f"{where}: {error}") from None
    return LabelledPage(page_id, lines, values, main_content=gold if isinstance(gold, str) else None,
                        structure=structure, **text_fields)


def load_pages(paths: Sequence[Path], progress: Progress = no_progress) -> list[LabelledPage]:
    """All labelled pages in ``paths`` (files or directories), in file order then row order."""
    pages: list[LabelledPage] = []
    files = data_files(paths)
    for done, file in enumerate(files):
        progress("reading data", done, len(files))
        before = len(pages)
        try:
            with _open(file) as stream:
                for number, raw in enumerate(stream, start=1):
                    if not raw.strip():
                        continue
                    where = f"{file}: record {number}"
                    try:
                        row = json.loads(raw)
                    except json.JSONDecodeError as error:
                        raise DataError(f"{where}: not valid JSON ({error.msg})") from None
                    pages.append(parse_page(row, where))
        except (OSError, EOFError, UnicodeDecodeError, zlib.error, zstandard.ZstdError) as error:
            raise DataError(f"{file}: cannot read ({error})") from None
        if len(pages) == before:
            raise DataError(f"{file}: no labelled pages: the file is empty or holds only blank lines")
    return pages


def describe_files(files: Sequence[Path]) -> str:
    """The data files as messages name them."""
    return ", ".join(str(file) for file in files)


def _label_counts(pages: Sequence[LabelledPage]) -> tuple[int, int]:
    """Labelled lines of ``pages``: (content, noise)."""
    content = sum(int(np.count_nonzero(page.labels == 1)) for page in pages)
    noise = sum(int(np.count_nonzero(page.labels == 0)) for page in pages)
    return content, noise


def _missing_class(content: int, noise: int) -> str:
    """What labels with ``content`` and ``noise`` lines (one of them 0) lack."""
    if content:
        return f"all {content} labelled lines are content (1), none is noise (0)"
    if noise:
        return f"all {noise} labelled lines are noise (0), none is content (1)"
    return "no labelled lines (the pages have only blank lines, or none)"


def check_trainable(pages: Sequence[LabelledPage], where: str) -> None:
    """Refuse ``pages`` (read from ``where``) that a model cannot learn from: no labelled line, or one class only.

    A model fitted on one class would give every line of every page that class.
    """
    check_one_input(pages, where)
    content, noise = _label_counts(pages)
    if not (content and noise):
        raise DataError(f"{where}: {_missing_class(content, noise)}: a model needs content (1) and noise (0) lines to learn from")


def check_one_input(pages: Sequence[LabelledPage], where: str = "the labelled pages") -> None:
    """Refuse ``pages`` that mix pages parsed from HTML (with a structure) and text pages: a model reads one kind."""
    structured = sum(page.structure is not None for page in pages)
    if 0 < structured < len(pages):
        raise DataError(f"{where}: {structured} of {len(pages)} pages were parsed from HTML (they have a 'structure') "
                        "and the others are text: train a model of each kind from its own files")


def check_model_input(pages: Sequence[LabelledPage], model_input: str, where: str) -> None:
    """Refuse ``pages`` (read from ``where``, of one kind: see :func:`check_one_input`) that a model of ``model_input``
    ("text" or "html") does not read: text pages for a model of HTML pages, or pages parsed from HTML for one of text."""
    check_one_input(pages, where)
    if pages and (pages[0].structure is not None) != (model_input == "html"):
        found = "HTML pages parsed into blocks (with a 'structure')" if model_input == "text" else "text pages (no 'structure')"
        hint = "use --input html" if model_input == "text" else "build them with corpus build --renderer blocks"
        raise DataError(f"{where}: these are {found}, not what a model of {model_input} reads: {hint}")


def check_scorable(pages: Sequence[LabelledPage], where: str) -> str | None:
    """Refuse ``pages`` (read from ``where``) with no labelled line to score; a warning when they hold one class only.

    With one class the other's scores are 0 by construction and precision says nothing: only the
    recall of the class present means something.
    """
    content, noise = _label_counts(pages)
    if content and noise:
        return None
    if not (content or noise):
        raise DataError(f"{where}: {_missing_class(content, noise)}: nothing to score")
    present = "content" if content else "noise"
    return f"{where}: {_missing_class(content, noise)}: only the recall of {present} lines means something on this data"
