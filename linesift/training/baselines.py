"""Baselines the evaluation compares linesift against.

Line baselines take the same rendered page text linesift sees (a list of lines) and return one
keep flag per line, so every method is scored on identical input. The HTML extractors
(:data:`HTML_EXTRACTORS`) are the page-level references: each extracts the main text from the page's
HTML itself, as the published benchmark ran them; trafilatura is the strongest of them.

datatrove and the extractors are optional (extra ``eval``); they are imported on first use and a
missing one raises :class:`BaselineUnavailable`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from linesift.io.render import RenderError, decode_html

# C4's line rules, as datatrove's C4QualityFilter defaults them.
C4_MIN_WORDS_PER_LINE = 3
C4_MAX_WORD_LENGTH = 1000
# datatrove's switch that turns a rule off.
DATATROVE_DISABLED = -1
# C4 drops a page containing a curly bracket (code, JSON); as a line rule it drops the line.
CURLY_BRACKET = "{"

C4_UNAVAILABLE = "the C4 baseline needs datatrove: pip install 'linesift[eval]'"
TRAFILATURA_UNAVAILABLE = "the trafilatura baseline needs trafilatura: pip install 'linesift[eval]'"
JUSTEXT_UNAVAILABLE = "the jusText baseline needs justext: pip install 'linesift[eval]'"
READABILITY_UNAVAILABLE = "the Readability baseline needs readability-lxml: pip install 'linesift[eval]'"
BOILERPY3_UNAVAILABLE = "the BoilerPy3 baseline needs boilerpy3: pip install 'linesift[eval]'"
# jusText decides by the share of a language's stop words, from one language's list: WCXB's pages are mostly English.
JUSTEXT_LANGUAGE = "English"


class BaselineUnavailable(ImportError):
    """The optional package a baseline runs on is not installed."""


def keep_all(lines: list[str]) -> list[bool]:
    """Keep every non-blank line: the recall ceiling, and the score of doing nothing."""
    return [bool(line.strip()) for line in lines]


@functools.cache
def _c4_filter() -> tuple[type, Any]:
    """datatrove's ``Document`` and its C4 filter with the page rules off, built once.

    Settings (all keywords of ``C4QualityFilter``):

    - ``min_num_sentences=-1``, ``filter_lorem_ipsum=False``, ``filter_curly_bracket=False``: the
      three rules that drop a whole page are off, so the filter only ever removes lines; the
      evaluation scores lines, and a dropped page would score 0 whatever the line rules did.
      ``{`` becomes a line rule in :func:`c4_line_rules`.
    - ``split_paragraph=True``: a line is a ``str.splitlines()`` line, as in C4.
    - ``remove_citations=True``, ``filter_no_terminal_punct=True``, ``filter_javascript=True``,
      ``filter_policy=True``, ``min_words_per_line=3``, ``max_word_length=1000``: the line rules,
      at datatrove's defaults, spelled out so a change of default upstream cannot switch them off.
    """
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters.c4_filters import C4QualityFilter
    except ImportError as exc:
        raise BaselineUnavailable(C4_UNAVAILABLE) from exc

    c4 = C4QualityFilter(
        split_paragraph=True,
        remove_citations=True,
        filter_no_terminal_punct=True,
        min_num_sentences=DATATROVE_DISABLED,
        min_words_per_line=C4_MIN_WORDS_PER_LINE,
        max_word_length=C4_MAX_WORD_LENGTH,
        filter_lorem_ipsum=False,
        filter_javascript=True,
        filter_curly_bracket=False,
        filter_policy=True,
    )
    return Document, c4


def c4_page_rules(text: str) -> str:
    """The page as datatrove's ``C4QualityFilter`` (page rules off, see :func:`_c4_filter`) leaves it: one
    document per page, the way a datatrove pipeline runs the filter. The kept lines, citations removed,
    joined by ``\\n``; lines with ``{`` are kept, as the filter keeps them with its page rule off.
    """
    document_type, c4 = _c4_filter()
    document = document_type(text=text, id="")
    c4.filter(document)  # with the page rules off it never drops the page; it rewrites the text
    return document.text


def c4_line_rules(lines: list[str]) -> list[bool]:
    """C4's line rules through datatrove's ``C4QualityFilter``, one keep flag per input line.

    With the page rules off, every rule looks at one line alone, so the filter runs on each
    distinct line by itself. Running it on the joined page (:func:`c4_page_rules`) and matching its
    output back would not be exact: the filter strips lines and deletes citations (``[1]``,
    ``[edit]``), so two input lines can come out as the same text with different fates. Duplicates
    share one call, which makes this about a tenth faster than one call per page on rendered WCXB
    pages (``benchmarks/results.md``).

    A line containing ``{`` is dropped, instead of C4 dropping the page. Blank lines are dropped
    (no terminal punctuation). A line that ``str.splitlines()`` cuts in pieces (``\\x0c``,
    ``\\u2028``, ...) is kept when any piece is kept.
    """
    document_type, c4 = _c4_filter()
    decided: dict[str, bool] = {}
    mask = []
    for line in lines:
        keep = decided.get(line)
        if keep is None:
            document = document_type(text=line, id="")
            # The filter rewrites the text to the lines it keeps; nothing left means the line went.
            keep = decided[line] = CURLY_BRACKET not in line and c4.filter(document) is True and bool(document.text)
        mask.append(keep)
    return mask


def trafilatura_on_html(html: str | bytes) -> str:
    """trafilatura's main text of the page, ``""`` when it extracts nothing.

    Settings: ``include_comments=False``, unlike trafilatura's default, because reader comments
    are not the page's main content; ``include_tables=True`` and ``favor_precision=False``
    (trafilatura's defaults); plain text
    output without metadata, links, images or formatting, fallback extractors on
    (``fast=False``), and no deduplication, which keeps a cache across calls and would make a
    page's result depend on the pages extracted before it. Bytes are decoded by trafilatura.
    """
    try:
        import trafilatura
    except ImportError as exc:
        raise BaselineUnavailable(TRAFILATURA_UNAVAILABLE) from exc
    text = trafilatura.extract(
        html,
        output_format="txt",
        fast=False,
        include_comments=False,
        include_tables=True,
        favor_precision=False,
        favor_recall=False,
        deduplicate=False,
        with_metadata=False,
    )
    return text or ""


def _quiet(*loggers: str) -> None:
    # jusText, Readability and BoilerPy3 log each page they cannot parse, with a traceback; such a page
    # extracts nothing, which is how the evaluation scores it.
    for name in loggers:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _text_or_empty(html: bytes, extract: Callable[[str], str], unreadable: tuple[type[Exception], ...]) -> str:
    """``extract`` of the page as linesift decodes it; ``""`` for bytes that hold no text (empty or binary) and for a
    page the extractor cannot parse (it raises one of ``unreadable``), as the benchmark scores such a page."""
    failures: tuple[type[Exception], ...] = (RenderError, *unreadable)
    try:
        return extract(decode_html(html))
    except failures:
        return ""


def justext_on_html(html: bytes) -> str:
    """jusText's paragraphs that are not boilerplate, one a line, at its default settings with the
    :data:`JUSTEXT_LANGUAGE` stop list."""
    try:
        import justext
        from lxml.etree import ParserError
    except ImportError as exc:
        raise BaselineUnavailable(JUSTEXT_UNAVAILABLE) from exc

    def extract(page: str) -> str:
        paragraphs = justext.justext(page, justext.get_stoplist(JUSTEXT_LANGUAGE))
        return "\n".join(paragraph.text for paragraph in paragraphs if not paragraph.is_boilerplate)

    return _text_or_empty(html, extract, (ParserError, justext.core.JustextError))


def readability_on_html(html: bytes) -> str:
    """The text of Readability's summary (readability-lxml's ``Document.summary``, rendered by html-text)."""
    try:
        import html_text
        from readability import Document
        from readability.readability import Unparseable
    except ImportError as exc:
        raise BaselineUnavailable(READABILITY_UNAVAILABLE) from exc
    _quiet("readability.readability")
    return _text_or_empty(html, lambda page: html_text.extract_text(Document(page).summary(html_partial=True)), (Unparseable,))


def boilerpy3_on_html(html: bytes) -> str:
    """BoilerPy3's ``ArticleExtractor`` text (boilerpipe's article extractor in Python)."""
    try:
        from boilerpy3.exceptions import HTMLExtractionError
        from boilerpy3.extractors import ArticleExtractor
    except ImportError as exc:
        raise BaselineUnavailable(BOILERPY3_UNAVAILABLE) from exc
    _quiet("boilerpy3")
    return _text_or_empty(html, lambda page: str(ArticleExtractor(raise_on_failure=True).get_content(page)),
                          (HTMLExtractionError,))


# The extractors the published benchmark ran that run in Python here, by the name the tables show.
HTML_EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "trafilatura": trafilatura_on_html,
    "jusText": justext_on_html,
    "Readability": readability_on_html,
    "BoilerPy3": boilerpy3_on_html,
}

LINE_BASELINES: dict[str, Callable[[list[str]], list[bool]]] = {
    "keep-all": keep_all,
    "c4-rules": c4_line_rules,
}
