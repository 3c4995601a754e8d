"""Build the labelled line corpus: render each page, align its lines to the gold main text.

Two input layouts are read, chosen by what ``source`` contains:

* **WCXB** (``source/ground-truth.jsonl.gz`` or ``.jsonl`` plus ``source/html/NNNN.html.gz``):
  one JSON object per page with ``file_id``, ``main_content`` (gold text), ``title``,
  ``page_type``, ``domain`` and ``url``. Page ids are ``wcxb-NNNN``.
* **A directory of pages** (anything else): ``NAME.html``, ``NAME.htm`` or ``NAME.html.gz``, each
  with ``NAME.txt`` next to it holding the gold main text (UTF-8), and optionally ``NAME.json``
  with any of ``title``, ``url``, ``page_type``, ``domain``. Page ids are ``NAME``. A page with
  no ``NAME.txt`` is skipped and reported.

Each output file ``OUT/<prefix>.<renderer>.jsonl.gz`` (prefix defaults to the source directory's
name) holds one JSON object per page: ``id``, ``source``, ``renderer``, ``lines`` (exactly
:func:`linesift.model.segment.split_lines` of the rendered text), ``labels`` (1, 0, or null for
a blank line, see :mod:`linesift.training.align`), ``page_type``, ``domain``, ``url``, ``title``
and ``main_content``. With the ``blocks`` renderer the lines are the page's blocks
(:func:`linesift.model.dom.parse_html_page`) and each row has their ``structure`` too. Pages that cannot be labelled are skipped with a reason, counted in the
returned :class:`CorpusSummary`, never dropped silently.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from joblib import Parallel, delayed

from linesift.atomic import atomic_path, check_replaceable
from linesift.io.render import (
    DEFAULT_RENDERER,
    RENDERERS,
    RenderError,
    decode_html,
    render_html,
)
from linesift.model.dom import parse_html_page
from linesift.model.links import lines_as_read
from linesift.model.segment import split_lines
from linesift.mojibake import repair_double_encoding
from linesift.training.align import align_lines

# Below this share of gold tokens found in the rendering, the page's HTML does not hold the gold
# text (a JavaScript shell, a truncated fetch) and its labels would be all noise by mistake.
MIN_GOLD_COVERAGE = 0.05
# gzip level for the corpus files: they are committed, so size beats write speed.
GZIP_LEVEL = 9

# Not a text renderer: the page parsed into its blocks, each line with its markup (linesift.model.dom), the
# corpus of a model of HTML pages.
BLOCKS = "blocks"
CORPUS_RENDERERS = (*RENDERERS, BLOCKS)
SkipReason = Literal["no gold file", "missing html", "unreadable html", "empty gold", "render error",
                     "gold not in rendering"]
_PLAIN_NAME = re.compile(r"[^/\\]+")  # a WCXB file_id names a file of html/, not a path out of it


class SourceError(ValueError):
    """A source folder whose list of pages cannot be read: the message names the file (and its line) and why."""
_HTML_SUFFIXES = (".html.gz", ".html", ".htm")
_META_KEYS = ("page_type", "domain", "url", "title")


@dataclass(frozen=True, slots=True)
class SourcePage:
    """One page to label: where its HTML is, its gold text and metadata."""

    id: str
    source: str  # path shown in rows, relative to the source directory's parent
    html_path: Path | None
    gold: str | None
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A page left out of one renderer's corpus, and why."""

    page_id: str
    renderer: str
    reason: SkipReason
    detail: str = ""


@dataclass(slots=True)
class CorpusSummary:
    """What a build wrote and what it skipped, per renderer."""

    pages: int = 0
    written: Counter[str] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    def skip_counts(self) -> Counter[tuple[str, SkipReason]]:
        """Skipped pages counted by ``(renderer, reason)``."""
        return Counter((s.renderer, s.reason) for s in self.skipped)


