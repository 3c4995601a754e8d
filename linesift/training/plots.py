"""Evaluation plots as PNG files: the precision-recall curve and the score distributions per class.

matplotlib is an optional extra (``pip install linesift[plot]``): it is imported only when a plot is
drawn, with the Agg backend so that plotting works on a machine without a display.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_curve

from linesift.atomic import atomic_writer
from linesift.training.evaluate import LineReport

HISTOGRAM_BINS = 20  # bins of width 0.05 over [0, 1]: fine enough to see where the classes overlap
FIGURE_SIZE = (6.0, 4.5)  # inches
DPI = 120
# The files `eval --plot DIR` writes in DIR.
PRECISION_RECALL_PNG = "precision_recall.png"
PROBABILITIES_PNG = "probabilities.png"
PLOT_NAMES = (PRECISION_RECALL_PNG, PROBABILITIES_PNG)
SOFTWARE = "linesift"  # written into each PNG, so that writing a plot again may replace it and nothing else


class PlotError(RuntimeError):
    """A plot that cannot be drawn, with the reason."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise PlotError("plots need matplotlib: pip install 'linesift[plot]' (or pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _labels_and_scores(y_true: Any, p: Any) -> tuple[np.ndarray, np.ndarray]:
    y, scores = np.asarray(y_true).ravel(), np.asarray(p, dtype=np.float64).ravel()
    if len(y) != len(scores):
        raise ValueError(f"{len(y)} labels but {len(scores)} probabilities")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0 (noise) or 1 (content)")
    return y.astype(int), scores


def _save(figure: Any, path: str | os.PathLike[str]) -> None:
    """Write the figure as PNG atomically: a failed or interrupted save leaves no partial image."""
    target = Path(path)
    with atomic_writer(target) as stream:
        figure.savefig(stream.buffer, format="png", dpi=DPI, metadata={"Software": SOFTWARE})  # type: ignore[attr-defined]


def is_plot(head: bytes) -> bool:
    """Whether ``head``, the first bytes of a file, is the start of a PNG these functions wrote (it names linesift)."""
    return head.startswith(b"\x89PNG") and b"Software\x00" + SOFTWARE.encode() in head


def plot_precision_recall(y_true: Any, p: Any, decided: LineReport, path: str | os.PathLike[str]) -> None:
    """The content class's precision-recall curve, with the point of the model's decisions (``decided``) marked."""
    y, scores = _labels_and_scores(y_true, p)
    if not y.any():
        raise ValueError("a precision-recall curve needs at least one content line")
    plt = _pyplot()
    precision, recall, _ = precision_recall_curve(y, scores)
    chosen = decided.content
    rule = "a cut per page" if decided.threshold is None else f"threshold {decided.threshold:.2f}"
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    try:
        axes.plot(recall, precision, color="#1f5fbf", label="content")
        axes.plot([chosen.recall], [chosen.precision], "o", color="#c0392b",
                  label=f"{rule}: P {chosen.precision:.3f}, R {chosen.recall:.3f}")
        axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1.01), ylim=(0, 1.01),
                 title=f"Precision-recall of content lines ({len(y)} lines)")
        axes.grid(alpha=0.3)
        axes.legend(loc="lower left")
        figure.tight_layout()
        _save(figure, path)
    finally:
        plt.close(figure)


def plot_probability_histograms(y_true: Any, p: Any, path: str | os.PathLike[str]) -> None:
    """How P(content) is distributed over lines that are truly content and truly noise."""
    y, scores = _labels_and_scores(y_true, p)
    plt = _pyplot()
    bins = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    try:
        for label, name, colour in ((1, "content", "#2e8b57"), (0, "noise", "#c0392b")):
            values = scores[y == label]
            axes.hist(values, bins=bins, alpha=0.55, color=colour, label=f"true {name} ({len(values)} lines)")
        axes.set(xlabel="P(content)", ylabel="lines", xlim=(0, 1), title="P(content) by true class")
        axes.legend(loc="best")
        figure.tight_layout()
        _save(figure, path)
    finally:
        plt.close(figure)
