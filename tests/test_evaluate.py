"""Cross-validation with pages that are scored but never trained on (``trainable``)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from linesift.training.evaluate import cross_validated_probabilities
from linesift.training.train import TrainingParams


def test_pages_not_trainable_are_scored_but_change_no_fit(seed_pages, seed_cross_validation) -> None:
    seed = seed_pages[0]
    # The same text as another site's page would be is put in the seed's site, so it shares the seed's folds.
    copy = dataclasses.replace(seed, id="copy", domain=seed.group, renderer="another renderer")
    alone = seed_cross_validation([seed], TrainingParams())
    both, held_out = cross_validated_probabilities([seed, copy], TrainingParams(), trainable=[True, False])
    # Only pages learnt from get features and enter the fits: the copy changes nothing.
    np.testing.assert_array_equal(both[0], alone[0])
    np.testing.assert_array_equal(both[1], both[0])
    np.testing.assert_array_equal(held_out[1], held_out[0])
    assert held_out[1].sum() == np.sum(copy.labels >= 0)


def test_no_trainable_page_is_a_clear_error(seed_pages) -> None:
    with pytest.raises(ValueError, match="no rows to fit on"):
        cross_validated_probabilities(seed_pages, TrainingParams(), trainable=[False])
