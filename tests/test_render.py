"""Rendering real pages (WCXB fixtures) and refusing input that is not a page."""

from __future__ import annotations

import gzip
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import encoded_twice

import linesift.mojibake as mojibake
from linesift.io.render import (
    RENDERERS,
    SCRIPT_LINE_CHARS,
    SCRIPT_LINES,
    RenderError,
    decode_html,
    decode_html_noting,
    render_html,
)
from linesift.model.segment import split_lines

FIXTURES = Path(__file__).parent / "fixtures" / "wcxb" / "html"


def _page(file_id: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{file_id}.html.gz").read_bytes())


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_every_renderer_keeps_boilerplate_and_content(renderer: str) -> None:
    text = render_html(_page("0541"), renderer)
    assert "Powered by" in text  # footer ("Powered by [FluxBB](http://fluxbb.org/)" in Markdown)
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


def test_soup_puts_every_text_node_on_a_line_without_scripts_styles_or_noscript() -> None:
    html = (b"<html><head><title>Fillet</title><style>p {}</style></head><body><script>var a = 1;</script>"
            b"<p>On the <b>Surface</b> menu, click <a href='/f'>Fillet</a>.</p><noscript>Enable JavaScript</noscript>"
            b"<template><p>Later</p></template></body></html>")
    assert split_lines(render_html(html, "soup")) == ["Fillet", "On the", "Surface", "menu, click", "Fillet", "."]


def test_text_nodes_keeps_every_text_node_scripts_and_styles_included() -> None:
    script = "\n".join(f"call{i}();" for i in range(SCRIPT_LINES + 5)) + "\n" + "x" * (SCRIPT_LINE_CHARS + 50)
    html = (f"<html><head><title>Fillet</title><style>p {{ color: red; }}\r\n.a {{}}</style></head><body>"
            f"<script>{script}</script><p>On the <b>Surface</b> menu\u2028click.</p><!-- a comment -->"
            "<noscript>Enable JavaScript</noscript></body></html>").encode()
    # What a scraper taking every text node saves: the whole script, its longest line uncut, and no comment.
    assert split_lines(render_html(html, "text-nodes")) == [
        "Fillet", "p { color: red; }", ".a {}", *script.split("\n"), "On the", "Surface", "menu\u2028click.",
        "Enable JavaScript"]


def test_html_text_scripts_keeps_each_script_line_where_the_script_was_inside_its_tags() -> None:
    html = (b'<html><head><script type="application/ld+json">{"@context": "https://schema.org"}</script></head>'
            b"<body><p>Before</p><script>var a = 1;\n\n  window.x = a;\n</script><p>After</p>"
            b'<script src="app.js"></script></body></html>')
    lines = [line for line in split_lines(render_html(html, "html-text-scripts")) if line.strip()]
    assert lines == ['<script type="application/ld+json">{"@context": "https://schema.org"}</script>', "Before",
                     "<script>var a = 1;", "window.x = a;</script>", "After", '<script src="app.js"></script>']
    assert "window.x" not in render_html(html, "html-text")


def test_html_text_scripts_keeps_style_sheets_inside_their_tags_too() -> None:
    html = (b'<html><head><style media="all">body { margin: 0; }\n.nav { display: flex; }</style></head>'
            b"<body><p>Text</p><style>.a{color:red}</style></body></html>")
    lines = [line for line in split_lines(render_html(html, "html-text-scripts")) if line.strip()]
    assert lines == ['<style media="all">body { margin: 0; }', ".nav { display: flex; }</style>", "Text",
                     "<style>.a{color:red}</style>"]
    assert "margin" not in render_html(html, "html-text")


def test_html_text_scripts_keeps_the_start_of_a_long_script() -> None:
    script = "\n".join(f"call{i}();" for i in range(SCRIPT_LINES + 5)) + "\n" + "x" * (SCRIPT_LINE_CHARS + 50)
    html = f"<html><body><p>Text</p><script>{'y' * (SCRIPT_LINE_CHARS + 50)}\n{script}</script></body></html>".encode()
    lines = [line for line in split_lines(render_html(html, "html-text-scripts")) if line.strip()]
    assert lines[1] == "<script>" + "y" * SCRIPT_LINE_CHARS
    assert lines[2:] == [*(f"call{i}();" for i in range(SCRIPT_LINES - 2)), f"call{SCRIPT_LINES - 2}();</script>"]


def test_html_text_scripts_adds_a_real_page_s_json_ld_to_html_text_s_lines() -> None:
    plain = split_lines(render_html(_page("0414"), "html-text"))
    with_scripts = split_lines(render_html(_page("0414"), "html-text-scripts"))
    added = [line for line in with_scripts if line not in set(plain)]
    assert any('"@type":"Person"' in line for line in added)
    assert all(line.strip() for line in added)
    kept = [line for line in with_scripts if line.strip() and line in set(plain)]
    assert kept == [line for line in plain if line.strip()]  # html-text's lines, in order


def test_markdown_renders_headings_bullets_and_links_one_block_per_line() -> None:
    html = (b"<html><head><title>Page</title><style>p {color: red}</style><script>var a = 1;</script></head>"
            b"<body><nav><a href='/'>Home</a></nav><h1>Title</h1><p>First\n   paragraph, <b>bold</b><br>\n"
            b"after a break.</p><ul><li>item</li><li><a href='https://example.com/doc'>link</a></li></ul>"
            b"<noscript><p>Shown without JavaScript</p></noscript><template><p>Template text</p></template>"
            b"<svg><text>Chart label</text></svg><footer>Footer text</footer></body></html>")
    text = render_html(html, "markdown")
    assert split_lines(text) == [
        "Page", "", "[Home](/)", "", "# Title", "",
        "First paragraph, **bold**", "after a break.", "",
        "* item", "* [link](https://example.com/doc)", "",
        "Shown without JavaScript", "", "Footer text",
    ]
    assert "var a" not in text and "color" not in text


def test_markdown_keeps_a_real_page_s_navigation_as_linked_bullets() -> None:
    lines = split_lines(render_html(_page("0541"), "markdown"))
    assert "# [Arch Linux](http://archlinux.org/)" in lines
    assert "* [Packages](http://archlinux.org/packages/)" in lines
    assert "Powered by [FluxBB](http://fluxbb.org/)" in lines
    assert not any(line != line.rstrip() for line in lines)
    assert not any(a == b == "" for a, b in pairwise(lines))  # at most one blank line in a row


def test_markdown_puts_no_data_uri_in_the_text() -> None:
    pixel = b"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    html = (b"<html><body><p>Before <img src='" + pixel + b"' alt='A chart'> after.</p>"
            b"<p><img src='" + pixel + b"'></p><p><a href='" + pixel + b"'>Download</a></p>"
            b"<p><img src='https://example.com/logo.png' alt='Logo'></p></body></html>")
    text = render_html(html, "markdown")
    assert "base64" not in text and "iVBOR" not in text
    assert [line for line in split_lines(text) if line] == [
        "Before A chart after.", "Download", "![Logo](https://example.com/logo.png)",
    ]


