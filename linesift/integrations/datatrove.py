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

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from linesift.io.cleaning import clean_texts
from linesift.io.parallel import CHUNK_DOCUMENTS, cached_model


class LinesiftFormatter(BaseFormatter):
    """Keep the content lines of every document."""

    name = "🧹 linesift"
    _requires_dependencies: ClassVar[list[str]] = []  # datatrove's own check; linesift's needs are installed with it

    def __init__(self, model_path: str | os.PathLike[str] | None = None, threshold: float | None = None) -> None:
        super().__init__()
        self.model_path = None if model_path is None else str(model_path)
        self.threshold = threshold

    def format(self, text: str) -> str:
        return self._clean([text])[0]

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """``format`` every document, ``CHUNK_DOCUMENTS`` at a time: pages scored together clean faster."""
        chunk: list[Document] = []
        for doc in data:
            self.stat_update(StatHints.total)
            chunk.append(doc)
            if len(chunk) == CHUNK_DOCUMENTS:
                yield from self._format_chunk(chunk)
                chunk = []
        yield from self._format_chunk(chunk)

    def _format_chunk(self, docs: list[Document]) -> DocumentsPipeline:
        with self.track_time(unit="chunk"):
            texts = self._clean([doc.text for doc in docs])
        for doc, text in zip(docs, texts):
            doc.text = text
            yield doc

    def _clean(self, texts: list[str]) -> list[str]:
        """The cleaned ``texts``, with what was dropped added to the stats."""
        cleaned_texts = clean_texts(cached_model(self.model_path), texts, self.threshold) if texts else []
        for cleaned in cleaned_texts:
            self.stat_update("lines", value=cleaned.text_lines)
            self.stat_update("lines_dropped", value=cleaned.text_lines - cleaned.kept_lines)
            if cleaned.text_lines and not cleaned.kept_lines:
                self.stat_update("emptied")
        return [cleaned.text for cleaned in cleaned_texts]
