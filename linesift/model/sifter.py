"""The page model: two logistic regressions that label every line of a page content or noise.

The first pass scores each line from its own features, its neighbours' and hashed n-grams of its
start; the second pass rescores it from its own features and the first pass's scores around it
(see :mod:`linesift.model.context`). Blank lines are never content: they only carry structure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import numpy as np

from linesift.limits import PageTooLargeError, check_page_size
from linesift.model.arrays import with_group_means
from linesift.model.context import NAMES as CONTEXT_NAMES
from linesift.model.context import context_features
from linesift.model.cuts import check_threshold, cuts
from linesift.model.features import DenseFeatures
from linesift.model.linear import LinearScorer, sigmoid
from linesift.model.links import links_as_text
from linesift.model.ngrams import N_BUCKETS, ngram_scores
from linesift.model.pagestats import PageStats
from linesift.model.reading import read_lines
from linesift.model.repeats import later_copies
from linesift.model.segment import Page
from linesift.model.structure import NAMES as STRUCTURE_NAMES
from linesift.model.structure import (
    SECTION_NAMES,
    Structure,
    markup_names_blocks,
    section_features,
    structure_features,
    token_scores,
)
from linesift.mojibake import repair_double_encoding

if TYPE_CHECKING:
    from linesift.model.dom import HtmlPage

Label = Literal["content", "noise"]
# What a model reads: text alone, or the blocks of an HTML page with their markup (see linesift.model.structure).
ModelInput = Literal["text", "html"]
READS: dict[ModelInput, str] = {"text": "text", "html": "HTML pages"}  # a model's input, in words

# Pages are scored together in batches of about this many characters: numpy's cost per call is then
# paid once per batch, while the batch's arrays (2 MB of 8-byte values per character) still fit in the
# processor's caches. Twice as many was slower, half as many too (benchmarks/README.md).
BATCH_CHARS = 1 << 18


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a page with its decision: ``number`` is 1-based. A line that reached the cut and is noise
    repeats the content line numbered ``repeats_line``, or says its text twice when that is its own number (see
    :mod:`linesift.model.repeats`). A line holding most of its page is decided piece by piece (see
    :mod:`linesift.model.pieces`): each of its pieces is a ``Line`` of its number, ``piece`` numbering them from 1. A
    non-blank line of a page of code alone has ``code_page`` set and is noise (see :mod:`linesift.model.codepages`)."""

    number: int
    text: str
    label: Label
    p_content: float
    repeats_line: int | None = None
    piece: int | None = None
    code_page: bool = False


def kept_lines(p: np.ndarray, cut: float, blank: np.ndarray, repeats: np.ndarray, code_page: bool = False) -> np.ndarray:
    """Per line of a page: whether it is content, given its P(content) ``p``, the page's ``cut``, which lines are
    ``blank``, the lines' ``repeats`` and whether the page is code alone (see :class:`Decision`)."""
    if code_page:
        return np.zeros(len(p), dtype=bool)
    keep = (p >= cut) & ~blank
    keep[later_copies(keep, repeats)[0]] = False
    return keep


@dataclass(frozen=True, slots=True)
class Decision:
    """A page's P(content) per line, its cut, its repeated lines and whether it is code alone: a line is content when
    it is not blank, ``p >= cut``, it neither repeats a content line above it nor says its text twice (see
    :mod:`linesift.model.repeats`), and its page is not code alone (see :mod:`linesift.model.codepages`)."""

    p: np.ndarray
    cut: float
    repeats: np.ndarray  # per line, its group of equal lines or SAYS_TWICE (see repeat_groups), -1 for neither
    code_page: bool = False

    def keep(self, page: Page) -> np.ndarray:
        return kept_lines(self.p, self.cut, page.blank, self.repeats, self.code_page)

    def repeated(self, page: Page) -> np.ndarray:
        """Per line: the index of the content line above that a line reaching the cut repeats (its own when it says
        its text twice), -1 for the others; -1 for every line of a page of code alone, which keeps none to repeat."""
        out = np.full(len(self.p), -1, dtype=np.int64)
        if self.code_page:
            return out
        copies, firsts = later_copies((self.p >= self.cut) & ~page.blank, self.repeats)
        out[copies] = firsts
        return out


