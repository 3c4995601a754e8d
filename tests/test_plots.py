"""Evaluation plots: PNG files written atomically, and a clear error without matplotlib."""

from __future__ import annotations

import builtins
from pathlib import Path

import numpy as np
import pytest

from linesift.training import plots
from linesift.training.evaluate import line_report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def scores() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    return y, np.clip(0.35 * y + rng.uniform(0.0, 0.65, len(y)), 0.0, 1.0)


def test_precision_recall_png(tmp_path: Path, scores: tuple[np.ndarray, np.ndarray]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "sub" / "pr.png"
    plots.plot_precision_recall(*scores, line_report(*scores, 0.5), path=target)
    assert target.read_bytes().startswith(PNG_MAGIC)
    assert [p.name for p in target.parent.iterdir()] == ["pr.png"]


def test_histograms_png(tmp_path: Path, scores: tuple[np.ndarray, np.ndarray]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "hist.png"
    plots.plot_probability_histograms(*scores, path=target)
    assert target.read_bytes().startswith(PNG_MAGIC)


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2 labels but 3"):
        plots.plot_probability_histograms([0, 1], [0.1, 0.2, 0.3], tmp_path / "x.png")
    with pytest.raises(ValueError, match="0 \\(noise\\) or 1"):
        plots.plot_probability_histograms([0, 2], [0.1, 0.2], tmp_path / "x.png")
    with pytest.raises(ValueError, match="at least one content line"):
        plots.plot_precision_recall([0, 0], [0.1, 0.2], line_report(np.array([0, 0]), np.array([0.1, 0.2]), 0.5), tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(plots.PlotError, match=r"pip install 'linesift\[plot\]'"):
        plots.plot_probability_histograms([0, 1], [0.2, 0.8], tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []
