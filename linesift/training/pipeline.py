"""Train a model from files and describe what it was trained on, for the model file."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from threadpoolctl import threadpool_info

from linesift.model.sifter import ModelInput, Sifter
from linesift.training.conventions import training_mix
from linesift.training.data import (
    BLANK,
    LabelledPage,
    check_model_input,
    check_trainable,
    data_files,
    data_sha256,
    describe_files,
    load_pages,
)
from linesift.training.evaluate import LineReport, keeps_report
from linesift.training.excerpts import with_excerpts
from linesift.training.progress import Progress, no_progress
from linesift.training.train import TrainingParams, prepare, train_examples

# Hex digits of a page's fingerprint: 64 bits, so that of 5,000 pages learnt and 5,000 evaluated, two share one by chance
# about once in 7 x 10^11 evaluations; a model file holds one for every labelled page it learnt from.
FINGERPRINT_CHARS = 16


def library_versions() -> dict[str, str]:
    """The versions a model was trained with, and the BLAS library and CPU kernels numpy ran on: those kernels
    round sums differently from one processor to the next."""
    blas = [f"{pool.get('internal_api')} {pool.get('version')} ({pool.get('architecture')})" for pool in threadpool_info()
            if pool.get("user_api") == "blas"]
    return {"python": platform.python_version(), **{name: version(name) for name in ("linesift", "numpy", "scipy", "scikit-learn")},
            "blas": "; ".join(sorted(blas))}


def training_pages(pages: Sequence[LabelledPage], params: TrainingParams) -> list[LabelledPage]:
    """What a model learns from labelled ``pages``: each in one of the layouts users feed (see
    :mod:`linesift.training.conventions`), then short pages cut from them (:mod:`linesift.training.excerpts`)."""
    return with_excerpts(training_mix(pages), params.excerpts_per_page)


def train_from_files(paths: Sequence[Path], params: TrainingParams = TrainingParams(), n_jobs: int = 1,
                     progress: Progress = no_progress, model_input: ModelInput = "text") -> Sifter:
    """Train a model of ``model_input`` on the labelled files in ``paths`` and record the data's hashes and
    in-sample scores.

    Raises :class:`~linesift.training.data.DataError` naming the file when the data cannot be read or
    learnt from (no labelled line, one class only, or pages of another input than ``model_input``).
    """
    files = data_files(paths)
    labelled = load_pages(files, progress)
    where = describe_files(files)
    check_trainable(labelled, where)
    check_model_input(labelled, model_input, where)
    pages = training_pages(labelled, params)
    examples = prepare(pages, params.n_folds, n_jobs, progress)
    model = train_examples(examples, params, n_jobs, progress)
    progress("scoring the training pages", 0, None)
    report = in_sample_report(model, labelled)
    model.metadata = {
        "training": {
            "data_sha256": data_sha256(files),
            "files": {file.name: data_sha256([file]) for file in files},
            "pages": len(labelled),
            "pages_learnt": len(pages),  # the pages in their layouts, and the short pages cut from them
            "lines": sum(int((page.labels != BLANK).sum()) for page in labelled),
            "content_lines": sum(int((page.labels == 1).sum()) for page in labelled),
            "params": params.as_dict(),
            "in_sample": {"content_precision": report.content.precision, "content_recall": report.content.recall},
            "page_fingerprints": sorted({page_fingerprint(page) for page in labelled}),
        },
        "versions": library_versions(),
    }
    return model


def in_sample_report(model: Sifter, labelled: Sequence[LabelledPage]) -> LineReport:
    """What a model file records as its in-sample figures: the lines ``model`` keeps when it cleans each labelled page
    as the files have it, by the rules that decide lines today, scored against the labels (all pages at once, so not
    counted page by page)."""
    labelled = [page.read_as_text() for page in labelled]
    given = [page.text_page() for page in labelled]
    structures = [page.structure for page in labelled if page.structure is not None]
    decisions = model.decide_many(given, structures=structures if model.input == "html" else None)
    return keeps_report(labelled, [decision.keep(page) for page, decision in zip(given, decisions)], model.threshold)


def training_info(model: Sifter) -> dict:
    """The model file's record of its training data, or ``{}`` when it has none in the expected shape."""
    info = model.metadata.get("training")
    return info if isinstance(info, dict) else {}


def trained_on(model: Sifter, files: Sequence[Path]) -> bool:
    """Whether any of ``files`` was part of the model's training data (by content hash)."""
    known = training_info(model).get("files")
    if not isinstance(known, dict):
        return False
    return any(data_sha256([file]) in set(known.values()) for file in files)


def page_fingerprint(page: LabelledPage) -> str:
    """A short hash of a page's lines: the same page in any file (copied, compressed, written again) has the same."""
    return hashlib.sha256("\n".join(page.lines).encode("utf-8", errors="surrogatepass")).hexdigest()[:FINGERPRINT_CHARS]


def learnt_pages(model: Sifter, pages: Sequence[LabelledPage]) -> int:
    """How many of ``pages`` the model learnt from (see :func:`page_fingerprint`); 0 when its file does not say."""
    known = training_info(model).get("page_fingerprints")
    if not isinstance(known, list):
        return 0
    learnt = set(known)
    return sum(page_fingerprint(page) in learnt for page in pages)


def training_params(model: Sifter) -> TrainingParams:
    """The parameters the model was trained with; the defaults for what the file does not record."""
    recorded = training_info(model).get("params")
    if not isinstance(recorded, dict):
        return TrainingParams(threshold=model.threshold)
    fields = {"first_c": float, "second_c": float, "n_folds": int, "excerpts_per_page": int}
    values = {key: kind(recorded[key]) for key, kind in fields.items()
              if isinstance(recorded.get(key), (int, float)) and not isinstance(recorded.get(key), bool)
              and (recorded[key] > 0 or (key == "excerpts_per_page" and recorded[key] == 0))}
    return TrainingParams(**values, threshold=model.threshold)
