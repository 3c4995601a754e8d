"""The model file: versioned JSON that holds numbers and names only, so loading it runs no code.

Loading checks everything before use: the format and its version, that the feature names are the
ones this code computes, the shapes, and that every number is finite. A file that fails any check is
refused with a :class:`ModelFileError` naming the file and the problem.
"""

from __future__ import annotations

import json
import math
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import numpy as np

from linesift.atomic import atomic_writer
from linesift.model.context import context_feature_names
from linesift.model.cuts import check_threshold
from linesift.model.features import feature_names
from linesift.model.linear import LinearScorer
from linesift.model.ngrams import N_BUCKETS
from linesift.model.sifter import READS, ModelInput, Sifter
from linesift.model.structure import N_STRUCTURE_BUCKETS, SECTION_NAMES
from linesift.model.structure import NAMES as STRUCTURE_NAMES

if TYPE_CHECKING:  # importlib.resources.abc is new in Python 3.11
    from importlib.resources.abc import Traversable

FORMAT = "linesift-model"
FORMAT_VERSION = 1
MAX_MODEL_BYTES = 64 * 1024 * 1024  # far above any real model; stops a huge file before parsing it
_SIGNIFICANT_DIGITS = 10
# Bounds on stored parameters, far outside what training gives (|values| of a few units, scales above
# the classifier's 1e-9 constant-column cut) yet tight enough that no line's score can overflow to NaN.
MAX_PARAMETER = 1e6
MIN_SCALE = 1e-12
DEFAULT_MODEL = "default_model.json"
DEFAULT_HTML_MODEL = "html_model.json"  # the built-in model of HTML pages


class ModelFileError(ValueError):
    """A model file that cannot be used, with the reason."""


def stage_feature_names(model_input: ModelInput = "text") -> dict[str, list[str]]:
    """The feature names each stage of a model of ``model_input`` built by this code must carry: a model of HTML
    pages reads the structural columns before the text's."""
    html = model_input == "html"
    dense = (STRUCTURE_NAMES if html else []) + feature_names()
    return {"first": dense, "second": context_feature_names() + (SECTION_NAMES if html else []) + dense}


def hashed_buckets(model_input: ModelInput = "text") -> int:
    """The hashed columns of a first stage: the n-grams, then for HTML pages the structural tokens."""
    return N_BUCKETS + (N_STRUCTURE_BUCKETS if model_input == "html" else 0)


def _round(values: np.ndarray) -> list[float]:
    return [float(f"{value:.{_SIGNIFICANT_DIGITS}g}") for value in np.asarray(values, dtype=np.float64).ravel()]


def _stage_to_dict(classifier: LinearScorer, names: list[str], n_hashed: int) -> dict[str, Any]:
    coef = classifier.coef_
    return {
        "feature_names": names,
        "hashed_buckets": n_hashed,
        "mean": _round(classifier.mean_),
        "scale": _round(classifier.scale_),
        "coef": _round(coef[: len(names)]),
        "hashed_coef": _round(coef[len(names) :]),
        "intercept": _round(np.array([classifier.intercept_]))[0],
        "C": classifier.C,
    }


def model_to_dict(model: Sifter) -> dict[str, Any]:
    names = stage_feature_names(model.input)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "input": model.input,
        "threshold": None if model.threshold is None else float(model.threshold),
        "stages": {
            "first": _stage_to_dict(model.first, names["first"], hashed_buckets(model.input)),
            "second": _stage_to_dict(model.second, names["second"], 0),
        },
        **model.metadata,
    }


def write_json_atomically(path: Path, document: Any) -> None:
    """Write JSON so that an interrupted write never leaves a half-written file under ``path``."""
    with atomic_writer(Path(path)) as out:
        json.dump(document, out, indent=1, ensure_ascii=False, allow_nan=False)
        out.write("\n")


def save_model(model: Sifter, path: Path) -> None:
    write_json_atomically(path, model_to_dict(model))


def is_model_file(head: bytes) -> bool:
    """Whether ``head``, the first bytes of a file, opens a model file as :func:`save_model` writes it."""
    return f'"format": "{FORMAT}"'.encode() in head[:64]


