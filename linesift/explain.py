"""Why each line was kept or dropped: the features that weighed most for and against it.

Both passes are logistic regressions, so a line's log-odds of content is the intercept plus one term
per feature: coefficient × standardised value. Those terms are exact, additive reasons. The final
decision is the second pass's, so its terms are the line's reasons; the first pass's terms (among them
the hashed n-grams of the line's start, named where the line's own n-grams can be matched to their
buckets) come as a nested detail, since the second pass reads the first pass's score.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from linesift.limits import check_page_size
from linesift.model.context import COLUMNS as CONTEXT_COLUMNS
from linesift.model.features import FAMILIES, OWN_COLUMNS
from linesift.model.linear import LinearScorer
from linesift.model.modelfile import stage_feature_names
from linesift.model.ngrams import (
    CHAR_NGRAM,
    MAX_CHARS_PER_LINE,
    MAX_WORDS_PER_LINE,
    N_BUCKETS,
    bucket_of,
    char_grams,
    ngram_features,
    ngram_scores,
    word_grams,
)
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page
from linesift.model.sifter import Label, ModelInput, Scored, Sifter, line_numbers
from linesift.model.structure import COLUMNS as STRUCTURE_COLUMNS
from linesift.model.structure import SECTION_COLUMNS, Structure, line_tokens, token_bucket, token_scores

if TYPE_CHECKING:
    import scipy.sparse as sp

DEFAULT_TOP = 3  # reasons shown each way: enough to see the decision, few enough to read
NGRAMS = "ngrams"  # the name of the one reason that sums all hashed n-gram columns
NGRAMS_DESCRIPTION = "words/phrases at the start of the line"
NAMED_NGRAMS = 3  # n-grams named inside the n-gram reason
MARKUP = "markup"  # the name of the one reason that sums the hashed tags and naming words of a line
MARKUP_DESCRIPTION = "its markup"
NAMED_TOKENS = 3  # tags and words named inside the markup reason
CODE_PAGE_NOTE = "the page is code or symbols alone, and keeps no line"


@dataclass(frozen=True, slots=True)
class Reason:
    """One feature's share of a decision: ``contribution`` is added to the log-odds of content."""

    name: str
    description: str
    contribution: float


@dataclass(frozen=True, slots=True)
class PassExplanation:
    """One pass's score for a line and its strongest terms each way."""

    p_content: float
    reasons_for: tuple[Reason, ...]
    reasons_against: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class LineExplanation:
    """A line's decision and why. Blank lines are never content and have no reasons nor first pass."""

    number: int
    text: str
    label: Label
    p_content: float
    cut: float  # the page's cut: a non-blank line is content when ``p_content >= cut``, unless it is a copy
    reasons_for: tuple[Reason, ...]
    reasons_against: tuple[Reason, ...]
    first_pass: PassExplanation | None
    # The number of the content line above that this line repeats, dropped for it; its own for a line that says its
    # text twice (see linesift.model.repeats).
    repeats_line: int | None = None
    # The first and last line numbers of the fenced code block the line is in: its P(content) is the block's mean.
    code_block: tuple[int, int] | None = None
    # The same for the hard-wrapped paragraph the line is in, read as one line (see linesift.model.wrapping).
    paragraph: tuple[int, int] | None = None
    # For a piece of a line holding most of its page, its number among the line's pieces, from 1 (see
    # linesift.model.pieces).
    piece: int | None = None
    # Whether the line's page is code alone, which keeps no line (see linesift.model.codepages).
    code_page: bool = False

    @property
    def drop_note(self) -> str | None:
        """Why a line was dropped other than by its P(content), in words; None when its P(content) and the cut say it."""
        if self.code_page:
            return CODE_PAGE_NOTE
        return None if self.copy_note is None else f"it {self.copy_note}"

    @property
    def copy_note(self) -> str | None:
        """Why a line that reached the cut was dropped as a copy, in words; None for any other line."""
        if self.repeats_line is None:
            return None
        if self.repeats_line == self.number:
            return "says its text twice"
        return f"repeats line {self.repeats_line}, kept above"


# Each column's wording, as its family declares it; a neighbour's column is said as the column it copies.
_WORDING = {column.name: column.wording for column in (*OWN_COLUMNS, *CONTEXT_COLUMNS, *STRUCTURE_COLUMNS, *SECTION_COLUMNS)}
_TOKEN_WORDING = {"tag": "a <{}> block", "parent": "in a <{}>", "around": "inside <{}>", "near": "class/id word \u201c{}\u201d",
                  "word": "class/id word \u201c{}\u201d around it"}
