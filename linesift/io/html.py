"""HTML pages rendered to text with the renderer the text model was trained on, or parsed into blocks for the
model of HTML pages."""

from __future__ import annotations

import functools
from collections.abc import Callable

from linesift.io.text import MissingExtraError
from linesift.limits import PageTooLargeError
from linesift.model.structure import Structure

HTML_PACKAGES = "resiliparse charset-normalizer"  # what linesift.io.render needs for the default renderer


@functools.cache
def _renderer() -> tuple[Callable[..., str], type[Exception]]:
    # Imported on first use: the renderers are an optional extra, and slow to import.
    try:
        from linesift.io.render import RenderError, render_html
    except ImportError as error:
        raise MissingExtraError(f"HTML input needs the HTML renderer: pip install {HTML_PACKAGES} ({error})") from None
    return render_html, RenderError


def render(data: bytes, charset: str | None = None) -> tuple[str, str | None]:
    """The page's text with the default renderer, or ``("", reason)`` when it is not a renderable page; ``charset``
    as an HTTP header gives it (see :func:`linesift.io.render.decode_html`)."""
    render_html, render_error = _renderer()
    try:
        return render_html(data, charset=charset), None
    except render_error as error:
        return "", str(error)


def parse(data: bytes, charset: str | None = None) -> tuple[str, Structure | None, str | None]:
    """The page's blocks, one a line, and their structure (see :func:`linesift.model.dom.parse_html_page`), or
    ``("", None, reason)`` when the bytes are not a page that can be decoded or are over the size limits; ``charset``
    as for :func:`render`."""
    _, render_error = _renderer()
    from linesift.io.render import check_is_html, decode_html
    from linesift.model.dom import parse_html_page

    try:
        html = decode_html(data, charset)
        check_is_html(html)
        page = parse_html_page(html)
    except (render_error, PageTooLargeError) as error:
        return "", None, str(error)
    return "\n".join(page.lines), page.structure, None
