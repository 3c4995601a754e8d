"""Honest evaluation: cross-validated scores, line-level and page-level metrics, a precision-recall table.

A model is never scored on lines it was fitted on. ``fold_models`` refits the model once per fold (sites
held out together, or stretches of one page) and ``held_out_probabilities`` scores each line with the
model of its fold; ``cross_validated_probabilities`` does both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import numpy as np

from linesift.model.cuts import cuts
from linesift.model.links import links_as_text
from linesift.model.reading import read_lines
from linesift.model.sifter import Sifter, kept_lines
from linesift.training.baselines import HTML_EXTRACTORS, LINE_BASELINES, BaselineUnavailable
from linesift.training.corpus import read_html
from linesift.training.data import BLANK, LabelledPage
from linesift.training.metrics import word_scores
from linesift.training.progress import Progress, no_progress, within
from linesift.training.train import (
    Example,
    LineTable,
    TrainingParams,
    fit_first_pass,
    fit_second_pass,
    line_folds,
    prepare,
    return_freed_memory,
)

CURVE_THRESHOLDS = tuple(np.round(np.arange(0.05, 1.0, 0.05), 2))


@dataclass(frozen=True, slots=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class LineReport:
    """Line-level scores at one threshold: per class, and the confusion matrix [[TN, FP], [FN, TP]]."""

    content: ClassScores
    noise: ClassScores
    confusion: list[list[int]]
    threshold: float | None  # None: each page's own cut


def _scores(tp: int, fp: int, fn: int) -> ClassScores:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClassScores(precision, recall, f1, tp + fn)


def line_report(y_true: np.ndarray, p_content: np.ndarray, threshold: float) -> LineReport:
    return decision_report(y_true, p_content >= threshold, threshold)


def decision_report(y_true: np.ndarray, predicted: np.ndarray, threshold: float | None) -> LineReport:
    """Line-level scores of the decisions ``predicted`` (True: content), made at ``threshold`` (None: a cut per page)."""
    actual = y_true == 1
    tp = int(np.sum(predicted & actual))
    fp = int(np.sum(predicted & ~actual))
    fn = int(np.sum(~predicted & actual))
    tn = int(np.sum(~predicted & ~actual))
    return LineReport(_scores(tp, fp, fn), _scores(tn, fn, fp), [[tn, fp], [fn, tp]], threshold)


def labelled_lines(pages: Sequence[LabelledPage], probabilities: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores of every non-blank line, concatenated over pages."""
    masks = [page.labels != BLANK for page in pages]
    return (
        np.concatenate([page.labels[m] for page, m in zip(pages, masks)]) if pages else np.zeros(0),
        np.concatenate([p[m] for p, m in zip(probabilities, masks)]) if pages else np.zeros(0),
    )


def model_probabilities(model: Sifter, pages: Sequence[LabelledPage], progress: Progress = no_progress) -> list[np.ndarray]:
    probabilities: list[np.ndarray] = []
    for page in pages:
        progress("scoring pages", len(probabilities), len(pages))
        probabilities.append(model.probabilities(page.text_page(), page.structure))
    return probabilities


@dataclass(frozen=True, slots=True)
class PageView:
    """What deciding a labelled page's lines takes besides their probabilities, worked out once for every cut; not
    the page's text, which an evaluation of every layout would hold twice."""

    blank: np.ndarray  # per line
    words: np.ndarray  # per line
    repeats: np.ndarray  # per line, its group of equal lines (see :func:`repeat_groups`)
    code_page: bool  # whether the page is code alone (see :mod:`linesift.model.codepages`)


def page_views(pages: Sequence[LabelledPage], drop_repeats: bool = True) -> list[PageView]:
    """The :class:`PageView` of each page, its repeats read as scoring reads them (see
    :func:`linesift.model.reading.read_lines`); with ``drop_repeats`` False, as a model keeping repeats sees them."""
    views = []
    for page in pages:
        segmented = page.text_page()
        filled, rows = segmented.non_blank()
        read = read_lines(filled, rows, text=page.structure is None)
        words = np.zeros(len(segmented))
        words[rows] = read.stats.words_per_line
        repeats = np.full(len(segmented), -1, dtype=np.int64)
        if drop_repeats:
            repeats[rows] = read.repeats()
        views.append(PageView(segmented.blank, words, repeats, bool(read.code_pages()[0])))
    return views


