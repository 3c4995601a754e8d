"""A line holding most of its page, such as a page on one line, is read as the sentences it holds.

Text whose line breaks became spaces (a page read as one string, a layout table's cell in Markdown) puts much of a
page, its menus and its article, on one line. The model learnt its weights from lines of a paragraph or less, and
read from so many words such a line scores at random: half of the development pages laid out on one line were
dropped whole. So a line of more than :data:`LONG_LINE_WORDS` words that holds at least :data:`PAGE_SHARE` of its
page's words, and is not code (:data:`CODE_SHARE`), is cut into pieces at its sentence ends, each of at most
:data:`PIECE_WORDS` words, and each piece is a line of the page (:meth:`linesift.model.segment.Page.from_text`):
scored, kept or dropped as any line is. A long line among many others (a policy under an article) is read whole, as
the page around it scores it: read as pieces, such lines scored higher than they should.

Words are counted a space apart, as a reader counts them. Pieces tile their line: each ends one character before
the next starts, so that the line's text is its pieces each followed by one white space character of it.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

# Longer than most paragraphs; a line must also hold PAGE_SHARE of its page. At 300, a short page on one line (a
# news page of 278 words, menus and article) was read whole and dropped whole; development pages of at most 300
# words, on one line, resiliparse's text / Markdown: 0.423 / 0.349 at 300, 0.773 / 0.706 at 100 (fold models
# retrained), while a lone paragraph of 123 words, cut into its sentences, keeps every one of them.
LONG_LINE_WORDS = 100
# The share of its page's words a long line holds when the page around it says too little to score it by.
PAGE_SHARE = 0.5
# A sentence longer than this (a menu's run of links, a script) is cut every this many words, so that a menu's pieces
# do not read as paragraphs nor a heading share a piece with them. Development pages on one line, built-in model,
# resiliparse's text / Markdown: 8 words 0.843 / 0.808, 10 0.845 / 0.807, 12 0.844 / 0.806, 16 0.839 / 0.797, 24
# 0.829 / 0.786, 32 0.820 / 0.777.
PIECE_WORDS = 12
# At most this many pieces a line, so that a line of ten million characters is read as at most this many lines:
# past it, neighbouring pieces are joined.
MAX_PIECES = 4096
# A long line with at least this share of code characters (CODE_CHARACTERS) is code, a script's state or JSON, and
# is read whole beside the rest of its page: its pieces hold strings (an article's text, escaped) that read as prose
# and were kept. Page-sized lines of every text node: a median of 0.12; development pages on one line: at most 0.027
# for 99 of 100 pages of plain text, 0.071 of Markdown, 0.137 with the starts of scripts left in.
CODE_SHARE = 0.08
CODE_CHARACTERS = '{}[]"\\=;<>'
# A line holding at least this share of its page's words is the page: it is code from PAGE_CODE_SHARE. Read whole, a
# page on one line with the starts of its scripts left in was dropped (15%: a lone line of JSON-LD holds 16%).
WHOLE_PAGE_SHARE = 0.99
PAGE_CODE_SHARE = 0.15
# The shortest line that may hold more than LONG_LINE_WORDS words: a word and a space each.
_MIN_LONG_CHARS = 2 * LONG_LINE_WORDS + 1
# The characters str.split() splits at (str.isspace), which separate words and pieces.
WHITE_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_WHITE_SPACE_CODES = np.array([ord(character) for character in WHITE_SPACE], dtype=np.uint32)
_SENTENCE_END_CODES = np.array([ord(character) for character in ".!?;:。！？"], dtype=np.uint32)


def page_sized_lines(lines: list[str], lengths: np.ndarray, blank: np.ndarray | None = None) -> list[int]:
    """The indices of the ``lines`` of one page (``lengths``, their lengths; ``blank``, which are empty or white space,
    when known) read as pieces."""
    if not (lengths >= _MIN_LONG_CHARS).any():
        return []
    # A line of n characters holds (n + 1) // 2 words at most, and every other line with text one at least: most long
    # lines (an article's paragraphs among its many lines) are ruled out before any line is split into words. In one
    # comparison per line: (n + 1) // 2 >= filled - 1 is n >= 2 * filled - 3.
    filled = len(lines) - (int(np.count_nonzero(blank)) if blank is not None else sum(not line.strip() for line in lines))
    long = np.flatnonzero(lengths >= max(_MIN_LONG_CHARS, 2 * filled - 3)).tolist()
    if not long:
        return []
    words = {i: len(lines[i].split()) for i in long}
    long = [i for i in long if words[i] > LONG_LINE_WORDS]
    fewest_page_words = sum(words[i] for i in long) + filled - len(long)
    long = [i for i in long if words[i] >= PAGE_SHARE * fewest_page_words]
    if not long:
        return []
    page_words = sum(len(line.split()) for line in lines)
    return [i for i in long if words[i] >= PAGE_SHARE * page_words
            and _code_share(lines[i]) < (PAGE_CODE_SHARE if words[i] >= WHOLE_PAGE_SHARE * page_words else CODE_SHARE)]


def _code_share(line: str) -> float:
    """The share of ``line``'s characters that are :data:`CODE_CHARACTERS`."""
    return sum(map(line.count, CODE_CHARACTERS)) / len(line)


def piece_starts(line: str) -> list[int]:
    """Where each piece of ``line`` starts: the first at 0, each other at the first word after a sentence end or after
    :data:`PIECE_WORDS` words of one sentence; at most :data:`MAX_PIECES` of them, evenly joined when more."""
    # One pass over the line's code points, not a loop over its words: a page on one line has thousands.
    codes = np.frombuffer(line.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    space = np.isin(codes, _WHITE_SPACE_CODES)
    word_starts = np.flatnonzero(~space & np.concatenate(([True], space[:-1])))
    word_ends = np.flatnonzero(~space & np.concatenate((space[1:], [True])))  # each word's last character
    ends_sentence = np.isin(codes[word_ends], _SENTENCE_END_CODES)
    # Each word's place in its sentence: a piece closes at a sentence end, or every PIECE_WORDS words of a sentence.
    opens_sentence = np.concatenate(([True], ends_sentence[:-1]))
    words = np.arange(len(word_starts))
    place = words - np.maximum.accumulate(np.where(opens_sentence, words, 0))
    closes = ends_sentence | ((place + 1) % PIECE_WORDS == 0)
    starts = [0, *word_starts[1:][closes[:-1]].tolist()]
    if len(starts) > MAX_PIECES:
        starts = starts[:: -(-len(starts) // MAX_PIECES)]
    return starts


def pieces_of(line: str) -> list[str]:
    """``line`` cut into its pieces (see :func:`piece_starts`): each ends one character before the next starts."""
    starts = piece_starts(line)
    return [line[start : end - 1] for start, end in pairwise(starts)] + [line[starts[-1] :]]