_NEIGHBOURS = {-3: "three lines before", -2: "two lines before", -1: "previous line",
               1: "next line", 2: "two lines after", 3: "three lines after"}


def neighbour_offset(name: str) -> int | None:
    """The offset in non-blank lines of a neighbour column (``name@-1`` → -1), None for a line's own."""
    _, _, offset = name.partition("@")
    return int(offset) if offset.lstrip("+-").isdigit() else None


def describe(name: str, value: float, past_edge: bool = False, flags: Callable[[str], bool] = lambda name: False) -> str:
    """A feature's value in words, e.g. ``ends_terminal`` = 1 → "ends like a sentence".

    Neighbour columns (``name@-1``) are said of that neighbour (the non-blank line before or after);
    ``past_edge`` says there is no such line, so its column holds a filler value. ``flags`` tells whether a flag
    column of the line is set: some say that what a column measures from is absent (see :class:`Wording`). A name
    this code has no words for (a newer model file) is shown as ``name = value``.
    """
    base = name.partition("@")[0]
    offset = neighbour_offset(name)
    if offset is not None:
        where = _NEIGHBOURS.get(offset)
        if where is not None and past_edge:
            return f"{where}: none ({'start' if offset < 0 else 'end'} of the page)"
        if where is not None and base in _WORDING:
            return f"{where}: {_WORDING[base].say(value)}"
    elif base in _WORDING:
        return _WORDING[base].say(value, flags)
    return f"{name} = {value:.3g}"


def _dense_terms(classifier: LinearScorer, dense: np.ndarray) -> np.ndarray:
    """``(n_lines, n_scaled)`` coefficient × standardised value of every scaled column."""
    n = classifier.n_scaled_
    return (dense[:, :n] - classifier.mean_) / classifier.scale_ * classifier.coef_[:n]


def _hashed_terms(classifier: LinearScorer, hashed: sp.csr_matrix) -> sp.csr_matrix:
    """Coefficient × value of every hashed n-gram column (those pass unscaled)."""
    import scipy.sparse as sp  # only explanations need it: cleaning starts without scipy

    start = classifier.n_scaled_
    return sp.csr_matrix(hashed.multiply(classifier.coef_[start : start + hashed.shape[1]]))


def _markup_reason(classifier: LinearScorer, structure: Structure, row: int) -> Reason | None:
    """The hashed tags and words of a line's markup as one reason, naming those that weighed most its way."""
    tokens = line_tokens(structure.tags[row], structure.names[row])
    if not tokens:
        return None
    weights = classifier.coef_[classifier.n_scaled_ + N_BUCKETS :]
    buckets = sorted({token_bucket(token) for token in tokens})
    scale = 1.0 / np.sqrt(len(buckets))
    total = float(weights[buckets].sum() * scale)
    if total == 0.0:
        return None
    weighed = sorted(((float(weights[token_bucket(token)] * scale), token) for token in tokens), key=lambda pair: -pair[0] * np.sign(total))
    shown: list[str] = []
    for value, token in weighed:
        kind, _, word = token.partition(":")
        if value * total > 0 and len(shown) < NAMED_TOKENS:
            shown.append(f"{_TOKEN_WORDING[kind].format(word)} ({value:+.2f})")
    return Reason(MARKUP, MARKUP_DESCRIPTION + (f": {', '.join(shown)}" if shown else ""), total)


