"""Clean one document and describe the result the way every output format stores it.

A document is plain text or HTML bytes: rendered first to text, with the renderer the text model
was trained on, or parsed into blocks with their markup for the model of HTML pages. The result is
the cleaned text and, on request, per-line spans ``[start, end, p_content]`` into the document's own text, the way RedPajama-V2 stores line-level quality signals: offsets are
Python string indices (Unicode code points) into the text as given, line terminators excluded, one
span per line including blank ones, or per piece of a line holding most of its page (see :mod:`linesift.model.pieces`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np

from linesift.explain import drop_reasons
from linesift.io.html import PageRead, parse, render
from linesift.limits import PageTooLargeError, check_page_size
from linesift.model.segment import Page
from linesift.model.sifter import Decision, Line, Sifter, decide_lines, join_kept
from linesift.model.structure import Structure

TEXT_FIELD = "linesift_text"
SPANS_FIELD = "linesift_spans"
CUT_FIELD = "linesift_cut"  # beside the spans: the page's cut, so that each line's decision can be read back
# Beside the spans of a record whose field held an HTML page: the page's blocks, one a line, which the spans index.
BLOCKS_FIELD = "linesift_blocks"
ADDED_FIELDS = frozenset((TEXT_FIELD, SPANS_FIELD, CUT_FIELD, BLOCKS_FIELD))  # the fields a record gains
P_CONTENT_DIGITS = 6  # p_content as written in spans and per-line records: more than any threshold needs

_TERMINATOR = re.compile(r"\r\n|\r|\n")
Span = tuple[int, int, float]


@dataclass(frozen=True, slots=True)
class Document:
    """What a worker cleans: ``text``, or ``html`` to render first; ``lines`` asks for every line's decision."""

    text: str | None = None
    html: bytes | None = None
    lines: bool = False
    charset: str | None = None  # of ``html``, as the HTTP response that brought it says


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The outcome for one document: cleaned text, spans or lines if asked, or the reason it failed.

    ``rendered`` is the text an HTML document rendered to, so spans have something to point into.
    """

    text: str = ""
    spans: list[Span] | None = None
    cut: float | None = None  # the page's cut, given with the spans
    lines: list[Line] | None = None
    rendered: str | None = None
    error: str | None = None
    text_lines: int = 0  # non-blank lines in, for pipelines that report what was dropped
    kept_lines: int = 0
    drop_reasons: Counter[str] | None = None  # if asked: dropped lines by reason (see linesift.explain.drop_reasons)
    note: str | None = None  # how an HTML page's bytes were decoded, when it was a guess


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text``, split exactly as :class:`Page` splits it."""
    spans, start = [], 0
    for match in _TERMINATOR.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _decided(text: str, page: Page, decision: Decision, spans: bool, lines: bool, read_links: bool) -> Cleaned:
    """The :class:`Cleaned` of ``text`` (segmented as ``page``) from its lines' probabilities and the page's cut;
    ``read_links`` as :func:`join_kept` says."""
    text_lines = int((~page.blank & ~page.continued).sum())
    if lines:
        return Cleaned(lines=decide_lines(page, decision), text_lines=text_lines)
    keep = decision.keep(page)
    found = None
    if spans:
        found = [(start, end, round(prob, P_CONTENT_DIGITS)) for start, end, prob in zip(*piece_spans(text, page), decision.p.tolist())]
    cut = round(decision.cut, P_CONTENT_DIGITS) if spans else None
    # Counted in lines of the text: a line cut into pieces is kept when any of them is (pieces are never blank).
    kept_of_text = page.line_of_text()[keep]
    return Cleaned(join_kept(page, keep, read_links), found, cut, text_lines=text_lines,
                   kept_lines=int(np.count_nonzero(np.diff(kept_of_text, prepend=-1))))


def piece_spans(text: str, page: Page) -> tuple[list[int], list[int]]:
    """The start and end in ``text`` of each line of ``page``, its segmentation (:meth:`Page.from_text`): a line's,
    or a piece's of a line holding most of its page (see :mod:`linesift.model.pieces`)."""
    spans = line_spans(text)
    if not page.continued.any():
        return [start for start, _ in spans], [end for _, end in spans]
    line_of_text = page.line_of_text()
    line_starts = np.array([start for start, _ in spans], dtype=np.int64)[line_of_text]
    within = page.starts - page.starts[np.flatnonzero(~page.continued)][line_of_text]
    starts = line_starts + within
    return starts.tolist(), (starts + page.ends - page.starts).tolist()


def document_text(document: Document, parse_html: bool = False) -> PageRead:
    """The text to clean, from HTML rendered to text or (``parse_html``) parsed into blocks with their structure,
    or why there is none (not renderable, over the size limits)."""
    if document.html is None or not document.html.strip():  # an empty HTML file is an empty page, like an empty text file
        read = PageRead(document.text or "", Structure.blank(0) if parse_html and document.html is not None else None)
    elif parse_html:
        read = parse(document.html, document.charset)
    else:
        read = render(document.html, document.charset)
    if read.problem is None:
        try:
            check_page_size(read.text)
        except PageTooLargeError as too_large:
            read = replace(read, problem=str(too_large))
    return read


