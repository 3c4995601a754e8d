"""Line features, one family per function, each computed over a whole page at once.

A family takes a :class:`PageStats` (shared, lazily computed views of the page: code points, per-line
character-class counts, word spans and hashes) and returns a ``(n_lines, k)`` float array; its ``k``
columns, each a name and how its value is said in words, are declared above it (:func:`family`) and
are all the model file and the explanations know of it. Regular expressions run once over the page text and their matches are mapped to lines
through the line offsets, so the cost grows with the page's size, not with its number of lines times
the number of patterns. The page may be several joined into one (:meth:`Page.join`): what depends on
a line's neighbours or on its whole page (neighbour columns, position, repetition, blocks, pattern
matches) stays within the line's own page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linesift.model.arrays import log1p_counts, shift_within_pages
from linesift.model.columns import Column, Wording, from_log1p
from linesift.model.hashing import hash_set, hash_words, in_hash_set
from linesift.model.pagestats import (
    AFTER_SENTENCE_END,
    CLASS_TABLE,
    CLOSING,
    CODE,
    DIGIT,
    LOWER,
    OTHER_LETTER,
    PUNCT,
    QUOTE,
    SPACE,
    TABLE_SIZE,
    TERMINAL,
    UPPER,
    WORD_CLASS,
    WORD_CLASSES,
    PageStats,
)
from linesift.model.segment import Page


@dataclass(frozen=True, slots=True)
class Family:
    """A feature family: ``compute`` gives its ``(n_lines, len(columns))`` values over a page, ``columns`` their
    names and wording, in that order."""

    name: str
    columns: tuple[Column, ...]
    compute: Callable[[PageStats], np.ndarray]


def family(name: str, *columns: Column) -> Callable[[Callable[[PageStats], np.ndarray]], Family]:
    """Declare the function below as the family ``name`` with these columns."""
    return lambda compute: Family(name, columns, compute)


# What a ratio to a line's words may reach: past it a line says no more. Unbounded, a "word" of a million letters or a
# line of a few words and ten thousand full stops outweighed every other column, and its neighbours' too (a lone line
# of 100,000 digits was kept at P 1.0, one of 50,000 "})" at 0.96). Each bound is just above the largest value of the
# lines the model learns from (314 characters, 36 sentence ends and 21 JavaScript tokens a word), so that no line it
# learnt from changes.
MAX_MEAN_WORD_LENGTH = 320
MAX_TERMINALS_PER_WORD = 40
MAX_JS_TOKENS_PER_WORD = 24

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

# ``===`` alone: a longer run of "=" underlines a Markdown heading or parts a text ("=====" was nine tokens, and its
# neighbours dropped as lines beside a script).
_JS_TOKENS = re.compile(
    r"=>|(?<!=)===(?!=)|!==|\b(?:function|var|let|const|typeof|return|undefined|null)\b|(?:window|document|this)\.[A-Za-z_$]"
    r"|\)\s*\{|\}\)"
)
_JSON_CONTEXT = re.compile(r"[\"“”]@(?:context|type)[\"“”]")
_JSON_KEY_VALUE = re.compile(r"[\"“”][\w@$.-]{1,40}[\"“”]\s*:")
# An HTML tag left in the text: ``<p>``, ``</div>``, ``<script src="a.js">``, ``<br/>``.
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_URL = re.compile(r"https?://\S+|www\.\S+")
# The local part is bounded (64 is the standard's maximum) and must start a run: an unbounded
# ``[\w.+-]+@`` backtracks quadratically over long runs of word characters with no "@".
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]+\.[\w.-]+")

# Where the patterns above can start, so that each is tried only there (see ``_matches_per_line``).
_JS_PUNCTUATION = "=!)}"  # JavaScript tokens start with one of these, a keyword or an object
_JS_KEYWORDS = ("function", "var", "let", "const", "typeof", "return", "undefined", "null")
_JS_OBJECTS = ("window", "document", "this")  # tokens when followed by "."
_QUOTES = "\"“”"  # around a JSON key
_ASCII_LETTER = np.zeros(TABLE_SIZE, dtype=bool)
_ASCII_LETTER[ord("A") : ord("Z") + 1] = True
_ASCII_LETTER[ord("a") : ord("z") + 1] = True
_SIGNATURE_LENGTHS = 32  # words are told apart by first letter, last letter and a length below this


def _signature(first: np.ndarray | int, last: np.ndarray | int, length: np.ndarray | int) -> np.ndarray:
    return (first * 128 + last) * _SIGNATURE_LENGTHS + np.minimum(length, _SIGNATURE_LENGTHS - 1)


_JS_KEYWORD_SIGNATURES = np.zeros(128 * 128 * _SIGNATURE_LENGTHS, dtype=bool)
_JS_KEYWORD_SIGNATURES[[_signature(ord(w[0]), ord(w[-1]), len(w)) for w in _JS_KEYWORDS]] = True


def _hash_text_words(words: list[str]) -> np.ndarray:
    text = " ".join(words)
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    return hash_words(PageStats(Page.from_lines([text])).hash_sums, starts, starts + lengths)


# A notice that the reader's browser lacks what the page needs (JavaScript, cookies, video, a newer
# version): what a page shows a scraper in place of a player, a form or comments. Matched only on lines
# holding one of the cue words, in the languages the corpus has most.
_NOTICE_CUES = ("javascript", "browser", "navigateur", "navegador", "cookies")
_NOTICE = re.compile(
    r"\b(?:please\s+)?(?:enable|turn\s+on|activate|allow|switch\s+on)\s+(?:your\s+)?(?:javascript|cookies)\b"
    r"|\b(?:javascript|cookies)\s+(?:is\s+|are\s+|must\s+be\s+|needs\s+to\s+be\s+|seems\s+to\s+be\s+)?"
    r"(?:currently\s+)?(?:disabled|required|turned\s+off|not\s+enabled|blocked)\b"
    r"|\brequires?\s+javascript\b"
    r"|\byour\s+(?:web\s+|current\s+|internet\s+)?browser\s+(?:does\s*n[o'’]?t|doesn['’]t|do\s+not|cannot|can['’]t|is\s+not"
    r"|isn['’]t|is\s+no\s+longer|is\s+out\s*(?:of\s*)?dated|is\s+unsupported|version\s+is)"
    r"|\b(?:upgrade|update|switch)\s+(?:to\s+)?(?:your|a\s+(?:modern|newer|different|supported|more\s+recent))\s+(?:web\s+)?browser\b"
    r"|\b(?:outdated|unsupported)\s+(?:web\s+)?browser\b"
    r"|\bjavascript\s+(?:aktivieren|aktiviert|einschalten|deaktiviert)\b|\baktivieren\s+sie\s+javascript\b|\bbrowser\s+unterst[üu]tzt\b"
    r"|\bactive[zr]?\s+(?:le\s+)?javascript\b|\bjavascript\s+(?:est\s+)?d[ée]sactiv[ée]\b|\bnavigateur\s+ne\s+(?:prend|supporte|permet)\b"
    r"|\b(?:habilit|activ|ativ|abilit|attiv)\w*\s+(?:el\s+|o\s+|il\s+)?javascript\b"
    r"|\bjavascript\s+(?:est[aá]\s+)?(?:deshabilitado|desactivado|desativado|disattivato)\b"
    r"|\bnavegador\s+(?:no|n[ãa]o)\s+(?:soporta|admite|es\s+compatible|suporta|[ée]\s+compat[íi]vel|permite)\b"
    r"|\bbrowser\s+non\s+supporta\b|\bjavascript\s+(?:in\s+te\s+schakelen|inschakelen|is\s+uitgeschakeld)\b|\bbrowser\s+ondersteunt\b",
    re.IGNORECASE,
)


_STOP_WORD_HASHES = np.unique(_hash_text_words(_STOP_WORDS))
_STOP_WORD_TABLE = hash_set(_STOP_WORD_HASHES)
_JS_KEYWORD_HASHES = hash_set(_hash_text_words(list(_JS_KEYWORDS)))
_NOTICE_CUE_HASHES = hash_set(_hash_text_words(list(_NOTICE_CUES)))


def _stacked(columns: list[np.ndarray]) -> np.ndarray:
    """A family's ``(n_lines, k)`` float block from its ``k`` columns, stored column by column (a transposed view):
    each column is copied whole, where ``np.column_stack`` writes it a value per row (and ``np.array``, in C, costs less
    per call than ``np.stack``)."""
    return np.array(columns, dtype=np.float64).T


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ``numerator / denominator``, 0.0 where the denominator is 0 (not above 0)."""
    # Dividing everywhere (by 1 where not above 0) costs less than a division with ``where=``.
    positive = denominator > 0
    out = np.divide(numerator, np.where(positive, denominator, 1.0))
    out[~positive] = 0.0
    return out




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
    return _matches_on_lines(stats, pattern, stats.positions(char))


