"""Compare the HTML-to-text renderers: speed and alignment ceiling (the tables in docs/corpus.md).

    python scripts/compare_renderers.py                          # every renderer, ../shared/wcxb-dev
    python scripts/compare_renderers.py --renderers resiliparse --limit 100
    python scripts/compare_renderers.py --output /tmp/renderers.md
    python scripts/compare_renderers.py --renderers resiliparse --share 0.3   # another MIN_MATCHED_SHARE
    python scripts/compare_renderers.py --include-title                        # title lines labelled content

For each renderer, every page's HTML (read into memory first, so disk and gzip are not timed) is
rendered once with ``render_html``, decoding included, in this one process; pages/s is the number
of pages over the total wall time of that loop. Each rendering is then labelled exactly as
``linesift corpus build`` labels it (``label_page``: same skip rules, same alignment), and the
alignment ceiling is the benchmark's word F1 (``linesift.training.metrics.word_scores``) of the
lines labelled content against the page's ``main_content``, averaged over the labelled pages,
overall and per page type. Skipped pages are counted by reason.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from itertools import islice
from pathlib import Path
from typing import get_args

from linesift.io.render import RENDERERS, RenderError, render_html
from linesift.training import align
from linesift.training.corpus import Skipped, SkipReason, iter_source, label_page, read_html
from linesift.training.metrics import word_scores

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("../shared/wcxb-dev")  # relative to the repository root
# Rendered before the run: a renderer whose optional package is missing fails here, not on every page.
PROBE_PAGE = b"<html><body><p>probe</p></body></html>"
UNKNOWN_TYPE = "unknown"
# Skips that depend on the renderer (the others depend on the page alone): a renderer that loses a
# page's text entirely would look better on the pages it keeps, so one column counts these as 0.
LOST_REASONS: tuple[SkipReason, ...] = ("render error", "gold not in rendering")
# The version column: renderers not named after the distribution that does the rendering.
RENDERER_DISTRIBUTIONS = {"html-text-scripts": "html-text", "markdown": "markdownify"}


@dataclass(slots=True)
class RendererResult:
    """One renderer's speed, ceiling scores and skips."""

    renderer: str
    version: str
    pages: int = 0  # pages whose HTML was rendered (timed)
    seconds: float = 0.0
    render_errors: int = 0
    scores: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # page type -> F1 per page
    skips: Counter[SkipReason] = field(default_factory=Counter)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def labelled(self) -> int:
        return sum(len(scores) for scores in self.scores.values())

    @property
    def lost(self) -> int:
        """Pages with gold text that this renderer lost: render errors and gold not in its rendering."""
        return sum(self.skips[reason] for reason in LOST_REASONS)

    def ceiling_with_lost(self) -> float | None:
        """Mean word F1 over the labelled pages and the lost ones, these counted as 0."""
        n = self.labelled + self.lost
        return sum(s for v in self.scores.values() for s in v) / n if n else None

    def ceiling(self, page_type: str | None = None) -> float | None:
        """Mean word F1 over the labelled pages (of one type); None when there are none."""
        scores = [s for t, v in self.scores.items() if page_type in (None, t) for s in v]
        return sum(scores) / len(scores) if scores else None


def _version(renderer: str) -> str:
    try:
        return metadata.version(RENDERER_DISTRIBUTIONS.get(renderer, renderer))
    except metadata.PackageNotFoundError:
        return "?"


