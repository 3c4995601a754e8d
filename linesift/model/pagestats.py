"""A page seen through its characters: each code point's class, and views of the page shared by the features.

Characters are classified through a table indexed by code point (exactly below ``TABLE_SIZE``, by a few
ranges above it). :class:`PageStats` computes the views the feature families and the n-grams read
(code points, per-line class counts, word spans and hashes), each once and only when asked for.
"""

from __future__ import annotations

from functools import cached_property
from itertools import repeat
from typing import NamedTuple

import numpy as np

from linesift.model.hashing import LENGTH_MIX, MIX, HashSums, hash_words, running_sums, span_hashes
from linesift.model.segment import Page

# Character classes, looked up per code point through a table. The classes of word characters (letters and
# digits) come first, so that "is a word character" is one comparison per character: ``class < WORD_CLASSES``.
UPPER, LOWER, DIGIT, OTHER_LETTER, SPACE, TERMINAL, PUNCT, CODE, QUOTE, OTHER, CLOSING = range(11)
N_CLASSES = 11
WORD_CLASSES = 4
TABLE_SIZE = 0x800  # Latin, Greek, Cyrillic, Hebrew, Arabic: classified exactly below this.

_TERMINAL_CHARS = ".!?…。！？؟"
_CODE_CHARS = "{}[(<>=;|\\/_$#*+^~`&%@"
_CLOSING_CHARS = ")]"  # code characters too, but a sentence may end inside them: "(see below.)"
_QUOTE_CHARS = "\"'“”‘’«»„"
AFTER_SENTENCE_END = (SPACE, QUOTE, CLOSING)  # the classes that may follow a sentence's final punctuation


def _build_class_table() -> np.ndarray:
    table = np.full(TABLE_SIZE, OTHER, dtype=np.uint8)
    for code in range(TABLE_SIZE):
        char = chr(code)
        if char.isspace():
            table[code] = SPACE
        elif char.isdigit():
            table[code] = DIGIT
        elif char.isupper():
            table[code] = UPPER
        elif char.isalpha():
            table[code] = LOWER
        elif char in _TERMINAL_CHARS:
            table[code] = TERMINAL
        elif char in _CODE_CHARS:
            table[code] = CODE
        elif char in _CLOSING_CHARS:
            table[code] = CLOSING
        elif char in _QUOTE_CHARS:
            table[code] = QUOTE
        elif not char.isprintable():
            table[code] = OTHER
        else:
            table[code] = PUNCT
    return table


CLASS_TABLE = _build_class_table()
_WIDE_CLASSES = {  # classes of characters above the table that matter for the features
    **{ord(c): TERMINAL for c in _TERMINAL_CHARS if ord(c) >= TABLE_SIZE},
    **{ord(c): QUOTE for c in _QUOTE_CHARS if ord(c) >= TABLE_SIZE},
    # Spaces, as ``str.isspace`` says (U+1680, U+2000 to U+200A, U+2028, U+3000, ...): all lie below U+3001.
    **{code: SPACE for code in range(TABLE_SIZE, 0x3001) if chr(code).isspace()},
}
# Ranges of code points above the table (first, last) that are punctuation unless listed above (the katakana middle
# dot U+30FB among them).
_WIDE_PUNCTUATION = ((0x2000, 0x206F), (0x3000, 0x303F), (0x30FB, 0x30FB), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20),
                     (0xFF3B, 0xFF40), (0xFF5B, 0xFF65))
# The same, sorted by code point, to be looked up by a search.
_WIDE_CODES = np.array(sorted(_WIDE_CLASSES), dtype=np.uint32)
_WIDE_CODE_CLASSES = np.array([_WIDE_CLASSES[code] for code in _WIDE_CODES.tolist()], dtype=np.uint8)
# Scripts written without spaces between words, whose characters each stand for a morpheme or a syllable: CJK
# ideographs (with extension A and the compatibility block), hiragana, katakana and half-width katakana.
_UNSPACED_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F))
_LOWER_TABLE = np.array([ord(chr(c).lower()[0]) for c in range(TABLE_SIZE)], dtype=np.uint32)
# Indexed by a class, or by what stands for "no character" (-1, or 255 once cast to the classes' uint8): False.
WORD_CLASS = np.zeros(256, dtype=bool)
WORD_CLASS[:WORD_CLASSES] = True


def _list_class_chars() -> dict[int, str]:
    """Every character of each class without a range of characters above the table, to strip lines of them."""
    chars: dict[int, list[str]] = {cls: [] for cls in range(N_CLASSES) if cls not in (OTHER_LETTER, PUNCT, OTHER)}
    for code, cls in [*enumerate(CLASS_TABLE.tolist()), *_WIDE_CLASSES.items()]:
        if cls in chars:
            chars[cls].append(chr(code))
    return {cls: "".join(listed) for cls, listed in chars.items()}


