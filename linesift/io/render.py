"""Render fetched HTML to the full plain text of the page, one visible block per line.

Training text should look like what users feed linesift: scraper output and crawl WET files,
where navigation, footers and cookie banners are still in the text. So every renderer here keeps
the whole page (no main-content extraction) and puts each block on its own line.

``resiliparse`` is the default: on the WCXB development pages it renders several times as fast
as html-text, trafilatura and inscriptis, and the alignment ceiling of its lines is within 0.005
word F1 of the best (html-text); numbers and the command that measures them in ``docs/corpus.md``. It
renders ``<noscript>`` content, as a scraper without JavaScript sees it: Discourse forums serve
their posts there. ``trafilatura``'s ``html2txt`` is kept for comparison only: it joins the
whole page into one line, so no line can be told from another.

``html-text-scripts`` is html-text's rendering with the text of every ``<script>`` and ``<style>`` left where
it was, one line of it per line, inside the element's own tags: inline JavaScript, JSON-LD and style sheets
among the page's lines, as scrapers that keep every text node, or its markup, leave them (the seed
page is such a text). A model that never
saw such leftovers keeps them, and the lines next to them. Only the start of each script and style sheet is kept
(see ``SCRIPT_LINES``): what a model learns from them is in their first lines.

``soup`` is BeautifulSoup's text with every text node on a line of its own, as the most common scraping
recipe writes a page (``get_text("\\n", strip=True)`` once scripts, styles, templates and ``<noscript>`` are
removed): a link or a ``<b>`` inside a sentence is a line of its own, so sentences come in pieces, and a
blank line is rare (inside a node, as in a ``<pre>``). Like inscriptis's, its text is for evaluating on a
layout no model learns from (``linesift eval --unseen``).

``text-nodes`` is every text node of the whole document on lines of its own, the ``<title>``, scripts, style sheets
and JSON data included, as a scraper that takes every text node saves a page (lxml's ``itertext``, Scrapy's
``//text()``, a regular expression stripping the tags): whole style sheets and script bundles, a line of a megabyte
among them, and no tags around them. No model learns from it; it is for evaluating on such text (``linesift eval
--unseen``).

``markdown`` is markdownify's Markdown of the whole page: ``#`` headings, ``* `` bullets,
``[text](url)`` links, tables as ``| cell |`` rows. Scrapers that feed language models often emit
this instead of plain text; its corpus is shipped and learnt from, as the plain renderings' are
(``docs/corpus.md``).
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from linesift.io.text import bom_encoding, mostly_utf8, web_legacy_decoding
from linesift.model.segment import split_lines
from linesift.mojibake import repair_double_encoding

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from markdownify import MarkdownConverter

DEFAULT_RENDERER = "resiliparse"

# The HTML standard looks for a <meta charset> in the first 1024 bytes; pages in the wild put it
# later (after long comments or inline scripts), so look a little further.
META_SNIFF_BYTES = 4096
# A text file has almost no control characters; binary data (images, archives, PDFs) is full of
# them. Above this share of the first bytes the input is not a page.
MAX_CONTROL_SHARE = 0.05
CONTROL_SNIFF_BYTES = 4096
# html-text-scripts keeps a script's or style sheet's first lines, each cut to a length: minified bundles are single
# lines of a megabyte. Whole scripts made a corpus 2.3 times the size that trained a model no better
# (docs/corpus.md).
SCRIPT_LINES = 20
SCRIPT_LINE_CHARS = 1000

# A <meta> charset, or the encoding of an XHTML page's XML declaration, which browsers read as such.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?"""
                           rb"""\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TAG = re.compile(r"<\s*(?:!doctype|html|head|body|meta|title|div|p|a|span|table|br|ul|h[1-6])\b", re.IGNORECASE)
# markdown: elements dropped with their content. <noscript> is kept, as resiliparse keeps it: a
# scraper without JavaScript gets its content (Discourse forums serve their posts there), and
# Markdown made from fetched HTML has it.
MARKDOWN_DROPPED = ("script", "style", "template", "svg")
# Elements a browser shows as blocks that markdownify treats as inline (it knows div, p, section,
# article, lists, tables, headings...): renamed to div, so each starts a line of its own and the
# whitespace around it is dropped as around a div.
MARKDOWN_BLOCKS = (
    "html", "head", "body", "title", "header", "footer", "nav", "main", "aside", "figure", "form",
    "fieldset", "legend", "details", "summary", "address", "hgroup", "dialog", "center",
)
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


class RenderError(ValueError):
    """The input is not an HTML page that can be rendered (empty, binary, undecodable, no markup)."""


def _declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares, if it can be the page's (see :func:`_text_encoding`)."""
    match = _META_CHARSET.search(data[:META_SNIFF_BYTES])
    return None if match is None else _text_encoding((match.group(1) or match.group(2)).decode("ascii", "ignore"))