def _ngram_buckets(lines: Sequence[str]) -> list[dict[int, list[str]]]:
    """For each line, the text of the n-grams the first pass hashes, by bucket.

    Each candidate n-gram is put on a line of its own and hashed by the model's own code, so the
    names follow whatever that code does; a bucket shared by two n-grams carries both names.
    """
    stats = PageStats(Page.from_lines(list(lines)))
    starts, ends = stats.word_spans
    text = stats.page.text
    word_rows = stats.word_lines
    first_word = np.searchsorted(word_rows, np.arange(stats.n_lines))
    rank = np.arange(len(word_rows)) - first_word[word_rows] if len(word_rows) else word_rows
    owners: list[int] = []
    words: list[str] = []
    pairs: list[str] = []
    pair_owners: list[int] = []
    for index in np.flatnonzero(rank < MAX_WORDS_PER_LINE).tolist():
        owners.append(int(word_rows[index]))
        words.append(text[starts[index]:ends[index]])
        if index + 1 < len(word_rows) and word_rows[index + 1] == word_rows[index] and rank[index] + 1 < MAX_WORDS_PER_LINE:
            pair_owners.append(int(word_rows[index]))
            pairs.append(text[starts[index]:ends[index + 1]])
    grams: list[str] = []
    gram_owners: list[int] = []
    for row, line in enumerate(lines):
        head = line[:MAX_CHARS_PER_LINE]
        for offset in range(len(head) - CHAR_NGRAM + 1):
            grams.append(head[offset:offset + CHAR_NGRAM])
            gram_owners.append(row)

    out: list[dict[int, list[str]]] = [{} for _ in lines]

    def name(owner_rows: list[int], texts: list[str], buckets: list[int]) -> None:
        for row, gram, bucket in zip(owner_rows, texts, buckets):
            names = out[row].setdefault(bucket, [])
            if gram.lower() not in (n.lower() for n in names):
                names.append(gram)

    name(owners, words, _single_hash_buckets(words, word_grams))
    name(gram_owners, grams, _single_hash_buckets(grams, char_grams))
    name(pair_owners, pairs, _pair_buckets(pairs))
    return out


def _single_hash_buckets(texts: list[str], ngrams: Callable[[PageStats], tuple[np.ndarray, np.ndarray, np.ndarray]]) -> list[int]:
    """Bucket of each text that yields exactly one n-gram of the given kind (a word; a trigram)."""
    if not texts:
        return []
    rows, _, hashes = ngrams(PageStats(Page.from_lines(texts)))
    buckets = np.zeros(len(texts), dtype=np.int64)
    buckets[rows] = bucket_of(hashes)
    return buckets.tolist()


def _pair_buckets(pairs: list[str]) -> list[int]:
    """Bucket of the bigram of each two-word text: its one word n-gram that is not a single word's."""
    if not pairs:
        return []
    stats = PageStats(Page.from_lines(pairs))
    rows, _, hashes = word_grams(stats)
    single = set(zip(stats.word_lines.tolist(), stats.word_hashes.tolist()))
    buckets = bucket_of(hashes).tolist()
    out = [-1] * len(pairs)
    for row, hashed, bucket in zip(rows.tolist(), hashes.tolist(), buckets):
        if (row, hashed) not in single:
            out[row] = bucket
    return out


def _ngram_reason(terms: sp.csr_matrix, row: int, named: dict[int, list[str]]) -> Reason | None:
    """The hashed n-grams of a line as one reason, naming the n-grams that weighed most in its direction."""
    start, end = terms.indptr[row], terms.indptr[row + 1]
    if start == end:
        return None
    buckets, values = terms.indices[start:end], terms.data[start:end]
    total = float(values.sum())
    if total == 0.0:
        return None
    order = np.argsort(-values * np.sign(total), kind="stable")
    shown = [f"\u201c{' / '.join(named[b])}\u201d ({v:+.2f})" for b, v in zip(buckets[order].tolist(), values[order].tolist())
             if b in named and v * total > 0][:NAMED_NGRAMS]
    description = NGRAMS_DESCRIPTION + (f": {', '.join(shown)}" if shown else "")
    return Reason(NGRAMS, description, total)


def _strongest(terms: np.ndarray, names: list[str], values: np.ndarray, extra: Sequence[Reason], top: int,
               missing: Callable[[str], bool]) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
    """The ``top`` largest positive and ``top`` most negative terms of one line, as reasons, among its columns'
    and the ``extra`` reasons (the hashed columns, summed).

    Ties (correlated features often share a coefficient) go to the earlier column, so a shorter list
    is always the start of a longer one.
    """
    weights = np.append(terms, [reason.contribution for reason in extra])
    columns = np.arange(len(weights))
    column_of = {name: k for k, name in enumerate(names)}

    def flag_set(name: str) -> bool:
        return name in column_of and values[column_of[name]] >= 0.5

    def reason(i: int) -> Reason:
        if i >= len(names):
            return extra[i - len(names)]
        return Reason(names[i], describe(names[i], float(values[i]), missing(names[i]), flag_set), float(weights[i]))

    chosen = []
    for sign in (1.0, -1.0):
        order = np.lexsort((columns, -sign * weights))
        chosen.append(tuple(reason(int(i)) for i in order[:top] if sign * weights[i] > 0))
    return chosen[0], chosen[1]