_CLASS_CHARS = _list_class_chars()

# Characters whose offsets :meth:`PageStats.positions` finds with one table lookup per character of the
# page: where the features' patterns can start.
MARKED = "=!)}.:@\""
_MARK_TABLE = np.zeros(TABLE_SIZE, dtype=np.uint8)
_MARK_TABLE[[ord(c) for c in MARKED]] = np.arange(1, len(MARKED) + 1)
# The three tables above in one, so that the page is looked up once: each entry holds a code point's lower
# case in its low 16 bits, its class in the next 8 (bits 16 to 23, so that a cast to uint8 of the entry
# shifted by 16 gives it) and its mark in the top 8.
_CLASS_SHIFT, _MARK_SHIFT = 16, 24
_CHAR_TABLE = (_LOWER_TABLE | CLASS_TABLE.astype(np.uint32) << _CLASS_SHIFT) | _MARK_TABLE.astype(np.uint32) << _MARK_SHIFT
# Characters read at once at a line's start or end before it is stripped as a string. Lines that start or end
# with characters to skip mostly have a few (indents of 2, 4 or 6 spaces): 8 reads half the cells 16 did.
_STRIP_WINDOW = 8


class EqualLines(NamedTuple):
    """The equal lines of a page (see :attr:`PageStats.equal_lines`), one entry per line."""

    group: np.ndarray  # the same number for equal lines of one page
    copies: np.ndarray  # how many lines of its page equal it, itself included
    chars: np.ndarray  # its characters without the surrounding spaces