@dataclass(frozen=True, slots=True)
class Scored:
    """Everything :meth:`Sifter.scored` computed for ``page``, one page or several joined (:meth:`Page.join`):
    decisions, explanations, training and evaluation all read their scores from here.

    Only the non-blank lines are scored, as a page of their own (see :meth:`Page.non_blank`): blank lines are never
    content, and every feature of the others is the same without them. A hard-wrapped paragraph's lines are read as
    one line (see :mod:`linesift.model.wrapping`). So the passes' inputs and ``p_first`` have one row per line the
    passes read (``stats.page``), ``unit_of_row`` gives the row of each non-blank line, and ``p`` has one value per line
    of ``page``.
    """

    page: Page
    rows: np.ndarray  # the index in ``page`` of each non-blank line
    unit_of_row: np.ndarray  # per non-blank line, its row in the passes' inputs: a wrapped paragraph's lines share one
    stats: PageStats  # of the lines the passes read; the first pass's n-grams are hashed from it
    first_input: DenseFeatures  # the first pass's dense features
    p_first: np.ndarray
    second_input: DenseFeatures  # each line's context (see :mod:`linesift.model.context`), then ``first_input``
    p: np.ndarray  # the final P(content); 0.0 on blank lines; a code block's lines share its mean
    cuts: np.ndarray  # one per page joined in ``page``: the threshold, or the page's own (see :mod:`linesift.model.cuts`)
    repeats: np.ndarray  # per line of ``page``: its group of equal lines or SAYS_TWICE (see :func:`repeat_groups`)
    code_blocks: np.ndarray  # per line of ``page``: its fenced code block (see :mod:`linesift.model.fences`), -1 for none
    paragraphs: np.ndarray  # per line of ``page``: its hard-wrapped paragraph (see :mod:`linesift.model.wrapping`), or -1
    code_pages: np.ndarray  # per page joined in ``page``: whether it is code alone (see :mod:`linesift.model.codepages`)
    structure: Structure | None = None  # of the non-blank lines, for a model of HTML pages

    def decisions(self) -> list[Decision]:
        """The :class:`Decision` of each page joined in ``page``, in order."""
        return [Decision(p, float(cut), repeats, code_page) for p, cut, repeats, code_page
                in zip(self.page.split(self.p), self.cuts.tolist(), self.page.split(self.repeats), self.code_pages.tolist())]