def test_decode_uses_the_declared_charset() -> None:
    html = '<html><head><meta charset="windows-1252"></head><body>caf\xe9 \u20ac</body></html>'
    assert "café €" in decode_html(html.encode("cp1252"))


@pytest.mark.parametrize("declared", ["hex", "base64", "undefined", "utf-16"])
def test_a_declared_charset_that_cannot_be_the_pages_is_passed_over(declared: str) -> None:
    """A codec that is not a text encoding (hex, base64) raised LookupError, "undefined" UnicodeError, and UTF-16,
    declared in bytes readable as ASCII, turned the page into no HTML at all."""
    html = f"<html><head><meta charset={declared}></head><body><p>café au lait, served warm</p></body></html>"
    assert "au lait, served warm</p>" in decode_html(html.encode("cp1252"))  # the é as detection guesses it


def test_a_stray_byte_in_utf8_text_does_not_send_the_page_to_another_encoding() -> None:
    """One cp1252 apostrophe in a UTF-8 page: the page was read as Shift_JIS ("cafﾃｩ"); its UTF-8 is kept."""
    data = ('<html><head><meta charset="utf-8"></head><body><p>Le café était délicieux et la crème brûlée parfaite. '
            "Itxs good.</p></body></html>").encode().replace(b"Itxs", b"It\x92s")
    assert "Le café était délicieux et la crème brûlée parfaite. It\ufffds good." in decode_html(data)


