"""Clean a Dask bag or dataframe partition by partition, loading the model once per worker process.

    >>> import dask.bag as db
    >>> from linesift.integrations.dask import clean_bag
    >>> cleaned = clean_bag(db.read_text("pages/*.jsonl", linedelimiter="\\n").map(json.loads))

Records (dicts) gain ``linesift_text`` (and ``linesift_spans``, ``linesift_cut`` with ``spans=True``), as
``linesift predict`` writes them; strings become their cleaned text. Every text is cleaned as text: with ``html=True``
the texts are HTML pages, cleaned by the built-in model of HTML pages (a page that cannot be parsed gives ""), where
``predict`` tells an HTML page in a field by its start. A text that is not a ``str`` raises ``TypeError``, and one over
the page limits ``PageTooLargeError``, naming its item or row. ``keep_repeats=True`` keeps a
line equal to a content line above it (see :meth:`linesift.Sifter.keeping_repeats`), and ``keep_links=True`` gives
kept lines of text with their Markdown links and images as written (see :meth:`linesift.Sifter.keeping_links`).
Needs ``linesift[dask]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linesift.io.cleaning import CUT_FIELD, SPANS_FIELD, TEXT_FIELD, Cleaned, check_texts, clean_html_pages, clean_texts
from linesift.io.parallel import CHUNK_DOCUMENTS, cached_model
from linesift.io.sources import DEFAULT_TEXT_FIELD


def _cleaned_texts(texts: list[str], model_path: str | None, threshold: float | None, spans: bool = False,
                   html: bool = False, keep_repeats: bool = False, keep_links: bool = False) -> list[Cleaned]:
    """``clean_texts`` (``clean_html_pages`` for HTML, with the model at ``model_path`` or the built-in one) a chunk
    at a time, so a large partition is not segmented all at once; ``keep_repeats`` and
    ``keep_links`` as :meth:`linesift.Sifter.keeping_repeats` and :meth:`~linesift.Sifter.keeping_links` say."""
    model = cached_model(model_path, "html" if html else "text", keep_repeats, keep_links)
    clean = clean_html_pages if html else clean_texts
    return [cleaned for start in range(0, len(texts), CHUNK_DOCUMENTS)
            for cleaned in clean(model, texts[start : start + CHUNK_DOCUMENTS], threshold, spans)]


def clean_records(
    items: Iterable[Any], model_path: str | None = None, threshold: float | None = None,
    text_field: str = DEFAULT_TEXT_FIELD, spans: bool = False, html: bool = False, keep_repeats: bool = False,
    keep_links: bool = False,
) -> list[Any]:
    """Clean one partition: strings to cleaned strings, dicts to copies with the added fields."""
    # A partition made by .map or .filter is an iterator, which a first pass over it would use up.
    items = list(items)
    missing = next((index for index, item in enumerate(items) if isinstance(item, dict) and text_field not in item), None)
    if missing is not None:
        raise ValueError(f"item {missing + 1} of the partition has no {text_field!r} field")
    texts = [item[text_field] if isinstance(item, dict) else item for item in items]
    check_texts(texts, lambda index: f"item {index + 1} of the partition", html)
    out: list[Any] = []
    cleaned_texts = _cleaned_texts(texts, model_path, threshold, spans, html, keep_repeats, keep_links)
    for item, cleaned in zip(items, cleaned_texts):
        if isinstance(item, str):
            out.append(cleaned.text)
            continue
        record = {**item, TEXT_FIELD: cleaned.text}
        if spans:
            record[SPANS_FIELD] = cleaned.spans
            record[CUT_FIELD] = cleaned.cut
        out.append(record)
    return out


def clean_bag(bag: Any, model_path: str | None = None, threshold: float | None = None, text_field: str = DEFAULT_TEXT_FIELD,
              spans: bool = False, html: bool = False, keep_repeats: bool = False, keep_links: bool = False) -> Any:
    """A bag of the cleaned items of ``bag`` (strings or dicts with ``text_field``; HTML pages with ``html``), in the
    same order."""
    return bag.map_partitions(clean_records, model_path, threshold, text_field, spans, html, keep_repeats, keep_links)


def clean_partition(frame: Any, column: str, model_path: str | None = None, threshold: float | None = None,
                    output: str = TEXT_FIELD, keep_repeats: bool = False, keep_links: bool = False) -> Any:
    """One pandas partition with ``output`` added: the cleaned text of ``column``."""
    import pandas as pd  # with dask's dataframe extra

    frame = frame.copy()
    texts = list(frame[column])
    check_texts(texts, lambda index: f"row {frame.index[index]!r} of the partition")
    cleaned_texts = _cleaned_texts(texts, model_path, threshold, keep_repeats=keep_repeats, keep_links=keep_links)
    # Of the text column's type, as clean_dataframe declares it: Parquet writers take a column's type from it.
    frame[output] = pd.Series([cleaned.text for cleaned in cleaned_texts], index=frame.index, dtype=frame[column].dtype)
    return frame


def clean_dataframe(frame: Any, column: str = DEFAULT_TEXT_FIELD, model_path: str | None = None, threshold: float | None = None,
                    output: str = TEXT_FIELD, keep_repeats: bool = False, keep_links: bool = False) -> Any:
    """A dask dataframe with column ``output`` added: the cleaned text of ``column``, every other column unchanged."""
    if column not in frame.columns:
        raise ValueError(f"no column {column!r} to clean (columns: {', '.join(map(str, frame.columns))})")
    meta = {**frame.dtypes.to_dict(), output: frame.dtypes[column]}
    return frame.map_partitions(clean_partition, column, model_path, threshold, output, keep_repeats, keep_links,
                                meta=meta)