def _matches_on_lines(stats: PageStats, pattern: re.Pattern[str], offsets: np.ndarray) -> np.ndarray:
    """How many matches of ``pattern``, which stay in one line, start on each line; only the lines holding one of
    ``offsets`` are searched."""
    page = stats.page
    lines = np.unique(stats.line_of_char[offsets]).tolist()
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
    starts = ends.compress(stats.codes.take(ends - 1) == ord(word[-1])) - len(word)
    spelled = np.array([ord(char) for char in word], dtype=np.uint32)
    found = (stats.codes[starts[:, None] + np.arange(len(word))] == spelled).all(axis=1)
    return starts[found]


def _keyword_starts(stats: PageStats, keywords: tuple[str, ...], signatures: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Offsets where one of ``keywords`` (ASCII letters, with ``signatures`` and the ``hash_set`` of their
    ``hashes``) can match between two ``\\b``.

    Such a match is a whole word (a run of word characters), found by its hash, or part of one where it
    touches a character above the tables that is not a regular-expression word character (an emoji, a
    symbol), found by its signature.
    """
    codes = stats.codes

    def signed(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        ascii_first, ascii_last = np.minimum(codes[starts], 127), np.minimum(codes[ends - 1], 127)
        return starts[signatures[_signature(ascii_first, ascii_last, ends - starts)]]

    # Lower-cased: a few more than needed. ``compress``: faster than a boolean index.
    words = stats.word_spans[0].compress(in_hash_set(stats.word_hashes, hashes))
    # Only the wide characters inside words: next to any other (curly quotes, dashes), a keyword is a word
    # of its own, found by its hash.
    wide = stats.wide[stats.classes[stats.wide] < WORD_CLASSES]
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


@family("length",
        Column("log_chars", Wording("{value:.0f} characters", transform=from_log1p)),
        Column("log_words", Wording("{value:.0f} words", transform=from_log1p)))
def length_features(stats: PageStats) -> np.ndarray:
    return _stacked([log1p_counts(stats.lengths), log1p_counts(stats.words_per_line)])


@family("punctuation",
        Column("punct_density", Wording("punctuation {value:.0%} of visible characters")),
        Column("terminals_per_word", Wording("{value:.2f} sentence ends per word")))
def punctuation_features(stats: PageStats) -> np.ndarray:
    counts, length = stats.class_counts, stats.lengths
    visible = length - counts[:, SPACE]
    punct = counts[:, TERMINAL] + counts[:, PUNCT] + counts[:, QUOTE] + counts[:, CODE] + counts[:, CLOSING]
    return _stacked([_ratio(punct, visible), np.minimum(_ratio(counts[:, TERMINAL], stats.words_per_line), MAX_TERMINALS_PER_WORD)])


@family("terminal",
        Column("ends_terminal", Wording("ends like a sentence", "does not end like a sentence")),
        Column("ends_colon", Wording("ends with a colon", "does not end with a colon")),
        Column("ends_alnum", Wording("ends with a letter or digit", "does not end with a letter or digit")))
def terminal_features(stats: PageStats) -> np.ndarray:
    """Whether a line ends like a sentence (``.``, ``!``, ``?``, possibly inside closing quotes or brackets)."""
    last = _last_visible_class(stats, skip=AFTER_SENTENCE_END)
    ends_terminal = stats.ends_sentence
    last_chars = _last_visible_chars(stats)
    ends_colon = last_chars == ord(":")
    ends_letter = WORD_CLASS[last]
    return _stacked([ends_terminal, ends_colon, ends_letter])


def _last_visible_class(stats: PageStats, skip: tuple[int, ...]) -> np.ndarray:
    index = stats.last_visible_index(skip)
    return np.where(index >= 0, stats.classes[np.maximum(index, 0)] if len(stats.classes) else 0, -1)


def _last_visible_chars(stats: PageStats) -> np.ndarray:
    index = stats.last_visible_index((SPACE,))
    return np.where(index >= 0, stats.codes[np.maximum(index, 0)] if len(stats.codes) else 0, 0)


@family("javascript",
        Column("js_tokens_per_word", Wording("{value:.2f} JavaScript tokens per word")),
        Column("code_char_density", Wording("code characters {value:.0%} of visible characters")),
        Column("has_js_token", Wording("contains JavaScript", "no JavaScript")))
def javascript_features(stats: PageStats) -> np.ndarray:
    counts = stats.class_counts
    visible = stats.lengths - counts[:, SPACE]
    dots = stats.positions(".")
    candidates = np.unique(np.concatenate([
        stats.positions(_JS_PUNCTUATION),
        _keyword_starts(stats, _JS_KEYWORDS, _JS_KEYWORD_SIGNATURES, _JS_KEYWORD_HASHES),
        *(_starts_before(stats, dots, word) for word in _JS_OBJECTS),
    ]))
    tokens = _matches_per_line(stats, _JS_TOKENS, candidates)
    return _stacked([np.minimum(_ratio(tokens, stats.words_per_line + 1), MAX_JS_TOKENS_PER_WORD),
                     _ratio(counts[:, CODE] + counts[:, CLOSING], visible), tokens > 0])


@family("json",
        Column("json_ld_context", Wording("JSON-LD (@context/@type)", "no JSON-LD markers")),
        Column("log_json_pairs", Wording("{value:.0f} JSON key-value pairs", transform=from_log1p)),
        Column("starts_with_bracket", Wording("starts with { or [", "does not start with { or [")))
def json_features(stats: PageStats) -> np.ndarray:
    context = _matches_per_line_with(stats, _JSON_CONTEXT, "@")
    pairs = _matches_per_line(stats, _JSON_KEY_VALUE, stats.positions(_QUOTES))
    first = stats.first_visible
    opens = (first == ord("{")) | (first == ord("["))
    return _stacked([context > 0, log1p_counts(pairs), opens])


@family("notice",
        Column("browser_notice", Wording("tells the reader their browser lacks JavaScript, cookies or support",
                                         "no notice about the reader's browser")))
def notice_features(stats: PageStats) -> np.ndarray:
    """Whether a line asks the reader to enable JavaScript or cookies, or says their browser lacks support."""
    cues = stats.word_spans[0].compress(in_hash_set(stats.word_hashes, _NOTICE_CUE_HASHES))
    return _stacked([_matches_on_lines(stats, _NOTICE, cues) > 0])


@family("links",
        Column("urls", Wording("{value:.0f} URLs")),
        Column("emails", Wording("{value:.0f} e-mail addresses")))
def link_features(stats: PageStats) -> np.ndarray:
    colons = stats.positions(":")
    candidates = np.unique(np.concatenate([
        _starts_before(stats, colons, "http"),
        _starts_before(stats, colons, "https"),
        _starts_before(stats, stats.positions("."), "www"),
    ]))
    urls = _matches_per_line(stats, _URL, candidates)
    emails = _matches_per_line_with(stats, _EMAIL, "@")
    return _stacked([np.minimum(urls, 5), np.minimum(emails, 5)])


@family("markup",
        Column("log_html_tags", Wording("{value:.0f} HTML tags", transform=from_log1p)),
        Column("html_tag_share", Wording("{value:.0%} of its characters in HTML tags")))
def markup_features(stats: PageStats) -> np.ndarray:
    """HTML tags left in the text (a scraper that kept markup, a script's own tags): what a page shows has none."""
    page = stats.page
    counts, chars = np.zeros(stats.n_lines), np.zeros(stats.n_lines)
    # Only lines holding a "<" are searched: text holds few.
    for line in np.unique(stats.line_of_char[np.flatnonzero(stats.codes == ord("<"))]).tolist():
        for match in _HTML_TAG.finditer(page.text, int(page.starts[line]), int(page.ends[line])):
            counts[line] += 1
            chars[line] += match.end() - match.start()
    return _stacked([log1p_counts(counts), _ratio(chars, stats.lengths)])


@family("capitalisation",
        Column("upper_ratio", Wording("capital letters {value:.0%} of letters")),
        Column("capitalised_word_ratio", Wording("{value:.0%} of words capitalised")),
        Column("starts_upper", Wording("starts with a capital letter", "does not start with a capital letter")))
def capitalisation_features(stats: PageStats) -> np.ndarray:
    counts = stats.class_counts
    letters = counts[:, UPPER] + counts[:, LOWER]
    starts, _ = stats.word_spans
    capital_words = np.bincount(stats.word_lines, weights=stats.classes.take(starts) == UPPER, minlength=stats.n_lines) if len(starts) else np.zeros(stats.n_lines)
    first = stats.first_visible
    first_upper = (first < TABLE_SIZE) & (CLASS_TABLE[np.minimum(first, TABLE_SIZE - 1)] == UPPER)
    return _stacked([_ratio(counts[:, UPPER], letters), _ratio(capital_words, stats.words_per_line), first_upper])


@family("digits",
        Column("digit_ratio", Wording("digits {value:.0%} of visible characters")))
def digit_features(stats: PageStats) -> np.ndarray:
    counts = stats.class_counts
    return _ratio(counts[:, DIGIT], stats.lengths - counts[:, SPACE])[:, None]


@family("vocabulary",
        Column("stop_word_ratio", Wording("{value:.0%} function words (the, and, of...)")),
        Column("mean_word_length", Wording("mean word length {value:.1f}")))
def vocabulary_features(stats: PageStats) -> np.ndarray:
    """Stop-word ratio (function words mark running prose) and average word length."""
    is_stop = in_hash_set(stats.word_hashes, _STOP_WORD_TABLE)
    stops = np.bincount(stats.word_lines, weights=is_stop, minlength=stats.n_lines) if len(is_stop) else np.zeros(stats.n_lines)
    counts = stats.class_counts
    word_chars = counts[:, UPPER] + counts[:, LOWER] + counts[:, DIGIT] + counts[:, OTHER_LETTER]
    return _stacked([_ratio(stops, stats.words_per_line), np.minimum(_ratio(word_chars, stats.words_per_line), MAX_MEAN_WORD_LENGTH)])


@family("repetition",
        Column("repeated", Wording("repeated elsewhere on the page", "not repeated on the page")),
        Column("log_repeats", Wording("{value:.0f} repeats elsewhere on the page", transform=from_log1p)))
def repetition_features(stats: PageStats) -> np.ndarray:
    """Lines repeated elsewhere in the page: menus, share bars and player fallbacks recur; prose rarely does."""
    repeats = stats.equal_lines.copies.astype(np.float64)
    repeats -= 1
    return _stacked([repeats > 0, log1p_counts(repeats)])


@family("position",
        Column("relative_line_position", Wording("{value:.0%} of the way down the page (by lines)")),
        Column("relative_char_position", Wording("{value:.0%} of the way down the page (by characters)")))
def position_features(stats: PageStats) -> np.ndarray:
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
    return _stacked([_ratio(index, last_index), _ratio(chars_before, total)])


@family("block",
        Column("block_log_lines", Wording("{value:.0f} lines in its block", transform=from_log1p)),
        Column("block_log_chars", Wording("{value:.0f} characters in its block", transform=from_log1p)),
        Column("block_terminal_share", Wording("{value:.0%} of its block's lines end like sentences")),
        Column("block_first_line", Wording("first line of its block", "not the first line of its block")),
        Column("block_log_position", Wording("{value:.0f} lines before it in its block", transform=from_log1p)))
def block_features(stats: PageStats) -> np.ndarray:
    """The block around each line (a run of non-blank lines): its size and where the line sits in it."""
    block_ids = stats.page.block_ids
    n = stats.n_lines
    in_block = block_ids >= 0
    n_blocks = int(block_ids.max()) + 1 if n and in_block.any() else 0
    ids = np.where(in_block, block_ids, 0)
    line_counts = np.bincount(ids[in_block], minlength=n_blocks).astype(np.float64)
    char_counts = np.bincount(ids[in_block], weights=stats.lengths[in_block], minlength=n_blocks)
    terminal = stats.ends_sentence
    terminal_share = _ratio(np.bincount(ids[in_block], weights=terminal[in_block], minlength=n_blocks), line_counts)
    index = np.arange(n)
    first_index = np.flatnonzero(in_block & np.concatenate(([True], block_ids[1:] != block_ids[:-1])))
    take = lambda values: np.where(in_block, values[ids] if n_blocks else 0.0, 0.0)  # noqa: E731
    position_in_block = np.where(in_block, index - (first_index[ids] if n_blocks else 0), 0)
    return _stacked([
        log1p_counts(take(line_counts)),
        log1p_counts(take(char_counts)),
        take(terminal_share),
        position_in_block == 0,
        log1p_counts(position_in_block),
    ])


FAMILIES: dict[str, Family] = {family.name: family for family in (
    length_features,
    punctuation_features,
    terminal_features,
    javascript_features,
    json_features,
    notice_features,
    link_features,
    markup_features,
    capitalisation_features,
    digit_features,
    vocabulary_features,
    repetition_features,
    position_features,
    block_features,
)}
# Every family's columns, in the order of the model file's feature names.
OWN_COLUMNS = tuple(column for family in FAMILIES.values() for column in family.columns)

# Families whose values for the previous and next non-blank line are also given to each line.
NEIGHBOUR_FAMILIES = ("length", "punctuation", "terminal", "javascript", "json", "links", "capitalisation", "vocabulary")
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
# The columns of ``OWN_COLUMNS`` that neighbours see, and every dense column's name.
_SHARED = [OWN_COLUMNS.index(column) for family in FAMILIES.values() if family.name in NEIGHBOUR_FAMILIES
           for column in family.columns]
_NAMES = [column.name for column in OWN_COLUMNS] + [
    f"{OWN_COLUMNS[column].name}@{offset:+d}" for offset in NEIGHBOUR_OFFSETS for column in _SHARED]


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
        blocks = [family.compute(stats) for family in FAMILIES.values()]
        # Row by row (C order) whatever the blocks' order: products with the weights add up the same way. The
        # blocks are stored column by column: they are joined as such, then transposed in one copy, which takes
        # half the time of joining them into the rows block by block.
        own = np.ascontiguousarray(np.concatenate([block.T for block in blocks]).T)
        # Rows, then columns, each by ``take``: a few times faster than one ``np.ix_`` index.
        shared_rows = own.take(stats.nonblank, axis=0).take(_SHARED, axis=1)
        return cls(own, feature_names(), stats, shared_rows, np.empty((stats.n_lines, 0)))

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


def page_features(page: Page, stats: PageStats | None = None) -> tuple[np.ndarray, list[str]]:
    """All dense features of every line of ``page`` as one array: its own families, then its neighbours' values."""
    dense = DenseFeatures.of(stats or PageStats(page))
    return dense.matrix(), dense.names


def feature_names() -> list[str]:
    """The names of the dense feature columns, in order (they are part of the model file)."""
    return list(_NAMES)
