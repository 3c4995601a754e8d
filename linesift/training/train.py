"""Fit the two-pass page model on labelled pages.

The second pass learns from first-pass scores, so those scores must look like the ones it will see
on new pages: every training line gets its first-pass score from a model that did not see its fold
(out-of-fold stacking). Folds hold out whole sites when the data has several; a single page is cut
into contiguous stretches of blocks instead.

Every labelled line becomes one row of a table ordered by fold and cut into blocks; each fit reads
the blocks of the folds it learns from, so no fold copies the data (see :mod:`linesift.model.classifier`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import cast

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from linesift.model.classifier import LineClassifier, RowBlock
from linesift.model.context import context_features
from linesift.model.features import page_features
from linesift.model.linear import sigmoid
from linesift.model.ngrams import ngram_features
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page
from linesift.model.sifter import Sifter
from linesift.model.structure import NAMES as STRUCTURE_NAMES
from linesift.model.structure import SECTION_NAMES, Structure, section_features, structure_features, token_matrix
from linesift.training.data import BLANK, LabelledPage, check_one_input, check_trainable
from linesift.training.excerpts import PER_PAGE as EXCERPTS_PER_PAGE
from linesift.training.progress import Progress, no_progress

N_FOLDS = 5
# With this many sites per fold or more, a site's fold is its hash modulo the number of folds, so fold 0 is
# the same sites whatever else the data holds: the final-check part of the sites (see linesift.training.evaluation).
MIN_GROUPS_PER_FOLD = 4
FINAL_CHECK_FOLD = 0
# The first pass has 65,536 hashed n-gram columns. Fitted to convergence, it is best on held-out
# sites of the whole corpus from C = 0.03 to 0.1 (C = 1 learns rare n-grams by heart); on a small
# corpus (45 pages) C = 0.03 loses 0.03 word F1 and C = 0.1 does not (see docs/evaluation.md).
FIRST_C = 0.1
SECOND_C = 1.0
# Word F1 counts words, not lines: a line's weight grows with its length, but only as the square
# root so that headings and list items still count.
WEIGHT_POWER = 0.5
# L-BFGS iterations of each fold's first pass: on the whole corpus held-out scores no longer change
# past 20 (40 and 80 score the same); a small corpus gains a little up to 30.
FIRST_MAX_ITER = 30
# The final first pass starts from the mean of the fold models, already close to its optimum.
FINAL_MAX_ITER = 10
PAGES_PER_TASK = 32  # pages whose features one worker process computes at a time
BLOCK_ROWS = 1 << 15  # rows the fits read at a time, on one thread
CLASSES = np.array([0, 1])


@dataclass(frozen=True, slots=True)
class TrainingParams:
    first_c: float = FIRST_C
    second_c: float = SECOND_C
    n_folds: int = N_FOLDS
    # None: each page gets its own cut (see linesift.model.cuts); a number: one threshold for every page.
    threshold: float | None = None
    # Short pages cut from each labelled page and learnt from too (see linesift.training.excerpts).
    excerpts_per_page: int = EXCERPTS_PER_PAGE

    def as_dict(self) -> dict[str, float]:
        return {"first_c": self.first_c, "second_c": self.second_c, "n_folds": self.n_folds,
                "excerpts_per_page": self.excerpts_per_page}


@dataclass(slots=True)
class Example:
    """A page ready to learn from: its features, labels and the fold of each of its lines.

    Features are kept for the non-blank lines only (a blank line carries no label). The n-grams move into
    the :class:`LineTable` that a fit builds for itself (``None`` then): the fits read them from there only.
    """

    stats: PageStats
    dense: np.ndarray  # the first pass's own features, one row per non-blank line, in single precision
    ngrams: sp.csr_matrix | None  # its hashed n-grams, one row per non-blank line
    labels: np.ndarray
    folds: np.ndarray
    n_structure: int = 0  # structural columns before the text's in ``dense``: a page parsed from HTML has them
    structure: Structure | None = None  # of a page parsed from HTML: the second pass reads each line's section

    @property
    def page(self) -> Page:
        return self.stats.page

    @property
    def blank(self) -> np.ndarray:
        return self.labels == BLANK

    def second(self, p_first: np.ndarray) -> np.ndarray:
        """The second pass's features given every line's first-pass score, in the columns scoring reads
        (``Scored.second_input`` in :mod:`linesift.model.sifter`): each line's context, then ``dense``."""
        # Every line's row, zeros on blank lines, in double precision as scoring computes them.
        dense = np.zeros((len(self.labels), self.dense.shape[1]))
        dense[~self.blank] = self.dense
        context, _ = context_features(self.stats, p_first, dense[:, self.n_structure :])
        if self.structure is None:
            return np.hstack([context, dense])
        section = np.zeros((len(self.labels), len(SECTION_NAMES)))
        filled = np.flatnonzero(~self.blank)
        section[filled] = section_features(self.structure.take(filled), p_first[filled], np.zeros(len(filled), dtype=np.int64),
                                           self.stats.lengths[filled])
        return np.hstack([context, section, dense])