def lines_kept(pages: Sequence[LabelledPage], probabilities: Sequence[np.ndarray], threshold: float | None,
               views: Sequence[PageView] | None = None) -> list[np.ndarray]:
    """The lines kept on each page given their ``probabilities``, as ``predict`` keeps them: cut at ``threshold``, or at
    each page's own cut when None, less the repeats of lines kept above; none of a page of code alone. ``views``: the
    pages' :func:`page_views`."""
    views = page_views(pages) if views is None else views
    return [kept_lines(p, float(cuts(p, view.words, np.array([0, len(p)]), threshold)[0]), view.blank, view.repeats,
                       view.code_page)
            for view, p in zip(views, probabilities)]


def keeps_report(pages: Sequence[LabelledPage], keeps: Sequence[np.ndarray], threshold: float | None) -> LineReport:
    """Line-level scores of the lines kept on each page (``keeps``) against the labels."""
    y, kept = labelled_lines(pages, [keep.astype(np.float64) for keep in keeps])
    return decision_report(y, kept > 0, threshold)


@dataclass(frozen=True, slots=True)
class FoldModels:
    """A model per evaluated fold, each fitted without the lines of its fold, and how lines are dealt into folds."""

    models: dict[int, Sifter]
    n_folds: int
    groups: set[str]  # the sites the folds were dealt over (see ``line_folds``)

    def line_folds(self, pages: Sequence[LabelledPage]) -> list[np.ndarray]:
        """The fold of every line of ``pages``, as it was dealt for the fits."""
        return line_folds(pages, self.n_folds, self.groups)


