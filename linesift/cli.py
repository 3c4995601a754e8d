"""The ``linesift`` command: a thin layer over the library that parses options and prints."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from linesift import __version__
from linesift.atomic import WouldReplaceError, atomic_writer, check_replaceable
from linesift.explain import DEFAULT_TOP, LineExplanation, PassExplanation, Reason, explain_lines, explanation_record
from linesift.io.cleaning import SPANS_FIELD
from linesift.io.corpus import NO_TEXT, OnError, RunOptions, Summary, clean_corpus
from linesift.io.outputs import report_replaces_output, same_file
from linesift.io.page_text import PageText, read_page_text
from linesift.io.parallel import CleanOptions, WorkerDiedError
from linesift.io.sinks import write_json_line
from linesift.io.sources import (
    DEFAULT_GLOB,
    DEFAULT_TEXT_FIELD,
    PAGE_KINDS,
    BadRecordError,
    ReadOptions,
    kind_from_name,
)
from linesift.io.text import STDIN, STDIN_NAME, InputError
from linesift.io.usable_options import (
    HTML_AS_TEXT_OPTION,
    LINE_RECORDS_OPTION,
    SPANS_OPTION,
    STRICT_OPTION,
    KindOption,
    html_model_option,
    refuse_unusable_options,
    refuse_unused_glob,
    text_field_option,
)
from linesift.limits import PageTooLargeError, check_report_size
from linesift.model.modelfile import ModelFileError, builtin_model, is_model_file, load_model, save_model
from linesift.model.sifter import ModelInput, Sifter
from linesift.model.structure import Structure
from linesift.report import is_report, visible, write_report
from linesift.training.data import DataError, MissingDataError

# Training, evaluation and plots import scikit-learn and matplotlib, which take about a second to load:
# the commands that need them import them, so that cleaning text starts without them.
if TYPE_CHECKING:
    from linesift.training.evaluate import LineReport
    from linesift.training.evaluation import CurvePoint, Evaluation, RendererComparison
    from linesift.training.progress import Progress as PhaseProgress

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Tell a web page's content from its boilerplate, line by line.")


class _Output(Console):
    """stdout as rich prints to it; a closed pipe (`linesift explain ... | head`) ends the command as it ends predict."""

    def on_broken_pipe(self) -> None:
        _silence_stdout()
        raise SystemExit(EXIT_BROKEN_PIPE)


out = _Output()
err = Console(stderr=True)

EXIT_USAGE = 2
DEFAULT_MODEL_OUT = Path("artifacts/model.json")
DEFAULT_HTML_MODEL_OUT = Path("artifacts/html_model.json")


def _fraction(value: float | None) -> float | None:
    """A number from 0 to 1: typer's own range check lets nan through to say "should be less than or equal to 1"."""
    if value is not None and not 0.0 <= value <= 1.0:  # nan fails both comparisons
        raise typer.BadParameter(f"must be a number between 0 and 1, not {value}")
    return value


ThresholdOption = Annotated[Optional[float], typer.Option(callback=_fraction, help="Override the model's threshold (0 to 1).")]
ModelOption = Annotated[Optional[Path], typer.Option("--model", help="Model file of text (default: the built-in model).")]
HtmlModelOption = Annotated[Optional[Path], typer.Option("--html-model", help=(
    "Model file of HTML pages, which cleans HTML parsed into blocks with their markup (default: the built-in one)."))]
KeepRepeatsOption = Annotated[bool, typer.Option("--keep-repeats", help=(
    "Keep a line equal to a content line above it (40 characters or more), as code samples and reference pages "
    "repeat on purpose, and a line saying its text twice; by default such a copy is dropped."))]
KeepLinksOption = Annotated[bool, typer.Option("--keep-links", help=(
    "Give kept lines of text as written: Markdown links keep their targets and images stay. By default a link is "
    "given as its text and an image is left out, as a reader sees them."))]
HtmlAsTextOption = Annotated[bool, typer.Option("--html-as-text", help=(
    "Render HTML pages to text and clean them with the text model, instead of the model of HTML pages."))]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]