@dataclass
class Sifter:
    """A trained page model. Build one with :func:`linesift.load_model` or :func:`linesift.training.train.train`.

    Text goes in through :meth:`clean`, :meth:`clean_many` and :meth:`predict_lines`, one page per ``str``;
    :meth:`scored`, :meth:`decide`, :meth:`decide_many` and :meth:`probabilities` take pages already
    split into lines (:meth:`linesift.model.segment.Page.from_text`). Bytes are refused, not decoded: only the
    caller knows their encoding. A ``threshold`` is None for the model's own rule (its threshold, or each
    page's cut when it has none) or a number from 0 to 1 that a line's P(content) must reach to be kept.

    These methods check their arguments once per call and per page, never per line, and raise
    ``TypeError`` for a value of the wrong kind, ``ValueError`` for a threshold outside 0 to 1 (or nan), and
    :class:`~linesift.limits.PageTooLargeError` for a page beyond :mod:`linesift.limits`.
    """

    first: LinearScorer
    second: LinearScorer
    threshold: float | None  # None: each page gets its own cut (see :mod:`linesift.model.cuts`)
    metadata: dict = field(default_factory=dict)
    # "html": the model reads each line's markup too (a Structure beside every page), and only HTML pages.
    input: ModelInput = "text"
    # For a model of HTML pages: the model of text that cleans the blocks of a page whose markup names fewer than
    # half of them (see linesift.model.structure.markup_names_blocks); None: this model cleans every page.
    text_model: Sifter | None = field(default=None, compare=False)
    # Whether a content line equal to a content line above it, or saying its text twice, is dropped (see
    # linesift.model.repeats); a setting of the run, not saved with the model: see keeping_repeats.
    drop_repeats: bool = field(default=True, compare=False)
    # Whether the cleaned text of a page of text gives Markdown links as their text and leaves images out (see
    # linesift.model.links); a setting of the run, not saved with the model: see keeping_links.
    read_links: bool = field(default=True, compare=False)

    def keeping_repeats(self) -> Sifter:
        """This model, sharing its weights, deciding every line by its P(content) alone: repeated lines and lines
        saying their text twice are kept, for text that repeats content on purpose (code samples, reference pages).
        So is its :attr:`text_model`."""
        text_model = None if self.text_model is None else self.text_model.keeping_repeats()
        return replace(self, text_model=text_model, drop_repeats=False)

    def keeping_links(self) -> Sifter:
        """This model, sharing its weights, giving back the kept lines of text as written: Markdown links keep their
        targets and images stay. (The blocks of an HTML page are the text it shows either way.)"""
        return replace(self, read_links=False)

    def scored(self, page: Page, threshold: float | None = None, structure: Structure | None = None) -> Scored:
        """Both passes' inputs and scores and the cut of ``page``, a :class:`Page` (see :class:`Scored`), with its
        ``structure`` for a model of HTML pages.

        Raises TypeError when ``page`` is not a :class:`Page`; TypeError or ValueError for a bad ``threshold``;
        ValueError when ``structure`` is missing for a model of HTML pages, or given to a model of text.
        """
        _check_page(page)
        return self._scored(page, self._rule(threshold), self._checked_structure(page, structure))

    def _checked_structure(self, page: Page, structure: Structure | None) -> Structure | None:
        if self.input == "html" and structure is None:
            raise ValueError("this model reads HTML pages: give each page's structure, or clean with clean_html")
        if self.input == "text" and structure is not None:
            raise ValueError("this model reads text only: a structure is for a model of HTML pages")
        if structure is not None and len(structure) != len(page):
            raise ValueError(f"the structure has {len(structure)} lines, the page {len(page)}")
        return structure

    def _scored(self, page: Page, rule: float | None, structure: Structure | None = None) -> Scored:
        """:meth:`scored` with its arguments already checked: the one place a page's scores are computed."""
        filled, rows = page.non_blank()
        read = read_lines(filled, rows, text=structure is None)
        stats, units, unit_of_row = read.stats, read.units, read.unit_of_row
        first_input = DenseFeatures.of(units)
        # No matrix is built: the n-gram part is a sum of coefficients, and the neighbours' columns are
        # multiplied without being copied out.
        hashed_from = self.first.n_scaled_
        hashed = ngram_scores(units, self.first.coef_[hashed_from : hashed_from + N_BUCKETS])
        if structure is not None:
            structure = structure.take(rows)
            first_input, columns = first_input.prepend(STRUCTURE_NAMES)
            columns[:] = structure_features(structure, units.lengths)
            hashed += token_scores(structure, self.first.coef_[hashed_from + N_BUCKETS :])
        p_first = sigmoid(self.first.decision_from_parts(first_input, hashed))
        second_input = _second_features(units, first_input, p_first, structure)
        p = np.zeros(len(page))
        p_units = sigmoid(self.second.decision_from_parts(second_input))
        # The lines of a fenced code block share their mean.
        p_rows = p_units[unit_of_row]
        p[rows] = with_group_means(p_rows, read.code_blocks, stats.lengths)
        code_blocks, paragraphs = np.full(len(page), -1, dtype=np.int64), np.full(len(page), -1, dtype=np.int64)
        code_blocks[rows], paragraphs[rows] = read.code_blocks, read.paragraphs
        # Blank lines score 0.0 and hold no words: the cuts from the other lines alone are the same.
        page_cuts = cuts(p[rows], stats.words_per_line, filled.bounds, rule)
        repeats = np.full(len(page), -1, dtype=np.int64)
        if self.drop_repeats:
            repeats[rows] = read.repeats()
        return Scored(page, rows, unit_of_row, units, first_input, p_first, second_input, p, page_cuts, repeats,
                      code_blocks, paragraphs, read.code_pages(), structure)

    def probabilities(self, page: Page, structure: Structure | None = None) -> np.ndarray:
        """P(content) of every line of ``page`` (a :class:`Page`, with its ``structure`` for a model of HTML pages),
        one float per line; 0.0 for blank lines.

        Raises TypeError when ``page`` is not a :class:`Page`, and as :meth:`scored` does for ``structure``.
        """
        return self.scored(page, structure=structure).p

    def _rule(self, threshold: float | None) -> float | None:
        """The threshold decisions use, checked: ``threshold`` when given, else the model's (None: a cut per page)."""
        rule = self.threshold if threshold is None else threshold
        check_threshold(rule)
        return rule

    def decide(self, page: Page, threshold: float | None = None) -> Decision:
        """Every line's P(content) and the page's cut for ``page``, a :class:`Page`.

        Raises TypeError when ``page`` is not a :class:`Page`; TypeError or ValueError for a bad ``threshold``.
        """
        return self.decide_many([page], threshold)[0]

    def decide_many(self, pages: Sequence[Page], threshold: float | None = None,
                    structures: Sequence[Structure] | None = None) -> list[Decision]:
        """``decide`` of every page of ``pages``, in order, scored in batches of about ``BATCH_CHARS`` characters;
        ``structures``, one per page, for a model of HTML pages.

        Raises TypeError for an item that is not a :class:`Page`; TypeError or ValueError for a bad ``threshold``,
        before any page is scored; ValueError as :meth:`scored` does for ``structures``.
        """
        decided: list[Decision] = []
        for scored in self.scored_many(pages, threshold, structures):
            decided.extend(scored.decisions())
        return decided

    def scored_many(self, pages: Sequence[Page], threshold: float | None = None,
                    structures: Sequence[Structure] | None = None) -> Iterator[Scored]:
        """The :class:`Scored` record of each batch of about ``BATCH_CHARS`` characters of ``pages``, in order: what
        :meth:`decide_many` decides from, for a caller that also reads the passes' inputs. ``structures``, one per
        page, are for a model of HTML pages.

        Raises as :meth:`decide_many` does, and as :meth:`scored` does for ``structures``.
        """
        rule = self._rule(threshold)
        if structures is not None and len(structures) != len(pages):
            raise ValueError(f"{len(structures)} structures for {len(pages)} pages: give one per page")
        for batch in _batches(pages):
            joined = Page.join([pages[k] for k in batch])
            given = None if structures is None else Structure.join([structures[k] for k in batch])
            # The caller holds the last batch's record until the next one is scored: freed between batches, its
            # memory went back to the system and was faulted in again page by page.
            yield self._scored(joined, rule, self._checked_structure(joined, given))

    def reads_as_text(self, structure: Structure) -> bool:
        """Whether a page parsed from HTML with this ``structure`` is left to :attr:`text_model`: there is one, and
        the page's markup names fewer than half of its blocks (:func:`~linesift.model.structure.markup_names_blocks`)."""
        return self.text_model is not None and not markup_names_blocks(structure)

    def decide_html_many(self, pages: Sequence[HtmlPage], threshold: float | None = None) -> list[Decision]:
        """``decide`` of every page parsed from HTML (:func:`linesift.model.dom.parse_html_page`), in order; a page
        whose markup names fewer than half of its blocks is decided by :attr:`text_model`, when set, from its blocks.

        Raises ValueError when this model reads text only; otherwise as :meth:`decide_many`.
        """
        if self.input != "html":
            raise ValueError("this model reads text only: load the HTML model (load_model(input='html')) for HTML pages")
        as_text = [self.reads_as_text(page.structure) for page in pages]
        decisions: list[Decision | None] = [None] * len(pages)
        for read_as_text in (False, True):
            chosen = [k for k, flag in enumerate(as_text) if flag == read_as_text]
            if not chosen:
                continue
            text_pages = [pages[k].text_page() for k in chosen]
            made = (cast(Sifter, self.text_model).decide_many(text_pages, threshold) if read_as_text
                    else self.decide_many(text_pages, threshold, [pages[k].structure for k in chosen]))
            for k, decision in zip(chosen, made):
                decisions[k] = decision
        return cast(list[Decision], decisions)

    def predict_html(self, html: str, threshold: float | None = None) -> list[Line]:
        """One :class:`Line` per block of the HTML page ``html``, a ``str``, in the order a browser shows them.

        Raises TypeError when ``html`` is not a ``str`` (decode bytes first), ValueError when this model reads
        text only, and as :meth:`predict_lines` does otherwise.
        """
        page = _checked_html(html)
        return decide_lines(page.text_page(), self.decide_html_many([page], threshold)[0])

    def clean_html(self, html: str, threshold: float | None = None) -> str:
        """The content blocks of the HTML page ``html``, a ``str``, one per line; ``""`` for a page without content.

        Raises as :meth:`predict_html` does.
        """
        return self._joined_html([_checked_html(html)], threshold)[0]

    def clean_html_many(self, htmls: Iterable[str], threshold: float | None = None) -> list[str]:
        """``clean_html`` of every HTML page of ``htmls``, an iterable of ``str``, in order, scored in batches: faster
        than one at a time.

        Raises TypeError when ``htmls`` is a single ``str`` or bytes (iterating it would give one page per character
        or byte) or holds an item that is not a ``str``; otherwise as :meth:`clean_html`.
        """
        _refuse_one_page(htmls, "clean_html_many", "clean_html(html)")
        return self._joined_html(_each_checked(htmls, _checked_html), threshold)

    def _joined_html(self, pages: list[HtmlPage], threshold: float | None) -> list[str]:
        text_pages = [page.text_page() for page in pages]
        return [join_kept(text_page, decision.keep(text_page))
                for text_page, decision in zip(text_pages, self.decide_html_many(pages, threshold))]

    def predict_lines(self, text: str, threshold: float | None = None) -> list[Line]:
        """One :class:`Line` per line of ``text``, one page as a ``str`` (blank lines included, labelled noise).

        Raises TypeError when ``text`` is not a ``str`` (bytes included: decode them first), TypeError or
        ValueError for a bad ``threshold``, PageTooLargeError for a page beyond :mod:`linesift.limits`.
        """
        page = _checked_page(text)
        return decide_lines(page, self.decide(page, threshold))

    def clean(self, text: str, threshold: float | None = None) -> str:
        """The content lines of ``text``, one page as a ``str``; kept lines from different blocks are separated by
        one blank line, and a page without content gives ``""``. Markdown links are given as their text and images
        left out, as a reader sees them (:meth:`keeping_links` keeps them as written).

        Raises TypeError when ``text`` is not a ``str`` (bytes included: decode them first), TypeError or
        ValueError for a bad ``threshold``, PageTooLargeError for a page beyond :mod:`linesift.limits`.
        """
        return self._joined([_checked_page(text)], threshold)[0]

    def clean_many(self, texts: Iterable[str], threshold: float | None = None) -> list[str]:
        """``clean`` of every page of ``texts``, an iterable of ``str``, in order: faster than one at a time on
        many short pages.

        Raises TypeError when ``texts`` is a single ``str`` or bytes (iterating it would give one page per
        character or byte) or holds an item that is not a ``str``; otherwise as :meth:`clean`.
        """
        _refuse_one_page(texts, "clean_many", "clean(text)")
        return self._joined(_each_checked(texts, _checked_page), threshold)

    def _joined(self, pages: list[Page], threshold: float | None) -> list[str]:
        return [join_kept(page, decision.keep(page), self.read_links)
                for page, decision in zip(pages, self.decide_many(pages, threshold))]


