"""A datatrove pipeline step that keeps only each document's content lines.

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from linesift.integrations.datatrove import LinesiftFormatter

    pipeline = [JsonlReader("crawl/"), LinesiftFormatter(), JsonlWriter("clean/")]

The step replaces ``doc.text`` with the cleaned text (the same as ``linesift predict``) and adds
to the step's stats: ``lines`` (non-blank lines seen), ``lines_dropped`` and ``emptied`` (documents
left with no content line; a ``LambdaFilter(lambda doc: doc.text)`` after the step drops them).
The model is loaded once per process, on first use, so the step pickles small for executors.
Needs ``linesift[datatrove]``.
"""

from __future__ import annotations

import os
from typing import ClassVar

from datatrove.pipeline.formatters.base import BaseFormatter

from linesift.io.cleaning import clean_text
from linesift.io.parallel import cached_model


class LinesiftFormatter(BaseFormatter):
    """Keep the content lines of every document."""

    name = "🧹 linesift"
    _requires_dependencies: ClassVar[list[str]] = []  # datatrove's own check; linesift's needs are installed with it

    def __init__(self, model_path: str | os.PathLike[str] | None = None, threshold: float | None = None) -> None:
        super().__init__()
        self.model_path = None if model_path is None else str(model_path)
        self.threshold = threshold

    def format(self, text: str) -> str:
        cleaned = clean_text(cached_model(self.model_path), text, self.threshold)
        self.stat_update("lines", value=cleaned.text_lines)
        self.stat_update("lines_dropped", value=cleaned.text_lines - cleaned.kept_lines)
        if cleaned.text_lines and not cleaned.kept_lines:
            self.stat_update("emptied")
        return cleaned.text