def group_hash(group: str) -> int:
    """A number fixed by a site's name alone: which fold the site is in does not depend on the other sites."""
    return int.from_bytes(hashlib.sha256(group.encode()).digest()[:8], "big")


def fold_of_groups(groups: set[str], n_folds: int = N_FOLDS) -> dict[str, int]:
    """The fold of each site: its hash modulo ``n_folds`` when there are enough sites for every fold to get
    some, else dealt in the order of the hashes (so two sites still make two folds)."""
    if len(groups) >= MIN_GROUPS_PER_FOLD * n_folds:
        return {group: group_hash(group) % n_folds for group in groups}
    ordered = sorted(groups, key=group_hash)
    return {group: index % min(n_folds, len(groups)) for index, group in enumerate(ordered)}


def line_folds(pages: Sequence[LabelledPage], n_folds: int = N_FOLDS, groups: set[str] | None = None) -> list[np.ndarray]:
    """The fold of every line: by site when there are several sites, by stretches of blocks otherwise.

    ``groups``, the sites of a larger set of pages that ``pages`` belong to, deals the folds as for that set
    (default: the sites of ``pages``)."""
    groups = {page.group for page in pages} if groups is None else groups
    if len(groups) > 1:
        fold_of_group = fold_of_groups(groups, n_folds)
        return [np.full(len(page.lines), fold_of_group[page.group]) for page in pages]
    return [_block_stretches(page, n_folds) for page in pages]


def _block_stretches(page: LabelledPage, n_folds: int) -> np.ndarray:
    """Cut one page into ``n_folds`` contiguous stretches of blocks; blank lines carry no label and get fold 0."""
    block_ids = page.text_page().block_ids
    n_blocks = int(block_ids.max()) + 1 if len(block_ids) else 0
    if n_blocks == 0:
        return np.zeros(len(page.lines), dtype=np.int64)
    stretch_of_block = np.arange(n_blocks) * min(n_folds, n_blocks) // n_blocks
    return np.where(block_ids >= 0, stretch_of_block[np.maximum(block_ids, 0)], 0)


def _features(pages: list[tuple[list[str], Structure | None, np.ndarray | None]]) -> list[tuple[np.ndarray, sp.csr_matrix, np.ndarray]]:
    """The first pass's dense features and hashed columns of each page's non-blank lines, and words per line (in a
    worker process); each page is its lines, its structure and which lines are pieces continuing the line before (see
    :meth:`LabelledPage.text_page`). A page parsed from HTML has its structure's columns first, and its tokens after
    the n-grams.

    The pages are joined into one and the features of their non-blank lines computed at once, as when pages
    are scored (see :meth:`Page.join` and :meth:`Page.non_blank`): no feature crosses a page, and numpy's cost
    per call is paid once, not per page.
    """
    # A worker process keeps what its last task freed until told: give it back before making more.
    return_freed_memory()
    joined = Page.join([Page.from_lines(lines, continued) for lines, _, continued in pages])
    filled, rows = joined.non_blank()
    stats = PageStats(filled)
    # Single precision, as the line table stores them: the largest arrays of training, at half the memory.
    dense = page_features(filled, stats)[0].astype(np.float32)
    hashed = ngram_features(stats).astype(np.float32)
    structures = [structure for _, structure, _ in pages]
    if structures[0] is not None:
        around = Structure.join(cast("list[Structure]", structures)).take(rows)
        dense = np.hstack([structure_features(around, stats.lengths).astype(np.float32), dense])
        hashed = sp.hstack([hashed, token_matrix(around).astype(np.float32)], format="csr")
    hashed.sort_indices()  # here, in parallel, rather than when the table stacks every page's rows
    words = np.zeros(len(joined))
    words[rows] = stats.words_per_line
    return [(dense[filled_start:filled_end], hashed[filled_start:filled_end], words[start:end])
            for (start, end), (filled_start, filled_end) in zip(pairwise(joined.bounds.tolist()), pairwise(filled.bounds.tolist()))]