def compare(
    source: Path, renderers: list[str], limit: int | None = None, include_title: bool = False
) -> tuple[int, list[RendererResult]]:
    """The number of pages read from ``source`` and each renderer's result."""
    pages = list(islice(iter_source(source), limit))
    html = {page.id: read_html(page.html_path) for page in pages if page.html_path is not None}
    results = []
    for renderer in renderers:
        result = RendererResult(renderer, _version(renderer))
        texts: dict[str, str] = {}
        failed: set[str] = set()
        start = time.perf_counter()
        for page_id, data in html.items():
            try:
                texts[page_id] = render_html(data, renderer)
            except RenderError:
                failed.add(page_id)
        result.seconds = time.perf_counter() - start
        result.pages, result.render_errors = len(html), len(failed)
        for page in pages:
            # A page without a rendering (no HTML, or the renderer failed) goes through
            # label_page's own checks, so it is skipped for the same reason as in a corpus build.
            row = label_page(page, renderer, include_title, text=texts.get(page.id))
            if isinstance(row, Skipped):
                result.skips[row.reason] += 1
                continue
            kept = "\n".join(line for line, label in zip(row["lines"], row["labels"]) if label == 1)
            result.scores[row.get("page_type") or UNKNOWN_TYPE].append(word_scores(kept, row["main_content"]).f1)
        results.append(result)
        print(f"{renderer}: {result.pages_per_second:.0f} pages/s, ceiling {result.ceiling() or 0:.3f}", file=sys.stderr)
    return len(pages), results


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _f1(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown(n_pages: int, results: list[RendererResult], source: Path, load: tuple[str, str] = ("", "")) -> str:
    """The speed, ceiling and skip tables."""
    out = [f"{n_pages:,} pages from `{source}`." + (f" Load average (1, 5, 15 min) before: {load[0]}; after: {load[1]}." if load[0] else ""), ""]
    out += [_row(["renderer", "version", "pages", "seconds", "pages/s", "render errors"]), _row(["---", "---", "---:", "---:", "---:", "---:"])]
    for r in results:
        out.append(_row([r.renderer, r.version, f"{r.pages:,}", f"{r.seconds:.1f}", f"{r.pages_per_second:.0f}", r.render_errors]))
    columns: list[str | None] = [None, *sorted({t for r in results for t in r.scores})]  # None: all pages

    def count(r: RendererResult, page_type: str | None) -> int:
        return r.labelled if page_type is None else len(r.scores.get(page_type, []))

    # A page count goes in the header when every renderer labelled as many pages of that type, else in the cells.
    shared = {c: len({count(r, c) for r in results}) == 1 for c in columns}
    header = [(c or "all") + (f" ({count(results[0], c):,})" if results and shared[c] else "") for c in columns]
    out += ["", "Alignment ceiling: mean word F1 of the lines labelled content against `main_content`, over the labelled pages.", ""]
    lost_header = "all, lost pages as 0" + (f" ({results[0].labelled + results[0].lost:,})" if results else "")
    out += [_row(["renderer", *header, lost_header]), _row(["---", *["---:"] * (len(columns) + 1)])]
    for r in results:
        cells = [_f1(r.ceiling(c)) + ("" if shared[c] else f" ({count(r, c):,})") for c in columns]
        out.append(_row([r.renderer, *cells, _f1(r.ceiling_with_lost())]))
    reasons = list(get_args(SkipReason))
    out += ["", _row(["renderer", "pages labelled", *reasons]), _row(["---", *["---:"] * (len(reasons) + 1)])]
    for r in results:
        out.append(_row([r.renderer, f"{r.labelled:,}", *(r.skips[reason] for reason in reasons)]))
    return "\n".join(out) + "\n"


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renderers", nargs="+", choices=list(RENDERERS), default=list(RENDERERS), metavar="NAME",
                        help=f"renderers to compare (default: all: {', '.join(RENDERERS)})")
    parser.add_argument("--source", type=Path, default=None,
                        help=f"WCXB root or directory of pages (default: {DEFAULT_SOURCE}, from the repository root)")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N pages (a quick run)")
    parser.add_argument("--include-title", action="store_true", help="label the title line content too (build_corpus(include_title=True))")
    parser.add_argument("--share", type=float, default=None,
                        help=f"align with this MIN_MATCHED_SHARE instead of {align.MIN_MATCHED_SHARE} (the share table in docs/corpus.md)")
    parser.add_argument("--output", type=Path, default=None, help="also write the tables to this markdown file")
    args = parser.parse_args(argv)
    source = args.source if args.source is not None else (REPO / DEFAULT_SOURCE).resolve()
    if not source.is_dir():
        print(f"error: source {source} does not exist or is not a directory "
              "(a WCXB root with ground-truth.jsonl.gz and html/, or a directory of NAME.html + NAME.txt pages)", file=sys.stderr)
        return 1
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    for renderer in args.renderers:
        try:
            render_html(PROBE_PAGE, renderer)
        except RenderError as exc:
            print(f"error: renderer {renderer} cannot run ({exc}); install linesift[renderers]", file=sys.stderr)
            return 1
    if args.share is not None:
        if not 0 < args.share <= 1:
            parser.error("--share must be in (0, 1]")
        align.MIN_MATCHED_SHARE = args.share  # read by the aligner at each call
    before = _load()
    n_pages, results = compare(source, args.renderers, args.limit, args.include_title)
    table = markdown(n_pages, results, source, (before, _load()))
    print(table, end="")
    if args.output is not None:
        args.output.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
