"""Clean one document and describe the result the way every output format stores it.

A document is plain text or HTML bytes (rendered first, with the renderer the model was trained
on). The result is the cleaned text and, on request, per-line spans ``[start, end, p_content]``
into the document's own text, the way RedPajama-V2 stores line-level quality signals: offsets are
Python string indices (Unicode code points) into the text as given, line terminators excluded, one
span per line including blank ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linesift.io.html import render
from linesift.limits import PageTooLargeError, check_page_size
from linesift.model.segment import Page
from linesift.model.sifter import Line, Sifter, join_kept

TEXT_FIELD = "linesift_text"
SPANS_FIELD = "linesift_spans"
P_CONTENT_DIGITS = 6  # p_content as written in spans and per-line records: more than any threshold needs

_TERMINATOR = re.compile(r"\r\n|\r|\n")
Span = tuple[int, int, float]


@dataclass(frozen=True, slots=True)
class Document:
    """What a worker cleans: ``text``, or ``html`` to render first; ``lines`` asks for every line's decision."""

    text: str | None = None
    html: bytes | None = None
    lines: bool = False


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The outcome for one document: cleaned text, spans or lines if asked, or the reason it failed.

    ``rendered`` is the text an HTML document rendered to, so spans have something to point into.
    """

    text: str = ""
    spans: list[Span] | None = None
    lines: list[Line] | None = None
    rendered: str | None = None
    error: str | None = None
    text_lines: int = 0  # non-blank lines in, for pipelines that report what was dropped
    kept_lines: int = 0


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text``, split exactly as :class:`Page` splits it."""
    spans, start = [], 0
    for match in _TERMINATOR.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def clean_text(model: Sifter, text: str, threshold: float | None = None, spans: bool = False, lines: bool = False) -> Cleaned:
    """Clean ``text`` once, with the spans from the same probabilities when ``spans``.

    With ``lines``, the result holds every line's decision instead of the cleaned text.
    """
    if lines:
        return Cleaned(lines=model.predict_lines(text, threshold))
    check_page_size(text)
    page = Page.from_text(text)
    p = model.probabilities(page)
    keep = (p >= (model.threshold if threshold is None else threshold)) & ~page.blank
    found = None
    if spans:
        found = [(start, end, round(prob, P_CONTENT_DIGITS)) for (start, end), prob in zip(line_spans(text), p.tolist())]
    return Cleaned(join_kept(page, keep), found, text_lines=int((~page.blank).sum()), kept_lines=int(keep.sum()))


def clean_document(model: Sifter, document: Document, threshold: float | None = None, spans: bool = False) -> Cleaned:
    """Clean a :class:`Document`; an HTML page that cannot be rendered, or a page over the size
    limits, gives a ``Cleaned`` with ``error``."""
    try:
        if document.html is None or not document.html.strip():  # an empty HTML file is an empty page, like an empty text file
            return clean_text(model, document.text or "", threshold, spans, document.lines)
        text, error = render(document.html)
        if error is not None:
            return Cleaned(error=error)
        cleaned = clean_text(model, text, threshold, spans, document.lines)
    except PageTooLargeError as too_large:
        return Cleaned(error=str(too_large))
    return Cleaned(cleaned.text, cleaned.spans, cleaned.lines, rendered=text)