def prepare(pages: Sequence[LabelledPage], n_folds: int = N_FOLDS, n_jobs: int = 1,
            progress: Progress = no_progress, folds: Sequence[np.ndarray] | None = None) -> list[Example]:
    """Compute every page's features once; they are reused by every fold.

    ``folds``, the fold of every line of every page, defaults to :func:`line_folds` of ``pages``. Pages parsed
    from HTML (with a structure) and text pages are not mixed: a model reads one or the other.
    """
    check_one_input(pages)
    folds = line_folds(pages, n_folds) if folds is None else folds
    tasks = [[(page.lines, page.structure, page.continued) for page in pages[start : start + PAGES_PER_TASK]]
             for start in range(0, len(pages), PAGES_PER_TASK)]
    if n_jobs > 1 and len(tasks) > 1:
        # A generator yields each task's result in order as it arrives, so that pages are counted as they are done.
        parts: Iterable[list[tuple[np.ndarray, sp.csr_matrix, np.ndarray]]] = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_features)(task) for task in tasks)
    else:
        parts = map(_features, tasks)
    features: list[tuple[np.ndarray, sp.csr_matrix, np.ndarray]] = []
    progress("features", 0, len(pages))
    for part in parts:
        features += part
        progress("features", len(features), len(pages))
    n_structure = len(STRUCTURE_NAMES) if pages and pages[0].structure is not None else 0
    # The second pass reads the page's structure again: it is rebuilt here rather than sent back.
    return [Example(PageStats(page.text_page(), words), dense, hashed, page.labels, f, n_structure, page.structure)
            for page, (dense, hashed, words), f in zip(pages, features, folds)]


def line_weights(ex: Example, rows: np.ndarray) -> np.ndarray:
    return (ex.stats.words_per_line[rows] + 1.0) ** WEIGHT_POWER


