"""Text conventions: the ways scrapers and crawlers lay out the same page's text, made from labelled pages.

A renderer puts one visible block per line with a blank line between blocks. Users feed other layouts
of the same text, and a model must hold up on each:

* ``blank-lines``: as rendered, a blank line between blocks;
* ``no-blank-lines``: one block per line and no blank line at all, as Common Crawl WET records and
  many scrapers write it;
* ``wrapped``: every line hard-wrapped near 80 columns, as terminal browsers and text dumps write it;
  each piece keeps the label of the line it came from;
* ``indented``: every line wrapped near 76 columns and indented by three spaces, as ``lynx -dump`` writes
  paragraphs;
* ``one-line``: the whole page on one line, its lines a space apart, as text whose line breaks became spaces comes
  (a page read as one string); the line is content when most of its words are, as an aligned line is;
* ``double-spaced``: a blank line after every line, as text whose pieces were joined with two line breaks comes
  (BeautifulSoup's ``get_text("\\n\\n")``, some scrapers' exports);
* ``sentences``: one sentence a line, blank lines kept, as sentence-split NLP corpora lay text out; each sentence
  keeps the label of the line it came from.

Windows line ends need no copy: lines are split on ``\\r\\n`` before anything reads them. Markdown is a
renderer of its own (``markdown`` in :mod:`linesift.io.render`), since its syntax comes from the HTML.

Training learns from a mix (:func:`training_mix`): each page rendering is laid out in one convention,
chosen by a hash of its id and renderer, so the corpus keeps its size and every site is seen in every layout.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from linesift.model.segment import continues, laid_out
from linesift.training.align import tokens
from linesift.training.data import BLANK, LabelledPage

AS_RENDERED = "blank-lines"
WRAP_COLUMNS = 80
INDENT = "   "
INDENTED_COLUMNS = 76
# The training mix: the layouts a model learns from, and how many of every ten page renderings take each. A page on
# one line is learnt from its pieces, as cleaning reads it (the development sites on one line: 0.807 on resiliparse's
# text never learnt, 0.820 learnt; every other layout within 0.0004). ``indented``, ``double-spaced`` and
# ``sentences`` are left out so that the evaluation has layouts no model has seen.
MIX = {AS_RENDERED: 4, "no-blank-lines": 3, "wrapped": 2, "one-line": 1}
ONE_LINE = "one-line"
# A page on one line is content when this share of its words (the benchmark's tokens) are content words, as
# linesift.training.align labels a line.
ONE_LINE_CONTENT_SHARE = 0.5


def _without_blank_lines(page: LabelledPage) -> LabelledPage:
    keep = page.labels != BLANK
    return replace(page, lines=[line for line, kept in zip(page.lines, keep) if kept], labels=page.labels[keep])


def _double_spaced(page: LabelledPage) -> LabelledPage:
    rows = np.flatnonzero(page.labels != BLANK)
    lines = [line for row in rows.tolist() for line in (page.lines[row], "")][:-1]
    labels = np.full(len(lines), BLANK, dtype=np.int8)
    labels[::2] = page.labels[rows]
    return replace(page, lines=lines, labels=labels)


# A sentence ends at ., ! or ? (and the quote or bracket closing it) before a space and what starts a sentence.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“(]?[A-Z0-9])")


def _one_sentence_a_line(page: LabelledPage) -> LabelledPage:
    lines: list[str] = []
    labels: list[int] = []
    for line, label in zip(page.lines, page.labels.tolist()):
        sentences = [line] if label == BLANK else [sentence for sentence in _SENTENCE_BREAK.split(line) if sentence.strip()]
        lines += sentences
        labels += [label] * len(sentences)
    return replace(page, lines=lines, labels=np.array(labels, dtype=np.int8))


def _wrapper(width: int, indent: str = "") -> Callable[[LabelledPage], LabelledPage]:
    wrapper = textwrap.TextWrapper(width=width, initial_indent=indent, subsequent_indent=indent,
                                   break_long_words=False, break_on_hyphens=False)

    def wrapped(page: LabelledPage) -> LabelledPage:
        lines: list[str] = []
        labels: list[int] = []
        for line, label in zip(page.lines, page.labels.tolist()):
            # A blank line stays blank; a short line stays whole (tabs between table cells included); a long one
            # wraps into pieces, each with its label.
            if label == BLANK:
                pieces = [""]
            elif len(indent) + len(line) <= width:
                pieces = [indent + line]
            else:
                # textwrap splits on ASCII spaces only: a piece of other spaces (no-break, ideographic) would be a
                # blank line labelled as a line of words, so such pieces are left out (they hold no word).
                pieces = [piece for piece in wrapper.wrap(line) if piece.strip()]
            lines += pieces
            labels += [label] * len(pieces)
        return replace(page, lines=lines, labels=np.array(labels, dtype=np.int8))

    return wrapped


def _on_one_line(page: LabelledPage) -> LabelledPage:
    """The page on one line; read as its pieces when it holds enough words (see :mod:`linesift.model.pieces`), each
    piece labelled by the lines its words come from."""
    rows = np.flatnonzero(page.labels != BLANK)
    if not len(rows):
        return page
    line = " ".join(page.lines[row].strip() for row in rows.tolist())
    pieced = laid_out([line], np.array([len(line)]))
    if pieced is None:
        words = np.array([len(tokens(page.lines[row])) for row in rows.tolist()])
        content = words[page.labels[rows] == 1].sum() >= ONE_LINE_CONTENT_SHARE * max(words.sum(), 1)
        return replace(page, lines=[line], labels=np.array([int(content)], dtype=np.int8))
    pieces, line_of = pieced
    # Pieces split the line between its words: each takes the next of them, with their lines' labels.
    word_labels = np.concatenate([np.full(len(page.lines[row].split()), page.labels[row]) for row in rows.tolist()])
    ends = np.cumsum([len(piece.split()) for piece in pieces])
    return replace(page, lines=pieces, labels=_mostly_content(word_labels, ends), continued=continues(line_of))


def _mostly_content(word_labels: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per run of words ending at each of ``ends`` (their labels ``word_labels``): 1 when most of them are content."""
    counts = np.diff(ends, prepend=0)
    content = np.add.reduceat((word_labels == 1).astype(np.int64), ends - counts)
    return (content >= ONE_LINE_CONTENT_SHARE * counts).astype(np.int8)


