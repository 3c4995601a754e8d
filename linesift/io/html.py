"""HTML pages rendered to text with the renderer the text model was trained on, or parsed into blocks for the
model of HTML pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from linesift.io.text import MissingExtraError
from linesift.limits import PageTooLargeError
from linesift.model.structure import Structure

HTML_PACKAGES = "resiliparse charset-normalizer"  # what linesift.io.render needs for the default renderer


@dataclass(frozen=True, slots=True)
class PageRead:
    """A page's text to clean; ``structure`` when it was parsed into blocks; ``problem``, why there is no text to clean;
    ``note``, how its bytes were decoded when that was a guess (see :func:`linesift.io.render.decode_html_noting`)."""

    text: str
    structure: Structure | None = None
    problem: str | None = None
    note: str | None = None


@functools.cache
def _renderer() -> tuple[Callable[..., tuple[str, str | None]], Callable[..., str], type[Exception]]:
    # Imported on first use: the renderers are an optional extra, and slow to import.
    try:
        from linesift.io.render import RenderError, decode_html_noting, render_decoded
    except ImportError as error:
        raise MissingExtraError(f"HTML input needs the HTML renderer: pip install {HTML_PACKAGES} ({error})") from None
    return decode_html_noting, render_decoded, RenderError


def render(data: bytes, charset: str | None = None) -> PageRead:
    """The page's text with the default renderer, or why it is not a renderable page; ``charset`` as an HTTP header
    gives it (see :func:`linesift.io.render.decode_html`)."""
    decode, render_decoded, render_error = _renderer()
    try:
        html, note = decode(data, charset)
        return PageRead(render_decoded(html), note=note)
    except render_error as error:
        return PageRead("", problem=str(error))


def parse(data: bytes, charset: str | None = None) -> PageRead:
    """The page's blocks, one a line, and their structure (see :func:`linesift.model.dom.parse_html_page`), or why the
    bytes are not a page that can be decoded or are over the size limits; ``charset`` as for :func:`render`."""
    decode, _, render_error = _renderer()
    from linesift.io.render import check_is_html
    from linesift.model.dom import parse_html_page

    try:
        html, note = decode(data, charset)
        check_is_html(html)
        page = parse_html_page(html)
    except (render_error, PageTooLargeError) as error:
        return PageRead("", problem=str(error))
    return PageRead("\n".join(page.lines), page.structure, note=note)
