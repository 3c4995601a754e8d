"""scripts/check_reproducible.py: which fields of two model files differ (the full check is in docs/evaluation.md)."""

from __future__ import annotations

import copy

import pytest
from conftest import script_module

from linesift import load_model
from linesift.model.modelfile import model_to_dict


@pytest.fixture(scope="module")
def script():
    yield from script_module("check_reproducible")


def test_files_differing_only_in_their_library_versions_are_the_same(script) -> None:
    built_in = model_to_dict(load_model())
    elsewhere = copy.deepcopy(built_in)
    elsewhere["versions"]["blas"] = "openblas 0.3.30 (Haswell)"
    assert script._differing_fields(built_in, elsewhere) == []


def test_weights_and_in_sample_figures_that_differ_are_named(script) -> None:
    built_in = model_to_dict(load_model())
    retrained = copy.deepcopy(built_in)
    retrained["stages"]["first"]["coef"][3] += 1e-9
    retrained["training"]["in_sample"]["content_recall"] -= 0.008
    assert script._differing_fields(built_in, retrained) == ["stages/first/coef", "training/in_sample/content_recall"]
