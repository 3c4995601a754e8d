"""HTML pages rendered to text with the renderer the model was trained on, so HTML users get the same model."""

from __future__ import annotations

import functools
from collections.abc import Callable

from linesift.io.text import MissingExtraError

HTML_PACKAGES = "resiliparse charset-normalizer"  # what linesift.io.render needs for the default renderer


@functools.cache
def _renderer() -> tuple[Callable[[bytes], str], type[Exception]]:
    # Imported on first use: the renderers are an optional extra, and slow to import.
    try:
        from linesift.io.render import RenderError, render_html
    except ImportError as error:
        raise MissingExtraError(f"HTML input needs the HTML renderer: pip install {HTML_PACKAGES} ({error})") from None
    return render_html, RenderError


def render(data: bytes) -> tuple[str, str | None]:
    """The page's text with the default renderer, or ``("", reason)`` when it is not a renderable page."""
    render_html, render_error = _renderer()
    try:
        return render_html(data), None
    except render_error as error:
        return "", str(error)
