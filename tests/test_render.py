"""Rendering real pages (WCXB fixtures) and refusing input that is not a page."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from linesift.model.segment import split_lines
from linesift.training.render import RENDERERS, RenderError, decode_html, render_html

FIXTURES = Path(__file__).parent / "fixtures" / "wcxb" / "html"


def _page(file_id: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{file_id}.html.gz").read_bytes())


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_every_renderer_keeps_boilerplate_and_content(renderer: str) -> None:
    text = render_html(_page("0541"), renderer)
    assert "Powered by FluxBB" in text  # footer
    assert "why did the ISO size increase so rapidly" in text  # first post


def test_resiliparse_puts_blocks_on_their_own_lines() -> None:
    lines = split_lines(render_html(_page("0541")))
    assert lines[0] == "Arch Linux"
    assert "  • Packages" in lines
    assert "Powered by FluxBB" in lines


def test_noscript_content_is_rendered() -> None:
    # Discourse forums serve their posts inside <noscript>; a scraper without JavaScript sees them.
    html = b"<html><body><noscript><p>Post text for crawlers</p></noscript><p>Shell</p></body></html>"
    assert "Post text for crawlers" in render_html(html)


def test_decode_uses_the_declared_charset() -> None:
    html = '<html><head><meta charset="windows-1252"></head><body>caf\xe9 \u20ac</body></html>'
    assert "café €" in decode_html(html.encode("cp1252"))


def test_decode_detects_an_undeclared_encoding() -> None:
    text = "<html><body><p>" + "Grüße aus Köln, schöne Straße und Übermut. " * 20 + "</p></body></html>"
    assert "Grüße aus Köln" in decode_html(text.encode("latin-1"))


def test_decode_honours_a_byte_order_mark() -> None:
    assert decode_html("<p>x</p>".encode("utf-16")) == "<p>x</p>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input"),
        (b"   \n", "empty input"),
        (bytes(range(256)) * 8, "binary input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary input"),
        (b"just a plain sentence, no markup at all", "not HTML"),
    ],
)
def test_bad_input_raises_render_error(data: bytes, message: str) -> None:
    with pytest.raises(RenderError, match=message):
        render_html(data)


def test_render_error_is_a_value_error() -> None:
    assert issubclass(RenderError, ValueError)


def test_unknown_renderer_is_named() -> None:
    with pytest.raises(KeyError, match="unknown renderer 'nope'"):
        render_html(b"<p>x</p>", "nope")
