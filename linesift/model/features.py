"""Line features, one family per function, each computed over a whole page at once.

A family takes a :class:`PageStats` (shared, lazily computed views of the page: code points, per-line
character-class counts, word spans and hashes) and returns a ``(n_lines, k)`` float array and its ``k``
column names. Regular expressions run once over the page text and their matches are mapped to lines
through the line offsets, so the cost grows with the page's size, not with its number of lines times
the number of patterns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cached_property

import numpy as np

from linesift.model.segment import Page

FeatureBlock = tuple[np.ndarray, list[str]]

# Character classes, looked up per code point through a table.
SPACE, UPPER, LOWER, DIGIT, TERMINAL, PUNCT, CODE, QUOTE, OTHER_LETTER, OTHER, CLOSING = range(11)
N_CLASSES = 11
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
}
_LOWER_TABLE = np.array([ord(chr(c).lower()[0]) for c in range(_TABLE_SIZE)], dtype=np.uint32)

# Words: runs of letters and digits; the hash of a word reads at most this many code points.
_HASHED_WORD_PREFIX = 12
_HASH_BASE = np.uint64(0x100000001B3)  # an odd 64-bit multiplier (FNV's prime)

_STOP_WORDS = (
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


class PageStats:
    """Views of a page shared by the feature families, each computed once and only when asked for."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.n_lines = len(page)

    @cached_property
    def codes(self) -> np.ndarray:
        """The page text as code points (lone surrogates kept as their own values)."""
        return np.frombuffer(self.page.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    @cached_property
    def classes(self) -> np.ndarray:
        codes = self.codes
        classes = _CLASS_TABLE[np.minimum(codes, _TABLE_SIZE - 1)]
        wide = codes >= _TABLE_SIZE
        if wide.any():
            wide_codes = codes[wide]
            wide_classes = np.full(len(wide_codes), OTHER_LETTER, dtype=np.uint8)
            for code, cls in _WIDE_CLASSES.items():
                wide_classes[wide_codes == code] = cls
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
        keys = self.line_of_char * N_CLASSES + self.classes
        counts = np.bincount(keys, minlength=self.n_lines * N_CLASSES).reshape(self.n_lines, N_CLASSES).astype(np.float64)
        counts[:-1, SPACE] -= 1  # the "\n" ending every line but the last
        return counts

    @cached_property
    def lengths(self) -> np.ndarray:
        return (self.page.ends - self.page.starts).astype(np.float64)

    @cached_property
    def word_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end offsets of every word (a run of letters and digits)."""
        classes = self.classes
        is_word = (classes == UPPER) | (classes == LOWER) | (classes == DIGIT) | (classes == OTHER_LETTER)
        edges = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
        return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)

    @cached_property
    def word_lines(self) -> np.ndarray:
        return self.line_of_char[self.word_spans[0]] if len(self.codes) else np.zeros(0, dtype=np.int64)

    @cached_property
    def words_per_line(self) -> np.ndarray:
        return np.bincount(self.word_lines, minlength=self.n_lines).astype(np.float64)

    @cached_property
    def word_hashes(self) -> np.ndarray:
        """A 64-bit hash of every lower-cased word, from its first code points and its length."""
        starts, ends = self.word_spans
        return hash_words(self.codes, starts, ends)

    @cached_property
    def nonblank(self) -> np.ndarray:
        return np.flatnonzero(~self.page.blank)


def hash_words(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash words given as code-point spans: lower-cased prefix of at most ``_HASHED_WORD_PREFIX`` and the length.

    A polynomial rolling hash (mod 2**64) over the prefix, so that words differing in any position differ.
    """
    lengths = ends - starts
    hashes = lengths.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
    with np.errstate(over="ignore"):
        for k in range(_HASHED_WORD_PREFIX):
            present = lengths > k
            if not present.any():
                break
            code = codes[np.where(present, starts + k, 0)]
            code = np.where(code < _TABLE_SIZE, _LOWER_TABLE[np.minimum(code, _TABLE_SIZE - 1)], code)
            hashes = np.where(present, hashes * _HASH_BASE + code.astype(np.uint64), hashes)
        hashes ^= hashes >> np.uint64(31)
        hashes *= np.uint64(0x94D049BB133111EB)
        hashes ^= hashes >> np.uint64(29)
    return hashes


def _hash_text_words(words: list[str]) -> np.ndarray:
    text = " ".join(words)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    return hash_words(codes, starts, starts + lengths)


_STOP_WORD_HASHES = np.unique(_hash_text_words(_STOP_WORDS))


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ``numerator / denominator``, 0.0 where the denominator is 0."""
    out = np.zeros_like(numerator, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _matches_per_line(stats: PageStats, pattern: re.Pattern[str]) -> np.ndarray:
    """How many matches of ``pattern`` start on each line, from one pass over the page."""
    starts = [m.start() for m in pattern.finditer(stats.page.text)]
    if not starts:
        return np.zeros(stats.n_lines)
    # Offsets are in code points because Python strings index by code point.
    lines = np.searchsorted(stats.page.ends, np.asarray(starts), side="left")
    return np.bincount(lines, minlength=stats.n_lines).astype(np.float64)


def length_features(stats: PageStats) -> FeatureBlock:
    return np.column_stack([np.log1p(stats.lengths), np.log1p(stats.words_per_line)]), ["log_chars", "log_words"]


def punctuation_features(stats: PageStats) -> FeatureBlock:
    counts, length = stats.class_counts, stats.lengths
    visible = length - counts[:, SPACE]
    punct = counts[:, TERMINAL] + counts[:, PUNCT] + counts[:, QUOTE] + counts[:, CODE] + counts[:, CLOSING]
    return (
        np.column_stack([_ratio(punct, visible), _ratio(counts[:, TERMINAL], stats.words_per_line)]),
        ["punct_density", "terminals_per_word"],
    )


def terminal_features(stats: PageStats) -> FeatureBlock:
    """Whether a line ends like a sentence (``.``, ``!``, ``?``, possibly inside closing quotes or brackets)."""
    last = _last_visible_class(stats, skip=_AFTER_TERMINAL)
    ends_terminal = last == TERMINAL
    last_chars = _last_visible_chars(stats)
    ends_colon = last_chars == ord(":")
    ends_letter = np.isin(last, (UPPER, LOWER, OTHER_LETTER, DIGIT))
    return (
        np.column_stack([ends_terminal, ends_colon, ends_letter]).astype(np.float64),
        ["ends_terminal", "ends_colon", "ends_alnum"],
    )


def _last_visible_index(stats: PageStats, skip: tuple[int, ...]) -> np.ndarray:
    """Index in the page of each line's last character not in ``skip`` classes, -1 when there is none."""
    keep = ~np.isin(stats.classes, skip)
    positions = np.where(keep, np.arange(len(keep)), -1)
    running = np.maximum.accumulate(positions) if len(positions) else positions
    ends = stats.page.ends
    if len(running) == 0:
        return np.full(stats.n_lines, -1)
    last = running[np.maximum(ends - 1, 0)]
    return np.where((last >= stats.page.starts) & (ends > stats.page.starts), last, -1)


def _last_visible_class(stats: PageStats, skip: tuple[int, ...]) -> np.ndarray:
    index = _last_visible_index(stats, skip)
    return np.where(index >= 0, stats.classes[np.maximum(index, 0)] if len(stats.classes) else 0, -1)


def _last_visible_chars(stats: PageStats) -> np.ndarray:
    index = _last_visible_index(stats, (SPACE,))
    return np.where(index >= 0, stats.codes[np.maximum(index, 0)] if len(stats.codes) else 0, 0)


def javascript_features(stats: PageStats) -> FeatureBlock:
    counts = stats.class_counts
    visible = stats.lengths - counts[:, SPACE]
    tokens = _matches_per_line(stats, _JS_TOKENS)
    return (
        np.column_stack([_ratio(tokens, stats.words_per_line + 1), _ratio(counts[:, CODE] + counts[:, CLOSING], visible), tokens > 0]).astype(np.float64),
        ["js_tokens_per_word", "code_char_density", "has_js_token"],
    )


def json_features(stats: PageStats) -> FeatureBlock:
    context = _matches_per_line(stats, _JSON_CONTEXT)
    pairs = _matches_per_line(stats, _JSON_KEY_VALUE)
    first = _first_visible_chars(stats)
    opens = np.isin(first, (ord("{"), ord("[")))
    return (
        np.column_stack([context > 0, np.log1p(pairs), opens]).astype(np.float64),
        ["json_ld_context", "log_json_pairs", "starts_with_bracket"],
    )


def _first_visible_chars(stats: PageStats) -> np.ndarray:
    if stats.n_lines == 0:
        return np.zeros(0, dtype=np.uint32)
    visible = stats.classes != SPACE
    positions = np.where(visible, np.arange(len(visible)), len(visible))
    following = np.minimum.accumulate(positions[::-1])[::-1] if len(positions) else positions
    starts = np.minimum(stats.page.starts, max(len(following) - 1, 0))
    first = following[starts] if len(following) else np.full(stats.n_lines, 0)
    valid = (first < stats.page.ends) & (stats.page.ends > stats.page.starts)
    return np.where(valid, stats.codes[np.minimum(first, max(len(stats.codes) - 1, 0))] if len(stats.codes) else 0, 0)


def link_features(stats: PageStats) -> FeatureBlock:
    urls = _matches_per_line(stats, _URL)
    emails = _matches_per_line(stats, _EMAIL)
    return np.column_stack([np.minimum(urls, 5), np.minimum(emails, 5)]), ["urls", "emails"]


def capitalisation_features(stats: PageStats) -> FeatureBlock:
    counts = stats.class_counts
    letters = counts[:, UPPER] + counts[:, LOWER]
    starts, _ = stats.word_spans
    capital_words = np.bincount(stats.word_lines, weights=stats.classes[starts] == UPPER, minlength=stats.n_lines) if len(starts) else np.zeros(stats.n_lines)
    first = _first_visible_chars(stats)
    first_upper = (first < _TABLE_SIZE) & (_CLASS_TABLE[np.minimum(first, _TABLE_SIZE - 1)] == UPPER)
    return (
        np.column_stack([_ratio(counts[:, UPPER], letters), _ratio(capital_words, stats.words_per_line), first_upper]).astype(np.float64),
        ["upper_ratio", "capitalised_word_ratio", "starts_upper"],
    )


def digit_features(stats: PageStats) -> FeatureBlock:
    counts = stats.class_counts
    return _ratio(counts[:, DIGIT], stats.lengths - counts[:, SPACE])[:, None], ["digit_ratio"]


def vocabulary_features(stats: PageStats) -> FeatureBlock:
    """Stop-word ratio (function words mark running prose) and average word length."""
    is_stop = np.isin(stats.word_hashes, _STOP_WORD_HASHES)
    stops = np.bincount(stats.word_lines, weights=is_stop, minlength=stats.n_lines) if len(is_stop) else np.zeros(stats.n_lines)
    counts = stats.class_counts
    word_chars = counts[:, UPPER] + counts[:, LOWER] + counts[:, DIGIT] + counts[:, OTHER_LETTER]
    return (
        np.column_stack([_ratio(stops, stats.words_per_line), _ratio(word_chars, stats.words_per_line)]),
        ["stop_word_ratio", "mean_word_length"],
    )


def repetition_features(stats: PageStats) -> FeatureBlock:
    """Lines repeated elsewhere in the page: menus, share bars and player fallbacks recur; prose rarely does."""
    keys = [line.strip().lower() for line in stats.page.lines]
    occurrences = Counter(keys)
    repeats = np.fromiter((occurrences[key] - 1 for key in keys), dtype=np.float64, count=len(keys))
    return np.column_stack([repeats > 0, np.log1p(repeats)]).astype(np.float64), ["repeated", "log_repeats"]


def position_features(stats: PageStats) -> FeatureBlock:
    n = stats.n_lines
    index = np.arange(n, dtype=np.float64)
    chars_before = np.cumsum(stats.lengths) - stats.lengths
    total = stats.lengths.sum()
    return (
        np.column_stack([_ratio(index, np.full(n, max(n - 1, 1.0))), _ratio(chars_before, np.full(n, total))]),
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
    first_index = np.full(n_blocks, n, dtype=np.int64)
    np.minimum.at(first_index, ids[in_block], index[in_block])
    take = lambda values: np.where(in_block, values[ids] if n_blocks else 0.0, 0.0)  # noqa: E731
    position_in_block = np.where(in_block, index - (first_index[ids] if n_blocks else 0), 0)
    return (
        np.column_stack([
            np.log1p(take(line_counts)),
            np.log1p(take(char_counts)),
            take(terminal_share),
            position_in_block == 0,
            np.log1p(position_in_block),
        ]).astype(np.float64),
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


def _neighbour_columns(values: np.ndarray, nonblank: np.ndarray, offset: int) -> np.ndarray:
    """Values of the non-blank line ``offset`` non-blank lines away (zeros past the page's ends)."""
    out = np.zeros_like(values)
    rows = values[nonblank]
    shifted = np.zeros_like(rows)
    if offset < 0 and len(rows) > -offset:
        shifted[-offset:] = rows[:offset]
    elif offset > 0 and len(rows) > offset:
        shifted[:-offset] = rows[offset:]
    out[nonblank] = shifted
    return out


def page_features(page: Page, stats: PageStats | None = None) -> FeatureBlock:
    """All dense features of every line of ``page``: its own families, then its neighbours' values."""
    stats = stats or PageStats(page)
    own_blocks, own_names, shared_blocks, shared_names = [], [], [], []
    for family, function in FAMILIES.items():
        values, columns = function(stats)
        own_blocks.append(values)
        own_names.extend(columns)
        if family in NEIGHBOUR_FAMILIES:
            shared_blocks.append(values)
            shared_names.extend(columns)
    shared = np.column_stack(shared_blocks)
    blocks, names = own_blocks, own_names
    for offset in NEIGHBOUR_OFFSETS:
        blocks.append(_neighbour_columns(shared, stats.nonblank, offset))
        names.extend(f"{name}@{offset:+d}" for name in shared_names)
    return np.column_stack(blocks).reshape(len(page), len(names)), names


def feature_names() -> list[str]:
    """The names of the dense feature columns, in order (they are part of the model file)."""
    return page_features(Page.from_text("x"))[1]