def _second_features(stats: PageStats, dense: DenseFeatures, p_first: np.ndarray,
                     structure: Structure | None = None) -> DenseFeatures:
    """The second pass's features: each line's context (see :mod:`linesift.model.context`), its section's for a page
    parsed from HTML (``structure``, see :func:`section_features`), then ``dense``."""
    widened, context = dense.prepend(CONTEXT_NAMES + (SECTION_NAMES if structure is not None else []))
    context_features(stats, p_first, dense.own, out=context[:, : len(CONTEXT_NAMES)])
    if structure is not None:
        context[:, len(CONTEXT_NAMES) :] = section_features(structure, p_first, stats.page_of_line[stats.nonblank],
                                                               stats.lengths[stats.nonblank])
    return widened


def _batches(pages: Sequence[Page]) -> Iterator[list[int]]:
    """The indices of ``pages`` in runs of about ``BATCH_CHARS`` characters, each checked to be a :class:`Page` on the way."""
    batch: list[int] = []
    size = 0
    for index, page in enumerate(pages):
        _check_page(page)
        batch.append(index)
        size += len(page.text)
        if size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _refuse_one_page(pages: object, method: str, for_one: str) -> None:
    """Refuse a single page given to ``method``, which takes many: iterating it would clean each character as a page."""
    if isinstance(pages, (str, bytes, bytearray)):
        raise TypeError(f"{method} takes an iterable of pages, not a {type(pages).__name__} object "
                        f"(that would clean each character as a page): use {for_one} for one page")