class PageStats:
    """Views of a page shared by the feature families, each computed once and only when asked for."""

    def __init__(self, page: Page, words_per_line: np.ndarray | None = None) -> None:
        """``words_per_line``, when the page's words were counted already, is taken instead of counting them again."""
        self.page = page
        self.n_lines = len(page)
        self._last_visible: dict[tuple[int, ...], np.ndarray] = {}  # ``last_visible_index`` by the classes skipped
        if words_per_line is not None:
            self.__dict__["words_per_line"] = words_per_line  # where the cached property keeps its value

    @cached_property
    def codes(self) -> np.ndarray:
        """The page text as code points (lone surrogates kept as their own values)."""
        return np.frombuffer(self.page.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    @cached_property
    def wide(self) -> np.ndarray:
        """Offsets of the characters above the lookup tables: few, except in scripts east of Arabic."""
        return np.flatnonzero(self.codes >= TABLE_SIZE)

    @cached_property
    def _char_entries(self) -> np.ndarray:
        """The ``_CHAR_TABLE`` entry of every code point; characters above the table (``wide``) read its last entry.

        ``take`` clips the code points as it reads: faster than clipping them into an index array first.
        """
        return _CHAR_TABLE.take(self.codes, mode="clip")

    @cached_property
    def lowered(self) -> np.ndarray:
        """Code points lower-cased through the table (characters above it are kept), for hashing."""
        lowered = self._char_entries & np.uint32((1 << _CLASS_SHIFT) - 1)
        lowered[self.wide] = self.codes[self.wide]
        return lowered

    @cached_property
    def hash_sums(self) -> HashSums:
        """What hashes any span of the page's lower-cased text (see :func:`hashing.span_hashes`)."""
        return running_sums(self.lowered)

    @cached_property
    def _marked(self) -> tuple[np.ndarray, np.ndarray]:
        """Offsets of the ``MARKED`` characters, and their index in it plus one (of the index type: ``positions``
        looks them up in a table, every time)."""
        entries = self._char_entries
        where = np.flatnonzero(entries >= np.uint32(1 << _MARK_SHIFT))  # on booleans: faster than on the entries
        return where, (entries[where] >> np.uint32(_MARK_SHIFT)).astype(np.intp)

    def positions(self, chars: str) -> np.ndarray:
        """Sorted offsets of ``chars``, each one of ``MARKED`` or above the lookup tables."""
        where, marks = self._marked
        wanted = np.zeros(len(MARKED) + 1, dtype=bool)
        wanted[[MARKED.index(c) + 1 for c in chars if ord(c) < TABLE_SIZE]] = True
        found = where.compress(wanted.take(marks))  # faster than indexing, by a boolean mask above all
        wide_chars = [ord(c) for c in chars if ord(c) >= TABLE_SIZE]
        if wide_chars and len(self.wide):
            found = np.union1d(found, self.wide[np.isin(self.codes[self.wide], wide_chars)])
        return found

    @cached_property
    def first_visible_index(self) -> np.ndarray:
        """Index in the page of each line's first character that is not a space, -1 when there is none."""
        return _find_visible(self, (SPACE,), from_end=False)

    def last_visible_index(self, skip: tuple[int, ...]) -> np.ndarray:
        """Index in the page of each line's last character not in ``skip`` classes, -1 when there is none (computed
        once per ``skip``: several families read it)."""
        if skip not in self._last_visible:
            self._last_visible[skip] = _find_visible(self, skip, from_end=True)
        return self._last_visible[skip]

    @cached_property
    def ends_sentence(self) -> np.ndarray:
        """Whether each line ends like a sentence: its last visible character, past closing quotes and brackets, is
        one of ``.!?…`` or their Chinese, Japanese and Arabic forms."""
        index = self.last_visible_index(AFTER_SENTENCE_END)
        return (index >= 0) & (self.classes[np.maximum(index, 0)] == TERMINAL if len(self.classes) else False)

    @cached_property
    def first_visible(self) -> np.ndarray:
        """The code point of each line's first character that is not a space, 0 when there is none."""
        if len(self.codes) == 0:
            return np.zeros(self.n_lines, dtype=np.uint32)
        index = self.first_visible_index
        return np.where(index >= 0, self.codes[np.maximum(index, 0)], 0)

    @cached_property
    def classes(self) -> np.ndarray:
        codes = self.codes
        classes = (self._char_entries >> np.uint32(_CLASS_SHIFT)).astype(np.uint8)  # the cast drops the mark
        wide = self.wide
        if len(wide):
            wide_codes = codes[wide]
            wide_classes = np.full(len(wide_codes), OTHER_LETTER, dtype=np.uint8)
            at = np.minimum(np.searchsorted(_WIDE_CODES, wide_codes), len(_WIDE_CODES) - 1)
            listed = _WIDE_CODES[at] == wide_codes
            wide_classes[listed] = _WIDE_CODE_CLASSES[at[listed]]
            # General punctuation (dashes, bullets, ellipsis), CJK punctuation and the full-width forms of ASCII
            # punctuation (the comma, colon and brackets of Chinese and Japanese text) are not letters.
            wide_classes[_in_ranges(wide_codes, _WIDE_PUNCTUATION) & (wide_classes == OTHER_LETTER)] = PUNCT
            wide_classes[(wide_codes >= 0xD800) & (wide_codes < 0xE000)] = OTHER
            classes[wide] = wide_classes
        return classes

    @cached_property
    def line_of_char(self) -> np.ndarray:
        """Line index of every code point; the ``\\n`` after a line belongs to that line."""
        lengths = self.page.ends - self.page.starts + 1
        line_index = np.repeat(np.arange(self.n_lines, dtype=np.int64), lengths)
        return line_index[: len(self.codes)]

    @cached_property
    def class_counts(self) -> np.ndarray:
        """``(n_lines, N_CLASSES)`` counts of each character class per line (newlines excluded)."""
        if self.n_lines == 0:
            return np.zeros((0, N_CLASSES))
        keys = self.line_of_char * N_CLASSES
        keys += self.classes
        counts = np.bincount(keys, minlength=self.n_lines * N_CLASSES).reshape(self.n_lines, N_CLASSES).astype(np.float64)
        counts[:-1, SPACE] -= 1  # the "\n" ending every line but the last
        return counts

    @cached_property
    def lengths(self) -> np.ndarray:
        return (self.page.ends - self.page.starts).astype(np.float64)

    @cached_property
    def word_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end offsets of every word: a run of letters and digits, except that each character of a script
        written without spaces between words (Chinese, Japanese) is a word of its own, as a word of a spaced script
        would be."""
        is_word = np.zeros(len(self.codes) + 2, dtype=bool)
        np.less(self.classes, WORD_CLASSES, out=is_word[1:-1])
        # Changes alternate between a word's start and its end.
        changes = np.flatnonzero(is_word[1:] != is_word[:-1])
        starts, ends = changes[0::2], changes[1::2]
        wide = self.wide
        unspaced = wide[_in_ranges(self.codes[wide], _UNSPACED_RANGES) & (self.classes[wide] < WORD_CLASSES)] if len(wide) else wide
        if len(unspaced) == 0:
            return starts, ends
        # Each such character starts a word and ends one, and so splits the run it is in where it touches a letter.
        after = unspaced + 1
        return (_with(starts, np.concatenate((unspaced, after[is_word[after + 1]]))),
                _with(ends, np.concatenate((after, unspaced[is_word[unspaced]]))))

    @cached_property
    def word_lines(self) -> np.ndarray:
        return self.line_of_char.take(self.word_spans[0]) if len(self.codes) else np.zeros(0, dtype=np.int64)

    @cached_property
    def words_per_line(self) -> np.ndarray:
        return np.bincount(self.word_lines, minlength=self.n_lines).astype(np.float64)

    @cached_property
    def word_hashes(self) -> np.ndarray:
        """A 64-bit hash of every lower-cased word, from its first code points and its length."""
        return hash_words(self.hash_sums, *self.word_spans)

    @cached_property
    def nonblank(self) -> np.ndarray:
        return np.flatnonzero(~self.page.blank)

    @cached_property
    def page_of_line(self) -> np.ndarray:
        """Which of the pages joined in ``page`` each line belongs to (all 0 for a single page)."""
        return np.repeat(np.arange(len(self.page.bounds) - 1), np.diff(self.page.bounds))

    @cached_property
    def stripped_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end offsets of each line's text without its surrounding spaces (both 0 for a line of spaces)."""
        first = self.first_visible_index
        filled = first >= 0
        return np.where(filled, first, 0), np.where(filled, self.last_visible_index((SPACE,)) + 1, 0)

    @cached_property
    def equal_lines(self) -> EqualLines:
        """Which lines of each page are equal, without their surrounding spaces and lower-cased through the table
        as words are for their hashes (characters above it keep their case): one 64-bit hash of each line's text
        and page, sorted once, and no Python string made per line."""
        start, end = self.stripped_spans
        hashes = span_hashes(self.hash_sums, start, end)
        chars = end - start
        with np.errstate(over="ignore"):
            hashes += chars.astype(np.uint64) * LENGTH_MIX
            hashes += self.page_of_line.astype(np.uint64) * MIX
        _, group, copies = np.unique(hashes, return_inverse=True, return_counts=True)
        return EqualLines(group, copies[group], chars)

    @cached_property
    def text_end_of_line(self) -> np.ndarray:
        """Offset in the text where each line's page ends: no pattern may match across pages."""
        last_lines = np.maximum(self.page.bounds[1:] - 1, 0)
        return self.page.ends[last_lines][self.page_of_line] if self.n_lines else np.zeros(0, dtype=np.int64)


def _in_ranges(codes: np.ndarray, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Which of ``codes`` lie in one of ``ranges`` (first and last code points)."""
    found = np.zeros(len(codes), dtype=bool)
    for first, last in ranges:
        found |= (codes >= first) & (codes <= last)
    return found


def _with(offsets: np.ndarray, more: np.ndarray) -> np.ndarray:
    """The sorted ``offsets`` with ``more`` put in their places, each offset once: one pass over ``offsets``, where a
    sort of both (``np.union1d``) took far longer on a page of a million words with a few Chinese characters."""
    more = np.unique(more)
    at = np.searchsorted(offsets, more)
    new = offsets[np.minimum(at, len(offsets) - 1)] != more if len(offsets) else np.ones(len(more), dtype=bool)
    return np.insert(offsets, at[new], more[new])


def _find_visible(stats: PageStats, skip: tuple[int, ...], from_end: bool) -> np.ndarray:
    """Index in the page of each line's last (``from_end``) or first character not in ``skip`` classes, -1 when
    there is none."""
    page = stats.page
    if len(stats.codes) == 0:
        return np.full(stats.n_lines, -1)
    skipped = np.zeros(N_CLASSES, dtype=bool)
    skipped[list(skip)] = True
    last_char = len(stats.codes) - 1
    filled = page.ends > page.starts
    edge = page.ends - 1 if from_end else page.starts
    found_at = np.where(filled, edge, -1)
    # Most lines start and end on a character that counts. For the others, the next few characters inward
    # are read at once; the lines skipped for longer than that are stripped as strings, in C.
    pending = np.flatnonzero(filled & skipped[stats.classes[np.minimum(edge, last_char)]])
    if len(pending):
        starts, ends = page.starts[pending], page.ends[pending]
        window = edge[pending][:, None] + (-1 if from_end else 1) * np.arange(1, _STRIP_WINDOW)
        # The first character that counts in each row, wherever it is: a window that runs past its line reads the
        # neighbouring line's characters after its own, so a first one outside the line means none inside it.
        counts = (~skipped).take(stats.classes.take(window, mode="clip"))
        at = (np.arange(len(pending)), counts.argmax(axis=1))
        first = window[at]
        found = counts[at] & (first >= starts) & (first < ends)
        found_at[pending] = np.where(found, first, -1)
        rest = pending[~found & (ends - starts > _STRIP_WINDOW)]
        if len(rest):
            chars = "".join(_CLASS_CHARS[cls] for cls in skip)
            strip = str.rstrip if from_end else str.lstrip
            lengths = np.fromiter(map(len, map(strip, [page.lines[i] for i in rest.tolist()], repeat(chars))),
                                  dtype=np.int64, count=len(rest))
            inner = page.starts[rest] + lengths - 1 if from_end else page.ends[rest] - lengths
            found_at[rest] = np.where(lengths > 0, inner, -1)
    return found_at