class LineTable:
    """Every labelled line of the examples as one row, ordered by fold (then page, then line) and cut into blocks.

    With ``take_ngrams`` it moves the examples' n-grams into itself (see :class:`Example`), so that they are
    held once: no other table can be built from the same examples then.

    The first pass's dense columns are stored standardised over all rows, in single precision: each
    fit takes the blocks of its folds and standardises with its own rows' statistics on the fly.
    """

    def __init__(self, examples: Sequence[Example], take_ngrams: bool = False) -> None:
        self.examples = examples
        # Segments: the lines of one page in one fold, in table order.
        segments: list[tuple[int, int, np.ndarray]] = []
        feature_rows: list[np.ndarray | None] = []
        for index, ex in enumerate(examples):
            lines = np.flatnonzero(~ex.blank)
            folds = ex.folds[lines]
            present = np.unique(folds)
            for fold in present:
                segments.append((int(fold), index, lines if len(present) == 1 else lines[folds == fold]))
                # Which of the page's feature rows (non-blank lines only) the segment takes; None for all of them.
                feature_rows.append(None if len(present) == 1 else np.flatnonzero(folds == fold))
        # A stable sort: pages, then lines, stay in order within a fold.
        order = sorted(range(len(segments)), key=lambda k: segments[k][0])
        segments, feature_rows = [segments[k] for k in order], [feature_rows[k] for k in order]
        self.segments = segments
        self.starts = np.cumsum([0] + [len(lines) for _, _, lines in segments])
        self.fold = np.concatenate([np.full(len(lines), fold) for fold, _, lines in segments]) if segments else np.zeros(0, int)
        self.y = np.concatenate([examples[i].labels[lines] for _, i, lines in segments]).astype(np.float64)
        self.weight = np.concatenate([line_weights(examples[i], lines) for _, i, lines in segments])
        # The rows are copied in as they are, then standardised in place a block at a time: no second copy of them.
        stored = np.empty((len(self.y), examples[0].dense.shape[1] if examples else 0), dtype=np.float32)
        for (_, i, lines), rows, start in zip(segments, feature_rows, self.starts[:-1]):
            stored[start : start + len(lines)] = examples[i].dense if rows is None else examples[i].dense[rows]
        chunks = [slice(start, start + BLOCK_ROWS) for start in range(0, len(self.y), BLOCK_ROWS)]
        self.mean, self.scale = _moments([stored[chunk] for chunk in chunks], [self.weight[chunk] for chunk in chunks])
        for chunk in chunks:
            stored[chunk] = (stored[chunk] - self.mean) / self.scale
        pieces: list[sp.csr_matrix | None] = [example.ngrams for example in examples if example.ngrams is not None]
        if len(pieces) < len(examples):
            raise ValueError("the examples' n-grams were moved into another line table: prepare the pages again")
        self.blocks: list[tuple[int, RowBlock]] = []  # (first row, block), each block within one fold
        # With ``take_ngrams``, each example's n-grams are let go once the blocks holding its rows are made:
        # the pages' n-grams and the table's are never all held at once.
        last_row: dict[int, int] = {}  # example -> the end of its last segment in the table
        for k, (_, i, _) in enumerate(segments):
            last_row[i] = max(last_row.get(i, 0), int(self.starts[k + 1]))
        read_until = sorted(((row, i) for i, row in last_row.items()), reverse=True)
        bounds = np.flatnonzero(np.diff(self.fold)) + 1
        for start, end in zip(np.r_[0, bounds], np.r_[bounds, len(self.fold)]):
            for offset in range(start, end, BLOCK_ROWS):
                stop = min(offset + BLOCK_ROWS, end)
                ngrams = self._stacked(pieces, feature_rows, offset, stop)
                self.blocks.append((offset, RowBlock(stored[offset:stop], ngrams, self.y[offset:stop], self.weight[offset:stop])))
                while take_ngrams and read_until and read_until[-1][0] <= stop:
                    _, i = read_until.pop()
                    pieces[i] = examples[i].ngrams = None
                if take_ngrams:
                    return_freed_memory()
        del pieces
        if take_ngrams:
            for example in examples:
                example.ngrams = None
            return_freed_memory()

    def _stacked(self, pieces: Sequence[sp.csr_matrix], feature_rows: Sequence[np.ndarray | None], start: int,
                 stop: int) -> sp.csr_matrix:
        """The n-grams of the table's rows ``start:stop``, stacked from the pages' own: the table's n-grams are
        never all stacked at once besides its blocks."""
        parts = []
        k = int(np.searchsorted(self.starts, start, side="right")) - 1
        while k < len(self.segments) and self.starts[k] < stop:
            rows = feature_rows[k]
            piece = pieces[self.segments[k][1]] if rows is None else pieces[self.segments[k][1]][rows]
            low, high = max(start - self.starts[k], 0), min(stop, self.starts[k + 1]) - self.starts[k]
            parts.append(piece if (low, high) == (0, piece.shape[0]) else piece[low:high])
            k += 1
        return sp.vstack(parts, format="csr", dtype=np.float32)

    def rows(self, per_page: Sequence[np.ndarray]) -> np.ndarray:
        """The table's rows of the lines marked in ``per_page`` (one boolean array per example)."""
        return np.concatenate([per_page[i][lines] for _, i, lines in self.segments])

    def blocks_of(self, rows: np.ndarray) -> list[RowBlock]:
        """The blocks holding ``rows``; a block only partly in ``rows`` is cut down to them (a copy)."""
        chosen = []
        for start, block in self.blocks:
            inside = rows[start : start + len(block.y)]
            if inside.all():
                chosen.append(block)
            elif inside.any():
                rest = None if block.rest is None else block.rest[inside]
                chosen.append(RowBlock(block.dense[inside], rest, block.y[inside], block.weight[inside]))
        return chosen

    def decision(self, model: LineClassifier, rows: np.ndarray) -> np.ndarray:
        """``model``'s decision function on ``rows`` (a boolean mask), in table order."""
        out = np.zeros(int(rows.sum()))
        parameters = model.parameters_for(self.mean, self.scale)
        dense_weights = parameters[: model.n_scaled_].astype(np.float32)
        rest_weights = parameters[model.n_scaled_ : -1].astype(np.float32)
        offset = parameters[-1]
        done = 0
        for start, block in self.blocks:
            inside = rows[start : start + len(block.y)]
            if inside.any():
                z = np.asarray(block.dense @ dense_weights, dtype=np.float64)
                if block.rest is not None:
                    z = z + block.rest @ rest_weights
                z = z + offset
                out[done : done + int(inside.sum())] = z[inside]
                done += int(inside.sum())
        return out

    def to_pages(self, values: np.ndarray) -> list[np.ndarray]:
        """``values``, one per table row, as one array per example (0.0 on blank lines)."""
        out = [np.zeros(len(ex.labels)) for ex in self.examples]
        for (_, i, lines), start in zip(self.segments, self.starts[:-1]):
            out[i][lines] = values[start : start + len(lines)]
        return out