_Checked = TypeVar("_Checked")


def _each_checked(pages: Iterable[Any], checked: Callable[[Any], _Checked]) -> list[_Checked]:
    """``checked`` of each of ``pages``; an error names the page, counted from 1, that raised it."""
    out = []
    for number, page in enumerate(pages, 1):
        try:
            out.append(checked(page))
        except (TypeError, PageTooLargeError) as error:
            raise type(error)(f"page {number}: {error}") from None
    return out


def _checked_page(text: object) -> Page:
    """Segment ``text`` after checking it is a ``str`` within the size limits (see :mod:`linesift.limits`)."""
    if not isinstance(text, str):
        name = type(text).__name__
        if isinstance(text, (bytes, bytearray, memoryview)):
            # Guessing an encoding would hide mojibake: the caller knows the page's charset, or chooses how to guess it.
            raise TypeError(f"a page must be str, not {name}: decode it first, e.g. data.decode('utf-8') (the linesift "
                            "command reads UTF-8 and, failing that, detects the encoding)")
        raise TypeError(f"a page must be str, not {name}")
    check_page_size(text)
    return Page.from_text(text)


def _checked_html(html: str) -> HtmlPage:
    """Parse ``html`` into blocks (see :func:`linesift.model.dom.parse_html_page`, which checks its type and size),
    then check the blocks against the page limits (see :mod:`linesift.limits`)."""
    from linesift.model.dom import parse_html_page  # lxml is loaded for HTML pages only: text starts without it

    # A str decoded elsewhere may hold UTF-8 encoded twice (Latin-1 when no charset was given); bytes read by
    # linesift.io.render.decode_html are repaired there.
    page = parse_html_page(repair_double_encoding(html) if isinstance(html, str) else html)
    check_page_size("\n".join(page.lines))
    return page


