"""Clean a stream of documents on several processes, in input order, with bounded memory.

Documents are sent in chunks (so a worker spends its time cleaning, not unpickling), at most
``IN_FLIGHT_PER_JOB`` chunks per process are outstanding at any time (so a fast reader cannot
pull the corpus into memory ahead of slow workers), and results come back in submission order.
Each process loads the model once. Workers are forked from a fork server (spawned where there is
none) rather than from the parent: the parent may run a progress thread, and forking a process
with threads can deadlock. The server imports the model code once, so a pool starts in
milliseconds instead of paying numpy's and scikit-learn's imports per worker.
"""

from __future__ import annotations

import functools
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import forkserver
from typing import Generic, TypeVar

from linesift.io.cleaning import Cleaned, Document, clean_documents
from linesift.model.modelfile import load_model
from linesift.model.sifter import ModelInput, Sifter

CHUNK_DOCUMENTS = 16  # pages per task: a few hundred ms of work, so scheduling costs little
CHUNK_BYTES = 4 * 1024 * 1024  # and never more than this much text per task, whatever the page sizes
IN_FLIGHT_PER_JOB = 2  # one chunk being cleaned and one queued per process keeps every core busy
MODEL_CACHE_SIZE = 4
STOP_SECONDS = 5  # a worker told to end is waited for this long

Tag = TypeVar("Tag")


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """How to clean: model files (``None``: built-in), threshold, and whether to return spans. HTML pages are
    parsed into blocks and cleaned by the model of HTML pages, or with ``html_as_text`` rendered to text and
    cleaned by the text model."""

    model_path: str | None = None
    threshold: float | None = None
    spans: bool = False
    html_model_path: str | None = None
    html_as_text: bool = False
    keep_repeats: bool = False  # keep lines equal to a content line above them (see Sifter.keeping_repeats)
    keep_links: bool = False  # give kept lines of text as written, Markdown links and images kept (see Sifter.keeping_links)


@functools.lru_cache(maxsize=MODEL_CACHE_SIZE)
def cached_model(model_path: str | None, model_input: ModelInput = "text", keep_repeats: bool = False,
                 keep_links: bool = False) -> Sifter:
    """The model at ``model_path`` (``None``: the built-in model of ``model_input``), loaded once per process
    however many chunks or partitions use it; with ``keep_repeats``, its :meth:`~Sifter.keeping_repeats`, with
    ``keep_links``, its :meth:`~Sifter.keeping_links`."""
    model = load_model(model_path, model_input)
    model = model.keeping_repeats() if keep_repeats else model
    return model.keeping_links() if keep_links else model


def html_model_of(options: CleanOptions) -> Sifter | None:
    """The model that cleans HTML pages under ``options``; None when they are rendered to text."""
    return None if options.html_as_text else cached_model(options.html_model_path, "html", options.keep_repeats)


def clean_chunk(options: CleanOptions, documents: list[Document | None]) -> list[Cleaned | None]:
    """Clean every document of a chunk; ``None`` (nothing to clean) stays ``None``."""
    given = [document for document in documents if document is not None]
    # The model of HTML pages is read only by a process that meets an HTML page.
    html_model = html_model_of(options) if any(document.html is not None for document in given) else None
    text_model = cached_model(options.model_path, "text", options.keep_repeats, options.keep_links)
    cleaned = iter(clean_documents(text_model, given, options.threshold, options.spans, html_model=html_model))
    return [None if document is None else next(cleaned) for document in documents]


class WorkerDiedError(RuntimeError):
    """A worker process ended while cleaning (killed for its memory, say): the run cannot go on."""


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C reaches the whole process group, and the parent, not each worker, stops the run (a worker
    stopped by it printed its traceback, and could leave the pool's exit waiting on it for ever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers now, for a run that stops before its end, so that the pool can be shut down waiting for
    its thread. That thread may be reading a result a worker was cut off in the middle of sending (a SIGTERM to the
    process group reaches the workers too); this process holds the pipe's sending end as well, so the read would wait
    for ever. Once the workers are gone, closing that end ends the read. The pool keeps its processes and result
    pipe in private attributes, the same from Python 3.9 to 3.13."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(STOP_SECONDS)
    sending_end = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if sending_end is not None:
        sending_end.close()


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    if threading.current_thread() is threading.main_thread():
        # The server imports the model code before it ignores Ctrl-C: started with Ctrl-C ignored (an ignored signal
        # stays ignored in a new program), it prints no traceback when stopped that early, nor do its workers.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
    return context


@dataclass(slots=True)
class _Chunk(Generic[Tag]):
    tags: list[Tag]
    documents: list[Document | None]
    size: int = 0

    def add(self, tag: Tag, document: Document | None) -> None:
        self.tags.append(tag)
        self.documents.append(document)
        if document is not None:
            self.size += len(document.text or "") + len(document.html or b"")

    def full(self) -> bool:
        return len(self.documents) >= CHUNK_DOCUMENTS or self.size >= CHUNK_BYTES


def _chunks(items: Iterable[tuple[Tag, Document | None]]) -> Iterator[_Chunk[Tag]]:
    chunk: _Chunk[Tag] = _Chunk([], [])
    for tag, document in items:
        chunk.add(tag, document)
        if chunk.full():
            yield chunk
            chunk = _Chunk([], [])
    if chunk.tags:
        yield chunk


def clean_stream(
    items: Iterable[tuple[Tag, Document | None]], options: CleanOptions, jobs: int = 1
) -> Iterator[tuple[Tag, Cleaned | None]]:
    """Yield ``(tag, cleaned)`` for every ``(tag, document)`` in input order; tags never leave this process."""
    if jobs <= 1:
        for chunk in _chunks(items):
            yield from zip(chunk.tags, clean_chunk(options, chunk.documents))
        return
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_ignore_interrupts)
    pending: deque[tuple[list[Tag], Future[list[Cleaned | None]]]] = deque()
    finished = False
    try:
        for chunk in _chunks(items):
            pending.append((chunk.tags, pool.submit(clean_chunk, options, chunk.documents)))
            while len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                tags, future = pending.popleft()
                yield from zip(tags, future.result())
        while pending:
            tags, future = pending.popleft()
            yield from zip(tags, future.result())
        finished = True
    except BrokenProcessPool:
        raise WorkerDiedError("a worker process ended while cleaning (killed for its memory?); the run stops, and the "
                              "output it was writing is removed") from None
    finally:
        if not finished:  # stopped (Ctrl-C, an error, a closed pipe): the workers go now, not when their chunks end
            _stop(pool)
        # Waited for, so that no thread of the pool is left for the interpreter's exit to join, which could hang.
        pool.shutdown(wait=True, cancel_futures=True)