def _is_finite_number(value: Any) -> bool:
    """A JSON number that is a finite float; an integer literal too large for a float is not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _numbers(stage: dict, key: str, length: int, where: str) -> np.ndarray:
    values = stage.get(key)
    if not isinstance(values, list) or len(values) != length:
        got = f"{len(values)} values" if isinstance(values, list) else type(values).__name__
        raise ModelFileError(f"{where}.{key} must be a list of {length} numbers, got {got}")
    if not all(_is_finite_number(v) for v in values):
        raise ModelFileError(f"{where}.{key} must hold finite numbers only")
    array = np.asarray(values, dtype=np.float64)
    if np.any(np.abs(array) > MAX_PARAMETER):
        raise ModelFileError(f"{where}.{key} holds a value beyond ±{MAX_PARAMETER:g}, which no trained model has")
    return array


def _stage_from_dict(stage: Any, expected_names: list[str], n_hashed: int, where: str) -> LinearScorer:
    if not isinstance(stage, dict):
        raise ModelFileError(f"{where} must be an object")
    names = stage.get("feature_names")
    if names != expected_names:
        raise ModelFileError(f"{where}.feature_names do not match the features this version of linesift computes; retrain the model")
    if stage.get("hashed_buckets") != n_hashed:
        raise ModelFileError(f"{where}.hashed_buckets must be {n_hashed}")
    n = len(names)
    coef = np.concatenate([_numbers(stage, "coef", n, where), _numbers(stage, "hashed_coef", n_hashed, where)])
    mean, scale = _numbers(stage, "mean", n, where), _numbers(stage, "scale", n, where)
    if np.any(scale <= 0):
        raise ModelFileError(f"{where}.scale must be positive")
    if np.any(scale < MIN_SCALE):
        raise ModelFileError(f"{where}.scale must be at least {MIN_SCALE:g}")
    intercept = _numbers({"intercept": [stage.get("intercept")]}, "intercept", 1, where)[0]
    c_value = stage.get("C", 1.0)
    if not _is_finite_number(c_value) or c_value <= 0:
        raise ModelFileError(f"{where}.C must be a positive number")
    return LinearScorer.of(float(c_value), coef, float(intercept), mean, scale)


def model_from_dict(document: Any) -> Sifter:
    if not isinstance(document, dict):
        raise ModelFileError("the model must be a JSON object")
    if document.get("format") != FORMAT:
        raise ModelFileError(f"not a linesift model (format is {document.get('format')!r}, expected {FORMAT!r})")
    version = document.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:  # true == 1 in Python, not in the format
        raise ModelFileError(f"unsupported model format version {version!r}; this linesift reads version {FORMAT_VERSION}")
    threshold = document.get("threshold", False)  # null: each page gets its own cut
    try:
        check_threshold(threshold)
    except (TypeError, ValueError):
        raise ModelFileError("threshold must be a number between 0 and 1, or null for a cut per page") from None
    stages = document.get("stages")
    if not isinstance(stages, dict):
        raise ModelFileError("stages must be an object with 'first' and 'second'")
    model_input = document.get("input", "text")  # files written before HTML models read text
    if model_input not in get_args(ModelInput):
        raise ModelFileError(f"input must be one of {', '.join(get_args(ModelInput))}, got {model_input!r}")
    names = stage_feature_names(model_input)
    first = _stage_from_dict(stages.get("first"), names["first"], hashed_buckets(model_input), "stages.first")
    second = _stage_from_dict(stages.get("second"), names["second"], 0, "stages.second")
    for key in ("training", "versions"):  # optional records of where the model came from
        if key in document and not isinstance(document[key], dict):
            raise ModelFileError(f"{key} must be an object")
    metadata = {key: value for key, value in document.items()
                if key not in {"format", "format_version", "input", "threshold", "stages"}}
    return Sifter(first, second, None if threshold is None else float(threshold), metadata, model_input)


def builtin_model(input: ModelInput = "text") -> Traversable:
    """The built-in model file of ``input``, inside the installed package."""
    return resources.files("linesift.model").joinpath(DEFAULT_HTML_MODEL if input == "html" else DEFAULT_MODEL)


def load_model(path: str | os.PathLike[str] | None = None, input: ModelInput = "text") -> Sifter:
    """Load a model of ``input`` from a file, or the built-in one when ``path`` is None: of text, or of HTML pages
    (it cleans with :meth:`Sifter.clean_html`, and leaves pages whose markup names fewer than half of their blocks to
    the built-in model of text, its :attr:`Sifter.text_model`). Never unpickles anything.

    Raises ValueError for an unknown ``input``, :class:`ModelFileError` for a file that is not a model of ``input``, and
    TypeError for a ``path`` that is not a path (an int would be read as a file descriptor, and closed).
    """
    if path is not None and not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"path must be a str, bytes or os.PathLike (or None for the built-in model), not {type(path).__name__}")
    if input not in get_args(ModelInput):
        raise ValueError(f"input must be one of {', '.join(get_args(ModelInput))}, not {input!r}")
    if path is None:
        source = builtin_model(input)
        name = f"built-in model ({source.name})"
        try:
            raw = source.read_bytes()
        except FileNotFoundError:
            raise ModelFileError(f"{name} is missing from the installation; reinstall linesift") from None
    else:
        name = str(path) or "''"
        try:
            # Read to one byte past the limit whatever size the file reports: a device or a pipe reports none.
            with open(path, "rb") as handle:
                raw = handle.read(MAX_MODEL_BYTES + 1)
        except OSError as error:
            raise ModelFileError(f"{name}: cannot read the model file ({error.strerror or error})") from None
        if len(raw) > MAX_MODEL_BYTES:
            raise ModelFileError(f"{name}: larger than {MAX_MODEL_BYTES // (1024 * 1024)} MB, not a linesift model")
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as error:
        raise ModelFileError(f"{name}: not valid model JSON ({error})") from None
    try:
        model = model_from_dict(document)
    except ModelFileError as error:
        raise ModelFileError(f"{name}: {error}") from None
    if model.input != input:
        where = ("predict and explain --html-model, eval --input html, load_model(path, input='html')" if model.input == "html"
                 else "predict and explain --model, eval without --input html, load_model(path)")
        raise ModelFileError(f"{name}: a model of {READS[model.input]}, not of {READS[input]} (give it to {where})")
    if model.input == "html":
        # Pages whose markup names few of their blocks are read as text (see Sifter.text_model).
        model.text_model = load_model()
    return model


def _refuse_constant(token: str) -> float:
    raise ValueError(f"{token} is not allowed in a model file")
