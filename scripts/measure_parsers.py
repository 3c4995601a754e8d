"""Time HTML parsers on WCXB pages: parse, then walk every node once (docs/html.md, "Parser").

    python scripts/measure_parsers.py [HTML_DIR] [N_PAGES]

Defaults: ``/work/shared/wcxb-dev/html`` and 200 pages, the first in name order. Each page is read,
un-gzipped and decoded with :func:`linesift.io.render.decode_html` once, outside the timing; then
each parser, in turn on the same page, parses the text and walks the whole tree reading each
element's tag and each text node's text, as a block walker must at the least. ``parse_html_page``
(linesift's blocks and their markup, over lxml) is timed the same way. selectolax is not a dependency:
it is timed when installed (``pip install selectolax``), left out otherwise. Prints the median and the mean
milliseconds per page of each; every timing is the best of ``REPEATS`` runs, so a busy machine
slows the figures less.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from linesift.io.render import RenderError, decode_html

DEFAULT_DIR = Path("/work/shared/wcxb-dev/html")
DEFAULT_PAGES = 200
REPEATS = 3


def _resiliparse(html: str) -> int:
    from resiliparse.parse.html import HTMLTree, NodeType

    tree = HTMLTree.parse(html)
    element, text = NodeType.ELEMENT, NodeType.TEXT
    seen = 0
    stack = [tree.document]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == element:
            node.tag  # noqa: B018 - reading it is the work measured
        elif kind == text:
            node.text  # noqa: B018
        seen += 1
        child = node.last_child
        while child is not None:
            stack.append(child)
            child = child.prev
    return seen


def _lxml(html: str) -> int:
    import lxml.html

    root = lxml.html.document_fromstring(html)
    seen = 0
    for element in root.iter():
        element.tag  # noqa: B018
        element.text  # noqa: B018
        element.tail  # noqa: B018
        seen += 1
    return seen


def _selectolax(html: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    seen = 0
    for node in tree.root.traverse(include_text=True):
        if node.tag == "-text":
            node.text_content  # noqa: B018
        seen += 1
    return seen


def _linesift(html: str) -> int:
    from linesift.model.dom import parse_html_page

    return len(parse_html_page(html).lines)


PARSERS: dict[str, Callable[[str], int]] = {
    "resiliparse": _resiliparse,
    "lxml.html": _lxml,
    "selectolax (lexbor)": _selectolax,
    "linesift parse_html_page": _linesift,
}


def _pages(directory: Path, n_pages: int) -> list[str]:
    pages: list[str] = []
    for path in sorted(directory.glob("*.html*")):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        try:
            pages.append(decode_html(data))
        except RenderError:
            continue
        if len(pages) == n_pages:
            break
    return pages


def _best_ms(parse: Callable[[str], int], html: str) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        parse(html)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Time HTML parsers on WCXB pages (docs/html.md, \"Parser\").")
    parser.add_argument("html_dir", nargs="?", type=Path, default=DEFAULT_DIR, help=f"default: {DEFAULT_DIR}")
    parser.add_argument("n_pages", nargs="?", type=int, default=DEFAULT_PAGES, help=f"default: {DEFAULT_PAGES}")
    args = parser.parse_args(argv)
    directory = args.html_dir
    pages = _pages(directory, args.n_pages)
    if not pages:
        parser.error(f"no HTML page (*.html, *.html.gz) in {directory}")
    parsers = dict(PARSERS)
    for name, parse in PARSERS.items():  # imports and first calls outside the timing
        try:
            parse(pages[0])
        except ImportError:
            print(f"{name}: not installed, left out")
            del parsers[name]
    times: dict[str, list[float]] = {name: [] for name in parsers}
    for html in pages:
        for name, parse in parsers.items():
            times[name].append(_best_ms(parse, html))
    megabytes = sum(map(len, pages)) / 1e6
    print(f"{len(pages)} pages from {directory}, {megabytes:.1f} M characters, best of {REPEATS} runs each")
    print(f"{'parser':<26} {'median ms':>10} {'mean ms':>9}")
    for name, values in times.items():
        print(f"{name:<26} {statistics.median(values):>10.2f} {statistics.fmean(values):>9.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
