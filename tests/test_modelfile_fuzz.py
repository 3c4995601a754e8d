"""Fuzzing the model loader: a damaged model file is refused with a ModelFileError, never anything else.

Hypothesis mutates the built-in model's JSON (replaced, removed and added values anywhere in the
tree, NaN and infinities, huge numbers, wrong types) and then its bytes (truncation, invalid UTF-8).
A mutation that still yields a valid model must load into one that scores every line finitely.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linesift.model import modelfile
from linesift.model.modelfile import (
    DEFAULT_MODEL,
    MAX_MODEL_BYTES,
    ModelFileError,
    load_model,
    save_model,
)

FUZZ_EXAMPLES = 200
PROBE_PAGE = "Home | News | Contact\n\nThe council approved the budget on Tuesday, after a long debate.\n{\"@type\": \"x\"}"
BASE_TEXT = resources.files("linesift.model").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8")

FUZZ_SETTINGS = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Numbers at the edges of what JSON and floats hold, drawn as often as everything else together.
EDGE_NUMBERS = [10**400, -(10**400), 1e308, -1e300, 1e-320, 1e-300, 0, -0.0, 65536, 1, True]
json_values = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8)
        | st.sampled_from(["1", "linesift-model"]),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
        max_leaves=8,
    ),
)
DESCEND_ODDS = 4  # descend with probability 3/4 at each level, so the numeric arrays deep inside are reached


def _mutate(document: Any, data: st.DataObject) -> Any:
    """Walk from the root to a random node and replace, remove, extend or shorten it."""
    node, parent, key = document, None, None
    while isinstance(node, (dict, list)) and node and data.draw(st.integers(1, DESCEND_ODDS), label="descend") > 1:
        parent, key = node, (data.draw(st.sampled_from(sorted(node)), label="key") if isinstance(node, dict)
                             else data.draw(st.integers(0, len(node) - 1), label="index"))
        node = node[key]
    action = data.draw(st.sampled_from(["replace", "remove", "add", "shorten", "lengthen"]), label="action")
    if action == "replace" or (parent is None and action == "remove"):
        replacement = data.draw(json_values, label="value")
        if parent is None:
            return replacement
        parent[key] = replacement
    elif action == "remove":
        del parent[key]  # type: ignore[index]
    elif action == "add" and isinstance(node, dict):
        node[data.draw(st.text(max_size=12), label="new key")] = data.draw(json_values, label="new value")
    elif action == "shorten" and isinstance(node, list) and node:
        del node[data.draw(st.integers(0, len(node) - 1), label="cut"):]
    elif action == "lengthen" and isinstance(node, list):
        node.extend([data.draw(json_values, label="extra")] * data.draw(st.integers(1, 100_000), label="extra count"))
    return document


def _damage_bytes(raw: bytes, data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from(["none", "none", "truncate", "invalid utf-8", "flip"]), label="bytes")
    if kind == "truncate":
        return raw[: data.draw(st.integers(0, max(len(raw) - 1, 0)), label="length")]
    if kind == "invalid utf-8":
        at = data.draw(st.integers(0, len(raw)), label="at")
        return raw[:at] + data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]), label="junk") + raw[at:]
    if kind == "flip" and raw:
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        return raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255), label="mask")]) + raw[at + 1:]
    return raw


def _expect_refusal_or_working_model(path: Path) -> None:
    try:
        model = load_model(path)
    except ModelFileError as error:
        message = str(error)
        assert message.startswith(f"{path}: ") and len(message) > len(f"{path}: "), message
        return
    probabilities = [line.p_content for line in model.predict_lines(PROBE_PAGE)]
    assert all(math.isfinite(p) and 0.0 <= p <= 1.0 for p in probabilities)


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_model_files(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    document = _mutate(json.loads(BASE_TEXT), data)
    raw = _damage_bytes(json.dumps(document, allow_nan=True).encode("utf-8"), data)
    path = tmp_path_factory.mktemp("fuzz") / "model.json"
    path.write_bytes(raw)
    _expect_refusal_or_working_model(path)


@FUZZ_SETTINGS
@given(stage=st.sampled_from(["first", "second"]),
       key=st.sampled_from(["mean", "scale", "coef", "hashed_coef", "intercept", "C", "hashed_buckets"]),
       index=st.integers(0, 1 << 16), value=json_values)
def test_one_parameter_replaced(stage: str, key: str, index: int, value: Any,
                                tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every single stored parameter set to an edge value: refused, or still a working model."""
    document = json.loads(BASE_TEXT)
    parameters = document["stages"][stage]
    if isinstance(parameters[key], list) and parameters[key]:
        parameters[key][index % len(parameters[key])] = value
    elif isinstance(parameters[key], list):
        parameters[key].append(value)
    else:
        parameters[key] = value
    path = tmp_path_factory.mktemp("fuzz") / "model.json"
    path.write_bytes(json.dumps(document, allow_nan=True).encode("utf-8"))
    _expect_refusal_or_working_model(path)