def with_pieces_joined(page: LabelledPage) -> LabelledPage:
    """``page`` with the pieces of each line of its text joined into that line again, a space apart (see
    :meth:`LabelledPage.read_as_text`), labelled content when most of its words are: the text that line tools read."""
    if page.continued is None or not page.continued.any():
        return page
    line_of = np.cumsum(~page.continued) - 1
    starts = np.flatnonzero(~page.continued)
    lines = [" ".join(page.lines[start:end]) for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(page.lines)])]
    words = np.array([len(line.split()) for line in page.lines])
    content = np.bincount(line_of, weights=words * (page.labels == 1), minlength=len(lines))
    labels = np.where(page.labels[starts] == BLANK, BLANK,
                      content >= ONE_LINE_CONTENT_SHARE * np.maximum(np.bincount(line_of, weights=words), 1))
    return replace(page, lines=lines, labels=labels.astype(np.int8), continued=None)


CONVENTIONS: dict[str, Callable[[LabelledPage], LabelledPage]] = {
    AS_RENDERED: lambda page: page,
    "no-blank-lines": _without_blank_lines,
    "wrapped": _wrapper(WRAP_COLUMNS),
    "indented": _wrapper(INDENTED_COLUMNS, INDENT),
    ONE_LINE: _on_one_line,
    "double-spaced": _double_spaced,
    "sentences": _one_sentence_a_line,
}
# What ``--convention all`` lays out. The others are asked for by name: each layout more is a copy of every page the
# evaluation holds at once (with a page on one line, the development sites took 4.24 GB).
LINE_LAYOUTS = (AS_RENDERED, "no-blank-lines", "wrapped", "indented")


def in_convention(page: LabelledPage, convention: str) -> LabelledPage:
    """``page`` laid out in ``convention`` (a key of :data:`CONVENTIONS`), marked with it."""
    return replace(CONVENTIONS[convention](page), convention=convention)


def mix_convention(page: LabelledPage) -> str:
    """The convention :func:`training_mix` gives ``page``: fixed by its id and renderer, so training is repeatable."""
    digest = hashlib.sha256(f"{page.id}\0{page.renderer}".encode()).digest()
    slot = int.from_bytes(digest[:4], "big") % sum(MIX.values())
    for convention, share in MIX.items():
        if slot < share:
            return convention
        slot -= share
    raise AssertionError("unreachable: the slot is below the sum of the shares")


def training_mix(pages: Sequence[LabelledPage]) -> list[LabelledPage]:
    """Every page in the convention :func:`mix_convention` gives it; pages already marked with one stay as they are,
    and so do pages parsed from HTML: their lines are the page's blocks, each with its markup."""
    return [page if page.convention or page.structure is not None else in_convention(page, mix_convention(page))
            for page in pages]