def _print_version(asked: bool) -> None:
    if asked:
        out.print(f"linesift {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    # Only options for the program as a whole: each command does the work. A command stopped by SIGTERM (a scheduler's
    # time limit, `kill`) unwinds as on Ctrl-C: outputs being written are removed and the worker processes stopped.
    if threading.current_thread() is threading.main_thread():  # the only thread that may set a handler
        signal.signal(signal.SIGTERM, _stop)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def fail(message: str, code: int = EXIT_USAGE) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def _inside(file: Path, folder: Path, names: tuple[str, ...]) -> bool:
    """Whether ``file`` is ``folder`` (or holds it), or one of the files ``names`` in it."""
    real_file, real_folder = os.path.realpath(file), os.path.realpath(folder)
    return (real_folder == real_file or real_folder.startswith(real_file + os.sep)
            or real_file in {os.path.realpath(folder / name) for name in names})


def _refuse_replacing(path: Path | None, is_own: Callable[[bytes], bool], own_kind: str, option: str) -> None:
    """Fail, before any work, when ``path`` would be written over a file that is not ``own_kind``."""
    if path is not None:
        try:
            check_replaceable(path, is_own, own_kind, option)
        except WouldReplaceError as error:
            fail(str(error))


def _load(model_path: Path | None, model_input: ModelInput = "text", keep_repeats: bool = False) -> Sifter:
    try:
        model = load_model(model_path, model_input)
        return model.keeping_repeats() if keep_repeats else model
    except ModelFileError as error:
        fail(str(error))
        raise  # unreachable: fail() exits


READ_AS_TEXT_NOTE = ("its markup names fewer than half of its blocks (no class, id, role or aria-label, no <nav>, "
                     "<article>... around them): its blocks are read as text, by the model of text")


def _scorer_of(page: PageText, model: Sifter, html_model_path: Path | None) -> tuple[Sifter, Structure | None, str | None]:
    """The model that scores ``page`` as predict cleans it, the structure it reads (the model of HTML pages for
    blocks whose markup names them, ``model`` for text and for blocks it leaves to a model of text), and a note,
    also warned, when an HTML page's blocks are left to the model of text."""
    if page.structure is None:
        return model, None, None
    html_model = _load(html_model_path, "html", keep_repeats=not model.drop_repeats)
    if not html_model.reads_as_text(page.structure):
        return html_model, page.structure, None
    if not len(page.structure):  # a page with no block has nothing to read either way
        return model, None, None
    _warn(f"{page.where}: {READ_AS_TEXT_NOTE}")
    return model, None, READ_AS_TEXT_NOTE


def _data_failure(error: DataError) -> None:
    """No data where the user pointed is a usage error; data that is there but unusable is bad data."""
    fail(str(error), EXIT_USAGE if isinstance(error, MissingDataError) else EXIT_BAD_DATA)


def _default_data(model_input: ModelInput = "text") -> list[Path]:
    """``./seeds``, the labelled text pages, or ``./seeds/html``, the labelled HTML pages parsed into blocks."""
    seeds = Path.cwd() / ("seeds/html" if model_input == "html" else "seeds")
    if not seeds.is_dir():
        fail(f"no DATA given and no {seeds.relative_to(Path.cwd())}/ folder in {Path.cwd()}: "
             "run from a linesift checkout or name the labelled files")
    return [seeds]


ModelInputOption = Annotated[ModelInput, typer.Option("--input", help=(
    "text: a model of text, from ./seeds by default; html: a model of HTML pages parsed into blocks with their "
    "markup, from ./seeds/html by default (see 'linesift corpus build --renderer blocks')."))]


@app.command()
def train(
    data: Annotated[Optional[list[Path]], typer.Argument(help="Labelled JSONL files or folders (default: ./seeds, or ./seeds/html with --input html).")] = None,
    out_path: Annotated[Optional[Path], typer.Option("--out", help=(
        f"Where to write the model file (default: {DEFAULT_MODEL_OUT}, or {DEFAULT_HTML_MODEL_OUT} with --input html).")
    )] = None,
    model_input: ModelInputOption = "text",
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Processes for feature extraction and folds.")] = 1,
    quiet: QuietOption = False,
) -> None:
    """Train a model on labelled pages and write the model file."""
    from linesift.training.pipeline import train_from_files
    from linesift.training.train import TrainingParams

    out_path = out_path or (DEFAULT_HTML_MODEL_OUT if model_input == "html" else DEFAULT_MODEL_OUT)
    _refuse_replacing(out_path, is_model_file, "a linesift model file", "--out")
    try:
        with _phases(quiet or not err.is_terminal) as progress:
            model = train_from_files(data or _default_data(model_input), TrainingParams(), n_jobs=jobs, progress=progress,
                                     model_input=model_input)
    except DataError as error:
        _data_failure(error)
    save_model(model, out_path)
    info = model.metadata["training"]
    out.print(f"trained on {info['pages']} page(s), {info['lines']} labelled lines; model written to {out_path}")


def _report_table(title: str, report: LineReport) -> Table:
    table = Table(title=title)
    for column in ("class", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for name, scores in (("content", report.content), ("noise", report.noise)):
        table.add_row(name, f"{scores.precision:.3f}", f"{scores.recall:.3f}", f"{scores.f1:.3f}", str(scores.support))
    return table


def _confusion_table(report: LineReport) -> Table:
    (tn, fp), (fn, tp) = report.confusion
    table = Table(title="confusion matrix (rows: true, columns: predicted)")
    table.add_column("")
    table.add_column("noise", justify="right")
    table.add_column("content", justify="right")
    table.add_row("noise", str(tn), str(fp))
    table.add_row("content", str(fn), str(tp))
    return table


def _rule(threshold: float | None, digits: int = 2) -> str:
    return "a cut per page" if threshold is None else f"threshold {threshold:.{digits}f}"


def _curve_table(curve: list[CurvePoint]) -> Table:
    """The precision-recall trade-off per threshold (and a cut per page), with the benchmark's word F1 when pages have gold text."""
    with_words = any(point.words is not None for point in curve)
    table = Table(title="precision-recall curve (content)")
    for column in ("threshold", "precision", "recall", "F1", *(["word F1"] if with_words else [])):
        table.add_column(column, justify="right")
    for point in curve:
        c = point.line.content
        words = [f"{point.words.overall:.3f}"] if point.words is not None else []
        shown = "per page" if point.line.threshold is None else f"{point.line.threshold:.2f}"
        table.add_row(shown, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", *words)
    return table


def _comparison_tables(comparison: RendererComparison) -> list[Table]:
    """Methods one a row: their line-level content scores (the methods that label lines), then their word F1 overall
    and per page type (the methods scored on gold text)."""
    rendered_by = f", rendered by {comparison.renderer}" if comparison.renderer else ""
    rendered_by += f", laid out {comparison.convention}" if comparison.convention else ""
    lines = Table(title=f"content lines{rendered_by}, {comparison.pages} pages")
    for column in ("", "precision", "recall", "F1"):
        lines.add_column(column, justify="right" if column else "left")
    for method in comparison.methods:
        if method.line is not None:
            c = method.line.content
            lines.add_row(method.name, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}")
    # An HTML extractor has no lines to score: its row says "-" where the pages have no gold text to score it on.
    scored = [method for method in comparison.methods if method.words is not None or method.line is None]
    if not scored:
        return [lines]
    page_types = sorted({t for method in scored if method.words for t in method.words.by_type})
    words = Table(title=f"word F1 (benchmark metric){rendered_by}, {comparison.pages} pages")
    for column in ("", "all", *page_types):
        words.add_column(column, justify="right" if column else "left")
    for method in scored:
        report = method.words
        shown = [None] * (1 + len(page_types)) if report is None else [report.overall, *map(report.by_type.get, page_types)]
        words.add_row(method.name, *("-" if value is None else f"{value:.3f}" for value in shown))
    return [lines, words]


def _print_notes(result: Evaluation) -> None:
    """How the scores were made, before the tables that show them."""
    cross_validation = result.cross_validation
    if cross_validation is not None:
        if cross_validation.final_check:
            out.print("The model was trained on this data: the final-check sites (a fixed fifth, by a hash of the site's "
                      "name) are scored by a model trained on the other sites, never on fitted lines.")
        else:
            out.print("The model was trained on this data: scores are cross-validated "
                      f"({cross_validation.n_folds} folds; sites, or stretches of one page, held out), never on fitted lines.")
        if cross_validation.unseen_pages:
            out.print(f"{cross_validation.unseen_pages} page(s) from --unseen are scored with their site's fold and never trained on.")
        if cross_validation.max_folds is not None and not cross_validation.final_check:
            out.print(f"evaluated on {len(result.pages)} held-out page(s) of the first "
                      f"{min(cross_validation.max_folds, cross_validation.n_folds)} fold(s)")
    if result.threshold_chosen:
        out.print(f"chosen threshold: {result.threshold:.4f}")


@app.command("eval")
def evaluate(
    data: Annotated[Optional[list[Path]], typer.Argument(help="Labelled JSONL files or folders (default: ./seeds).")] = None,
    model_path: ModelOption = None,
    min_precision: Annotated[Optional[float], typer.Option(callback=_fraction, help="Choose the threshold reaching this content precision (0 to 1).")] = None,
    min_recall: Annotated[Optional[float], typer.Option(callback=_fraction, help="Choose the threshold reaching this content recall (0 to 1).")] = None,
    save: Annotated[Optional[Path], typer.Option("--save", help="Write the model with the chosen threshold here.")] = None,
    max_folds: Annotated[Optional[int], typer.Option(min=1, help="Cross-validate on only the first K folds (quicker).")] = None,
    html_root: Annotated[Optional[Path], typer.Option(exists=True, file_okay=False,
                                                     help="Folder the pages' `source` paths are under: adds the HTML extractors (trafilatura, jusText, Readability, BoilerPy3).")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help=(
        "Folder to write the precision-recall curve and the score histograms into (precision_recall.png, probabilities.png)."))] = None,
    pages_path: Annotated[Optional[Path], typer.Option("--pages", help=(
        "Write each page's scores here as JSON Lines, lowest word F1 first: its labelled and kept lines, word precision, "
        "recall and F1, and the HTML extractors' word F1 with --html-root."))] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Processes for cross-validation.")] = 1,
    unseen: Annotated[Optional[list[Path]], typer.Option(
        "--unseen", help="Labelled files or folders to score but never train on when cross-validating (repeatable), "
                         "such as another renderer's text of the same sites.")] = None,
    conventions: Annotated[Optional[list[str]], typer.Option(
        "--convention", help="Score every page laid out this way (repeatable; 'all' for the first four): blank-lines, "
                             "no-blank-lines (WET-like), wrapped (80 columns), indented (lynx-like), one-line (the "
                             "page on one line), double-spaced (a blank line after every line), sentences (one "
                             "sentence a line). Default: as the files have them.")] = None,
    sites: Annotated[str, typer.Option(
        "--sites", help="all; development (leave out the final-check fifth of the sites); final-check (train on the "
                        "development sites, score the final-check fifth).")] = "all",
    model_input: ModelInputOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Precision, recall and word F1 of a model on labelled pages, beside baselines (cross-validated when trained on them)."""
    from linesift.training import evaluation
    from linesift.training.conventions import CONVENTIONS, LINE_LAYOUTS
    from linesift.training.page_scores import is_page_scores, write_page_scores
    from linesift.training.plots import (
        PLOT_NAMES,
        PRECISION_RECALL_PNG,
        PROBABILITIES_PNG,
        PlotError,
        is_plot,
        plot_precision_recall,
        plot_probability_histograms,
    )

    asked = conventions or []
    named = [*LINE_LAYOUTS, *(name for name in asked if name not in ("all", *LINE_LAYOUTS))] if "all" in asked else asked
    unknown = [name for name in named if name not in CONVENTIONS]
    if unknown:
        fail(f"--convention {unknown[0]}: no such layout; choose from all, {', '.join(CONVENTIONS)}")
    if sites not in evaluation.SITES:
        fail(f"--sites {sites}: choose from {', '.join(evaluation.SITES)}")
    model = _load(model_path, model_input)
    if save is not None and same_file(save, str(model_path or builtin_model(model_input))):
        fail(f"--save {save} is the model being evaluated: choose another file")
    _refuse_replacing(save, is_model_file, "a linesift model file", "--save")
    if plot is not None:
        if plot.exists() and not plot.is_dir():
            fail(f"--plot {plot} is a file: name the folder to write the plots into")
        if save is not None and _inside(save, plot, PLOT_NAMES):
            fail(f"--plot {plot} and --save {save} would write over each other: give them other paths")
        for name in PLOT_NAMES:
            _refuse_replacing(plot / name, is_plot, "a plot linesift wrote", "--plot")
    if pages_path is not None:
        if save is not None and (same_file(pages_path, str(save)) or pages_path.resolve() == save.resolve()):
            fail(f"--pages {pages_path} and --save {save} would write over each other: give them other paths")
        _refuse_replacing(pages_path, is_page_scores, "page scores linesift eval wrote", "--pages")
    paths = data or _default_data(model_input)
    options = evaluation.EvalOptions(min_precision, min_recall, max_folds, html_root, jobs, tuple(named),
                                     cast("evaluation.Sites", sites))
    try:
        with _phases(quiet or not err.is_terminal) as progress:
            result = evaluation.evaluate(paths, unseen or [], model, options, progress)
    except DataError as error:
        _data_failure(error)
    except evaluation.UnreachableTargetError as error:
        fail(str(error), code=1)
    except evaluation.EvaluationError as error:
        fail(str(error))
    for warning in result.warnings:
        _warn(warning)
    _print_notes(result)
    out.print(_report_table(f"{len(result.pages)} page(s), {len(result.y_true)} labelled lines, {_rule(result.threshold)}",
                            result.report))
    out.print(_confusion_table(result.report))
    out.print(_curve_table(result.curve))
    for comparison in result.comparisons:
        for table in _comparison_tables(comparison):
            out.print(table)
    if plot is not None:
        try:
            plot_precision_recall(result.y_true, result.p_content, result.report, plot / PRECISION_RECALL_PNG)
            plot_probability_histograms(result.y_true, result.p_content, plot / PROBABILITIES_PNG)
        except PlotError as error:
            fail(str(error))
        out.print(f"plots written to {plot}")
    if pages_path is not None:
        with atomic_writer(pages_path) as stream:
            write_page_scores(result.page_scores, stream)
        distinct = len({score.id for score in result.page_scores})
        each = "" if distinct == len(result.page_scores) else f" ({distinct} pages, each in several renderings or layouts)"
        out.print(f"{len(result.page_scores)} page scores{each}, lowest word F1 first, written to {pages_path}",
                  soft_wrap=True)  # a path cut across lines cannot be copied
    if save is not None:
        model.threshold = result.threshold
        save_model(model, save)
        out.print(f"model with {_rule(result.threshold, 4)} written to {save}")


InputFormat = Literal["auto", "text", "html", "jsonl", "warc", "parquet"]
InputFormatOption = Annotated[InputFormat, typer.Option("--input-format", help=(
    "Kind of input (auto: by magic bytes, then name; a page opening with <!doctype html>, <html>, <head>, <body>, <meta> or <title> is HTML; "
    "stdin is JSONL when its first lines are JSON objects)."))]
_TEXT_FIELD_HELP = (f"JSONL field or Parquet column holding the text (default: {DEFAULT_TEXT_FIELD}); refused when no input is "
                    "JSONL or Parquet")
TextFieldOption = Annotated[Optional[str], typer.Option("--text-field", help=f"{_TEXT_FIELD_HELP}; a directory may hold any kind.")]
ExplainTextFieldOption = Annotated[Optional[str], typer.Option("--text-field", help=f"{_TEXT_FIELD_HELP}.")]
OutputFormat = Literal["text", "jsonl"]
EXIT_BAD_DATA = 1
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # what a shell reports for a tool stopped by a closed pipe
BYTES_PER_MB = 1_000_000


@app.command()
def predict(
    files: Annotated[list[str], typer.Argument(help="Files or directories to clean; '-' reads stdin.")],
    model_path: ModelOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help=(
        "For text and HTML pages: text: kept lines; jsonl: one record per line. "
        "jsonl is refused when no input is a page (records take --spans); a directory may hold any kind."))] = "text",
    threshold: ThresholdOption = None,
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", help="Write one output per input here, mirroring directories. Refused if it is inside an "
                                                                          "input directory, or if an output would replace an input or another output of the run.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse text pages that are not valid UTF-8 (or UTF-16/32 when a byte order mark says so; refused when no input is a text page).")] = False,
    input_format: InputFormatOption = "auto",
    text_field: TextFieldOption = None,
    glob: Annotated[str, typer.Option("--glob", help="File names to take from directories, e.g. '*.jsonl.gz'.")] = DEFAULT_GLOB,
    spans: Annotated[bool, typer.Option("--spans", help=(
        f"Add {SPANS_FIELD} to JSONL, WARC and Parquet records: start, end and p_content of every line of the text. "
        "Refused when no input holds records (pages take --format jsonl); a directory may hold any kind."))] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Processes cleaning in parallel; output order is kept.")] = 1,
    on_error: Annotated[OnError, typer.Option("--on-error", help="fail: stop at a bad record; skip: write it through and count it.")] = "fail",
    quiet: QuietOption = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="Also write an HTML page showing every line's decision and reasons (one text or HTML page).")] = None,
    html_model_path: HtmlModelOption = None,
    html_as_text: HtmlAsTextOption = False,
    keep_repeats: KeepRepeatsOption = False,
    keep_links: KeepLinksOption = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help=(
        "Replace files already in --output-dir (the outputs of an earlier run); without it they are refused. "
        "An input is never replaced."))] = False,
) -> None:
    """Clean pages, JSONL, WARC/WET or Parquet: text pages give their content lines, records gain linesift_text.

    HTML pages and WARC HTML records are parsed into blocks, cleaned by the model of HTML pages: a kept block a line."""
    # A bad model file is a usage error, reported before any input is read. The built-in model of HTML pages is
    # loaded where an HTML page needs it: cleaning text never reads it.
    model = _load(model_path, keep_repeats=keep_repeats)
    _check_html_options(html_model_path, html_as_text)
    read = _read_options(input_format, text_field, strict)
    given = [*([text_field_option(text_field)] if text_field is not None else []),
             *([SPANS_OPTION] if spans else []), *([LINE_RECORDS_OPTION] if output_format == "jsonl" else []),
             *([STRICT_OPTION] if strict else []), *_html_options(html_model_path, html_as_text)]
    try:
        refuse_unused_glob(files, glob, DEFAULT_GLOB)
        refuse_unusable_options(files, read, given)
    except InputError as error:
        fail(str(error))
    report_page = None if report is None else _report_page(files, report, read, output_dir, output_format == "jsonl",
                                                            html_as_text)
    options = RunOptions(
        read=read,
        clean=CleanOptions(None if model_path is None else str(model_path), threshold, spans,
                           None if html_model_path is None else str(html_model_path), html_as_text, keep_repeats, keep_links),
        output_dir=output_dir,
        line_records=output_format == "jsonl",
        on_error=on_error,
        jobs=jobs,
        pattern=glob,
        overwrite=overwrite,
    )
    started = time.monotonic()
    try:
        with _progress(quiet or not err.is_terminal) as progress:
            summary = clean_corpus(files, options, sys.stdout, _warn, progress)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except InputError as error:
        fail(str(error), EXIT_BAD_DATA if isinstance(error, BadRecordError) else EXIT_USAGE)
    except WorkerDiedError as error:
        fail(str(error), EXIT_BAD_DATA)
    except OSError as error:
        where = error.filename or ("stdout" if output_dir is None else "output")
        fail(f"cannot write {where}: {error.strerror or error}", EXIT_BAD_DATA)
    _print_summary(summary, time.monotonic() - started, quiet)
    # An empty stdin is most often an upstream step that failed (a curl error, a wrong path in a pipe); so are every
    # record skipped and a --text-field that no record has.
    names = ", ".join(STDIN_NAME if name == STDIN else name for name in files)
    if summary.skipped and not summary.documents:
        fail(f"{names}: every record was bad, nothing cleaned", EXIT_BAD_DATA)
    if not summary.documents and not summary.skipped:
        fail(f"{names}: nothing to clean: no page, nor any record holding one", EXIT_BAD_DATA)
    if not summary.bytes and not summary.skipped:
        fail(f"{names}: empty, nothing to clean", EXIT_BAD_DATA)
    if not summary.documents_with_text and not summary.skipped:
        # A pipe whose first step failed can still bring a line break: `echo "$(curl -s URL)" | linesift predict -`.
        fail(f"{names}: {NO_TEXT}, nothing to clean", EXIT_BAD_DATA)
    if report is not None and report_page is not None:
        _write_report(report_page, report, model, html_model_path, threshold)


def _read_options(input_format: InputFormat, text_field: str | None, strict: bool) -> ReadOptions:
    return ReadOptions(None if input_format == "auto" else input_format, text_field or DEFAULT_TEXT_FIELD, strict)


def _check_html_options(html_model_path: Path | None, html_as_text: bool) -> None:
    """Refuse ``--html-model`` beside ``--html-as-text``, which leaves it unused; load it, so that a bad model file is
    reported before any input is read."""
    if html_model_path is not None and html_as_text:
        fail("--html-model names the model of HTML pages, but --html-as-text reads HTML as text, with the model of "
             "text (--model): give one of them")
    if html_model_path is not None:
        _load(html_model_path, "html")


def _html_options(html_model_path: Path | None, html_as_text: bool) -> list[KindOption]:
    """The options given that only HTML can use (see :func:`refuse_unusable_options`)."""
    return [*([html_model_option(html_model_path)] if html_model_path is not None else []),
            *([HTML_AS_TEXT_OPTION] if html_as_text else [])]


def _report_page(files: list[str], report: Path, read: ReadOptions, output_dir: Path | None, line_records: bool,
                 html_as_text: bool) -> PageText:
    """The page a report will show, read as ``predict`` reads it; refused before anything is cleaned when there is not
    one text or HTML file, when the report would replace a file, or when the page is too long to show."""
    name = files[0]
    kind = read.input_format or kind_from_name(name)
    if len(files) != 1 or name == STDIN or kind not in PAGE_KINDS:
        why = " (stdin cannot be read twice)" if STDIN in files else ""
        fail(f"--report shows one page: give exactly one text or HTML file{why}")
    if same_file(report, name):
        fail(f"--report {report} is the input {name}: choose another file for the report")
    if (output := report_replaces_output(report, name, kind, output_dir, line_records)) is not None:
        fail(f"--report {report} is where the cleaned page goes ({output}): choose another file for the report")
    _refuse_replacing(report, is_report, "a linesift report", "--report")
    try:
        page = read_page_text(name, read, parse_html=not html_as_text)
        check_report_size(page.text)
    except (InputError, PageTooLargeError) as error:
        fail(f"{name}: {error}" if isinstance(error, PageTooLargeError) else str(error))
    return page


def _write_report(page: PageText, report: Path, model: Sifter, html_model_path: Path | None,
                  threshold: float | None) -> None:
    """The report of ``page`` (see :func:`_report_page`), written once the page is cleaned: a run that fails writes none."""
    scorer, structure, note = _scorer_of(page, model, html_model_path)
    try:
        write_report(report, scorer, page.text, threshold, title=page.where, structure=structure, note=note)
    except OSError as error:
        fail(f"cannot write {report}: {error.strerror or error}", EXIT_BAD_DATA)


@contextmanager
def _progress(silent: bool) -> Iterator[Callable[[Summary], None]]:
    """A live line of pages, MB and rates on stderr; nothing when ``silent`` (piped, or --quiet)."""
    if silent:
        yield lambda _: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.fields[pages]} pages, {task.fields[mb]:.1f} MB"),
        TextColumn("{task.fields[pages_per_s]:.1f} pages/s, {task.fields[mb_per_s]:.2f} MB/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("cleaning", total=None, pages=0, mb=0.0, pages_per_s=0.0, mb_per_s=0.0)
        started = time.monotonic()

        def update(summary: Summary) -> None:
            elapsed = max(time.monotonic() - started, 1e-9)
            mb = summary.bytes / BYTES_PER_MB
            bar.update(task, pages=summary.documents, mb=mb, pages_per_s=summary.documents / elapsed, mb_per_s=mb / elapsed)

        yield update


@contextmanager
def _phases(silent: bool) -> Iterator[PhaseProgress]:
    """A live line on stderr naming what training or evaluation is doing, with its count; nothing when ``silent``."""
    if silent:
        yield lambda phase, done, total: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.fields[count]}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("starting", total=None, count="")

        def report(phase: str, done: int, total: int | None) -> None:
            bar.update(task, description=phase, count="" if total is None else f"{done}/{total}")

        yield report


def _warn(message: str) -> None:
    err.print(f"warning: {message}", highlight=False, markup=False, soft_wrap=True)


def _print_summary(summary: Summary, seconds: float, quiet: bool) -> None:
    """Bad records are always reported; the totals only on a terminal, where someone is watching."""
    if summary.skipped:
        per_input = ", ".join(f"{name}: {count}" for name, count in summary.skipped_by_input.items())
        err.print(f"{summary.skipped} bad record(s) skipped ({per_input})", highlight=False, markup=False, soft_wrap=True)
    if not quiet and err.is_terminal:
        err.print(f"cleaned {summary.documents} document(s), {summary.bytes / BYTES_PER_MB:.1f} MB, from {summary.inputs} input(s) in {seconds:.1f} s",
                  highlight=False, markup=False)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # stdout is not a file descriptor (captured by a test runner): nothing will flush into a pipe


EXPLAIN_TEXT_WIDTH = 60  # characters of a line shown in the all-lines table; --line shows it whole


def _reason_lines(reasons: tuple[Reason, ...]) -> Text:
    return Text("\n".join(f"{r.contribution:+.2f} {r.description}" for r in reasons))


def _reasons_table(title: str, explanation: LineExplanation | PassExplanation) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("weight", justify="right")
    table.add_column("reason")
    for reason in (*explanation.reasons_for, *explanation.reasons_against):
        table.add_row(f"{reason.contribution:+.2f}", Text(reason.description))
    return table


def _print_explanation(explanation: LineExplanation) -> None:
    note = "" if explanation.drop_note is None else f": {explanation.drop_note}"
    out.print(Text(f"line {_number(explanation)}: {explanation.label} (P(content) {explanation.p_content:.3f}, "
                   f"page cut {explanation.cut:.3f}){note}", style="bold"))
    if explanation.code_block is not None:
        start, end = explanation.code_block
        out.print(f"in the fenced code block of lines {start} to {end}: its P(content) is the block's mean, so the "
                  "block is kept or dropped whole")
    if explanation.paragraph is not None:
        start, end = explanation.paragraph
        out.print(f"in the paragraph wrapped over lines {start} to {end}: the paragraph is read as one line, its "
                  "reasons below, and kept or dropped whole")
    out.print(Text(visible(explanation.text)), soft_wrap=True)
    if explanation.first_pass is None:
        out.print("a blank line: it only separates blocks and is never content")
        return
    first = explanation.first_pass
    if not (explanation.reasons_for or explanation.reasons_against or first.reasons_for or first.reasons_against):
        return  # --top 0: no reasons asked for
    out.print(_reasons_table("decision (second pass): for and against content", explanation))
    out.print(_reasons_table(f"first pass (P(content) {first.p_content:.3f}), read by the second pass", first))


def _number(explanation: LineExplanation) -> str:
    """A line's number, and a piece's as its line's and its own: 3.2 for the second piece of line 3."""
    return str(explanation.number) + ("" if explanation.piece is None else f".{explanation.piece}")


def _explanations_table(explanations: list[LineExplanation]) -> Table:
    cut = f", kept from P {explanations[0].cut:.2f}" if explanations else ""
    reasons = any(e.reasons_for or e.reasons_against for e in explanations)  # none with --top 0
    table = Table(title=f"why each line was kept or dropped (second-pass weights{cut})" if reasons else
                  f"each line's label{cut}")
    columns = (("#", "right"), ("P", "right"), ("label", "left"), ("text", "left"), ("for", "left"), ("against", "left"))
    for column, justify in columns if reasons else columns[:4]:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for e in explanations:
        text = visible(e.text)  # a page's escape sequences shown, not sent to the terminal
        shown = text if len(text) <= EXPLAIN_TEXT_WIDTH else text[: EXPLAIN_TEXT_WIDTH - 1] + "…"
        label = e.label if e.drop_note is None else f"{e.label}: {e.drop_note}"
        label += "" if e.code_block is None else f" (code block {e.code_block[0]}-{e.code_block[1]})"
        label += "" if e.paragraph is None else f" (paragraph {e.paragraph[0]}-{e.paragraph[1]})"
        row: list[str | Text] = [_number(e), f"{e.p_content:.2f}", label, Text(shown)]
        table.add_row(*row, *([_reason_lines(e.reasons_for), _reason_lines(e.reasons_against)] if reasons else []))
    return table


@app.command()
def explain(
    file: Annotated[str, typer.Argument(help="File to explain, read as predict reads it; '-' reads stdin.")],
    line: Annotated[Optional[int], typer.Option("--line", help=(
        "Explain only this line (1-based, the line of the text as predict --format jsonl numbers it), with the first pass's reasons; "
        "a line holding most of its page, each of its pieces."))] = None,
    record: Annotated[Optional[int], typer.Option("--record", min=1, help=(
        "For JSONL, WARC and Parquet input: explain the page of this record (1-based, as predict's messages number them); "
        "a file of one record needs none."))] = None,
    input_format: InputFormatOption = "auto",
    text_field: ExplainTextFieldOption = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Reasons shown for and against each line.")] = DEFAULT_TOP,
    output_format: Annotated[Literal["table", "jsonl"], typer.Option("--format", help="table: for reading; jsonl: one record per line.")] = "table",
    model_path: ModelOption = None,
    threshold: ThresholdOption = None,
    html_model_path: HtmlModelOption = None,
    html_as_text: HtmlAsTextOption = False,
    keep_repeats: KeepRepeatsOption = False,
) -> None:
    """Show why each line was kept or dropped: the features that weighed most for and against it.

    An HTML page is explained as predict cleans it: its blocks, with the reasons its markup gives."""
    read = _read_options(input_format, text_field, strict=False)
    model = _load(model_path, keep_repeats=keep_repeats)
    _check_html_options(html_model_path, html_as_text)
    try:
        refuse_unusable_options([file], read, [*([text_field_option(text_field)] if text_field is not None else []),
                                                *_html_options(html_model_path, html_as_text)])
        page = read_page_text(file, read, record, parse_html=not html_as_text)
    except InputError as error:
        fail(str(error))
    if page.warning:
        _warn(page.warning)
    scorer, structure, _ = _scorer_of(page, model, html_model_path)
    explanations = explain_lines(scorer, page.text, top, threshold, structure)
    if all(not explanation.text.strip() for explanation in explanations):
        fail(f"{page.where}: {NO_TEXT}, nothing to explain", EXIT_BAD_DATA)
    if line is not None:
        lines = explanations[-1].number if explanations else 0
        if not 1 <= line <= lines:
            fail(f"--line {line} is out of range: {page.where} has {lines} line(s)")
        explanations = [explanation for explanation in explanations if explanation.number == line]
    try:
        _show_explanations(explanations, output_format, whole=line is not None and len(explanations) == 1)
        sys.stdout.flush()
    except BrokenPipeError:  # `explain ... | head`: stop as predict does
        _silence_stdout()
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except OSError as error:  # a full disk
        _silence_stdout()
        fail(f"cannot write stdout: {error.strerror or error}", EXIT_BAD_DATA)


def _show_explanations(explanations: list[LineExplanation], output_format: str, whole: bool) -> None:
    """JSON records, or a table; one line ``whole``, with its first pass's reasons."""
    if output_format == "jsonl":
        for explanation in explanations:
            write_json_line(sys.stdout, explanation_record(explanation))
        return
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # what a terminal that is not UTF-8 cannot show, as "?"
    if whole:
        _print_explanation(explanations[0])
    else:
        out.print(_explanations_table(explanations))


def run() -> None:
    """The ``linesift`` command: the app, with a failed write to stdout (a full disk) said in one line, where a
    command that does not catch it would end in a traceback."""
    try:
        app(prog_name="linesift")
    except OSError as error:
        if error.filename is not None:  # a file's: the commands report those themselves, or it is a defect
            raise
        _silence_stdout()
        err.print(f"[bold red]error:[/] cannot write stdout: {escape(error.strerror or str(error))}", highlight=False)
        sys.exit(EXIT_BAD_DATA)


__all__ = ["app", "run"]


corpus_app = typer.Typer(no_args_is_help=True, help="Build labelled training data from HTML pages and their gold text.")
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("build")
def corpus_build(
    source: Annotated[Path, typer.Argument(help="A WCXB folder (ground-truth.jsonl[.gz] + html/) or a folder of NAME.html + NAME.txt pairs.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the labelled corpus files.")] = Path("seeds"),
    renderers: Annotated[Optional[list[str]], typer.Option("--renderer", help="Renderer(s) to write a corpus for (repeatable).")] = None,
    prefix: Annotated[Optional[str], typer.Option(help="File name prefix (default: the source folder's name).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Processes for rendering and alignment.")] = 1,
) -> None:
    """Render each page, label its lines by aligning them to the gold text, write OUT/PREFIX.RENDERER.jsonl.gz."""
    from linesift.io.render import DEFAULT_RENDERER
    from linesift.training.corpus import (  # joblib and the aligner: only this command needs them
        CorpusOptionError,
        EmptyCorpusError,
        SourceError,
        build_corpus,
    )

    if not source.is_dir():
        fail(f"{source}: not a folder of pages")
    try:
        summary = build_corpus(source, out_dir, renderers or [DEFAULT_RENDERER], prefix=prefix, n_jobs=jobs)
    except KeyError as error:
        fail(str(error.args[0]))
    except (WouldReplaceError, CorpusOptionError) as error:
        fail(str(error))
    except (EmptyCorpusError, SourceError) as error:
        fail(str(error), EXIT_BAD_DATA)
    for renderer, path in summary.files.items():
        out.print(f"{renderer}: {summary.written[renderer]} of {summary.pages} pages written to {path}", highlight=False)
    for (renderer, reason), count in sorted(summary.skip_counts().items()):
        out.print(f"{renderer}: {count} page(s) skipped: {reason}", highlight=False)