def _with(path: list[Any], value: Any) -> bytes:
    document = json.loads(BASE_TEXT)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(document, allow_nan=True).encode("utf-8")


HAND_PICKED: dict[str, tuple[bytes, str]] = {
    "empty file": (b"", "not valid model JSON"),
    "half a file": (BASE_TEXT.encode()[: len(BASE_TEXT) // 2], "not valid model JSON"),
    "not UTF-8": (b"\xff\xfe" + BASE_TEXT.encode("utf-16-le"), "not valid model JSON"),
    "a UTF-8 byte-order mark": (b"\xef\xbb\xbf" + BASE_TEXT.encode(), "not valid model JSON"),
    "deeply nested arrays": (b"[" * 200_000 + b"]" * 200_000, "not valid model JSON"),
    "deeply nested objects": (b'{"a":' * 200_000 + b"1" + b"}" * 200_000, "not valid model JSON"),
    "a 5000-digit number": (BASE_TEXT.replace('"threshold": ', '"threshold": 1' + "0" * 5000 + ", \"t\": ", 1).encode(),
                            "not valid model JSON"),
    "an array": (b"[]", "the model must be a JSON object"),
    "null": (b"null", "the model must be a JSON object"),
    "NaN coefficient": (_with(["stages", "first", "coef", 0], math.nan), "NaN is not allowed in a model file"),
    "infinite threshold": (_with(["threshold"], math.inf), "Infinity is not allowed in a model file"),
    "integer too big for a float": (_with(["stages", "first", "coef", 3], 10**400), "stages.first.coef must hold finite numbers only"),
    "C too big for a float": (_with(["stages", "second", "C"], 10**400), "stages.second.C must be a positive number"),
    "intercept too big for a float": (_with(["stages", "second", "intercept"], -(10**400)), "stages.second.intercept must hold finite numbers only"),
    "huge mean": (_with(["stages", "second", "mean", 0], 1e300), "stages.second.mean holds a value beyond"),
    "huge coefficient": (_with(["stages", "first", "hashed_coef", 7], -1e300), "stages.first.hashed_coef holds a value beyond"),
    "tiny scale": (_with(["stages", "second", "scale", 0], 1e-300), "stages.second.scale must be at least 1e-12"),
    "version true": (_with(["format_version"], True), "unsupported model format version True"),
    "version 1.5": (_with(["format_version"], 1.5), "unsupported model format version 1.5"),
    "10 million coefficients": (_with(["stages", "first", "hashed_coef"], [0] * 10_000_000),
                                "stages.first.hashed_coef must be a list of 65536 numbers, got 10000000 values"),
    "stages missing": (json.dumps({k: v for k, v in json.loads(BASE_TEXT).items() if k != "stages"}).encode(),
                       "stages must be an object"),
}


@pytest.mark.parametrize("name", sorted(HAND_PICKED))
def test_hand_picked_damage(name: str, tmp_path: Path) -> None:
    raw, expected = HAND_PICKED[name]
    path = tmp_path / "model.json"
    path.write_bytes(raw)
    with pytest.raises(ModelFileError) as error:
        load_model(path)
    assert str(error.value).startswith(f"{path}: ") and expected in str(error.value)


def test_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.truncate(MAX_MODEL_BYTES + 1)  # sparse: no disk used; read to one byte past the limit
    with pytest.raises(ModelFileError, match="larger than 64 MB"):
        load_model(path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_stream_that_never_ends_is_read_only_to_the_limit(tmp_path: Path) -> None:
    """A device or a pipe reports no size: it was read until memory ran out."""
    (tmp_path / "model.json").symlink_to("/dev/zero")
    with pytest.raises(ModelFileError, match="larger than 64 MB"):
        load_model(tmp_path / "model.json")


def test_an_empty_path_is_named_in_the_message() -> None:
    with pytest.raises(ModelFileError, match=r"^'': cannot read the model file"):
        load_model("")


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_path(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    if kind == "directory":
        path.mkdir()
    with pytest.raises(ModelFileError, match="cannot read the model file"):
        load_model(path)


def test_interrupted_save_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """json.dump writes half the model and is interrupted: neither the model nor a temporary file remains."""
    model = load_model()
    real_dump = json.dump

    def half_then_interrupt(document: Any, stream: Any, **options: Any) -> None:
        text = json.dumps(document, **options)
        stream.write(text[: len(text) // 2])
        stream.flush()
        raise KeyboardInterrupt

    monkeypatch.setattr(modelfile.json, "dump", half_then_interrupt)
    target = tmp_path / "model.json"
    with pytest.raises(KeyboardInterrupt):
        save_model(model, target)
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(modelfile.json, "dump", real_dump)
    save_model(model, target)
    before = target.read_bytes()
    monkeypatch.setattr(modelfile.json, "dump", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_model(model, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
