"""How training and evaluation say what they are doing, for a command to show while they run.

A report names the phase and how far through it the work is: ``report("features", 64, 200)`` after
64 of 200 pages; the total is None when it is not known. Reports never change a result.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, phase: str, done: int, total: int | None) -> None: ...


def no_progress(phase: str, done: int, total: int | None) -> None:
    """The default: nobody is watching."""


def within(progress: Progress, prefix: str) -> Progress:
    """``progress`` with every phase named as a step of ``prefix`` ("fold 2 of 5: second pass")."""
    return lambda phase, done, total: progress(f"{prefix}: {phase}", done, total)
