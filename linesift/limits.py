"""Size limits for one page, so that a single pathological document cannot exhaust a worker.

Cleaning is linear in a page's size, but with large constants: about 38 bytes of memory per
character and 6 KB per line (the feature matrices hold ~130 float columns per line). The limits keep
one page under about 1.5 GB and a few seconds; docs/limits.md has the measurements behind them.
Real pages are far smaller: tens of kilobytes and a few thousand lines.
"""

from __future__ import annotations

MAX_PAGE_CHARS = 10_000_000  # measured: ~1.0 GB peak, ~2.5 s for one 10 MB line (docs/limits.md)
MAX_PAGE_LINES = 200_000  # measured: ~1.4 GB peak, ~4 s for 200,000 one-character lines
# HTML holds several times its text in markup: its text is checked against the limits above once parsed.
MAX_HTML_CHARS = 64_000_000
# The most bytes a page file can hold: an HTML page at its limit, every character taking UTF-8's 4 bytes. Reading
# stops there, so that an endless input (a device, a pipe that never ends) is refused, not read until memory runs out.
MAX_PAGE_BYTES = 4 * MAX_HTML_CHARS
# A report holds every line with its reasons, about 500 bytes a line: 20,000 lines make ~10 MB in
# ~3.5 s, which a browser still opens; 150,000 made 70 MB in 28 s (docs/limits.md).
MAX_REPORT_LINES = 20_000


class PageTooLargeError(ValueError):
    """A page beyond the size limits; the message gives its size, the limit and what to do."""


def check_page_size(text: str, max_chars: int = MAX_PAGE_CHARS, max_lines: int = MAX_PAGE_LINES) -> None:
    """Refuse a page over ``max_chars`` code points or ``max_lines`` lines, before any work is done on it.

    Lines are counted as line terminators, an upper bound that costs a pass or two in C; ``\\r\\n``
    counts once, like everywhere else in linesift.
    """
    if len(text) > max_chars:
        raise PageTooLargeError(
            f"page has {len(text):,} characters, more than the {max_chars:,} linesift cleans at once "
            "(see docs/limits.md); split it into smaller documents")
    lines = _lines_over(text, max_lines)
    if lines is not None:
        raise PageTooLargeError(
            f"page has about {lines:,} lines, more than the {max_lines:,} linesift cleans at once "
            "(see docs/limits.md); split it into smaller documents")


def check_html_size(html: str, max_chars: int = MAX_HTML_CHARS) -> None:
    """Refuse an HTML page over ``max_chars`` code points before it is parsed."""
    if len(html) > max_chars:
        raise PageTooLargeError(
            f"HTML page has {len(html):,} characters, more than the {max_chars:,} linesift parses at once "
            "(see docs/limits.md); split it into smaller documents")


def check_report_size(text: str, max_lines: int = MAX_REPORT_LINES) -> None:
    """Refuse to write a report of a page over ``max_lines`` lines, counted as :func:`check_page_size` does."""
    lines = _lines_over(text, max_lines)
    if lines is not None:
        raise PageTooLargeError(
            f"page has about {lines:,} lines, more than the {max_lines:,} a report shows (see docs/limits.md); "
            "explain single lines with linesift explain FILE --line N, or split the page")


def _lines_over(text: str, max_lines: int) -> int | None:
    """The number of line terminators of ``text`` if it is over ``max_lines``, else ``None``."""
    if len(text) <= max_lines:  # the terminators are characters of the text: it cannot have more
        return None
    lines = text.count("\n")
    if "\r" in text:  # rare: most text has only "\n" endings
        lines += text.count("\r") - text.count("\r\n")
    return lines if lines > max_lines else None
