"""The JSON model file: round trip, documented layout, and every refusal with its message."""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from linesift.model import modelfile
from linesift.model.modelfile import (
    FORMAT,
    FORMAT_VERSION,
    ModelFileError,
    load_model,
    model_to_dict,
    save_model,
    stage_feature_names,
)
from linesift.model.ngrams import N_BUCKETS
from linesift.model.segment import Page
from linesift.model.sifter import Sifter
from linesift.training.train import TrainingParams

STAGE_KEYS = {"feature_names", "hashed_buckets", "mean", "scale", "coef", "hashed_coef", "intercept", "C"}


@pytest.fixture(scope="module")
def builtin_document() -> dict:
    return json.loads(resources.files("linesift.model").joinpath(modelfile.DEFAULT_MODEL).read_text(encoding="utf-8"))


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ModelFileError) as error:
        load_model(path)
    message = str(error.value)
    assert message.startswith(f"{path}: "), message  # the file is named
    return message


# --- round trip ---------------------------------------------------------------------------------


def test_round_trip_keeps_probabilities_and_coefficients(seed_training, seed_text: str, tmp_path: Path) -> None:
    trained: Sifter = seed_training.model
    loaded = load_model(seed_training.model_path)
    page = Page.from_text(seed_text)
    np.testing.assert_allclose(loaded.probabilities(page), trained.probabilities(page), rtol=0, atol=1e-9)
    for stage in ("first", "second"):
        before, after = getattr(trained, stage), getattr(loaded, stage)
        np.testing.assert_allclose(after.coef_, before.coef_, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(after.mean_, before.mean_, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(after.scale_, before.scale_, rtol=1e-6, atol=1e-12)
        assert after.intercept_ == pytest.approx(before.intercept_, rel=1e-6)
        assert after.n_scaled_ == before.n_scaled_
        assert after.C == before.C
    assert loaded.threshold == trained.threshold
    assert loaded.metadata == json.loads(json.dumps(trained.metadata))
    # Saving what was loaded writes the same file again.
    again = tmp_path / "again.json"
    save_model(loaded, again)
    assert again.read_bytes() == seed_training.model_path.read_bytes()


def test_file_is_json_with_the_documented_keys(seed_training, seed_labels_path: Path) -> None:
    document = json.loads(seed_training.model_path.read_text(encoding="utf-8"))
    assert document["format"] == FORMAT == "linesift-model"
    assert document["format_version"] == FORMAT_VERSION == 1
    assert document["threshold"] == TrainingParams().threshold
    names = stage_feature_names()
    assert set(document["stages"]) == {"first", "second"}
    for stage, n_hashed in (("first", N_BUCKETS), ("second", 0)):
        body = document["stages"][stage]
        assert set(body) == STAGE_KEYS
        assert body["feature_names"] == names[stage]
        assert body["hashed_buckets"] == n_hashed
        n = len(names[stage])
        assert [len(body[key]) for key in ("mean", "scale", "coef")] == [n, n, n]
        assert len(body["hashed_coef"]) == n_hashed
        assert isinstance(body["intercept"], float)
    training = document["training"]
    seed_sha256 = hashlib.sha256(seed_labels_path.read_bytes()).hexdigest()
    assert training["data_sha256"] == seed_sha256
    assert training["files"] == {seed_labels_path.name: seed_sha256}
    assert (training["pages"], training["lines"], training["content_lines"]) == (1, 68, 17)
    assert training["params"] == {"first_c": 0.1, "second_c": 1.0, "n_folds": 5, "excerpts_per_page": 3}
    assert set(document["versions"]) == {"python", "linesift", "numpy", "scipy", "scikit-learn", "blas"}
    assert training["pages_learnt"] == 1 + training["params"]["excerpts_per_page"]  # the page and its excerpts


def test_model_to_dict_matches_the_saved_file(seed_training) -> None:
    saved = json.loads(seed_training.model_path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(model_to_dict(seed_training.model))) == saved


def test_failed_save_leaves_the_previous_file_and_no_temporary_file(seed_training, tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    save_model(seed_training.model, target)
    before = target.read_bytes()
    broken = copy.deepcopy(seed_training.model)
    broken.first.coef_[0] = np.nan
    with pytest.raises(ValueError):
        save_model(broken, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


# --- the built-in model -------------------------------------------------------------------------


def test_load_model_loads_the_builtin_model(builtin_model: Sifter, seed_text: str) -> None:
    page = Page.from_text(seed_text)
    p = builtin_model.probabilities(page)
    assert p.shape == (len(page),)
    assert np.all((p >= 0) & (p <= 1))
    assert np.all(p[page.blank] == 0.0)
    assert builtin_model.threshold is None  # a cut per page


def test_builtin_model_is_json_not_pickle(builtin_document: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = resources.files("linesift.model").joinpath(modelfile.DEFAULT_MODEL).read_bytes()
    assert not raw.startswith(b"\x80")  # pickle protocol 2+ header
    assert raw.lstrip().startswith(b"{")
    assert builtin_document["format"] == FORMAT
    package = Path(str(resources.files("linesift")))
    assert not [p for p in package.rglob("*") if p.suffix in {".pkl", ".pickle", ".joblib", ".npy", ".npz", ".skops"}]

    def no_unpickling(*args, **kwargs):
        raise AssertionError("the model loader must not unpickle")

    monkeypatch.setattr(pickle, "load", no_unpickling)
    monkeypatch.setattr(pickle, "loads", no_unpickling)
    assert isinstance(load_model(), Sifter)


def test_builtin_model_has_the_documented_keys(builtin_document: dict) -> None:
    assert {"format", "format_version", "threshold", "stages", "training", "versions"} <= set(builtin_document)
    for stage in ("first", "second"):
        assert set(builtin_document["stages"][stage]) == STAGE_KEYS
    assert re.fullmatch(r"[0-9a-f]{64}", builtin_document["training"]["data_sha256"])


# --- refusals -----------------------------------------------------------------------------------


def test_unknown_version(builtin_document: dict, tmp_path: Path) -> None:
    document = dict(builtin_document, format_version=2)
    message = refusal(write(tmp_path / "m.json", document))
    assert message.endswith("unsupported model format version 2; this linesift reads version 1")
    assert "version None" in refusal(write(tmp_path / "n.json", {k: v for k, v in builtin_document.items() if k != "format_version"}))


def test_wrong_format_name(builtin_document: dict, tmp_path: Path) -> None:
    message = refusal(write(tmp_path / "m.json", dict(builtin_document, format="other-model")))
    assert message.endswith("not a linesift model (format is 'other-model', expected 'linesift-model')")
    assert "format is None" in refusal(write(tmp_path / "n.json", {"stages": {}}))


def test_feature_names_that_do_not_match(builtin_document: dict, tmp_path: Path) -> None:
    for change in (lambda names: names[:-1], lambda names: names[1:] + names[:1], lambda names: [*names[:-1], "renamed"]):
        document = copy.deepcopy(builtin_document)
        document["stages"]["second"]["feature_names"] = change(document["stages"]["second"]["feature_names"])
        message = refusal(write(tmp_path / "m.json", document))
        assert message.endswith("stages.second.feature_names do not match the features this version of linesift computes; retrain the model")


@pytest.mark.parametrize(
    ("stage", "key", "value", "expected"),
    [
        ("first", "coef", "drop_one", "stages.first.coef must be a list of {n} numbers, got {n_minus_1} values"),
        ("first", "hashed_coef", "drop_one", f"stages.first.hashed_coef must be a list of {N_BUCKETS} numbers, got {N_BUCKETS - 1} values"),
        ("second", "hashed_coef", [0.0], "stages.second.hashed_coef must be a list of 0 numbers, got 1 values"),
        ("second", "mean", "drop_one", "stages.second.mean must be a list of {n} numbers, got {n_minus_1} values"),
        ("first", "scale", 1.0, "stages.first.scale must be a list of {n} numbers, got float"),
        ("first", "coef", None, "stages.first.coef must be a list of {n} numbers, got NoneType"),
        ("first", "hashed_buckets", 1024, f"stages.first.hashed_buckets must be {N_BUCKETS}"),
        ("first", "coef", "string_inside", "stages.first.coef must hold finite numbers only"),
        ("first", "coef", "bool_inside", "stages.first.coef must hold finite numbers only"),
    ],
)
def test_wrong_shapes_and_types(builtin_document: dict, tmp_path: Path, stage: str, key: str, value: object, expected: str) -> None:
    document = copy.deepcopy(builtin_document)
    body = document["stages"][stage]
    n = len(body["feature_names"])
    if value == "drop_one":
        body[key] = body[key][:-1]
    elif value == "string_inside":
        body[key][3] = "0.5"
    elif value == "bool_inside":
        body[key][3] = True
    else:
        body[key] = value
    message = refusal(write(tmp_path / "m.json", document))
    assert message.endswith(expected.format(n=n, n_minus_1=n - 1))


def test_stage_that_is_not_an_object(builtin_document: dict, tmp_path: Path) -> None:
    document = copy.deepcopy(builtin_document)
    document["stages"]["first"] = []
    assert refusal(write(tmp_path / "m.json", document)).endswith("stages.first must be an object")
    document["stages"] = ["first", "second"]
    assert refusal(write(tmp_path / "n.json", document)).endswith("stages must be an object with 'first' and 'second'")


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(builtin_document: dict, tmp_path: Path, token: str) -> None:
    threshold = json.dumps(builtin_document["threshold"])
    text = json.dumps(builtin_document).replace(f'"threshold": {threshold}', f'"threshold": {token}', 1)
    assert token in text
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    message = refusal(path)
    assert "not valid model JSON" in message
    assert f"{token} is not allowed in a model file" in message


@pytest.mark.parametrize("where", ["coef", "mean", "hashed_coef"])
def test_nan_in_coefficients_is_refused(builtin_document: dict, tmp_path: Path, where: str) -> None:
    document = copy.deepcopy(builtin_document)
    document["stages"]["first"][where][0] = float("nan")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # json.dumps writes NaN
    assert "NaN is not allowed in a model file" in refusal(path)


def test_number_overflowing_to_infinity_is_refused(builtin_document: dict, tmp_path: Path) -> None:
    text = json.dumps(builtin_document)
    first_coef = json.dumps(builtin_document["stages"]["first"]["coef"][0])
    text = text.replace(f'"coef": [{first_coef},', '"coef": [1e999,', 1)
    assert "1e999" in text
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    assert refusal(path).endswith("stages.first.coef must hold finite numbers only")


def test_intercept_must_be_a_finite_number(builtin_document: dict, tmp_path: Path) -> None:
    for value in (None, "0.1", [0.1]):
        document = copy.deepcopy(builtin_document)
        document["stages"]["second"]["intercept"] = value
        assert refusal(write(tmp_path / "m.json", document)).endswith("stages.second.intercept must hold finite numbers only")


@pytest.mark.parametrize("value", [-1.0, 0.0])
def test_scale_must_be_positive(builtin_document: dict, tmp_path: Path, value: float) -> None:
    document = copy.deepcopy(builtin_document)
    document["stages"]["first"]["scale"][5] = value
    assert refusal(write(tmp_path / "m.json", document)).endswith("stages.first.scale must be positive")


@pytest.mark.parametrize("value", [0.0, -5.0, "1"])
def test_c_must_be_a_positive_number(builtin_document: dict, tmp_path: Path, value: object) -> None:
    document = copy.deepcopy(builtin_document)
    document["stages"]["first"]["C"] = value
    assert refusal(write(tmp_path / "m.json", document)).endswith("stages.first.C must be a positive number")


@pytest.mark.parametrize("value", [-0.01, 1.01, 2, "0.5", True])
def test_threshold_out_of_range(builtin_document: dict, tmp_path: Path, value: object) -> None:
    message = refusal(write(tmp_path / "m.json", dict(builtin_document, threshold=value)))
    assert message.endswith("threshold must be a number between 0 and 1, or null for a cut per page")


def test_threshold_missing_is_refused(builtin_document: dict, tmp_path: Path) -> None:
    document = {key: value for key, value in builtin_document.items() if key != "threshold"}
    assert refusal(write(tmp_path / "m.json", document)).endswith("or null for a cut per page")


@pytest.mark.parametrize("value", [0, 0.0, 1, 1.0, None])
def test_threshold_at_the_edges_is_accepted(builtin_document: dict, tmp_path: Path, value: float) -> None:
    assert load_model(write(tmp_path / "m.json", dict(builtin_document, threshold=value))).threshold == value


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"this is not json", "not valid model JSON"),
        (b"", "not valid model JSON"),
        (b'{"format": "linesift-model",', "not valid model JSON"),
        (b"\xff\xfe{}", "not valid model JSON"),
        (b"[1, 2, 3]", "the model must be a JSON object"),
        (b"null", "the model must be a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid model JSON"),
    ],
)
def test_not_json(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(content)
    assert expected in refusal(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    assert refusal(missing) == f"{missing}: cannot read the model file (No such file or directory)"
    assert "cannot read the model file" in refusal(tmp_path)


def test_oversized_file_is_refused_before_parsing(builtin_document: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "m.json", builtin_document)
    monkeypatch.setattr(modelfile, "MAX_MODEL_BYTES", 1024)
    monkeypatch.setattr(modelfile.json, "loads", lambda *a, **k: pytest.fail("parsed an oversized file"))
    assert "larger than" in refusal(path)