@pytest.mark.parametrize(("declared", "encoding"), [("ISO-8859-1", "latin-1"), ("windows-1250", "cp1250"),
                                                 ("windows-1251", "cp1251")])
def test_an_xml_declarations_encoding_is_the_pages(declared: str, encoding: str) -> None:
    """An XHTML page's XML declaration was passed over: its page was decoded by detection, with a warning."""
    text = {"latin-1": "Le conseil a approuvé le pont.", "cp1250": "Rada schválila stavbu mostu přes řeku.",
            "cp1251": "Совет одобрил строительство моста."}[encoding]
    data = f'<?xml version="1.0" encoding="{declared}"?>\n<html><body><p>{text}</p></body></html>'.encode(encoding)
    html, note = decode_html_noting(data)
    assert text in html and note is None


def test_decode_detects_an_undeclared_encoding() -> None:
    text = "<html><body><p>" + "Grüße aus Köln, schöne Straße und Übermut. " * 20 + "</p></body></html>"
    assert "Grüße aus Köln" in decode_html(text.encode("latin-1"))


@pytest.mark.parametrize("text", [
    "Le café est fermé le dimanche, mais la pâtisserie à côté reste ouverte toute la journée.",
    "The café raised the price of a coffee to €3.50 last week; the owner said “costs have gone up”.",
])
def test_an_undeclared_western_page_is_read_in_a_web_encoding(text: str) -> None:
    """Detection among every code page read these as cp775, a DOS one no web page is written in ("Le cafķ est
    fermķ"), without a word of warning on the HTML path."""
    assert text in decode_html(f"<html><body><p>{text}</p></body></html>".encode("cp1252"))


def test_decode_honours_a_byte_order_mark() -> None:
    assert decode_html("<p>x</p>".encode("utf-16")) == "<p>x</p>"


PAGE = "<html><body><p>It doesn’t matter — the café’s “crème brûlée” costs 5 €™.</p></body></html>"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_decode_repairs_text_encoded_twice(encoding: str) -> None:
    data = encoded_twice(PAGE).decode("utf-8").encode(encoding)  # utf-8-sig and utf-16 with a byte order mark
    assert "doesnâ€™t" in data.decode(encoding)
    assert decode_html(data) == PAGE


def test_decode_repairs_only_the_stretches_encoded_twice() -> None:
    # A page whose own text has Czech and French letters, with a quote pasted in twice encoded.
    page = "<p>Tom Křížek, NESCAFÉ® à la carte: {}</p>"
    data = page.format("").encode("utf-8")[:-4] + encoded_twice("“it’s fine”") + b"</p>"
    assert decode_html(data) == page.format("“it’s fine”")


def test_a_page_over_the_repair_limit_is_decoded_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repair takes time linear in the page (14 s for 10 million characters of broken text): past the limit a page
    is decoded without it, so that no page takes minutes."""
    data = encoded_twice(PAGE)
    monkeypatch.setattr(mojibake, "MAX_REPAIRED_CHARS", len(data.decode("utf-8")) - 1)
    assert decode_html(data) == data.decode("utf-8")
    monkeypatch.setattr(mojibake, "MAX_REPAIRED_CHARS", len(data.decode("utf-8")))
    assert decode_html(data) == PAGE


@pytest.mark.parametrize("text", ["Tom Křížek", "NESCAFÉ® Classic", "Rosa × media", "São Paulo, Ærø, Ørsted", "fiancé—a", "ÂÃ"])
def test_decode_leaves_text_encoded_once_alone(text: str) -> None:
    html = f"<p>{text}</p>"
    assert decode_html(html.encode("utf-8")) == html


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
