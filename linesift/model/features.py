"""Line features, one family per function, each computed over a whole page at once.

A family takes a :class:`PageStats` (shared, lazily computed views of the page: code points, per-line
character-class counts, word spans and hashes) and returns a ``(n_lines, k)`` float array and its ``k``
column names. Regular expressions run once over the page text and their matches are mapped to lines
through the line offsets, so the cost grows with the page's size, not with its number of lines times
the number of patterns. The page may be several joined into one (:meth:`Page.join`): what depends on
a line's neighbours or on its whole page (neighbour columns, position, repetition, blocks, pattern
matches) stays within the line's own page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise, repeat

import numpy as np

from linesift.model.segment import Page

FeatureBlock = tuple[np.ndarray, list[str]]

# Character classes, looked up per code point through a table. The classes of word characters (letters and
# digits) come first, so that "is a word character" is one comparison per character: ``class < _WORD_CLASSES``.
UPPER, LOWER, DIGIT, OTHER_LETTER, SPACE, TERMINAL, PUNCT, CODE, QUOTE, OTHER, CLOSING = range(11)
N_CLASSES = 11
_WORD_CLASSES = 4
_TABLE_SIZE = 0x800  # Latin, Greek, Cyrillic, Hebrew, Arabic: classified exactly below this.

_TERMINAL_CHARS = ".!?…。！？؟"
_CODE_CHARS = "{}[(<>=;|\\/_$#*+^~`&%@"
_CLOSING_CHARS = ")]"  # code characters too, but a sentence may end inside them: "(see below.)"
# What may follow a sentence's final punctuation.
_AFTER_TERMINAL = (SPACE, QUOTE, CLOSING)
_QUOTE_CHARS = "\"'“”‘’«»„"


def _build_class_table() -> np.ndarray:
    table = np.full(_TABLE_SIZE, OTHER, dtype=np.uint8)
    for code in range(_TABLE_SIZE):
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


_CLASS_TABLE = _build_class_table()
_WIDE_CLASSES = {  # classes of characters above the table that matter for the features
    **{ord(c): TERMINAL for c in _TERMINAL_CHARS if ord(c) >= _TABLE_SIZE},
    **{ord(c): QUOTE for c in _QUOTE_CHARS if ord(c) >= _TABLE_SIZE},
    # Spaces, as ``str.isspace`` says (U+1680, U+2000 to U+200A, U+2028, U+3000, ...): all lie below U+3001.
    **{code: SPACE for code in range(_TABLE_SIZE, 0x3001) if chr(code).isspace()},
}
# The same, sorted by code point, to be looked up by a search.
_WIDE_CODES = np.array(sorted(_WIDE_CLASSES), dtype=np.uint32)
_WIDE_CODE_CLASSES = np.array([_WIDE_CLASSES[code] for code in _WIDE_CODES.tolist()], dtype=np.uint8)
_LOWER_TABLE = np.array([ord(chr(c).lower()[0]) for c in range(_TABLE_SIZE)], dtype=np.uint32)
# Indexed by a class, or by what stands for "no character" (-1, or 255 once cast to the classes' uint8): False.
_WORD_CLASS = np.zeros(256, dtype=bool)
_WORD_CLASS[:_WORD_CLASSES] = True


def _list_class_chars() -> dict[int, str]:
    """Every character of each class without a range of characters above the table, to strip lines of them."""
    chars: dict[int, list[str]] = {cls: [] for cls in range(N_CLASSES) if cls not in (OTHER_LETTER, PUNCT, OTHER)}
    for code, cls in [*enumerate(_CLASS_TABLE.tolist()), *_WIDE_CLASSES.items()]:
        if cls in chars:
            chars[cls].append(chr(code))
    return {cls: "".join(listed) for cls, listed in chars.items()}


_CLASS_CHARS = _list_class_chars()

# Words: runs of letters and digits; the hash of a word reads at most this many code points.
_HASHED_WORD_PREFIX = 12
_HASH_BASE = np.uint64(0x100000001B3)  # an odd 64-bit multiplier (FNV's prime)
# Odd 64-bit multipliers that mix a hash's bits: one for a length, one for the rest.
_LENGTH_MIX = np.uint64(0xBF58476D1CE4E5B9)
_MIX = np.uint64(0x94D049BB133111EB)

_STOP_WORDS = (  # noqa: SIM905 - a word list per language reads better as one string
    # English
    "the a an and or but of to in on at for with by from as is are was were be been it its this that "
    "these those he she they we you i his her their our your not no have has had will would can could "
    "there which who what when where how all also more than then so if about into after over said "
    # German, French, Spanish, Italian, Portuguese, Dutch
    "der die das und ist nicht ein eine zu den mit von sich auf für dem des im auch es "
    "le la les et est un une des du dans que qui pour pas sur au avec sont par "
    "el los las y en del se por con una su para es al lo como más pero "
    "il di che è per non della sono gli "
    "o os e da do em um uma não com "
    "de het een en van op te dat niet zijn"
).split()

_JS_TOKENS = re.compile(
    r"=>|===|!==|\b(?:function|var|let|const|typeof|return|undefined|null)\b|(?:window|document|this)\.[A-Za-z_$]|\)\s*\{|\}\)"
)
_JSON_CONTEXT = re.compile(r"[\"“”]@(?:context|type)[\"“”]")
_JSON_KEY_VALUE = re.compile(r"[\"“”][\w@$.-]{1,40}[\"“”]\s*:")
_URL = re.compile(r"https?://\S+|www\.\S+")
# The local part is bounded (64 is the standard's maximum) and must start a run: an unbounded
# ``[\w.+-]+@`` backtracks quadratically over long runs of word characters with no "@".
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]+\.[\w.-]+")

# Where the patterns above can start, so that each is tried only there (see ``_matches_per_line``).
_JS_PUNCTUATION = "=!)}"  # JavaScript tokens start with one of these, a keyword or an object
_JS_KEYWORDS = ("function", "var", "let", "const", "typeof", "return", "undefined", "null")
_JS_OBJECTS = ("window", "document", "this")  # tokens when followed by "."
_QUOTES = "\"“”"  # around a JSON key
# Characters found with one table lookup per character of the page.
_MARKED = _JS_PUNCTUATION + ".:@\""
_MARK_TABLE = np.zeros(_TABLE_SIZE, dtype=np.uint8)
_MARK_TABLE[[ord(c) for c in _MARKED]] = np.arange(1, len(_MARKED) + 1)
# The three tables above in one, so that the page is looked up once: each entry holds a code point's lower
# case in its low 16 bits, its class in the next 8 (bits 16 to 23, so that a cast to uint8 of the entry
# shifted by 16 gives it) and its mark in the top 8.
_CLASS_SHIFT, _MARK_SHIFT = 16, 24
_CHAR_TABLE = (_LOWER_TABLE | _CLASS_TABLE.astype(np.uint32) << _CLASS_SHIFT) | _MARK_TABLE.astype(np.uint32) << _MARK_SHIFT
_ASCII_LETTER = np.zeros(_TABLE_SIZE, dtype=bool)
_ASCII_LETTER[ord("A") : ord("Z") + 1] = True
_ASCII_LETTER[ord("a") : ord("z") + 1] = True
# Characters read at once at a line's start or end before it is stripped as a string. Lines that start or end
# with characters to skip mostly have a few (indents of 2, 4 or 6 spaces): 8 reads half the cells 16 did.
_STRIP_WINDOW = 8
_SIGNATURE_LENGTHS = 32  # words are told apart by first letter, last letter and a length below this


def _signature(first: np.ndarray | int, last: np.ndarray | int, length: np.ndarray | int) -> np.ndarray:
    return (first * 128 + last) * _SIGNATURE_LENGTHS + np.minimum(length, _SIGNATURE_LENGTHS - 1)


_JS_KEYWORD_SIGNATURES = np.zeros(128 * 128 * _SIGNATURE_LENGTHS, dtype=bool)
_JS_KEYWORD_SIGNATURES[[_signature(ord(w[0]), ord(w[-1]), len(w)) for w in _JS_KEYWORDS]] = True


class PageStats:
    """Views of a page shared by the feature families, each computed once and only when asked for."""

    def __init__(self, page: Page, words_per_line: np.ndarray | None = None) -> None:
        """``words_per_line``, when the page's words were counted already, is taken instead of counting them again."""
        self.page = page
        self.n_lines = len(page)
        self.last_visible: dict[tuple[int, ...], np.ndarray] = {}  # ``_last_visible_index`` by the classes skipped
        if words_per_line is not None:
            self.__dict__["words_per_line"] = words_per_line  # where the cached property keeps its value

    @cached_property
    def codes(self) -> np.ndarray:
        """The page text as code points (lone surrogates kept as their own values)."""
        return np.frombuffer(self.page.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    @cached_property
    def wide(self) -> np.ndarray:
        """Offsets of the characters above the lookup tables: few, except in scripts east of Arabic."""
        return np.flatnonzero(self.codes >= _TABLE_SIZE)

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
    def hash_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Running sums (mod 2**64) of ``lowered[j] * B**-j`` with a leading 0, and ``B**k`` for every offset ``k``
        (``B``: ``_HASH_BASE``, odd, so it has an inverse): what hashes any span of the page (see ``span_hashes``)."""
        n = len(self.codes)
        powers, inverse_powers = _powers(n + 1)
        sums = np.empty(n + 1, dtype=np.uint64)
        sums[0] = 0
        with np.errstate(over="ignore"):
            np.multiply(self.lowered, inverse_powers[:n], out=sums[1:])
            np.cumsum(sums[1:], out=sums[1:])
        return sums, powers

    @cached_property
    def _marked(self) -> tuple[np.ndarray, np.ndarray]:
        """Offsets of the ``_MARKED`` characters, and their index in it plus one (of the index type: ``positions``
        looks them up in a table, every time)."""
        entries = self._char_entries
        where = np.flatnonzero(entries >= np.uint32(1 << _MARK_SHIFT))  # on booleans: faster than on the entries
        return where, (entries[where] >> np.uint32(_MARK_SHIFT)).astype(np.intp)

    def positions(self, chars: str) -> np.ndarray:
        """Sorted offsets of ``chars``, each one of ``_MARKED`` or above the lookup tables."""
        where, marks = self._marked
        wanted = np.zeros(len(_MARKED) + 1, dtype=bool)
        wanted[[_MARKED.index(c) + 1 for c in chars if ord(c) < _TABLE_SIZE]] = True
        found = where[wanted[marks]]
        wide_chars = [ord(c) for c in chars if ord(c) >= _TABLE_SIZE]
        if wide_chars and len(self.wide):
            found = np.union1d(found, self.wide[np.isin(self.codes[self.wide], wide_chars)])
        return found

    @cached_property
    def first_visible_index(self) -> np.ndarray:
        """Index in the page of each line's first character that is not a space, -1 when there is none."""
        return _find_visible(self, (SPACE,), from_end=False)

    @cached_property
    def first_visible(self) -> np.ndarray:
        """The code point of each line's first character that is not a space, 0 when there is none."""
        return _first_visible_chars(self)

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
            # General punctuation (dashes, bullets, ellipsis) and CJK punctuation are not letters.
            general = ((wide_codes >= 0x2000) & (wide_codes < 0x2070)) | ((wide_codes >= 0x3000) & (wide_codes < 0x3040))
            wide_classes[general & (wide_classes == OTHER_LETTER)] = PUNCT
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
        """Start and end offsets of every word (a run of letters and digits)."""
        is_word = np.zeros(len(self.codes) + 2, dtype=bool)
        np.less(self.classes, _WORD_CLASSES, out=is_word[1:-1])
        # Changes alternate between a word's start and its end.
        changes = np.flatnonzero(is_word[1:] != is_word[:-1])
        return changes[0::2], changes[1::2]

    @cached_property
    def word_lines(self) -> np.ndarray:
        return self.line_of_char[self.word_spans[0]] if len(self.codes) else np.zeros(0, dtype=np.int64)

    @cached_property
    def words_per_line(self) -> np.ndarray:
        return np.bincount(self.word_lines, minlength=self.n_lines).astype(np.float64)

    @cached_property
    def word_hashes(self) -> np.ndarray:
        """A 64-bit hash of every lower-cased word, from its first code points and its length."""
        return hash_words(self, *self.word_spans)

    @cached_property
    def nonblank(self) -> np.ndarray:
        return np.flatnonzero(~self.page.blank)

    @cached_property
    def page_of_line(self) -> np.ndarray:
        """Which of the pages joined in ``page`` each line belongs to (all 0 for a single page)."""
        return np.repeat(np.arange(len(self.page.bounds) - 1), np.diff(self.page.bounds))

    @cached_property
    def text_end_of_line(self) -> np.ndarray:
        """Offset in the text where each line's page ends: no pattern may match across pages."""
        last_lines = np.maximum(self.page.bounds[1:] - 1, 0)
        return self.page.ends[last_lines][self.page_of_line] if self.n_lines else np.zeros(0, dtype=np.int64)


def hash_words(stats: PageStats, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash the words of ``stats``'s page at ``starts:ends``: their first ``_HASHED_WORD_PREFIX`` lower-cased code
    points and their length, bits mixed.

    A polynomial rolling hash (mod 2**64) over the prefix, so that words differing in any position differ:
    starting from ``length * _LENGTH_MIX``, each code point in turn is added to the hash times ``B``. That is
    ``length * _LENGTH_MIX * B**m + B**(m - 1) * span_hashes(...)`` for a prefix of ``m``, read from the
    page's running sums instead of code point by code point.
    """
    lengths = ends - starts
    prefix = np.minimum(lengths, _HASHED_WORD_PREFIX)
    hashes = span_hashes(stats, starts, starts + prefix)
    with np.errstate(over="ignore"):
        hashes *= _PREFIX_POWERS.take(prefix - 1)
        hashes += lengths.astype(np.uint64) * _LENGTH_MIX * _PREFIX_POWERS.take(prefix)
        hashes ^= hashes >> np.uint64(31)
        hashes *= _MIX
        hashes ^= hashes >> np.uint64(29)
    return hashes


def span_hashes(stats: PageStats, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The polynomial hash (mod 2**64) of the lower-cased code points at each ``starts:ends``: the sum of
    ``lowered[start + k] * B**-k``, from the page's running sums (``PageStats.hash_sums``) in two reads and a product."""
    sums, powers = stats.hash_sums
    with np.errstate(over="ignore"):
        return (sums[ends] - sums[starts]) * powers.take(starts)


def _geometric(ratio: np.uint64, n: int) -> np.ndarray:
    """``ratio ** k`` mod 2**64 for ``k`` from 0 to ``n - 1``."""
    terms = np.full(n, ratio, dtype=np.uint64)
    terms[0] = 1
    with np.errstate(over="ignore"):
        return np.multiply.accumulate(terms)


_INVERSE_HASH_BASE = np.uint64(pow(int(_HASH_BASE), -1, 1 << 64))
# Powers for pages of up to twice a batch (``sifter.BATCH_CHARS``) are computed once; a longer page computes its own.
_POWERS_KEPT = 1 << 19
_KEPT_POWERS = (_geometric(_HASH_BASE, _POWERS_KEPT), _geometric(_INVERSE_HASH_BASE, _POWERS_KEPT))
_PREFIX_POWERS = _KEPT_POWERS[0][: _HASHED_WORD_PREFIX + 1]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``B ** k`` and ``B ** -k`` mod 2**64 (``B``: ``_HASH_BASE``) for ``k`` from 0 to at least ``n - 1``."""
    if n <= _POWERS_KEPT:
        return _KEPT_POWERS
    return _geometric(_HASH_BASE, n), _geometric(_INVERSE_HASH_BASE, n)


def _hash_text_words(words: list[str]) -> np.ndarray:
    text = " ".join(words)
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    return hash_words(PageStats(Page.from_lines([text])), starts, starts + lengths)


_STOP_WORD_HASHES = np.unique(_hash_text_words(_STOP_WORDS))


def _hash_set(hashes: np.ndarray) -> np.ndarray:
    """A direct-mapped table of distinct ``hashes``: ``h`` is one of them when ``table[h & (len(table) - 1)] == h``.

    The table is the smallest power of two where no two of them share a slot. An empty slot holds a value
    whose low bits are not its own index (1 in slot 0, 0 elsewhere), so that no hash matches it.
    """
    size = 2
    while len(np.unique(hashes & np.uint64(size - 1))) < len(hashes):
        size *= 2
    table = np.zeros(size, dtype=np.uint64)
    table[0] = 1
    table[(hashes & np.uint64(size - 1)).astype(np.int64)] = hashes
    return table


def _in_hash_set(hashes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether each of ``hashes`` is in ``table`` (from ``_hash_set``): ``np.isin`` without sorting."""
    return table[(hashes & np.uint64(len(table) - 1)).astype(np.int64)] == hashes


_STOP_WORD_TABLE = _hash_set(_STOP_WORD_HASHES)
_JS_KEYWORD_HASHES = _hash_set(_hash_text_words(list(_JS_KEYWORDS)))


def _stacked(columns: list[np.ndarray]) -> np.ndarray:
    """A family's ``(n_lines, k)`` float block from its ``k`` columns, stored column by column (a transposed view):
    each column is copied whole, where ``np.column_stack`` writes it a value per row."""
    return np.stack(columns, dtype=np.float64).T


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ``numerator / denominator``, 0.0 where the denominator is 0 (not above 0)."""
    # Dividing everywhere (by 1 where not above 0) costs less than a division with ``where=``.
    positive = denominator > 0
    out = np.divide(numerator, np.where(positive, denominator, 1.0))
    out[~positive] = 0.0
    return out


def log1p_counts(counts: np.ndarray) -> np.ndarray:
    """``np.log1p`` of whole numbers from 0 up (an array of any shape), read from a table of its values below the
    table's size."""
    flat = counts.ravel()
    out = _LOG1P_TABLE.take(np.minimum(flat, len(_LOG1P_TABLE) - 1).astype(np.intp))
    beyond = np.flatnonzero(flat >= len(_LOG1P_TABLE))
    out[beyond] = np.log1p(flat[beyond])
    return out.reshape(counts.shape)


# Counts of lines, words, characters and repeats are mostly small; the logarithm is a table lookup for them.
_LOG1P_TABLE = np.log1p(np.arange(1 << 12, dtype=np.float64))


def _matches_per_line(stats: PageStats, pattern: re.Pattern[str], candidates: np.ndarray | None = None) -> np.ndarray:
    """How many matches of ``pattern`` start on each line, from one pass over the page.

    With ``candidates``, sorted offsets that include every offset where a match can start, the pattern
    is tried only there, and only up to the end of the candidate's page; Python's ``re`` otherwise tries
    a pattern without a literal prefix at every character, which costs more than all the other
    features. ``pattern`` must not match ``""``.
    """
    text = stats.page.text
    if candidates is None:
        return _count_per_line(stats, [m.start() for m in pattern.finditer(text)])
    starts, end = [], 0
    limits = stats.text_end_of_line[stats.line_of_char[candidates]] if len(candidates) else candidates
    for position, limit in zip(candidates.tolist(), limits.tolist()):
        if position < end:  # inside the previous match, where ``finditer`` does not look
            continue
        match = pattern.match(text, position, limit)
        if match is not None:
            starts.append(position)
            end = match.end()
    return _count_per_line(stats, starts)


def _matches_per_line_with(stats: PageStats, pattern: re.Pattern[str], char: str) -> np.ndarray:
    """``_matches_per_line`` of a pattern whose matches all hold ``char`` and stay in one line: only lines with ``char`` are searched."""
    page = stats.page
    lines = np.unique(stats.line_of_char[stats.positions(char)]).tolist()
    return _count_per_line(
        stats, [m.start() for i in lines for m in pattern.finditer(page.text, int(page.starts[i]), int(page.ends[i]))]
    )


def _count_per_line(stats: PageStats, starts: list[int]) -> np.ndarray:
    if not starts:
        return np.zeros(stats.n_lines)
    # Offsets are in code points because Python strings index by code point.
    lines = np.searchsorted(stats.page.ends, np.asarray(starts), side="left")
    return np.bincount(lines, minlength=stats.n_lines).astype(np.float64)


def _starts_before(stats: PageStats, ends: np.ndarray, word: str) -> np.ndarray:
    """The offsets where ``word`` starts, among its occurrences that end at one of ``ends``."""
    ends = ends[ends >= len(word)]
    # The character before each end rules most of them out; only the others are compared in full.
    starts = ends[stats.codes[ends - 1] == ord(word[-1])] - len(word)
    spelled = np.array([ord(char) for char in word], dtype=np.uint32)
    found = (stats.codes[starts[:, None] + np.arange(len(word))] == spelled).all(axis=1)
    return starts[found]


def _keyword_starts(stats: PageStats, keywords: tuple[str, ...], signatures: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Offsets where one of ``keywords`` (ASCII letters, with ``signatures`` and the ``_hash_set`` of their
    ``hashes``) can match between two ``\\b``.

    Such a match is a whole word (a run of word characters), found by its hash, or part of one where it
    touches a character above the tables that is not a regular-expression word character (an emoji, a
    symbol), found by its signature.
    """
    codes = stats.codes

    def signed(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        ascii_first, ascii_last = np.minimum(codes[starts], 127), np.minimum(codes[ends - 1], 127)
        return starts[signatures[_signature(ascii_first, ascii_last, ends - starts)]]

    words = stats.word_spans[0][_in_hash_set(stats.word_hashes, hashes)]  # lower-cased: a few more than needed
    # Only the wide characters inside words: next to any other (curly quotes, dashes), a keyword is a word
    # of its own, found by its hash.
    wide = stats.wide[stats.classes[stats.wide] < _WORD_CLASSES]
    if len(wide) == 0:
        return words
    # Keywords of every length right after and right before each of them that touches an ASCII letter
    # there, in one array: a keyword starts and ends with one.
    lengths = np.array(sorted({len(word) for word in keywords}))
    last = len(codes) - 1
    after = wide[(wide < last) & _ASCII_LETTER.take(codes[np.minimum(wide + 1, last)], mode="clip")] + 1
    before = wide[(wide > 0) & _ASCII_LETTER.take(codes[np.maximum(wide - 1, 0)], mode="clip")]
    starts = np.concatenate([np.add.outer(after, 0 * lengths).ravel(), np.subtract.outer(before, lengths).ravel()])
    ends = starts + np.tile(lengths, len(after) + len(before))
    inside = (starts >= 0) & (ends <= len(codes))
    return np.concatenate([words, signed(starts[inside], ends[inside])])


def length_features(stats: PageStats) -> FeatureBlock:
    return _stacked([log1p_counts(stats.lengths), log1p_counts(stats.words_per_line)]), ["log_chars", "log_words"]


def punctuation_features(stats: PageStats) -> FeatureBlock:
    counts, length = stats.class_counts, stats.lengths
    visible = length - counts[:, SPACE]
    punct = counts[:, TERMINAL] + counts[:, PUNCT] + counts[:, QUOTE] + counts[:, CODE] + counts[:, CLOSING]
    return (
        _stacked([_ratio(punct, visible), _ratio(counts[:, TERMINAL], stats.words_per_line)]),
        ["punct_density", "terminals_per_word"],
    )


def terminal_features(stats: PageStats) -> FeatureBlock:
    """Whether a line ends like a sentence (``.``, ``!``, ``?``, possibly inside closing quotes or brackets)."""
    last = _last_visible_class(stats, skip=_AFTER_TERMINAL)
    ends_terminal = last == TERMINAL
    last_chars = _last_visible_chars(stats)
    ends_colon = last_chars == ord(":")
    ends_letter = _WORD_CLASS[last]
    return (
        _stacked([ends_terminal, ends_colon, ends_letter]),
        ["ends_terminal", "ends_colon", "ends_alnum"],
    )


def _last_visible_index(stats: PageStats, skip: tuple[int, ...]) -> np.ndarray:
    """Index in the page of each line's last character not in ``skip`` classes, -1 when there is none (computed
    once per ``skip``: several families read it)."""
    if skip not in stats.last_visible:
        stats.last_visible[skip] = _find_visible(stats, skip, from_end=True)
    return stats.last_visible[skip]


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
        kept = (window >= starts[:, None]) & (window < ends[:, None]) & ~skipped[stats.classes[np.clip(window, 0, last_char)]]
        found = kept.any(axis=1)
        found_at[pending] = -1
        found_at[pending[found]] = window[found, kept[found].argmax(axis=1)]
        rest = pending[~found & (ends - starts > _STRIP_WINDOW)]
        if len(rest):
            chars = "".join(_CLASS_CHARS[cls] for cls in skip)
            strip = str.rstrip if from_end else str.lstrip
            lengths = np.fromiter(map(len, map(strip, [page.lines[i] for i in rest.tolist()], repeat(chars))),
                                  dtype=np.int64, count=len(rest))
            inner = page.starts[rest] + lengths - 1 if from_end else page.ends[rest] - lengths
            found_at[rest] = np.where(lengths > 0, inner, -1)
    return found_at


def _last_visible_class(stats: PageStats, skip: tuple[int, ...]) -> np.ndarray:
    index = _last_visible_index(stats, skip)
    return np.where(index >= 0, stats.classes[np.maximum(index, 0)] if len(stats.classes) else 0, -1)


def _last_visible_chars(stats: PageStats) -> np.ndarray:
    index = _last_visible_index(stats, (SPACE,))
    return np.where(index >= 0, stats.codes[np.maximum(index, 0)] if len(stats.codes) else 0, 0)


def javascript_features(stats: PageStats) -> FeatureBlock:
    counts = stats.class_counts
    visible = stats.lengths - counts[:, SPACE]
    dots = stats.positions(".")
    candidates = np.unique(np.concatenate([
        stats.positions(_JS_PUNCTUATION),
        _keyword_starts(stats, _JS_KEYWORDS, _JS_KEYWORD_SIGNATURES, _JS_KEYWORD_HASHES),
        *(_starts_before(stats, dots, word) for word in _JS_OBJECTS),
    ]))
    tokens = _matches_per_line(stats, _JS_TOKENS, candidates)
    return (
        _stacked([_ratio(tokens, stats.words_per_line + 1), _ratio(counts[:, CODE] + counts[:, CLOSING], visible), tokens > 0]),
        ["js_tokens_per_word", "code_char_density", "has_js_token"],
    )


def json_features(stats: PageStats) -> FeatureBlock:
    context = _matches_per_line_with(stats, _JSON_CONTEXT, "@")
    pairs = _matches_per_line(stats, _JSON_KEY_VALUE, stats.positions(_QUOTES))
    first = stats.first_visible
    opens = (first == ord("{")) | (first == ord("["))
    return (
        _stacked([context > 0, log1p_counts(pairs), opens]),
        ["json_ld_context", "log_json_pairs", "starts_with_bracket"],
    )


def _first_visible_chars(stats: PageStats) -> np.ndarray:
    """The code point of each line's first character that is not a space, 0 when there is none."""
    if len(stats.codes) == 0:
        return np.zeros(stats.n_lines, dtype=np.uint32)
    index = stats.first_visible_index
    return np.where(index >= 0, stats.codes[np.maximum(index, 0)], 0)


def link_features(stats: PageStats) -> FeatureBlock:
    colons = stats.positions(":")
    candidates = np.unique(np.concatenate([
        _starts_before(stats, colons, "http"),
        _starts_before(stats, colons, "https"),
        _starts_before(stats, stats.positions("."), "www"),
    ]))
    urls = _matches_per_line(stats, _URL, candidates)
    emails = _matches_per_line_with(stats, _EMAIL, "@")
    return _stacked([np.minimum(urls, 5), np.minimum(emails, 5)]), ["urls", "emails"]


def capitalisation_features(stats: PageStats) -> FeatureBlock:
    counts = stats.class_counts
    letters = counts[:, UPPER] + counts[:, LOWER]
    starts, _ = stats.word_spans
    capital_words = np.bincount(stats.word_lines, weights=stats.classes[starts] == UPPER, minlength=stats.n_lines) if len(starts) else np.zeros(stats.n_lines)
    first = stats.first_visible
    first_upper = (first < _TABLE_SIZE) & (_CLASS_TABLE[np.minimum(first, _TABLE_SIZE - 1)] == UPPER)
    return (
        _stacked([_ratio(counts[:, UPPER], letters), _ratio(capital_words, stats.words_per_line), first_upper]),
        ["upper_ratio", "capitalised_word_ratio", "starts_upper"],
    )


def digit_features(stats: PageStats) -> FeatureBlock:
    counts = stats.class_counts
    return _ratio(counts[:, DIGIT], stats.lengths - counts[:, SPACE])[:, None], ["digit_ratio"]


def vocabulary_features(stats: PageStats) -> FeatureBlock:
    """Stop-word ratio (function words mark running prose) and average word length."""
    is_stop = _in_hash_set(stats.word_hashes, _STOP_WORD_TABLE)
    stops = np.bincount(stats.word_lines, weights=is_stop, minlength=stats.n_lines) if len(is_stop) else np.zeros(stats.n_lines)
    counts = stats.class_counts
    word_chars = counts[:, UPPER] + counts[:, LOWER] + counts[:, DIGIT] + counts[:, OTHER_LETTER]
    return (
        _stacked([_ratio(stops, stats.words_per_line), _ratio(word_chars, stats.words_per_line)]),
        ["stop_word_ratio", "mean_word_length"],
    )


def repetition_features(stats: PageStats) -> FeatureBlock:
    """Lines repeated elsewhere in the page: menus, share bars and player fallbacks recur; prose rarely does."""
    # Equal lines of one page share a hash (see ``_line_hashes``): each is counted by sorting the hashes.
    _, line_key, occurrences = np.unique(_line_hashes(stats), return_inverse=True, return_counts=True)
    repeats = occurrences[line_key].astype(np.float64)
    repeats -= 1
    return _stacked([repeats > 0, log1p_counts(repeats)]), ["repeated", "log_repeats"]


def _line_hashes(stats: PageStats) -> np.ndarray:
    """A 64-bit hash of each line's text without its surrounding spaces, and of its page. The text is lower-cased
    through the table, as words are for their hashes (characters above it keep their case): no Python string
    is made or lower-cased per line.
    """
    first = stats.first_visible_index
    filled = first >= 0
    start, end = np.where(filled, first, 0), np.where(filled, _last_visible_index(stats, (SPACE,)) + 1, 0)
    hashes = span_hashes(stats, start, end)
    with np.errstate(over="ignore"):
        hashes += (end - start).astype(np.uint64) * _LENGTH_MIX
        hashes += stats.page_of_line.astype(np.uint64) * _MIX
    return hashes


def position_features(stats: PageStats) -> FeatureBlock:
    """Where each line sits in its page, counted in non-blank lines and their characters: renderers differ in the
    blank lines they put between blocks, and a line has the same position among the non-blank lines alone."""
    bounds, page = stats.page.bounds, stats.page_of_line
    first, after = bounds[page], bounds[page + 1]
    filled = (~stats.page.blank).astype(np.float64)
    # Line and character counts are whole numbers, so differences of running sums are exact.
    lines_through = np.concatenate(([0.0], np.cumsum(filled)))
    chars_through = np.concatenate(([0.0], np.cumsum(stats.lengths * filled)))
    index = lines_through[:-1] - lines_through[first]
    last_index = np.maximum(lines_through[after] - lines_through[first] - 1, 1)
    chars_before = chars_through[:-1] - chars_through[first]
    total = chars_through[after] - chars_through[first]
    return (
        _stacked([_ratio(index, last_index), _ratio(chars_before, total)]),
        ["relative_line_position", "relative_char_position"],
    )


def block_features(stats: PageStats) -> FeatureBlock:
    """The block around each line (a run of non-blank lines): its size and where the line sits in it."""
    block_ids = stats.page.block_ids
    n = stats.n_lines
    in_block = block_ids >= 0
    n_blocks = int(block_ids.max()) + 1 if n and in_block.any() else 0
    ids = np.where(in_block, block_ids, 0)
    line_counts = np.bincount(ids[in_block], minlength=n_blocks).astype(np.float64)
    char_counts = np.bincount(ids[in_block], weights=stats.lengths[in_block], minlength=n_blocks)
    terminal = _last_visible_class(stats, skip=_AFTER_TERMINAL) == TERMINAL
    terminal_share = _ratio(np.bincount(ids[in_block], weights=terminal[in_block], minlength=n_blocks), line_counts)
    index = np.arange(n)
    first_index = np.flatnonzero(in_block & np.concatenate(([True], block_ids[1:] != block_ids[:-1])))
    take = lambda values: np.where(in_block, values[ids] if n_blocks else 0.0, 0.0)  # noqa: E731
    position_in_block = np.where(in_block, index - (first_index[ids] if n_blocks else 0), 0)
    return (
        _stacked([
            log1p_counts(take(line_counts)),
            log1p_counts(take(char_counts)),
            take(terminal_share),
            position_in_block == 0,
            log1p_counts(position_in_block),
        ]),
        ["block_log_lines", "block_log_chars", "block_terminal_share", "block_first_line", "block_log_position"],
    )


FAMILIES: dict[str, Callable[[PageStats], FeatureBlock]] = {
    "length": length_features,
    "punctuation": punctuation_features,
    "terminal": terminal_features,
    "javascript": javascript_features,
    "json": json_features,
    "links": link_features,
    "capitalisation": capitalisation_features,
    "digits": digit_features,
    "vocabulary": vocabulary_features,
    "repetition": repetition_features,
    "position": position_features,
    "block": block_features,
}

# Families whose values for the previous and next non-blank line are also given to each line.
NEIGHBOUR_FAMILIES = ("length", "punctuation", "terminal", "javascript", "json", "links", "capitalisation", "vocabulary")
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)


def shift_within_pages(rows: np.ndarray, pages: np.ndarray, offset: int, fill: float) -> np.ndarray:
    """``rows[i + offset]`` for every row ``i`` of ``rows`` (indexed along the first axis), or ``fill``
    where that row is past the ends or on another page (``pages`` gives each row's page)."""
    shifted = np.full_like(rows, fill)
    n = len(rows)
    if abs(offset) >= n:
        return shifted
    source, target = (slice(0, n + offset), slice(-offset, n)) if offset < 0 else (slice(offset, n), slice(0, n - offset))
    same_page = pages[source] == pages[target]
    shifted[target][same_page] = rows[source][same_page]
    return shifted


def argsort_within_pages(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The order that sorts each page's ``values`` stably, pages kept in order (page ``k`` is
    ``bounds[k]:bounds[k + 1]``): ``np.lexsort((values, page))``, in less time, one small sort per page."""
    order = np.empty(len(values), dtype=np.intp)
    for start, end in pairwise(bounds.tolist()):
        order[start:end] = np.argsort(values[start:end], kind="stable") + start
    return order


@dataclass(frozen=True, slots=True)
class DenseFeatures:
    """A page's dense features: columns put before the others (``before``, by :meth:`prepend`), the columns of
    every family (``own``), then, for each of ``NEIGHBOUR_OFFSETS``, the ``NEIGHBOUR_FAMILIES`` columns of the
    non-blank line that far away (zeros past the page's ends).

    Most columns are neighbours' copies, so they are not stored: ``features @ weights``, all that scoring
    needs, multiplies the parts; :meth:`matrix` builds the whole ``(n_lines, n_features)`` array.
    """

    own: np.ndarray
    names: list[str]
    stats: PageStats
    shared: np.ndarray  # the ``NEIGHBOUR_FAMILIES`` columns of the non-blank lines, what neighbours see
    before: np.ndarray  # ``(n_lines, k)``, no columns until :meth:`prepend`

    @classmethod
    def of(cls, stats: PageStats) -> DenseFeatures:
        blocks: list[np.ndarray] = []
        names: list[str] = []
        shared: list[int] = []  # the columns neighbours share
        for family, function in FAMILIES.items():
            values, columns = function(stats)
            if family in NEIGHBOUR_FAMILIES:
                shared.extend(range(len(names), len(names) + len(columns)))
            blocks.append(values)
            names.extend(columns)
        # Row by row (C order) whatever the blocks' order: products with the weights add up the same way. The
        # blocks are stored column by column: they are joined as such, then transposed in one copy, which takes
        # half the time of joining them into the rows block by block.
        own = np.ascontiguousarray(np.concatenate([block.T for block in blocks]).T)
        neighbour_names = [f"{names[column]}@{offset:+d}" for offset in NEIGHBOUR_OFFSETS for column in shared]
        # Rows, then columns, each by ``take``: a few times faster than one ``np.ix_`` index.
        shared_rows = own.take(stats.nonblank, axis=0).take(shared, axis=1)
        return cls(own, names + neighbour_names, stats, shared_rows, np.empty((stats.n_lines, 0)))

    @property
    def shape(self) -> tuple[int, int]:
        return self.stats.n_lines, len(self.names)

    def prepend(self, names: list[str]) -> tuple[DenseFeatures, np.ndarray]:
        """These features after columns named ``names``, and those columns for the caller to fill. They are kept
        apart from the others, which are not copied."""
        before = np.empty((self.stats.n_lines, len(names) + self.before.shape[1]))
        before[:, len(names) :] = self.before
        return DenseFeatures(self.own, names + self.names, self.stats, self.shared, before), before[:, : len(names)]

    def __matmul__(self, weights: np.ndarray) -> np.ndarray:
        n_before, n_own = self.before.shape[1], self.own.shape[1]
        out = self.own @ weights[n_before : n_before + n_own]
        out += self.before @ weights[:n_before]
        nonblank, pages = self.stats.nonblank, self.stats.page_of_line[self.stats.nonblank]
        by_offset = self.shared @ weights[n_before + n_own :].reshape(len(NEIGHBOUR_OFFSETS), self.shared.shape[1]).T
        # The non-blank lines' sums gathered once; each neighbour is added to them in turn, as before.
        sums = out[nonblank]
        for k, offset in enumerate(NEIGHBOUR_OFFSETS):
            sums += shift_within_pages(by_offset[:, k], pages, offset, 0.0)
        out[nonblank] = sums
        return out

    def matrix(self) -> np.ndarray:
        nonblank, pages = self.stats.nonblank, self.stats.page_of_line[self.stats.nonblank]
        blocks = [self.before, self.own]
        for offset in NEIGHBOUR_OFFSETS:
            block = np.zeros((self.stats.n_lines, self.shared.shape[1]))
            block[nonblank] = shift_within_pages(self.shared, pages, offset, 0.0)
            blocks.append(block)
        return np.hstack(blocks)


def page_features(page: Page, stats: PageStats | None = None) -> FeatureBlock:
    """All dense features of every line of ``page`` as one array: its own families, then its neighbours' values."""
    dense = DenseFeatures.of(stats or PageStats(page))
    return dense.matrix(), dense.names


def feature_names() -> list[str]:
    """The names of the dense feature columns, in order (they are part of the model file)."""
    return page_features(Page.from_text("x"))[1]
