"""Training is repeatable, and the built-in model is what ``linesift train`` writes with its defaults."""

from __future__ import annotations

import numpy as np

from linesift import load_model
from linesift.training.data import LabelledPage
from linesift.training.train import TrainingParams, train


def test_training_twice_gives_the_same_model(seed_pages: list[LabelledPage]) -> None:
    first, second = train(seed_pages), train(seed_pages)
    for a, b in ((first.first, second.first), (first.second, second.second)):
        np.testing.assert_array_equal(a.coef_, b.coef_)
        np.testing.assert_array_equal(a.mean_, b.mean_)
        np.testing.assert_array_equal(a.scale_, b.scale_)
        assert a.intercept_ == b.intercept_


def test_builtin_model_was_trained_with_the_default_parameters() -> None:
    model = load_model()
    defaults = TrainingParams()
    assert model.metadata["training"]["params"] == defaults.as_dict()
    assert model.threshold == defaults.threshold
    # Trained on the seed and both renderings of the WCXB pages shipped in seeds/.
    assert set(model.metadata["training"]["files"]) == {
        "000_bbcd66fa357995a9.jsonl", "wcxb-dev.html-text.jsonl.gz", "wcxb-dev.resiliparse.jsonl.gz"}