def _text_encoding(name: str) -> str | None:
    """Python's name for the encoding ``name`` declares, if Python knows it and a page can be in it."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # Not a text encoding (hex, base64, zlib: codecs Python also knows), nor UTF-16 or UTF-32, which a declaration
    # read as ASCII cannot be written in.
    if not getattr(info, "_is_text_encoding", True) or info.name.startswith(("utf-16", "utf-32")):
        return None
    return info.name


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode page bytes: BOM, then strict UTF-8, then UTF-8 with its few stray bytes replaced (see
    :func:`linesift.io.text.mostly_utf8`), then ``charset`` (what an HTTP response's Content-Type says, which a
    browser puts before the page's own), then the ``<meta>`` charset, then detection.

    UTF-8 is tried before the declared charset because a strict UTF-8 decode of non-UTF-8 bytes
    almost always fails, while pages often declare ``iso-8859-1`` and are served as UTF-8. UTF-8 text
    that was encoded twice is repaired, however the page was decoded (see :mod:`linesift.mojibake`).
    Raises :class:`RenderError` for empty or binary input, or bytes no encoding fits.
    """
    return decode_html_noting(data, charset)[0]


def decode_html_noting(data: bytes, charset: str | None = None) -> tuple[str, str | None]:
    """The page as :func:`decode_html` decodes it, and a note when its encoding was guessed: neither UTF-8 nor an
    encoding it declares fits its bytes."""
    if not data.strip():
        raise RenderError("empty input: no bytes to render")
    text, utf8, guessed = _decoded(data, charset)
    note = None if guessed is None else (f"not valid UTF-8, nor in a charset it declares; decoded as {guessed}, the "
                                         "encoding its bytes fit best")
    return repair_double_encoding(text, utf8), note


def _decoded(data: bytes, charset: str | None) -> tuple[str, bytes | None, str | None]:
    """The page's text, ``data`` when it is that text in UTF-8 (the repair then reads it instead of encoding the text
    again, 0.1 ms or more a page), and the encoding detection chose, if it did."""
    marked = bom_encoding(data)
    if marked is not None:
        return data.decode(marked, errors="replace"), None, None
    head = data[:CONTROL_SNIFF_BYTES].decode("latin-1")
    if len(_CONTROL.findall(head)) > MAX_CONTROL_SHARE * len(head):
        raise RenderError("binary input: too many control bytes to be an HTML page")
    try:
        return data.decode("utf-8"), data, None
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    if mostly_utf8(replaced):  # a stray byte in UTF-8 text: its other characters kept, not read in another encoding
        return replaced, None, None
    for declared in (None if charset is None else _text_encoding(charset), _declared_charset(data)):
        if declared is not None:
            try:
                return data.decode(declared), None, None
            except UnicodeError:  # "undefined", and the bytes a declared encoding does not fit
                pass
    detected = web_legacy_decoding(data)
    if detected is None:
        raise RenderError("undecodable input: no text encoding fits these bytes")
    return detected[0], None, detected[1]


def check_is_html(html: str) -> None:
    """Raise :class:`RenderError` when ``html`` holds no HTML tag: it is not a page to render or parse."""
    if _TAG.search(html) is None:
        raise RenderError("not HTML: no HTML tags in the input")


def _resiliparse(html: str) -> str:
    tree = HTMLTree.parse(html)
    return extract_plain_text(tree, main_content=False, preserve_formatting=True, noscript=True)


# The other renderers are for comparison and for training on more than one rendering: they are
# an optional extra (``linesift[renderers]``) and imported only when used.
def _html_text(html: str | HtmlElement) -> str:
    import html_text

    return html_text.extract_text(html, guess_layout=True)