def _check_page(page: object) -> None:
    if not isinstance(page, Page):
        raise TypeError(f"expected a Page (Page.from_text(text)), not {type(page).__name__}: "
                        "clean, clean_many and predict_lines take text")


def decide_lines(page: Page, decision: Decision) -> list[Line]:
    """One :class:`Line` per line of ``page``, labelled as ``decision`` keeps it."""
    kept, repeated = decision.keep(page), decision.repeated(page)
    numbers, pieces = line_numbers(page)
    return [
        Line(number, line, "content" if keep else "noise", float(prob), numbers[of] if of >= 0 else None, piece or None,
             decision.code_page and not blank)
        for line, keep, prob, of, number, piece, blank
        in zip(page.lines, kept.tolist(), decision.p.tolist(), repeated.tolist(), numbers, pieces, page.blank.tolist())
    ]


def line_numbers(page: Page) -> tuple[list[int], list[int]]:
    """Per line of ``page``: the number of its line in the text (from 1), and its number among the pieces of that
    line (from 1), or 0 for a line that is not cut into pieces (see :mod:`linesift.model.pieces`)."""
    line_of_text = page.line_of_text()
    if not page.continued.any():
        return (line_of_text + 1).tolist(), [0] * len(page)
    pieces = np.arange(len(page)) - np.flatnonzero(~page.continued)[line_of_text] + 1
    return (line_of_text + 1).tolist(), np.where(page.is_piece(), pieces, 0).tolist()


