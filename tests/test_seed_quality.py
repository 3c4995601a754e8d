"""Quality gate: cross-validated content precision and recall on the seed stay above recorded floors.

The floors live in ``tests/quality_floors.json`` next to the SHA-256 of the seed they were measured on.
They may only be raised (each change is a new entry in the file's history, with its reason); a changed
seed must be measured and recorded again on purpose, never silently accepted.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest

from linesift.training.evaluate import keeps_report, labelled_lines, lines_kept
from linesift.training.train import TrainingParams

FLOORS_PATH = Path(__file__).with_name("quality_floors.json")
REPO = Path(__file__).resolve().parent.parent
METRICS = ("content_precision", "content_recall")


@pytest.fixture(scope="module")
def recorded() -> dict:
    return json.loads(FLOORS_PATH.read_text(encoding="utf-8"))


def test_seed_is_the_one_the_floors_were_measured_on(recorded: dict, seed_labels_path: Path) -> None:
    assert (REPO / recorded["seed"]).resolve() == seed_labels_path.resolve()
    actual = hashlib.sha256(seed_labels_path.read_bytes()).hexdigest()
    assert actual == recorded["seed_sha256"], (
        f"{recorded['seed']} changed (SHA-256 {actual}): measure the cross-validated scores again and record "
        f"new floors deliberately in {FLOORS_PATH.name}"
    )


def test_floors_only_go_up(recorded: dict) -> None:
    history = recorded["history"]
    assert history, "the floors need at least one recorded entry"
    assert recorded["floors"] == history[-1]["floors"]
    assert recorded["seed_sha256"] == history[-1]["seed_sha256"]
    for entry in history:
        assert set(entry["floors"]) == set(METRICS)
        assert entry["reason"].strip()
        for metric in METRICS:
            assert 0.0 < entry["floors"][metric] <= entry["measured"][metric] <= 1.0
    for before, after in itertools.pairwise(history):
        if before["seed_sha256"] == after["seed_sha256"]:
            for metric in METRICS:
                assert after["floors"][metric] >= before["floors"][metric], f"{metric} floor was lowered"


def test_cross_validated_scores_stay_above_the_floors(recorded: dict, seed_labels_path: Path, seed_pages,
                                                      seed_cross_validation) -> None:
    assert hashlib.sha256(seed_labels_path.read_bytes()).hexdigest() == recorded["seed_sha256"]
    params = TrainingParams()
    probabilities = seed_cross_validation(seed_pages, params)
    y, _ = labelled_lines(seed_pages, probabilities)
    assert len(y) == 68 and int((y == 1).sum()) == 17
    report = keeps_report(seed_pages, lines_kept(seed_pages, probabilities, params.threshold), params.threshold)
    measured = {"content_precision": report.content.precision, "content_recall": report.content.recall}
    for metric in METRICS:
        assert measured[metric] >= recorded["floors"][metric], (
            f"cross-validated {metric} on the seed fell to {measured[metric]:.4f}, "
            f"below the recorded floor {recorded['floors'][metric]}"
        )


def test_cross_validation_never_scores_fitted_lines(seed_pages, seed_cross_validation) -> None:
    # Every labelled line gets a held-out score; blank lines keep 0.0.
    (probabilities,) = seed_cross_validation(seed_pages, TrainingParams())
    labelled = seed_pages[0].labels >= 0
    assert probabilities.shape == (len(seed_pages[0].lines),)
    assert (probabilities[~labelled] == 0.0).all()
    assert ((probabilities[labelled] > 0.0) & (probabilities[labelled] < 1.0)).all()