def _html_text_with_scripts(html: str) -> str:
    import html_text
    from lxml.html import Element

    tree = html_text.parse_html(html)
    for element in list(tree.iter("script", "style")):
        block = Element("div")
        lines = [line.strip() for line in (element.text or "").splitlines() if line.strip()][:SCRIPT_LINES]
        lines = [line[:SCRIPT_LINE_CHARS] for line in lines]
        # The element's own tags around its text, as text that keeps every node's markup has them.
        attributes = "".join(f' {name}="{value}"' for name, value in element.attrib.items())[:SCRIPT_LINE_CHARS]
        lines = [f"<{element.tag}{attributes}>" + (lines[0] if lines else ""), *lines[1:]]
        lines[-1] += f"</{element.tag}>"
        for line in lines:
            paragraph = Element("p")
            paragraph.text = line
            block.append(paragraph)
        block.tail = element.tail
        element.getparent().replace(element, block)
    return _html_text(tree)


def _inscriptis(html: str) -> str:
    import inscriptis

    return inscriptis.get_text(html)


# soup: elements whose text a scraper removes before it takes the page's text nodes.
SOUP_DROPPED = ("script", "style", "noscript", "template")


def _soup(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(SOUP_DROPPED):
        element.decompose()
    return soup.get_text("\n", strip=True)


def _text_nodes(html: str) -> str:
    from linesift.model.dom import parse_tree  # lxml, as linesift.model.dom parses pages

    root = parse_tree(html)
    if root is None:
        return ""
    return "\n".join(line.strip() for node in root.itertext() for line in split_lines(node) if line.strip())


def _trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.html2txt(html, clean=False)


def _is_data_uri(url: object) -> bool:
    return str(url or "").lstrip().lower().startswith("data:")


@functools.cache
def _markdown_converter() -> MarkdownConverter:
    from markdownify import MarkdownConverter

    # wrap without a width: whitespace in text, newlines included, is one space, as a browser shows
    # it, so a paragraph is one line (markdownify otherwise keeps the source's line breaks).
    return MarkdownConverter(heading_style="ATX", bullets="*", wrap=True, wrap_width=None)


def _markdown(html: str) -> str:
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(MARKDOWN_DROPPED):
        element.decompose()
    for element in soup.find_all(MARKDOWN_BLOCKS):
        element.name = "div"
    # An image whose source is a data: URI is its alt text: base64 is no text, and such a source is
    # mostly a lazy-loading placeholder, not the image. Other images keep their URL, as in any
    # Markdown of a page. A link to a data: URI is its text.
    for image in soup.find_all("img", src=_is_data_uri):
        image.replace_with(str(image.get("alt") or ""))
    for link in soup.find_all("a", href=_is_data_uri):
        link.unwrap()
    soup.smooth()  # the text on both sides of a dropped element is one text node again
    # markdownify turns the source's newline after a <br> into a space that starts the next line.
    for br in soup.find_all("br"):
        after = br.next_sibling
        if type(after) is NavigableString and br.find_parent("pre") is None:  # not a comment
            after.replace_with(after.lstrip())
    text = _markdown_converter().convert_soup(soup)
    return _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("", text))


RENDERERS: dict[str, Callable[[str], str]] = {
    "resiliparse": _resiliparse,
    "html-text": _html_text,
    "html-text-scripts": _html_text_with_scripts,
    "inscriptis": _inscriptis,
    "trafilatura": _trafilatura,
    "markdown": _markdown,
    "soup": _soup,
    "text-nodes": _text_nodes,
}


def render_html(data: bytes, renderer: str = DEFAULT_RENDERER, charset: str | None = None) -> str:
    """Render page bytes (in ``charset`` if an HTTP header says so, see :func:`decode_html`) to plain text with the
    named renderer from :data:`RENDERERS`.

    Raises :class:`RenderError` when the bytes are not an HTML page or the renderer fails on
    them, and ``KeyError`` for an unknown renderer name.
    """
    return render_decoded(decode_html(data, charset), renderer)


def render_decoded(html: str, renderer: str = DEFAULT_RENDERER) -> str:
    """Render an HTML page already decoded as :func:`render_html` renders its bytes; raises as it does."""
    try:
        render = RENDERERS[renderer]
    except KeyError:
        raise KeyError(f"unknown renderer {renderer!r}; known: {', '.join(RENDERERS)}") from None
    check_is_html(html)
    try:
        return render(html)
    except Exception as exc:  # a renderer's own parse errors become one documented error type
        raise RenderError(f"{renderer} failed to render the page: {exc}") from exc