def explain_lines(model: Sifter, text: str, top: int = DEFAULT_TOP, threshold: float | None = None,
                  structure: Structure | None = None) -> list[LineExplanation]:
    """One :class:`LineExplanation` per line of ``text``, with the same labels as ``model.predict_lines``; for a
    model of HTML pages, ``text`` is the page's blocks and ``structure`` their markup (see :mod:`linesift.model.dom`).

    Raises:
        PageTooLargeError: ``text`` is over the size limits (see :mod:`linesift.limits`).
    """
    if top < 0:
        raise ValueError(f"top must be 0 or more, not {top}")
    check_page_size(text)
    page = Page.from_text(text)
    if len(page) == 0:
        return []
    scored = model.scored(page, threshold, structure)
    cut = float(scored.cuts[0])
    decision = scored.decisions()[0]
    kept, repeated = decision.keep(page), decision.repeated(page)
    # The passes' inputs and terms have one row per line they read: a non-blank line, or a wrapped paragraph's lines
    # joined (see :class:`Scored`).
    first_input, second_input = scored.first_input.matrix(), scored.second_input.matrix()
    first_terms, second_terms = _dense_terms(model.first, first_input), _dense_terms(model.second, second_input)
    hashed = _hashed_terms(model.first, ngram_features(scored.stats))
    named = _ngram_buckets(scored.stats.page.lines)
    names = stage_feature_names(model.input)
    first_names, second_names = names["first"], names["second"]
    filled = scored.stats.n_lines
    row_of_line = np.full(len(page), -1, dtype=np.int64)  # the passes' row of each non-blank line
    row_of_line[scored.rows] = scored.unit_of_row
    numbers, pieces = line_numbers(page)
    code_block_lines, paragraph_lines = _line_spans(scored.code_blocks, numbers), _line_spans(scored.paragraphs, numbers)
    explanations = []
    for i, line in enumerate(page.lines):
        p = float(scored.p[i])
        if page.blank[i]:
            explanations.append(LineExplanation(numbers[i], line, "noise", p, cut, (), (), None))
            continue
        row = int(row_of_line[i])

        def missing(name: str, position: int = row) -> bool:
            offset = neighbour_offset(name)
            return offset is not None and not 0 <= position + offset < filled

        extra = [_ngram_reason(hashed, row, named[row])]
        if scored.structure is not None:
            extra.append(_markup_reason(model.first, scored.structure, row))
        first_for, first_against = _strongest(first_terms[row], first_names, first_input[row],
                                              [reason for reason in extra if reason is not None], top, missing)
        reasons_for, reasons_against = _strongest(second_terms[row], second_names, second_input[row], [], top, missing)
        repeats_line = numbers[repeated[i]] if repeated[i] >= 0 else None
        explanations.append(LineExplanation(
            numbers[i], line, "content" if kept[i] else "noise", p, cut, reasons_for,
            reasons_against, PassExplanation(float(scored.p_first[row]), first_for, first_against), repeats_line,
            code_block_lines.get(int(scored.code_blocks[i])), paragraph_lines.get(int(scored.paragraphs[i])),
            pieces[i] or None, decision.code_page,
        ))
    return explanations


def _line_spans(groups: np.ndarray, numbers: list[int]) -> dict[int, tuple[int, int]]:
    """The first and last line numbers (``numbers``, one per line) of each group of lines (``groups``, -1 for none)."""
    spans: dict[int, tuple[int, int]] = {}
    for number, group in zip(numbers, groups.tolist()):
        if group >= 0:
            spans[group] = (spans[group][0], number) if group in spans else (number, number)
    return spans


def explanation_record(explanation: LineExplanation) -> dict:
    """A line's explanation as plain JSON-ready data (the ``explain --format jsonl`` record)."""

    def reasons(items: tuple[Reason, ...]) -> list[dict]:
        return [{"name": r.name, "description": r.description, "contribution": round(r.contribution, 4)} for r in items]

    record: dict = {
        "line": explanation.number, "text": explanation.text, "label": explanation.label,
        "p_content": round(explanation.p_content, 6), "cut": round(explanation.cut, 6),
        "reasons_for": reasons(explanation.reasons_for), "reasons_against": reasons(explanation.reasons_against),
    }
    if explanation.repeats_line is not None:
        record["repeats_line"] = explanation.repeats_line
    if explanation.code_block is not None:
        record["code_block"] = list(explanation.code_block)
    if explanation.paragraph is not None:
        record["paragraph"] = list(explanation.paragraph)
    if explanation.piece is not None:
        record["piece"] = explanation.piece
    if explanation.code_page:
        record["code_page"] = True
    if explanation.first_pass is not None:
        record["first_pass"] = {
            "p_content": round(explanation.first_pass.p_content, 6),
            "reasons_for": reasons(explanation.first_pass.reasons_for),
            "reasons_against": reasons(explanation.first_pass.reasons_against),
        }
    return record


