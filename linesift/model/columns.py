"""A feature column: its name in the model file and how its value is said in words, declared together."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linesift.model.linear import sigmoid


@dataclass(frozen=True, slots=True)
class Wording:
    """How to say a column's value. A flag says ``text`` when set and ``unset`` when not; a number fills
    ``{value}`` in ``text`` after ``transform`` (log1p columns are shown back as counts)."""

    text: str
    unset: str | None = None
    transform: Callable[[float], float] = float
    # (flag column, words): while the line's flag column is set, what the value measures is absent from the page and
    # the value is a filler, said by these words instead.
    absent: tuple[str, str] | None = None

    def say(self, value: float, flags: Callable[[str], bool] = lambda name: False) -> str:
        """The value in words; ``flags`` tells whether a flag column of the same line is set."""
        if self.absent is not None and flags(self.absent[0]):
            return self.absent[1]
        if self.unset is not None:
            return self.text if value >= 0.5 else self.unset
        shown = self.transform(value)
        return (_one_of(self.text) if f"{shown:.0f}" == "1" else self.text).format(value=shown)

    def with_suffix(self, suffix: str) -> Wording:
        """The same wording with ``suffix`` after it, set or not."""
        return dataclasses.replace(self, text=self.text + suffix, unset=None if self.unset is None else self.unset + suffix)


_COUNT = "{value:.0f} "


def _one_of(text: str) -> str:
    """``text`` said of one thing: the first plural after its count made singular ("{value:.0f} other lines in its
    section" → "... other line ..."; "addresses" → "address")."""
    before, count, after = text.partition(_COUNT)
    words = after.split(" ")
    for k, word in enumerate(words):
        if len(word) > 2 and word.endswith("s") and word[-2].isalpha():
            words[k] = word[:-2] if word.endswith("sses") else word[:-1]
            break
    return before + count + " ".join(words)


def from_log1p(log_value: float) -> float:
    """The count a log1p column holds."""
    return float(np.expm1(log_value))


def from_logit(logit: float) -> float:
    """The probability a logit column holds."""
    return float(sigmoid(np.array(logit)))


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    wording: Wording
