"""Shared fixtures: the seed page, its labels, the built-in model, and the expensive fits done once.

Fitting the two-pass model on the seed takes several seconds, and cross-validating it several times
that, so both are computed once per test session and shared:

* ``seed_training`` runs ``linesift train`` on the seed once and keeps the command's result, the model
  file it wrote and the in-memory model it saved (captured by wrapping, not replacing, the library call);
* ``seed_cross_validation`` memoises :func:`linesift.training.evaluate.cross_validated_probabilities`
  for the seed pages, so the quality gate and ``linesift eval`` read the same deterministic scores;
  ``seed_fold_models`` memoises the fold models, and ``shared_cross_validation`` hands them to
  :func:`linesift.training.evaluation.evaluate`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from typer.testing import CliRunner

from linesift.model.modelfile import load_model
from linesift.model.sifter import Sifter
from linesift.training import evaluate, evaluation
from linesift.training.data import LabelledPage, load_pages
from linesift.training.train import TrainingParams

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_ID = "000_bbcd66fa357995a9"
SEED_TEXT_PATH = SEEDS / f"{SEED_ID}.txt"
SEED_LABELS_PATH = SEEDS / f"{SEED_ID}.jsonl"


def encoded_twice(text: str) -> bytes:
    """``text`` as UTF-8 bytes read as Windows-1252 and written out as UTF-8 again, as some sites serve it (the
    five bytes Windows-1252 leaves out read as Latin-1, as browsers read them: ``”`` ends in one)."""
    return "".join(bytes((byte,)).decode("cp1252", errors="ignore") or chr(byte) for byte in text.encode("utf-8")).encode("utf-8")


def script_module(name: str) -> Iterator[ModuleType]:
    """``scripts/NAME.py`` loaded as the module ``name`` for a fixture to yield from; registered in ``sys.modules``
    while it is in use (dataclasses look their module up by name)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[name]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def seed_labels_path() -> Path:
    return SEED_LABELS_PATH


@pytest.fixture(scope="session")
def seed_text_path() -> Path:
    return SEED_TEXT_PATH


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_TEXT_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_pages() -> list[LabelledPage]:
    return load_pages([SEED_LABELS_PATH])


@pytest.fixture(scope="session")
def builtin_model() -> Sifter:
    return load_model()


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


@dataclass(frozen=True)
class SeedTraining:
    """``linesift train`` on the seed: what it printed, the file it wrote and the model it saved."""

    result: object  # click.testing.Result
    model_path: Path
    model: Sifter
    workdir: Path


@pytest.fixture(scope="session")
def seed_training(tmp_path_factory: pytest.TempPathFactory, runner: CliRunner) -> SeedTraining:
    import linesift.cli as cli
    import linesift.training.pipeline as pipeline

    workdir = tmp_path_factory.mktemp("train")
    model_path = workdir / "models" / "seed-model.json"
    trained: list[Sifter] = []
    real_train_from_files = pipeline.train_from_files

    def capturing_train_from_files(*args, **kwargs):
        model = real_train_from_files(*args, **kwargs)
        trained.append(model)
        return model

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "train_from_files", capturing_train_from_files)
        result = runner.invoke(cli.app, ["train", str(SEED_LABELS_PATH), "--out", str(model_path)])
    assert result.exit_code == 0, result.output
    assert len(trained) == 1
    return SeedTraining(result, model_path, trained[0], workdir)


def _pages_key(pages: list[LabelledPage]) -> tuple:
    return tuple((page.id, tuple(page.lines), page.labels.tobytes()) for page in pages)


@pytest.fixture(scope="session")
def seed_cross_validation() -> Callable[..., list[np.ndarray]]:
    """``cross_validated_probabilities`` with a memory: each (pages, params, trainable) is fitted once.

    Returns the probabilities, or the probabilities and the lines held out with ``held_out=True``.
    """
    real = evaluate.cross_validated_probabilities
    cache: dict[tuple, tuple[list[np.ndarray], list[np.ndarray]]] = {}

    def cross_validated(pages, params: TrainingParams = TrainingParams(), n_jobs: int = 1, examples=None,
                        trainable=None, to_score=None, held_out: bool = False):
        key = (_pages_key(list(pages)), params, None if trainable is None else tuple(trainable),
               None if to_score is None else tuple(to_score))
        if key not in cache:
            cache[key] = real(pages, params, n_jobs=n_jobs, examples=examples, trainable=trainable, to_score=to_score)
        probabilities = [p.copy() for p in cache[key][0]]
        return (probabilities, [mask.copy() for mask in cache[key][1]]) if held_out else probabilities

    return cross_validated


@pytest.fixture(scope="session")
def seed_fold_models() -> Callable[..., evaluate.FoldModels]:
    """``fold_models`` with a memory: each (pages, params, folds evaluated, sites) is fitted once."""
    real = evaluate.fold_models
    cache: dict[tuple, evaluate.FoldModels] = {}

    def fitted(pages, params: TrainingParams = TrainingParams(), n_jobs: int = 1, examples=None, max_folds=None,
               progress=evaluate.no_progress, groups=None) -> evaluate.FoldModels:
        key = (_pages_key(list(pages)), params, max_folds, None if groups is None else tuple(sorted(groups)))
        if key not in cache:
            cache[key] = real(pages, params, n_jobs, examples, max_folds, progress, groups)
        return cache[key]

    return fitted


@pytest.fixture()
def shared_cross_validation(monkeypatch: pytest.MonkeyPatch, seed_fold_models) -> list:
    """Let :func:`~linesift.training.evaluation.evaluate` reuse the session's fold models of the seed; record each
    fit asked for (the pages learnt from and the parameters)."""
    calls: list = []

    def fitted(pages, params, n_jobs=1, examples=None, max_folds=None, progress=evaluate.no_progress, groups=None):
        calls.append((pages, params))
        return seed_fold_models(pages, params, n_jobs, examples, max_folds, progress, groups)

    monkeypatch.setattr(evaluation, "fold_models", fitted)
    return calls
