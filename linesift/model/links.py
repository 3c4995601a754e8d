"""Markdown links read as their text: what the cleaned text of Markdown-flavoured pages holds.

Markdown writers (markdownify, html2text, pandoc) write a link as ``[text](target "title")`` and an image as
``![alt](source)``. A reader of the page sees the link's text and the picture, not their addresses; nor does an
extractor of the HTML (trafilatura leaves links and images out unless asked). So the kept lines of a page are
given back with each inline link as its text and each image left out, and a line that was nothing but images and
links without text is left out with them. Decisions are unchanged: the model reads the lines as written, where a
link's target is evidence (a menu is a list of links), and spans still point into the text as given.

A bracket right after a letter, digit or closing bracket opens no link (``items[0](x)`` is code), nor does a
bracket pair split over lines.
"""

from __future__ import annotations

import re

_TEXT = r"((?:[^\[\]\n]|\[[^\[\]\n]*\])*)"  # a link's text, which may hold one level of brackets ("[[1]](#note)")
_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)"  # one level of parentheses, an optional title
_IMAGE = re.compile(rf"(?<![\w\]])!\[{_TEXT}\]{_TARGET}")
_LINK = re.compile(rf"(?<![\w\]!])\[{_TEXT}\]{_TARGET}")
_WORD = re.compile(r"\w")


def links_as_text(text: str) -> str:
    """``text`` with each Markdown image left out and each inline link read as its text; a line that held some
    and keeps no letter or digit is left out whole."""
    if "](" not in text:  # plain text: nothing to do, and nothing to pay
        return text
    lines = []
    for line in text.split("\n"):
        read = _LINK.sub(r"\1", _IMAGE.sub("", line)) if "](" in line else line
        if read == line or _WORD.search(read):
            lines.append(read)
    return "\n".join(lines)