def return_freed_memory() -> None:
    """Give the system back the memory of freed arrays: glibc keeps small freed blocks (each page's arrays) in
    the process for reuse, so the process would hold them through the next phase, which allocates large ones.
    Does nothing where the C library has no ``malloc_trim``."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _moments(parts: Sequence[np.ndarray], weights: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and standard deviation (1.0 where it is 0) of the rows of ``parts``, in two passes.

    On one BLAS thread: how a sum over rows is split between threads changes its last bits, and the
    model must not depend on the machine's number of cores.
    """
    total = sum(float(w.sum()) for w in weights)
    with threadpool_limits(1):
        mean = sum(w @ part for part, w in zip(parts, weights)) / total
        variance = sum(w @ (part - mean) ** 2 for part, w in zip(parts, weights)) / total
    scale = np.sqrt(variance)
    return mean, np.where(scale > 0, scale, 1.0)


def _mean_model(models: Sequence[LineClassifier]) -> LineClassifier:
    """A model whose decision function is the mean of ``models``' (all over the same columns), unscaled."""
    n_scaled = models[0].n_scaled_
    raw = [m.coef_[:n_scaled] / m.scale_ for m in models]
    average = LineClassifier(C=models[0].C, n_scaled=n_scaled)
    average.coef_ = np.concatenate([np.mean(raw, axis=0), np.mean([m.coef_[n_scaled:] for m in models], axis=0)])
    average.intercept_ = float(np.mean([m.intercept_ - m.mean_ @ w for m, w in zip(models, raw)]))
    average.mean_, average.scale_, average.n_scaled_ = np.zeros(n_scaled), np.ones(n_scaled), n_scaled
    average.classes_ = models[0].classes_
    return average


@dataclass(frozen=True, slots=True)
class FirstPass:
    """A fitted first pass and what the second pass learns from: every example's first-pass scores (held out
    on the lines it was fitted on) and the standardisation of the first pass's own columns."""

    model: LineClassifier
    p_first: list[np.ndarray]
    mean: np.ndarray
    scale: np.ndarray


@threadpool_limits.wrap(limits=1)  # the line table's moments too are sums that threads would split
def fit_sifter(examples: Sequence[Example], train_lines: Sequence[np.ndarray], params: TrainingParams,
               n_jobs: int = 1, table: LineTable | None = None, progress: Progress = no_progress) -> Sifter:
    """Fit on the lines marked in ``train_lines`` (one boolean mask per example).

    ``table``, the examples' :class:`LineTable`, is built when not given, and then takes their n-grams: pass
    one to fit the same examples several times.
    """
    own_table = table is None
    if table is None:
        progress("line table", 0, None)
        table = LineTable(examples, take_ngrams=True)
    first = fit_first_pass(examples, train_lines, params, n_jobs, table, progress)
    if own_table:
        del table  # the second pass never reads it: its memory goes back before the second pass's rows are made
        return_freed_memory()
    return fit_second_pass(examples, train_lines, first, params, n_jobs, progress)


