"""An HTML page as blocks: the text a browser shows, one block a line, each with what the markup says of it.

A block is what a text renderer puts on a line of its own: a paragraph, a heading, a list item, a table row,
a line of a ``<pre>``, the text between two ``<br>``; and a button's label, which names a control ("Subscribe",
"Add to cart", a size to pick) and is never part of the sentence beside it. Scripts, styles, templates and the
``<head>`` show nothing; ``<noscript>`` content is kept, as a scraper without JavaScript sees it. Beside each line
the :class:`~linesift.model.structure.Structure` records the elements around it (tags; class, id, role,
aria-label and data-testid words), its link text, its look-alike siblings and whether the markup hides it.

The tree is parsed by lxml (libxml2's HTML parser) and walked by its event iterator, without recursion; a page
nested deeper than libxml2 parses (2,048 levels) is read as plain lines instead.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from lxml.etree import HTMLParser, _Element, fromstring, iterwalk
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from linesift.limits import check_html_size
from linesift.model.segment import Page
from linesift.model.structure import LEVEL, Structure

BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "body", "button", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "noscript", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
))
# Elements that show no text to a reader (or none a scraper gets): skipped with everything inside them.
SKIPPED = frozenset(("script", "style", "template", "svg", "head", "title", "iframe", "object", "canvas", "noembed",
                     "noframes", "math", "map", "audio", "video", "select"))
CELLS = frozenset(("td", "th"))  # a row's cells share its line, a space apart
# libxml2 stops parsing at 2,048 levels of nesting, even for a huge tree, and drops the rest of the page. A page
# that deep (a hostile one; real pages are a few dozen levels deep) is read by resiliparse's renderer instead,
# which nests without limit: its lines, without their markup.
_TOO_DEEP = "ERR_RESOURCE_LIMIT"  # libxml2's error for it
MAX_WORDS_PER_LEVEL = 8
_WORD_SPLIT = re.compile(r"[^0-9A-Za-z]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """An HTML page's blocks, one a line (no line empty, none holding a newline), and their markup."""

    lines: list[str]
    structure: Structure

    def text_page(self) -> Page:
        """The blocks as a :class:`Page` of text, one line each, as a model scores them."""
        return Page.from_lines(self.lines)


@dataclass(slots=True)
class _Open:
    """An element open on the walk's path, with what a line ending inside it records: the tags and the naming
    words of it and its ancestors (innermost first, see :class:`Structure`), whether it or an ancestor is
    hidden, and the most look-alike siblings of it and its two nearest ancestors."""

    tag: str
    tags: str
    names: str
    hidden: bool
    alike: int
    element: _Element | None  # until a block child asks for its look-alike siblings (see ``siblings``)
    alike_self: int = 0
    children: dict[tuple[str, str | None], int] | None = None

    def siblings(self) -> dict[tuple[str, str | None], int] | None:
        """Its children by tag and class, when it has several; counted when a block child first asks: most
        elements hold only inline children (a paragraph's links), which never ask."""
        if self.element is not None:
            self.children, self.element = _children(self.element), None
        return self.children


_ROOT = _Open("", "", "", False, 0, None)  # above the root element: nothing around it


@functools.lru_cache(maxsize=1 << 16)  # pages of a site, and elements of a page, repeat their classes
def _words(value: str) -> str:
    """The lower-cased words of class and naming attributes' values: ``postBody main-content`` → ``post body main content``."""
    found = [word.lower() for word in _WORD_SPLIT.split(value) if len(word) > 1 and not word.isdigit()]
    return " ".join(list(dict.fromkeys(found))[:MAX_WORDS_PER_LEVEL])


