"""A line holding most of its page, such as a page on one line, is scored from the sentences it holds.

Text whose line breaks became spaces (a page read as one string, a layout table's cell in Markdown) puts much of a
page, its menus and its article, on one line. The model learnt its weights from lines of a paragraph or less, and
read from so many words such a line scores at random: half of the development pages laid out on one line were
dropped whole. So a line of more than :data:`LONG_LINE_WORDS` words that holds at least :data:`PAGE_SHARE` of its
page's words is cut into pieces at its sentence ends, each of at most :data:`PIECE_WORDS` words; the page is scored
again with the pieces in the line's place, among the lines around it, and the line takes the pieces' mean
P(content), weighted by their words: about the share of its words that are content. The line is still kept or
dropped whole; only its score comes from its pieces. A long line among many others (a policy under an article)
is scored by the page around it, as any line is: read as pieces, such lines scored higher than they should.
"""

from __future__ import annotations

import re

import numpy as np

from linesift.model.pagestats import PageStats
from linesift.model.segment import Page

# Longer than nearly every paragraph: of the 1.7 million labelled lines of the corpus, a few dozen per rendering.
LONG_LINE_WORDS = 300
# The share of its page's words a long line holds when the page around it says too little to score it by.
PAGE_SHARE = 0.5
# A sentence longer than this (a menu's run of links, a script) is cut every this many words: as long as a
# sentence, so that a menu's pieces do not read as paragraphs.
PIECE_WORDS = 24
# At most this many pieces a line, so that a line of ten million characters is scored again as a page of at most
# this many lines (about twice the time and memory of the line alone, docs/limits.md): past it, neighbouring
# pieces are joined.
MAX_PIECES = 4096
_SENTENCE_END = re.compile(r"(?<=[.!?;:。！？])\s+")


def page_sized_lines(stats: PageStats) -> np.ndarray:
    """The lines of ``stats.page`` (pages joined in one, each apart) scored from their pieces."""
    words = stats.words_per_line
    page_words = np.bincount(stats.page_of_line, weights=words, minlength=len(stats.page.bounds) - 1)
    return np.flatnonzero((words > LONG_LINE_WORDS) & (words >= PAGE_SHARE * page_words[stats.page_of_line]))


def pieces_of(line: str) -> tuple[list[str], list[int]]:
    """``line`` cut at its sentence ends into pieces of at most :data:`PIECE_WORDS` whitespace-separated words, or into
    :data:`MAX_PIECES` runs of such pieces when they are more; and the words of each piece."""
    pieces: list[str] = []
    words_of: list[int] = []
    for sentence in _SENTENCE_END.split(line.strip()):
        words = sentence.split()
        if len(words) <= PIECE_WORDS:
            pieces.append(sentence)  # most sentences: kept as they are, not split and joined again
            words_of.append(len(words))
            continue
        for start in range(0, len(words), PIECE_WORDS):
            pieces.append(" ".join(words[start : start + PIECE_WORDS]))
            words_of.append(min(PIECE_WORDS, len(words) - start))
    if len(pieces) > MAX_PIECES:
        size = -(-len(pieces) // MAX_PIECES)
        starts = range(0, len(pieces), size)
        pieces = [" ".join(pieces[start : start + size]) for start in starts]
        words_of = [sum(words_of[start : start + size]) for start in starts]
    return pieces, words_of


def with_pieces(page: Page, lines: np.ndarray) -> tuple[Page, np.ndarray, np.ndarray]:
    """``page`` (pages joined in one, each apart) with each of its ``lines`` replaced by its pieces, in its block; for
    each line of the new page, the line of ``page`` it comes from; and the words of each piece (0 for the other lines).
    Words are counted a space apart, as a reader counts them: the model's count weighs a URL's parts or a script's
    tokens as many words, and such pieces then outweighed the prose (word F1 of pages on one line, development
    sites: 0.020 lower on Markdown and on html-text's text with script leftovers)."""
    cut = {line: pieces_of(page.lines[line]) for line in lines.tolist()}
    pieced, line_of = page.expanded({line: pieces for line, (pieces, _) in cut.items()})
    words = np.zeros(len(pieced))
    firsts = np.searchsorted(line_of, lines)  # each line's first piece: line_of is sorted
    for line, first in zip(lines.tolist(), firsts.tolist()):
        counts = cut[line][1]
        words[first : first + len(counts)] = counts
    return pieced, line_of, words