# One BLAS thread, as in the fits: the first pass's scores feed the second, and a sum split between
# threads differs in its last bits, so the model would depend on the machine's number of cores.
@threadpool_limits.wrap(limits=1)
def fit_first_pass(examples: Sequence[Example], train_lines: Sequence[np.ndarray], params: TrainingParams,
                   n_jobs: int, table: LineTable, progress: Progress = no_progress) -> FirstPass:
    """The first pass of :func:`fit_sifter`, from the examples' line table."""
    train = table.rows(train_lines)
    folds = sorted({int(f) for f in np.unique(table.fold[train])})
    held_out = folds if len(folds) > 1 else []

    def first_pass(rows: np.ndarray, init: LineClassifier | None = None) -> LineClassifier:
        model = LineClassifier(C=params.first_c, n_scaled=table.mean.size, max_iter=FIRST_MAX_ITER if init is None else FINAL_MAX_ITER)
        return model.fit_blocks(table.blocks_of(rows), CLASSES, table.mean, table.scale, init=init, n_threads=n_jobs)

    # One first pass per held-out fold; the final one on everything starts from their mean.
    # Each fit is counted as it starts, and there is one more fit than held-out folds.
    inner: list[LineClassifier] = []
    for f in held_out:
        progress("fitting the first pass", len(inner), len(held_out) + 1)
        inner.append(first_pass(train & (table.fold != f)))
    progress("fitting the first pass", len(inner), len(held_out) + 1)
    first = first_pass(train, _mean_model(inner) if inner else None)
    # Training lines get held-out scores; other lines (a single fold, or lines outside the
    # training set that sit next to training lines) get the full first pass's score, as on a new page.
    z = table.decision(first, np.ones(len(table.fold), dtype=bool))
    for f, model in zip(held_out, inner):
        rows = train & (table.fold == f)
        z[rows] = table.decision(model, rows)
    return FirstPass(first, table.to_pages(sigmoid(z)), table.mean, table.scale)


@threadpool_limits.wrap(limits=1)
def fit_second_pass(examples: Sequence[Example], train_lines: Sequence[np.ndarray], first: FirstPass,
                    params: TrainingParams, n_jobs: int = 1, progress: Progress = no_progress) -> Sifter:
    """The second pass of :func:`fit_sifter` over ``first``'s scores; it never reads the line table."""
    progress("fitting the second pass", 0, None)
    labelled = [mask & ~ex.blank for ex, mask in zip(examples, train_lines)]
    y2 = np.concatenate([ex.labels[mask] for ex, mask in zip(examples, labelled)]).astype(np.float64)
    w2 = np.concatenate([line_weights(ex, mask) for ex, mask in zip(examples, labelled)])
    # The second pass's rows, stored in single precision as they are made: the first pass's own columns
    # standardised as in the table, the context columns (probabilities, logits, logarithms) as they are.
    mean, scale, stored, at = None, None, None, 0
    for ex, mask, p in zip(examples, labelled, first.p_first):
        rows = ex.second(p)[mask]
        if stored is None:
            n_context = rows.shape[1] - first.mean.size
            mean = np.concatenate([np.zeros(n_context), first.mean])
            scale = np.concatenate([np.ones(n_context), first.scale])
            stored = np.empty((len(y2), rows.shape[1]), dtype=np.float32)
        stored[at : at + len(rows)] = (rows - mean) / scale
        at += len(rows)
    assert stored is not None and mean is not None and scale is not None  # some line is labelled: check_trainable
    blocks = [RowBlock(stored[start : start + BLOCK_ROWS], None, y2[start : start + BLOCK_ROWS], w2[start : start + BLOCK_ROWS])
              for start in range(0, len(y2), BLOCK_ROWS)]
    second = LineClassifier(C=params.second_c).fit_blocks(blocks, CLASSES, mean, scale, n_threads=n_jobs)
    return Sifter(first.model, second, params.threshold, input="html" if examples[0].n_structure else "text")


def train(pages: Sequence[LabelledPage], params: TrainingParams = TrainingParams(), n_jobs: int = 1,
          progress: Progress = no_progress) -> Sifter:
    """Fit the page model on every labelled line of ``pages``.

    Raises :class:`~linesift.training.data.DataError` when they hold no labelled line, or one class only.
    """
    check_trainable(pages, "the training pages")
    return train_examples(prepare(pages, params.n_folds, n_jobs, progress), params, n_jobs, progress)


def train_examples(examples: Sequence[Example], params: TrainingParams = TrainingParams(), n_jobs: int = 1,
                   progress: Progress = no_progress) -> Sifter:
    """Fit the page model on every labelled line of prepared ``examples``."""
    return fit_sifter(examples, [np.ones(len(ex.labels), dtype=bool) for ex in examples], params, n_jobs, progress=progress)