class _Lines:
    """The lines of a page as the walk finds their text, with each line's structure."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.tags: list[str] = []
        self.names: list[str] = []
        self.link_chars: list[int] = []
        self.links: list[int] = []
        self.alike: list[int] = []
        self.hidden: list[bool] = []
        self.pieces: list[str] = []
        self.piece_links = 0  # characters of the pieces inside <a>
        self.open_links = 0  # <a> elements opened since the line started

    def add(self, text: str, in_link: bool) -> None:
        self.pieces.append(text)
        if in_link:
            self.piece_links += len(text.strip())

    def end(self, inside: _Open, preformatted: bool = False) -> None:
        """End the current line, if it holds any text, as a block of ``inside``, the innermost open element; a line
        of a ``<pre>`` keeps its indentation."""
        if not self.pieces:
            return
        joined = "".join(self.pieces)
        text = joined.rstrip() if preformatted and joined.strip() else " ".join(joined.split())
        self.pieces = []
        if text:
            self.lines.append(text)
            self.tags.append(inside.tags)
            self.names.append(inside.names)
            self.link_chars.append(min(self.piece_links, len(text)))
            self.links.append(self.open_links)
            self.alike.append(inside.alike)
            self.hidden.append(inside.hidden)
        self.piece_links = 0
        self.open_links = 0

    def page(self) -> HtmlPage:
        n = len(self.lines)
        structure = Structure(self.tags, self.names, np.array(self.link_chars, dtype=np.int64).reshape(n),
                              np.array(self.links, dtype=np.int64).reshape(n), np.array(self.alike, dtype=np.int64).reshape(n),
                              np.array(self.hidden, dtype=bool).reshape(n))
        return HtmlPage(self.lines, structure)


# Besides the class, the attributes whose words name an element: ``aria-label`` says in words what a block is
# ("Breadcrumb", "Share this article") and ``data-testid`` names it where the class is a hash of the styles.
_NAMING_ATTRIBUTES = ("id", "role", "aria-label", "data-testid")
_HIDING_ATTRIBUTES = frozenset(("hidden", "aria-hidden", "style"))  # the attributes that can hide an element


def _is_hidden(attributes: dict[str, str]) -> bool:
    if "hidden" in attributes or attributes.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = attributes.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


@functools.cache
def _parser() -> HTMLParser:
    # huge_tree: no depth or size cap, so a deeply nested page is parsed whole; comments never show.
    return HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True)


def parse_tree(html: str) -> _Element | None:
    """The element tree of the HTML page ``html`` as libxml2's HTML parser builds it, comments left out; None when
    it holds no element."""
    # As UTF-8 bytes: lxml refuses a str that declares an encoding; unpaired surrogates become U+FFFD.
    return fromstring(html.encode("utf-8", "replace"), parser=_parser())


def _opened(element: _Element, tag: str, parent: _Open, grandparent: _Open) -> _Open:
    """``element``, a block, open inside ``parent`` (itself inside ``grandparent``)."""
    # One call for all its attributes: most blocks have none, and a dict answers the rest without lxml.
    items = element.items()
    attributes = dict(items) if items else {}
    class_ = attributes.get("class")
    value = " ".join(filter(None, (class_, *map(attributes.get, _NAMING_ATTRIBUTES))))
    words = _words(value) if value else ""
    siblings = parent.siblings()
    alike = siblings.get((tag, class_), 1) - 1 if siblings else 0
    return _Open(
        tag,
        f"{tag}{LEVEL}{parent.tags}" if parent.tags else tag,
        f"{words}{LEVEL}{parent.names}" if parent.tags else words,
        parent.hidden or (not _HIDING_ATTRIBUTES.isdisjoint(attributes) and _is_hidden(attributes)),
        max(alike, parent.alike_self, grandparent.alike_self),
        element,
        alike,
    )


def parse_html_page(html: str) -> HtmlPage:
    """The blocks of the HTML page ``html`` and their structure (see the module's docstring).

    Raises TypeError when ``html`` is not a ``str``: decode bytes first (``linesift.io.render.decode_html``);
    :class:`~linesift.limits.PageTooLargeError` for a page over ``MAX_HTML_CHARS``, before it is parsed.
    """
    if not isinstance(html, str):
        decode = ": decode it first" if isinstance(html, (bytes, bytearray, memoryview)) else ""
        raise TypeError(f"an HTML page must be str, not {type(html).__name__}{decode}")
    check_html_size(html)
    out = _Lines()
    if not html.strip():
        return out.page()
    root = parse_tree(html)
    if any(error.type_name == _TOO_DEEP for error in _parser().error_log):  # the log of the parse just done
        return _rendered_lines(html)
    if root is None:  # no element at all
        return out.page()
    path = [_ROOT, _ROOT]
    links_open = pre_depth = 0

    def add(text: str) -> None:
        if pre_depth and "\n" in text:
            first, *rest = text.split("\n")
            out.add(first, links_open > 0)
            for piece in rest:
                out.end(path[-1], preformatted=True)
                out.add(piece, links_open > 0)
        else:
            out.add(text, links_open > 0)

    walk = iterwalk(root, events=("start", "end"))
    for event, element in walk:
        tag = element.tag
        if not isinstance(tag, str):  # an entity or a comment lxml kept: only its tail shows
            if event == "end" and element.tail:
                add(element.tail)
            continue
        if event == "start":
            if tag in SKIPPED:
                walk.skip_subtree()
                path.append(_ROOT)  # its end event still comes, and closes it
                continue
            if tag in BLOCKS:
                if out.pieces:
                    out.end(path[-1])
                path.append(_opened(element, tag, path[-1], path[-2]))
            else:
                # An inline element's text joins the line of the block around it, which says where the line sits:
                # it stands on the path as that block, at no cost per element.
                if tag == "br":
                    out.end(path[-1])
                path.append(path[-1])
            if tag == "a":
                links_open += 1
                out.open_links += 1
            elif tag == "pre":
                pre_depth += 1
            text = element.text
            if text:
                add(text)
            continue
        if tag in BLOCKS:
            if out.pieces:
                out.end(path[-1], preformatted=pre_depth > 0)
        elif tag in CELLS:
            out.add(" ", False)
        path.pop()
        if tag == "a":
            links_open -= 1
        elif tag == "pre":
            pre_depth -= 1
        tail = element.tail
        if tail:
            add(tail)
    out.end(path[-1])
    return out.page()


def _children(element: _Element) -> dict[tuple[str, str | None], int] | None:
    """How many children of ``element`` have each tag and class, so that a child knows its look-alike siblings
    (cards in a grid, items of a menu); None for fewer than two children."""
    if len(element) < 2:
        return None
    counts: dict[tuple[str, str | None], int] = {}
    for child in element:
        key = (child.tag, child.get("class"))
        counts[key] = counts.get(key, 0) + 1
    return counts


def _rendered_lines(html: str) -> HtmlPage:
    """The page's lines as resiliparse's renderer writes them, with no markup around them."""
    text = extract_plain_text(HTMLTree.parse(html), main_content=False, preserve_formatting=True, noscript=True)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    return HtmlPage(lines, Structure.blank(len(lines)))