def read_html(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def _wcxb_pages(root: Path, truth: Path) -> Iterator[SourcePage]:
    opener = gzip.open if truth.name.endswith(".gz") else open
    try:
        with opener(truth, "rt", encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    yield _wcxb_page(root, _wcxb_row(line, f"{truth}, line {number}"))
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise SourceError(f"{truth}: cannot read ({error})") from None


def _wcxb_row(line: str, where: str) -> dict[str, Any]:
    """A ground-truth record, checked: an object with a plain ``file_id`` and, if any, a string ``main_content``."""
    try:
        row = json.loads(line)
    except (ValueError, RecursionError) as error:
        raise SourceError(f"{where}: not valid JSON ({error})") from None
    if not isinstance(row, dict):
        raise SourceError(f"{where}: a record must be a JSON object")
    fid = row.get("file_id")
    if not isinstance(fid, str) or _PLAIN_NAME.fullmatch(fid) is None or fid in (".", ".."):
        raise SourceError(f"{where}: 'file_id' must be a file name without '/', got {fid!r}")
    if not isinstance(row.get("main_content", ""), (str, type(None))):
        raise SourceError(f"{where}: 'main_content' must be a string")
    _check_meta(row, where)
    return row


def _wcxb_page(root: Path, row: dict[str, Any]) -> SourcePage:
    fid = row["file_id"]
    html = root / "html" / f"{fid}.html.gz"
    return SourcePage(
        id=f"wcxb-{fid}",
        source=f"{root.name}/html/{fid}.html.gz",
        html_path=html if html.is_file() else None,
        gold=row.get("main_content"),
        meta={k: row.get(k) for k in _META_KEYS},
    )


def _dir_pages(root: Path) -> Iterator[SourcePage]:
    seen: dict[str, Path] = {}  # the HTML file of each page id: NAME.html and NAME.htm would both pair with NAME.txt
    for path in sorted(root.iterdir()):
        suffix = next((s for s in _HTML_SUFFIXES if path.name.endswith(s)), None)
        if suffix is None or not path.is_file():
            continue
        name = path.name[: -len(suffix)]
        if name in seen:
            raise SourceError(f"{path} and {seen[name]} are both page {name!r} (one gold text, {name}.txt): keep one")
        seen[name] = path
        gold_path, meta_path = root / f"{name}.txt", root / f"{name}.json"
        meta = _read_meta(meta_path) if meta_path.is_file() else {}
        yield SourcePage(
            id=name,
            source=f"{root.name}/{path.name}",
            html_path=path,
            gold=_read_gold(gold_path) if gold_path.is_file() else None,
            meta={k: meta.get(k) for k in _META_KEYS},
        )


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SourceError(f"{path}: not a readable JSON object of the page's metadata ({error})") from None
    if not isinstance(meta, dict):
        raise SourceError(f"{path}: the page's metadata must be a JSON object")
    _check_meta(meta, str(path))
    return meta


def _check_meta(meta: dict[str, Any], where: str) -> None:
    """Raise :class:`SourceError` for metadata that is not a string: training reads it as one, and refused the corpus
    a number there made."""
    for key in _META_KEYS:
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise SourceError(f"{where}: {key!r} must be a string, not {type(meta[key]).__name__}")


def _read_gold(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: cannot read the gold text as UTF-8 ({error})") from None


def iter_source(source: Path) -> Iterator[SourcePage]:
    """The pages of a WCXB dataset root or of a directory of pages (see the module docstring)."""
    for name in ("ground-truth.jsonl.gz", "ground-truth.jsonl"):
        if (source / name).is_file():
            return _wcxb_pages(source, source / name)
    return _dir_pages(source)


def label_page(
    page: SourcePage, renderer: str = DEFAULT_RENDERER, include_title: bool = False, *, text: str | None = None
) -> dict[str, Any] | Skipped:
    """Render and label one page: a corpus row, or the reason it is skipped.

    ``text`` is the page already rendered with ``renderer`` (``render_html`` of its HTML), for
    callers that render separately, e.g. to time the renderer; by default the page is rendered here.
    """
    if page.gold is None:
        return Skipped(page.id, renderer, "no gold file")
    if page.html_path is None:
        return Skipped(page.id, renderer, "missing html")
    if not page.gold.strip():
        return Skipped(page.id, renderer, "empty gold")
    structure = None
    try:
        if renderer == BLOCKS:
            parsed = parse_html_page(decode_html(read_html(page.html_path)))
            lines, structure = parsed.lines, parsed.structure
        else:
            lines = split_lines(render_html(read_html(page.html_path), renderer) if text is None else text)
    except RenderError as exc:
        return Skipped(page.id, renderer, "render error", str(exc))
    except (OSError, EOFError, zlib.error) as exc:  # a .html.gz that is not gzip, or cut short
        return Skipped(page.id, renderer, "unreadable html", str(exc))
    # Some gold texts hold the page's twice-encoded text as it was; the lines are read repaired, and so is the gold.
    # Markdown is aligned as a reader reads it, as predict gives it back: a headline written as a link to its story
    # matches the gold's words only without its target. A line left without words is noise, not a blank line.
    aligned = lines_as_read(lines) if renderer == "markdown" else lines
    alignment = align_lines(aligned, repair_double_encoding(page.gold), page.meta.get("title"), include_title=include_title)
    labels = [0 if label is None and line.strip() else label for label, line in zip(alignment.labels, lines)]
    if alignment.gold_coverage < MIN_GOLD_COVERAGE:
        detail = f"{alignment.gold_coverage:.1%} of gold tokens found"
        return Skipped(page.id, renderer, "gold not in rendering", detail)
    return {
        "id": page.id,
        "source": page.source,
        "renderer": renderer,
        "lines": lines,
        "labels": labels,
        **page.meta,
        "main_content": page.gold,
        **({} if structure is None else {"structure": structure.to_dict()}),
    }


def iter_rows(
    source: Path, renderer: str = DEFAULT_RENDERER, include_title: bool = False, n_jobs: int = 1
) -> Iterator[dict[str, Any] | Skipped]:
    """Rows and skips for every page of ``source``, in source order."""
    pages = list(iter_source(source))
    tasks = (delayed(label_page)(page, renderer, include_title) for page in pages)
    yield from Parallel(n_jobs=n_jobs, return_as="generator")(tasks)


class EmptyCorpusError(ValueError):
    """No page of a source could be labelled with a renderer: a corpus file would hold nothing."""


def is_corpus_file(head: bytes) -> bool:
    """Whether ``head``, the first bytes of a file, starts a corpus file as :func:`build_corpus` writes it: gzip with
    no modification time (a user's gzip file has one), holding labelled pages, their id first."""
    if head[4:8] != b"\0\0\0\0":
        return False
    try:
        start = zlib.decompressobj(wbits=31).decompress(head, 64)
    except zlib.error:
        return False
    return start.startswith(b'{"id": ')


class CorpusOptionError(ValueError):
    """An option of a build that cannot be used, such as a ``prefix`` that is a path."""


def build_corpus(
    source: Path,
    out: Path,
    renderers: Sequence[str] = (DEFAULT_RENDERER,),
    *,
    prefix: str | None = None,
    include_title: bool = False,
    n_jobs: int = 1,
) -> CorpusSummary:
    """Write ``out/<prefix>.<renderer>.jsonl.gz`` for each renderer and return what was done.

    Files are written to a temporary name and moved into place, so a failed build leaves no
    half-written corpus; a build replaces the corpus files of an earlier one, nothing else. Raises
    ``KeyError`` for an unknown renderer, :class:`CorpusOptionError` for a ``prefix`` that is a path and
    :class:`~linesift.atomic.WouldReplaceError` for a target that exists and is not a corpus file, before any work;
    :class:`SourceError` for a list of pages that cannot be read (a ground-truth record, a page's metadata or gold
    text), and :class:`EmptyCorpusError` when no page of ``source`` could be labelled with a renderer (its file is
    then not written).
    """
    for renderer in renderers:
        if renderer not in CORPUS_RENDERERS:
            raise KeyError(f"unknown renderer {renderer!r}; known: {', '.join(CORPUS_RENDERERS)}")
    if prefix is not None and (_PLAIN_NAME.fullmatch(prefix) is None or prefix in (".", "..")):
        raise CorpusOptionError(f"the prefix must be a file name, without '/', got {prefix!r}: the corpus files are "
                                "written in the output folder")
    name = prefix or source.resolve().name
    targets = {renderer: out / f"{name}.{renderer}.jsonl.gz" for renderer in renderers}
    for target in targets.values():
        check_replaceable(target, is_corpus_file, "a corpus file", "the output")
    out.mkdir(parents=True, exist_ok=True)
    summary = CorpusSummary()
    for renderer, target in targets.items():
        pages = 0
        # The header names the target, not the temporary file: the same pages give the same bytes.
        with (atomic_path(target) as temporary, open(temporary, "wb") as raw,
              gzip.GzipFile(target.name.removesuffix(".gz"), "wb", GZIP_LEVEL, raw, mtime=0) as gz):
            for result in iter_rows(source, renderer, include_title, n_jobs):
                pages += 1
                if isinstance(result, Skipped):
                    summary.skipped.append(result)
                    continue
                gz.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
                summary.written[renderer] += 1
            if not summary.written[renderer]:  # raised inside the write: no empty corpus replaces an earlier one
                reasons = ", ".join(f"{count} {reason}" for (of, reason), count in sorted(summary.skip_counts().items()) if of == renderer)
                raise EmptyCorpusError(f"{source}: no page could be labelled with {renderer} ({pages} page(s): {reasons or 'none found'}); "
                                       f"nothing written to {target}")
        summary.pages = max(summary.pages, pages)
        summary.files[renderer] = target
    return summary