def clean_documents(model: Sifter, documents: Sequence[Document], threshold: float | None = None, spans: bool = False,
                    reasons: bool = False, html_model: Sifter | None = None) -> list[Cleaned]:
    """Clean every :class:`Document`, scored together (see :meth:`Sifter.scored_many`); an HTML page
    that cannot be rendered, or a page over the size limits, gives a ``Cleaned`` with ``error``.
    With ``html_model`` HTML pages are parsed into blocks and cleaned by it, but for those it leaves to a model of
    text (:meth:`Sifter.reads_as_text`), whose blocks ``model`` cleans; without, they are rendered to text and
    cleaned by ``model``. ``reasons`` adds each page's ``drop_reasons``, read from the same scores."""
    results: list[Cleaned] = []
    by_model: dict[bool, dict[int, tuple[str, Structure | None]]] = {False: {}, True: {}}
    for index, document in enumerate(documents):
        as_blocks = html_model is not None and document.html is not None
        read = document_text(document, as_blocks)
        results.append(Cleaned(error=read.problem, note=read.note))
        if read.problem is None:
            with_markup = read.structure is not None and not cast(Sifter, html_model).reads_as_text(read.structure)
            by_model[with_markup][index] = (read.text, read.structure if with_markup else None)
    for with_markup, texts in by_model.items():
        if texts:
            scorer = cast(Sifter, html_model) if with_markup else model
            _clean_scored_together(scorer, documents, texts, results, threshold, spans, reasons)
    return results


def _clean_scored_together(model: Sifter, documents: Sequence[Document], texts: dict[int, tuple[str, Structure | None]],
                           results: list[Cleaned], threshold: float | None, spans: bool, reasons: bool) -> None:
    """Clean the documents at the keys of ``texts`` (their text, and their structure for a model of HTML pages)
    with ``model``, in batches, writing each :class:`Cleaned` to ``results`` at the document's index."""
    # An HTML page's blocks are lines as they are, one per block of its structure, as ``HtmlPage.text_page`` makes
    # them: a block holding most of the page is not cut into pieces, which the structure has no entries for.
    pages = [Page.from_text(text) if structure is None else Page.from_lines(text.split("\n"))
             for text, structure in texts.values()]
    structures = [cast(Structure, structure) for _, structure in texts.values()] if model.input == "html" else None
    scored_pages = list(zip(texts.items(), pages))
    done = 0
    for scored in model.scored_many(pages, threshold, structures):
        decisions = scored.decisions()
        batch, done = scored_pages[done : done + len(decisions)], done + len(decisions)
        counts = drop_reasons(model, scored, [d.keep(page) for (_, page), d in zip(batch, decisions)]) if reasons else None
        for position, (((index, (text, _)), page), decision) in enumerate(zip(batch, decisions)):
            document = documents[index]
            # An HTML page's blocks are the text it shows: a "[text](target)" there is what a reader reads.
            cleaned = _decided(text, page, decision, spans, document.lines, model.read_links and document.html is None)
            if document.html is not None:  # its decoding's note, set when it was read, goes with it
                cleaned = replace(cleaned, rendered=text, note=results[index].note)
            results[index] = cleaned if counts is None else replace(cleaned, drop_reasons=counts[position])


def clean_html_pages(html_model: Sifter, pages: Sequence[str], threshold: float | None = None, spans: bool = False,
                     reasons: bool = False) -> list[Cleaned]:
    """Clean every HTML page of ``pages``, each a ``str``, with the model of HTML pages, and with its ``text_model``
    those whose markup names few blocks (see :func:`clean_documents`); a page that cannot be parsed, or is over the
    size limits, gives a ``Cleaned`` with ``error`` and no text."""
    documents = [Document(html=page.encode("utf-8", "replace")) for page in pages]
    # Without a text_model the model of HTML pages leaves no page to one, and ``model`` cleans nothing.
    return clean_documents(html_model.text_model or html_model, documents, threshold, spans, reasons, html_model=html_model)


def check_texts(texts: Sequence[object], name: Callable[[int], str], html: bool = False) -> None:
    """Refuse, before any is cleaned, a text that is not a ``str`` or (``html`` False) is over the page limits, naming
    it by ``name(index)``: in a corpus step, an error that does not say which document stops a whole partition."""
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"{name(index)}: the text is {'null' if _is_null(text) else type(text).__name__}, not a str")
        if not html:
            try:
                check_page_size(text)
            except PageTooLargeError as error:
                raise PageTooLargeError(f"{name(index)}: {error}") from None


def _is_null(value: object) -> bool:
    """None, or what a dataframe holds for a missing value: NaN, pandas' NA."""
    return value is None or (isinstance(value, float) and value != value) or type(value).__name__ == "NAType"


def clean_texts(model: Sifter, texts: Sequence[str], threshold: float | None = None, spans: bool = False,
                reasons: bool = False) -> list[Cleaned]:
    """Clean every text of ``texts``, scored together (``reasons``: see :func:`clean_documents`).

    Raises:
        PageTooLargeError: a text is over the size limits (see :mod:`linesift.limits`).
    """
    cleaned = clean_documents(model, [Document(text=text) for text in texts], threshold, spans, reasons)
    for result in cleaned:
        if result.error is not None:  # text needs no rendering: the only error is a page over the limits
            raise PageTooLargeError(result.error)
    return cleaned