def cross_validated_probabilities(pages: Sequence[LabelledPage], params: TrainingParams = TrainingParams(),
                                  n_jobs: int = 1, examples: Sequence[Example] | None = None,
                                  max_folds: int | None = None,
                                  trainable: Sequence[bool] | None = None,
                                  progress: Progress = no_progress,
                                  to_score: Sequence[bool] | None = None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Every held-out line's P(content) from a model fitted without its fold, and which lines were held out.

    ``max_folds`` evaluates only the first folds (a quicker estimate on fewer held-out sites).
    ``trainable``, one flag per page, leaves the pages marked False out of every fit: they are only
    scored, with their site's fold (text from a renderer or in a layout the model never learns from, say).
    ``to_score``, one flag per page, scores only the pages marked True (default: all); the others get 0.0.
    ``examples``, when given, are the prepared pages learnt from (see :func:`fold_models`).
    """
    trainable = [True] * len(pages) if trainable is None else list(trainable)
    learnt = [page for page, learn in zip(pages, trainable) if learn]
    models = fold_models(learnt, params, n_jobs, examples, max_folds, progress, groups={page.group for page in pages})
    return held_out_probabilities(pages, models, progress, to_score)


def fold_models(pages: Sequence[LabelledPage], params: TrainingParams = TrainingParams(), n_jobs: int = 1,
                examples: Sequence[Example] | None = None, max_folds: int | None = None,
                progress: Progress = no_progress, groups: set[str] | None = None) -> FoldModels:
    """Fit a model per fold of ``pages`` (the first ``max_folds`` folds), each without that fold's lines.

    ``groups``, the sites of every page to be scored (default: those of ``pages``), deals the folds, so that
    pages only scored later (:func:`held_out_probabilities`) get the folds they would have had among these.
    ``examples``, when given, are ``pages`` prepared (see :func:`prepare`); else they are prepared here, and
    their n-grams move into the line table, so that they are held once.
    """
    if not pages:
        raise ValueError("no rows to fit on: every page is only to be scored, none to learn from")
    groups = {page.group for page in pages} if groups is None else groups
    line_fold = line_folds(pages, params.n_folds, groups)
    prepared_here = examples is None
    if examples is None:
        examples = prepare(pages, params.n_folds, n_jobs, progress, line_fold)
    folds = sorted({int(f) for ex in examples for f in np.unique(ex.folds[ex.labels != BLANK])})
    if len(folds) < 2:
        raise ValueError("cross-validation needs at least two folds: give more pages or a page with more blocks")
    progress("line table", 0, None)
    table = LineTable(examples, take_ngrams=prepared_here)  # shared by every fold's first pass
    evaluated = folds[:max_folds]
    in_fold = {fold: within(progress, f"cross-validating fold {k} of {len(evaluated)}") for k, fold in enumerate(evaluated, start=1)}
    lines_of = {fold: [ex.folds != fold for ex in examples] for fold in evaluated}
    # Every fold's first pass, then every second pass: the second passes never read the table, so it is let go
    # before any of their rows are made.
    first = {fold: fit_first_pass(examples, lines_of[fold], params, n_jobs, table, in_fold[fold]) for fold in evaluated}
    del table
    return_freed_memory()
    models = {fold: fit_second_pass(examples, lines_of[fold], first.pop(fold), params, n_jobs, in_fold[fold]) for fold in evaluated}
    return FoldModels(models, params.n_folds, groups)


def held_out_probabilities(pages: Sequence[LabelledPage], models: FoldModels, progress: Progress = no_progress,
                           to_score: Sequence[bool] | None = None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Every line's P(content) from the model fitted without its fold (0.0 for lines of folds not evaluated,
    blank lines and pages not ``to_score``), and which lines were scored."""
    line_fold = models.line_folds(pages)
    out = [np.zeros(len(page.labels)) for page in pages]
    scored = [np.zeros(len(page.labels), dtype=bool) for page in pages]
    for k, (fold, model) in enumerate(models.models.items(), start=1):
        in_fold = within(progress, f"cross-validating fold {k} of {len(models.models)}")
        held_out = [(f == fold) & (page.labels != BLANK) & (to_score is None or bool(to_score[i]))
                    for i, (page, f) in enumerate(zip(pages, line_fold))]
        held_out_pages = [i for i, mask in enumerate(held_out) if mask.any()]
        for done, i in enumerate(held_out_pages):
            in_fold("scoring held-out pages", done, len(held_out_pages))
            # Page by page, as ``model_probabilities`` scores: pages scored together differ in the last bits,
            # and a page's scores must not depend on the pages held out with it.
            out[i][held_out[i]] = model.probabilities(pages[i].text_page(), pages[i].structure)[held_out[i]]
            scored[i] |= held_out[i]
    return out, scored


@dataclass(frozen=True, slots=True)
class WordReport:
    """The benchmark's word F1 (mean over pages), overall and per page type."""

    overall: float
    by_type: dict[str, float]
    pages: int


def kept_text(page: LabelledPage, keep: np.ndarray, as_written: bool = False) -> str:
    """The lines of ``page`` that ``keep`` marks, one a line, as predict gives them: on a page of text, Markdown
    links as their text and no images (see :mod:`linesift.model.links`); ``as_written``, as they are, as a line rule
    keeps them. The blank lines predict puts between blocks change none of their words."""
    text = "\n".join(compress(page.lines, keep & (page.labels != BLANK)))
    return text if as_written or page.structure is not None else links_as_text(text)


def word_report(pages: Sequence[LabelledPage], keeps: Sequence[np.ndarray], as_written: bool = False) -> WordReport | None:
    """Word F1 of the kept lines (see :func:`kept_text`) against each page's gold text; None when no page has gold
    text."""
    return word_report_of_texts(pages, [kept_text(page, keep, as_written) for page, keep in zip(pages, keeps)])


def word_report_of_texts(pages: Sequence[LabelledPage], texts: Sequence[str]) -> WordReport | None:
    """Word F1 of extracted ``texts`` against each page's gold text, per page type."""
    by_type: dict[str, list[float]] = defaultdict(list)
    for page, text in zip(pages, texts):
        if page.main_content is None:
            continue
        by_type[page.page_type or "unknown"].append(word_scores(text, page.main_content).f1)
    if not by_type:
        return None
    every = [f1 for values in by_type.values() for f1 in values]
    return WordReport(float(np.mean(every)), {k: float(np.mean(v)) for k, v in sorted(by_type.items())}, len(every))


def threshold_for(y_true: np.ndarray, p_content: np.ndarray, min_precision: float | None = None,
                  min_recall: float | None = None) -> float | None:
    """The threshold that meets the target with the best F1 on the other side; None when none does."""
    candidates = np.unique(np.round(p_content, 4))
    best, best_f1 = None, -1.0
    for threshold in candidates:
        report = line_report(y_true, p_content, float(threshold))
        meets = (min_precision is None or report.content.precision >= min_precision) and (
            min_recall is None or report.content.recall >= min_recall)
        if meets and report.content.f1 > best_f1:
            best, best_f1 = float(threshold), report.content.f1
    return best


@dataclass(frozen=True, slots=True)
class MethodScores:
    """One method's scores on the same pages: line-level (when it labels lines) and word-level."""

    name: str
    line: LineReport | None
    words: WordReport | None


CEILING = "ceiling"


def ceiling_scores(pages: Sequence[LabelledPage]) -> MethodScores:
    """The lines labelled content kept, and no other: the best any line labeller can do on these lines (the
    alignment ceiling: the word F1 lost by how the text is cut into lines and aligned to the gold text)."""
    keeps = [page.labels == 1 for page in pages]
    return MethodScores(CEILING, keeps_report(pages, keeps, None), word_report(pages, keeps))


def line_baseline_scores(pages: Sequence[LabelledPage]) -> list[MethodScores]:
    """Keep-everything and the C4 line rules on the same rendered lines (C4 skipped when not installed), their kept
    lines as written."""
    results = []
    for name, keeps_of in LINE_BASELINES.items():
        try:
            keeps = [np.asarray(keeps_of(page.lines), dtype=bool) for page in pages]
        except BaselineUnavailable:
            continue
        y, p = labelled_lines(pages, [keep.astype(np.float64) for keep in keeps])
        results.append(MethodScores(name, line_report(y, p, 0.5), word_report(pages, keeps, as_written=True)))
    return results


def extractor_texts(pages: Sequence[LabelledPage], html_root: Path,
                    progress: Progress = no_progress) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The text each HTML extractor (:data:`~linesift.training.baselines.HTML_EXTRACTORS`) takes from each page's
    HTML found under ``html_root`` at its ``source`` path, by extractor and source; and warnings: for each extractor
    that is not installed, what to install, and for each that raised an error on some pages, how many (those pages
    score as extracting nothing)."""
    texts: dict[str, dict[str, str]] = {name: {} for name in HTML_EXTRACTORS}
    missing: dict[str, str] = {}
    failed: dict[str, list[str]] = {name: [] for name in HTML_EXTRACTORS}
    read: set[str] = set()
    for done, page in enumerate(pages):
        progress("HTML extractors", done, len(pages))
        path = html_root / page.source
        if not page.source or page.source in read or not path.is_file():
            continue
        read.add(page.source)
        html = read_html(path)
        for name, extract in HTML_EXTRACTORS.items():
            if name in missing:
                continue
            try:
                texts[name][page.source] = extract(html)
            except BaselineUnavailable as error:
                missing[name] = f"{error}; {name} is left out of the comparison"
            except Exception as error:  # another library's bug on one page must not stop the evaluation
                texts[name][page.source] = ""
                failed[name].append(f"{path}: {type(error).__name__}: {error}")
    warnings = list(missing.values())
    warnings += [f"{name} failed on {len(errors)} page(s), scored as extracting nothing (first: {errors[0]})"
                 for name, errors in failed.items() if errors and name not in missing]
    return {name: found for name, found in texts.items() if name not in missing}, warnings


def html_coverage_warning(pages: Sequence[LabelledPage], html_root: Path, sources: set[str]) -> str | None:
    """A warning when ``html_root`` held the HTML of only some of ``pages`` (``sources`` found), or none."""
    found = sum(page.source in sources for page in pages)
    if found == len(pages):
        return None
    if found:
        return f"{html_root}: holds the HTML of {found} of {len(pages)} page(s): the HTML extractors are scored on those pages only"
    example = next((page.source for page in pages if page.source), None)
    looked = f"looked for their 'source' paths, such as {html_root / example}" if example else "the pages name no 'source'"
    return (f"{html_root}: holds the HTML of none of the {len(pages)} page(s) ({looked}): "
            "the HTML extractors are left out of the comparison")


def html_baseline_scores(pages: Sequence[LabelledPage], texts: dict[str, dict[str, str]]) -> list[MethodScores]:
    """Each extractor's word F1 on the pages whose HTML it read (``texts``, by extractor and source)."""
    covered = [page for page in pages if any(page.source in found for found in texts.values())]
    if not covered:
        return []
    return [MethodScores(f"{name} (HTML)", None, word_report_of_texts(covered, [found.get(page.source, "") for page in covered]))
            for name, found in texts.items()]
