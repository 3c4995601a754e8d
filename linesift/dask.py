"""Clean a Dask bag or dataframe partition by partition, loading the model once per worker process.

    >>> import dask.bag as db
    >>> from linesift.dask import clean_bag
    >>> cleaned = clean_bag(db.read_text("pages/*.jsonl", linedelimiter="\\n").map(json.loads))

Records (dicts) gain ``linesift_text`` (and ``linesift_spans`` with ``spans=True``), exactly as
``linesift predict`` writes them; strings become their cleaned text. Needs ``linesift[dask]``.
"""

from __future__ import annotations

from typing import Any

from linesift.io.cleaning import SPANS_FIELD, TEXT_FIELD, clean_text
from linesift.io.parallel import cached_model
from linesift.io.sources import DEFAULT_TEXT_FIELD


def clean_records(
    items: list[Any], model_path: str | None = None, threshold: float | None = None, text_field: str = DEFAULT_TEXT_FIELD, spans: bool = False
) -> list[Any]:
    """Clean one partition: strings to cleaned strings, dicts to copies with the added fields."""
    model = cached_model(model_path)
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            out.append(clean_text(model, item, threshold).text)
            continue
        cleaned = clean_text(model, item[text_field], threshold, spans)
        record = {**item, TEXT_FIELD: cleaned.text}
        if spans:
            record[SPANS_FIELD] = cleaned.spans
        out.append(record)
    return out


def clean_bag(bag: Any, model_path: str | None = None, threshold: float | None = None, text_field: str = DEFAULT_TEXT_FIELD, spans: bool = False) -> Any:
    """A bag of the cleaned items of ``bag`` (strings or dicts with ``text_field``), in the same order."""
    return bag.map_partitions(clean_records, model_path, threshold, text_field, spans)


def clean_partition(frame: Any, column: str, model_path: str | None = None, threshold: float | None = None, output: str = TEXT_FIELD) -> Any:
    """One pandas partition with ``output`` added: the cleaned text of ``column``."""
    model = cached_model(model_path)
    frame = frame.copy()
    frame[output] = [clean_text(model, text, threshold).text for text in frame[column]]
    return frame


def clean_dataframe(frame: Any, column: str = DEFAULT_TEXT_FIELD, model_path: str | None = None, threshold: float | None = None, output: str = TEXT_FIELD) -> Any:
    """A dask dataframe with column ``output`` added: the cleaned text of ``column``, every other column unchanged."""
    meta = {**frame.dtypes.to_dict(), output: object}
    return frame.map_partitions(clean_partition, column, model_path, threshold, output, meta=meta)