# A dropped line's dominant reason, cheap enough to count over a corpus: its first-pass terms summed per
# feature family (the neighbours' columns and the hashed n-grams count as one family each), the family with
# the lowest sum being the reason. A line the first pass scored content was dropped by the second pass for
# the lines around it (see :mod:`linesift.model.context`): its reason is ``CONTEXT``. A line that reached the
# cut was dropped as a repeat of a content line above it or of its own text (see :mod:`linesift.model.repeats`):
# ``REPEAT``. Every line of a page of code alone is ``CODE_PAGE`` (see :mod:`linesift.model.codepages`).
NEIGHBOURS = "neighbours"
CONTEXT = "context"
REPEAT = "repeat"
CODE_PAGE = "code_page"
# MARKUP is also the name of the family of HTML tags left in the text: a model of HTML pages counts its markup's
# columns there, once.
_SUMMED_REASONS = tuple(dict.fromkeys((*FAMILIES, NEIGHBOURS, NGRAMS, MARKUP)))
DROP_REASONS = (*_SUMMED_REASONS, CONTEXT, REPEAT, CODE_PAGE)


@functools.cache
def _reason_of_columns(model_input: ModelInput) -> np.ndarray:
    """``(n_dense, len(_SUMMED_REASONS))``: 1 where a first-pass dense column counts towards a reason; the markup's
    columns of a model of HTML pages count towards ``MARKUP``."""
    family_of = {column.name: family.name for family in FAMILIES.values() for column in family.columns}
    family_of |= {column.name: MARKUP for column in STRUCTURE_COLUMNS}
    names = stage_feature_names(model_input)["first"]
    indicator = np.zeros((len(names), len(_SUMMED_REASONS)))
    for column, name in enumerate(names):
        reason = NEIGHBOURS if neighbour_offset(name) is not None else family_of[name]
        indicator[column, _SUMMED_REASONS.index(reason)] = 1.0
    return indicator


def drop_reasons(model: Sifter, scored: Scored, kept: Sequence[np.ndarray]) -> list[Counter[str]]:
    """For each page joined in ``scored`` (a batch of :meth:`Sifter.scored_many`), how many of its dropped lines
    (non-blank and not ``kept``) have each of ``DROP_REASONS`` as dominant reason, from the first pass's inputs."""
    stats, rows = scored.stats, scored.rows
    if not len(rows):
        return [Counter() for _ in kept]
    terms = _dense_terms(model.first, scored.first_input.matrix())
    hashed_from = model.first.n_scaled_
    hashed = ngram_scores(stats, model.first.coef_[hashed_from : hashed_from + N_BUCKETS])
    by_reason = terms @ _reason_of_columns(model.input)
    by_reason[:, _SUMMED_REASONS.index(NGRAMS)] = hashed
    if scored.structure is not None:
        markup = token_scores(scored.structure, model.first.coef_[hashed_from + N_BUCKETS :])
        by_reason[:, _SUMMED_REASONS.index(MARKUP)] += markup
        hashed = hashed + markup
    first_pass_content = model.first.intercept_ + terms.sum(axis=1) + hashed >= 0
    # Per line of the page: the lines of a wrapped paragraph, read as one by the passes, share its reason.
    page = scored.page
    reason = np.zeros(len(page), dtype=np.int64)
    reason[rows] = np.where(first_pass_content, DROP_REASONS.index(CONTEXT), by_reason.argmin(axis=1))[scored.unit_of_row]
    dropped = ~np.concatenate(kept) & ~page.blank
    counts = []
    for page_reasons, page_p, cut, code_page, page_dropped in zip(
            page.split(reason), page.split(scored.p), scored.cuts.tolist(), scored.code_pages.tolist(), page.split(dropped)):
        if code_page:
            page_reasons = np.full(len(page_reasons), DROP_REASONS.index(CODE_PAGE))
        else:  # dropped though it reached the cut: a repeat
            page_reasons = np.where(page_p >= cut, DROP_REASONS.index(REPEAT), page_reasons)
        counted = np.bincount(page_reasons[page_dropped], minlength=len(DROP_REASONS)).tolist()
        counts.append(Counter({name: count for name, count in zip(DROP_REASONS, counted) if count}))
    return counts