def join_kept(page: Page, keep: np.ndarray, read_links: bool = False) -> str:
    """Join the kept lines, with a blank line wherever the page has blank lines between two kept lines: the
    output keeps the text's own layout (a page without blank lines gets none). With ``read_links``, Markdown links
    are given as their text and images are left out (see :mod:`linesift.model.links`)."""
    text = join_kept_per_page(page, keep)[0]
    return links_as_text(text) if read_links else text


def join_kept_per_page(page: Page, keep: np.ndarray) -> list[str]:
    """``join_kept`` of each page joined in ``page`` (see :meth:`Page.join`), from the kept lines of all of them.

    Kept lines next to each other in the text, or with one empty line between them, are output as they
    are in the text: each run of them is one slice of it, not lines joined again.
    """
    # Array methods rather than numpy's functions, which cost more per call: this runs once per page.
    kept = keep.nonzero()[0]
    page_starts = kept.searchsorted(page.bounds)  # where each page's kept lines start among the kept lines
    firsts = page_starts[:-1][page_starts[:-1] < len(kept)]
    line_starts, line_ends = page.starts[kept], page.ends[kept]
    opens_run = np.ones(len(kept), dtype=bool)
    opens_run[1:] = line_starts[1:] - line_ends[:-1] > 2  # "\n", or "\n\n" around an empty line
    opens_run[firsts] = True
    # Blank lines up to each kept line: a kept line opens a block when some lie between it and the kept line before.
    blanks = page.blank.cumsum()[kept]
    opens_block = np.zeros(len(kept), dtype=bool)
    opens_block[1:] = blanks[1:] != blanks[:-1]
    opens_block[firsts] = False  # a page's first kept line follows no line of its page
    closes_run = np.ones(len(kept), dtype=bool)
    closes_run[:-1] = opens_run[1:]
    run_starts = opens_run.nonzero()[0]
    # A run that opens a block starts one character earlier, at the "\n" ending the line before it: with the
    # "\n" that joins it to the run before, that makes the blank line between blocks.
    starts = line_starts[run_starts] - opens_block[run_starts]
    runs = [page.text[start:end] for start, end in zip(starts.tolist(), line_ends[closes_run].tolist())]
    return ["\n".join(runs[start:end]) for start, end in pairwise(run_starts.searchsorted(page_starts).tolist())]
