"""A datatrove pipeline step that keeps only each document's content lines.

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from linesift.integrations.datatrove import LinesiftFormatter

    pipeline = [JsonlReader("crawl/"), LinesiftFormatter(), JsonlWriter("clean/")]

The step replaces ``doc.text`` with the cleaned text (the same as ``linesift predict``) and adds
to the step's stats: ``lines`` (non-blank lines seen), ``lines_dropped`` and ``emptied`` (documents
left with no content line).

``reason_stats=True`` also counts each dropped line under its dominant reason,
``lines_dropped_<reason>`` for each of :data:`linesift.explain.DROP_REASONS` (the feature family
that weighed most against it, ``context`` when the first pass scored it content and the lines
around it had it dropped, ``repeat`` for a copy of a content line above it or of its own text, or ``code_page`` for a
line of a page of code alone); they add up to
``lines_dropped``. It is off by default: it reads the first pass's inputs from the scores, but
multiplies all their columns, about 1.7 times the step's time.

Documents left without content are passed on with an empty text (a ``LambdaFilter(lambda doc:
doc.text)`` after the step drops them), unless an ``exclusion_writer`` is given, a datatrove
``DiskWriter`` as datatrove's filters take: they then go to it with their original text and
``metadata["filter_reason"] = "linesift_no_content"``, are not passed on, and are counted
``dropped`` (``emptied`` plus documents with no non-blank line to begin with).

With ``html=True`` each ``doc.text`` is an HTML page (as datatrove's WARC reader gives them): it is parsed into
blocks and cleaned by the model of HTML pages (``html_model_path``, or the built-in one), and the step takes the
place of an extractor such as datatrove's ``Trafilatura``. A page that cannot be parsed is left empty and
counted ``emptied``.

``keep_repeats=True`` keeps a line equal to a content line above it, and one saying its text twice (see
:meth:`linesift.Sifter.keeping_repeats`); by default such a copy is dropped. ``keep_links=True`` gives kept lines of
text with their Markdown links and images as written (see :meth:`linesift.Sifter.keeping_links`); by default a link
is given as its text and an image is left out.

The model is loaded once per process, on first use, so the step pickles small for executors.
Needs ``linesift[datatrove]``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import ClassVar

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.typeshelper import StatHints

from linesift.io.cleaning import check_texts, clean_html_pages, clean_texts
from linesift.io.parallel import CHUNK_DOCUMENTS, cached_model
from linesift.model.cuts import check_threshold

NO_CONTENT = "linesift_no_content"  # the filter_reason of a document sent to the exclusion writer


class LinesiftFormatter(BaseFormatter):
    """Keep the content lines of every document."""

    name = "🧹 linesift"
    _requires_dependencies: ClassVar[list[str]] = []  # datatrove's own check; linesift's needs are installed with it

    def __init__(self, model_path: str | os.PathLike[str] | None = None, threshold: float | None = None,
                 reason_stats: bool = False, exclusion_writer: DiskWriter | None = None, html: bool = False,
                 html_model_path: str | os.PathLike[str] | None = None, keep_repeats: bool = False,
                 keep_links: bool = False) -> None:
        super().__init__()
        check_threshold(threshold)  # here, where the pipeline is written, not on a worker once documents flow
        self.model_path = None if model_path is None else str(model_path)
        self.keep_repeats = keep_repeats
        self.keep_links = keep_links
        self.html = html
        self.html_model_path = None if html_model_path is None else str(html_model_path)
        self.threshold = threshold
        self.reason_stats = reason_stats
        self.exclusion_writer = exclusion_writer

    def format(self, text: str) -> str:
        return self._clean([text])[0]

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """``format`` every document, ``CHUNK_DOCUMENTS`` at a time: pages scored together clean faster."""
        with self.exclusion_writer or contextlib.nullcontext() as writer:
            chunk: list[Document] = []
            for doc in data:
                self.stat_update(StatHints.total)
                chunk.append(doc)
                if len(chunk) == CHUNK_DOCUMENTS:
                    yield from self._format_chunk(chunk, writer, rank)
                    chunk = []
            yield from self._format_chunk(chunk, writer, rank)

    def _format_chunk(self, docs: list[Document], writer: DiskWriter | None, rank: int) -> Iterator[Document]:
        with self.track_time(unit="chunk"):
            given = [doc.text for doc in docs]
            check_texts(given, lambda index: f"document {docs[index].id!r}", self.html)
            texts = self._clean(given)
        for doc, text in zip(docs, texts):
            if writer is not None and not text:
                self.stat_update(StatHints.dropped)
                doc.metadata["filter_reason"] = NO_CONTENT
                writer.write(doc, rank)
                continue
            doc.text = text
            yield doc

    def _clean(self, texts: list[str]) -> list[str]:
        """The cleaned ``texts``, with what was dropped added to the stats."""
        if not texts:
            return []
        if self.html:
            model = cached_model(self.html_model_path, "html", self.keep_repeats)
            cleaned_texts = clean_html_pages(model, texts, self.threshold, reasons=self.reason_stats)
        else:
            model = cached_model(self.model_path, "text", self.keep_repeats, self.keep_links)
            cleaned_texts = clean_texts(model, texts, self.threshold, reasons=self.reason_stats)
        for cleaned in cleaned_texts:
            self.stat_update("lines", value=cleaned.text_lines)
            self.stat_update("lines_dropped", value=cleaned.text_lines - cleaned.kept_lines)
            if (cleaned.text_lines and not cleaned.kept_lines) or cleaned.error is not None:
                self.stat_update("emptied")
            for reason, count in (cleaned.drop_reasons or {}).items():
                self.stat_update(f"lines_dropped_{reason}", value=count)
        return [cleaned.text for cleaned in cleaned_texts]
