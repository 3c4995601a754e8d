"""One evaluation of a model on labelled files, as data: what ``linesift eval`` prints and the tests check.

:mod:`linesift.training.evaluate` holds the measures; :func:`evaluate` decides how the pages are
scored (cross-validated when the model was trained on them, directly otherwise), chooses the
threshold, and sets the model beside the baselines for each renderer of the pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import numpy as np

from linesift.model.sifter import Sifter
from linesift.model.structure import markup_names_blocks
from linesift.training.conventions import in_convention, with_pieces_joined
from linesift.training.data import (
    LabelledPage,
    check_model_input,
    check_scorable,
    data_files,
    describe_files,
    load_pages,
)
from linesift.training.evaluate import (
    CURVE_THRESHOLDS,
    LineReport,
    MethodScores,
    PageView,
    WordReport,
    ceiling_scores,
    extractor_texts,
    fold_models,
    held_out_probabilities,
    html_baseline_scores,
    html_coverage_warning,
    keeps_report,
    labelled_lines,
    line_baseline_scores,
    lines_kept,
    model_probabilities,
    page_views,
    threshold_for,
    word_report,
)
from linesift.training.page_scores import PageScores, page_scores
from linesift.training.pipeline import learnt_pages, trained_on, training_pages, training_params
from linesift.training.progress import Progress, no_progress
from linesift.training.train import FINAL_CHECK_FOLD, fold_of_groups, return_freed_memory

# Which sites to score. The final-check part is a fixed fifth of the sites (fold 0, by a hash of the site's name):
# choices are made on the development part, and the final check scores the rest once, trained on the development part.
Sites = Literal["all", "development", "final-check"]
SITES: tuple[Sites, ...] = get_args(Sites)


class EvaluationError(ValueError):
    """An evaluation that cannot run as asked, with the reason."""


class UnreachableTargetError(ValueError):
    """No threshold reaches the precision or recall asked for: the data answers the question, with a no."""


@dataclass(frozen=True, slots=True)
class EvalOptions:
    """A content precision or recall to choose the threshold for, fewer folds, the HTML extractors, processes."""

    min_precision: float | None = None
    min_recall: float | None = None
    max_folds: int | None = None  # cross-validate on only the first folds: quicker, on fewer held-out pages
    html_root: Path | None = None  # the folder the pages' ``source`` paths are under
    n_jobs: int = 1
    # Score every page laid out in each of these (keys of linesift.training.conventions.CONVENTIONS); () as given.
    conventions: tuple[str, ...] = ()
    sites: Sites = "all"


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """How the scores were cross-validated, because the model was trained on the pages."""

    n_folds: int
    max_folds: int | None  # None: every fold was scored
    unseen_pages: int  # pages scored with their site's fold but never trained on
    final_check: bool = False  # the final-check sites alone, scored by a model trained on the development sites


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """Content scores of lines at one threshold (None: each page's cut), and the word F1 of what they keep."""

    line: LineReport
    words: WordReport | None  # None: no page has gold text


@dataclass(frozen=True, slots=True)
class RendererComparison:
    """The model and the baselines on the pages one renderer turned into text ("" when the pages do not say)."""

    renderer: str
    convention: str  # "" as the files have it
    pages: int
    methods: list[MethodScores]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores of a model on labelled pages, beside the baselines, and what the reader should be warned of."""

    pages: list[LabelledPage]
    probabilities: list[np.ndarray]  # P(content) of each page's lines
    y_true: np.ndarray  # labels of every labelled line, over pages
    p_content: np.ndarray  # their P(content)
    cross_validation: CrossValidation | None  # None: the model never saw the pages, so it scored them directly
    threshold: float | None  # None: each page's own cut
    threshold_chosen: bool  # chosen for a precision or recall rather than the model's
    report: LineReport
    curve: list[CurvePoint]
    comparisons: list[RendererComparison]
    warnings: list[str]
    page_scores: list[PageScores]  # each page's, in the order of ``pages``


def evaluate(paths: Sequence[Path], unseen_paths: Sequence[Path], model: Sifter,
             options: EvalOptions = EvalOptions(), progress: Progress = no_progress) -> Evaluation:
    """Evaluate ``model`` on the labelled files or folders in ``paths``, and on ``unseen_paths`` never trained on.

    Raises :class:`~linesift.training.data.DataError` for data that cannot be read or scored,
    :class:`EvaluationError` for an evaluation that cannot run, and :class:`UnreachableTargetError`
    when no threshold meets ``options.min_precision`` and ``options.min_recall``.
    """
    files = data_files(paths)
    unseen_files = data_files(unseen_paths) if unseen_paths else []
    pages = load_pages(files, progress)
    n_trainable = len(pages)
    pages += load_pages(unseen_files, progress) if unseen_files else []
    check_model_input(pages, model.input, describe_files([*files, *unseen_files]))
    warning = check_scorable(pages, describe_files([*files, *unseen_files]))
    warnings = [] if warning is None else [warning]
    sites = _Sites(options.sites, {page.group for page in pages}, training_params(model).n_folds)
    pages, n_trainable = sites.of(pages, n_trainable)
    pages, probabilities, cross_validation = _scored(pages, n_trainable, model, files, unseen_files, sites, options,
                                                     progress)
    warnings += _little_markup_warning(pages)
    y, p = labelled_lines(pages, probabilities)
    threshold = model.threshold
    chosen = options.min_precision is not None or options.min_recall is not None
    if chosen:
        progress("choosing the threshold", 0, None)
        threshold = threshold_for(y, p, options.min_precision, options.min_recall)
        if threshold is None:
            raise UnreachableTargetError("no threshold reaches the requested precision/recall on this data")
    views = page_views(pages, model.drop_repeats)
    keeps = lines_kept(pages, probabilities, threshold, views)
    report = keeps_report(pages, keeps, threshold)
    html_texts: dict[str, dict[str, str]] = {}
    if options.html_root is not None:
        html_texts, html_warnings = _html_texts(pages, options.html_root, progress)
        warnings += html_warnings
    return Evaluation(pages, probabilities, y, p, cross_validation, threshold, chosen, report,
                      _curve(pages, probabilities, views, keeps, report, progress),
                      _comparisons(pages, keeps, threshold, html_texts, progress), warnings,
                      page_scores(pages, keeps, html_texts))


def _little_markup_warning(pages: list[LabelledPage]) -> list[str]:
    """A warning when some pages parsed from HTML name few of their blocks: predict leaves them to the model of
    text, but this evaluation scores every page with the model of HTML pages."""
    few = sum(page.structure is not None and not markup_names_blocks(page.structure) for page in pages)
    if not few:
        return []
    return [f"{few} of the {len(pages)} pages scored name fewer than half of their blocks in their markup: predict "
            "reads them with the model of text, this evaluation with the model of HTML pages"]


def _scored(pages: list[LabelledPage], n_trainable: int, model: Sifter, files: list[Path], unseen_files: list[Path],
            sites: _Sites, options: EvalOptions,
            progress: Progress) -> tuple[list[LabelledPage], list[np.ndarray], CrossValidation | None]:
    """The pages scored and their P(content): cross-validated when the model was trained on the first ``n_trainable``
    of ``pages``, the others read from ``unseen_files`` (of ``sites``). Takes ``pages`` over: the list loses those
    others while the fits run."""
    if not trained_on(model, files):
        if unseen_files and trained_on(model, unseen_files):
            raise EvaluationError("the model was trained on the --unseen data: give data it never saw, "
                                  "or the data it was trained on to cross-validate")
        if options.sites != "all":
            raise EvaluationError(f"--sites {options.sites} splits the sites of the data the model was trained on, "
                                  "and this model was not trained on these files")
        if options.max_folds is not None:
            raise EvaluationError("--max-folds chooses the folds that cross-validate a model on the data it was trained "
                                  "on, and this model was not trained on these files")
        learnt = learnt_pages(model, pages)
        if learnt:
            raise EvaluationError(f"{learnt} of the {len(pages)} pages were learnt by this model (the same lines, from "
                                  "another file): their scores would not be held out. Evaluate it on pages it never "
                                  "saw, or on the files it was trained on, which are cross-validated")
        pages = _laid_out(pages, options.conventions)
        return pages, model_probabilities(model, pages, progress), None
    params = training_params(model)
    max_folds = 1 if options.sites == "final-check" else options.max_folds
    # Fold models learn from the pages as training lays them out. They score the pages as the files have them,
    # or in each layout asked for: copies never learnt from, made once the fits' memory is given back. The pages
    # only scored are let go during the fits and read again after them: text keeping every script whole took the
    # final check over 4 GB.
    groups = {page.group for page in pages}
    del pages[n_trainable:]
    try:
        models = fold_models(training_pages(pages, params), params, options.n_jobs, max_folds=max_folds,
                             progress=progress, groups=groups)
    except ValueError as error:
        raise EvaluationError(str(error)) from error
    return_freed_memory()
    if unseen_files:
        pages += sites.of(load_pages(unseen_files, progress), 0)[0]
    scored = _laid_out(pages, options.conventions)
    probabilities, held_out = held_out_probabilities(scored, models, progress)
    if max_folds is not None:
        # Only pages of the evaluated folds are scored (a page is never split across folds unless it is alone).
        keep = [i for i, mask in enumerate(held_out) if mask.any()]
        scored, probabilities = [scored[i] for i in keep], [probabilities[i] for i in keep]
    return scored, probabilities, CrossValidation(params.n_folds, max_folds, len(pages) - n_trainable,
                                                options.sites == "final-check")


def _laid_out(pages: list[LabelledPage], conventions: Sequence[str]) -> list[LabelledPage]:
    """``pages`` in each of ``conventions`` in turn, or as they are when none is named; read as cleaning reads text
    (:meth:`LabelledPage.read_as_text`)."""
    if conventions and any(page.structure is not None for page in pages):
        raise EvaluationError("--convention lays out text: pages parsed from HTML are blocks with their markup, "
                              "scored as they are")
    laid_out = [in_convention(page, convention) for convention in conventions for page in pages] if conventions else pages
    return [page.read_as_text() for page in laid_out]


@dataclass(frozen=True, slots=True)
class _Sites:
    """The sites to evaluate on, of all the ``groups`` (sites) of the pages read, dealt into ``n_folds`` folds."""

    sites: Sites
    groups: set[str]
    n_folds: int

    def of(self, pages: list[LabelledPage], n_trainable: int) -> tuple[list[LabelledPage], int]:
        """The ``pages`` to evaluate on and how many of them come first to learn from: the development sites alone,
        or all."""
        if self.sites != "development":
            return pages, n_trainable
        fold_of_group = fold_of_groups(self.groups, self.n_folds)
        keep = [i for i, page in enumerate(pages) if fold_of_group[page.group] != FINAL_CHECK_FOLD]
        return [pages[i] for i in keep], sum(i < n_trainable for i in keep)


def _curve(pages: list[LabelledPage], probabilities: list[np.ndarray], views: list[PageView], keeps: list[np.ndarray],
           report: LineReport, progress: Progress) -> list[CurvePoint]:
    """The precision-recall trade-off at each threshold of the curve, then at each page's cut when that is the rule."""
    thresholds: list[float | None] = [*CURVE_THRESHOLDS, *([] if report.threshold is not None else [None])]
    curve: list[CurvePoint] = []
    for threshold in thresholds:  # each point reads the lines predict keeps at it, on every page
        progress("precision-recall curve", len(curve), len(thresholds))
        kept = keeps if threshold is None else lines_kept(pages, probabilities, threshold, views)
        curve.append(CurvePoint(report if threshold is None else keeps_report(pages, kept, threshold), word_report(pages, kept)))
    return curve


def _html_texts(pages: list[LabelledPage], html_root: Path,
                progress: Progress) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Each HTML extractor's text of the pages' HTML under ``html_root``, by extractor and source, and warnings for
    extractors not installed and pages whose HTML is missing."""
    texts, warnings = extractor_texts(pages, html_root, progress)
    coverage = html_coverage_warning(pages, html_root, {source for found in texts.values() for source in found})
    return texts, warnings + ([] if coverage is None or not texts else [coverage])


def _comparisons(pages: list[LabelledPage], keeps: list[np.ndarray], threshold: float | None,
                 html_texts: dict[str, dict[str, str]], progress: Progress) -> list[RendererComparison]:
    """For each renderer, the model's decisions beside the line baselines and the HTML extractors."""
    comparisons: list[RendererComparison] = []
    layouts = sorted({(page.renderer, page.convention) for page in pages})
    for renderer, convention in layouts:
        progress("baselines, by renderer and layout", len(comparisons), len(layouts))
        subset = [i for i, page in enumerate(pages) if (page.renderer, page.convention) == (renderer, convention)]
        rendered, kept = [pages[i] for i in subset], [keeps[i] for i in subset]
        methods = [MethodScores("linesift", keeps_report(rendered, kept, threshold), word_report(rendered, kept)),
                   *line_baseline_scores([with_pieces_joined(page) for page in rendered]), ceiling_scores(rendered)]
        comparisons.append(RendererComparison(renderer, convention, len(subset), [*methods, *html_baseline_scores(rendered, html_texts)]))
    return comparisons
