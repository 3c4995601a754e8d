"""Markdown links read as their text: what the cleaned text of Markdown-flavoured pages holds.

Markdown writers (markdownify, html2text, pandoc) write a link as ``[text](target "title")`` and an image as
``![alt](source)``. A reader of the page sees the link's text and the picture, not their addresses; nor does an
extractor of the HTML (trafilatura leaves links and images out unless asked). So the kept lines of a page are
given back with each inline link as its text and each image left out, and a line whose words were all in images
and link targets is left out with them. Decisions are unchanged: the model reads the lines as written, where a
link's target is evidence (a menu is a list of links), and spans still point into the text as given.

A link's text may run over a line break, as in hard-wrapped Markdown, but not over a blank line. A bracket right
after a letter, digit or closing bracket opens no link (``items[0](x)`` is code), nor does an escaped one (``\\[``).
Code is given as written, as a reader sees it: a fenced code block (closed, as :mod:`linesift.model.fences` reads
one) and a code span between backticks on one line.
"""

from __future__ import annotations

import re

# A link's text: no blank line in it, and brackets one level deep ("[[1]](#note)").
_TEXT = r"((?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*)"
_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)"  # one level of parentheses, an optional title
# The lookbehind follows the opening character, so that a search jumps from one "!" or "[" to the next: before it,
# every position of the text was tried (twice as slow on Markdown).
# An image also takes the spaces after it, which :func:`_left_out` gives back where they part two words.
_IMAGE = re.compile(rf"!(?<![\w\]]!)\[{_TEXT}\]{_TARGET}([ \t]*)")
_LINK = re.compile(rf"\[(?<![\w\]!\\]\[){_TEXT}\]{_TARGET}")
# Code, where a link is text to show: a closed fenced block, or a span between as many backticks on one line.
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n(?:.*?\n)?? {0,3}\1[`~]*[ \t]*$|(`+)(?!`)[^\n]+?(?<!`)\2(?!`)",
                   re.MULTILINE | re.DOTALL)
_WORD = re.compile(r"\w")
# Code is hidden behind these marks while links are read, and put back after.
_HIDE_OPEN, _HIDE_CLOSE = "\ue000", "\ue001"
_HIDDEN = re.compile(f"{_HIDE_OPEN}(\\d+){_HIDE_CLOSE}")


def _left_out(image: re.Match[str]) -> str:
    """What is left of an image: the line breaks of its alt text, so that the text keeps its lines, and the spaces
    after it unless the image starts its line or follows a space ("Text ![chart](c.png) around" reads "Text
    around", with one space)."""
    start = image.start()
    after_gap = start == 0 or image.string[start - 1] in " \t\n"
    return "\n" * image.group(1).count("\n") + ("" if after_gap else image.group(2))


def _read(text: str) -> str:
    """``text`` with each Markdown image left out and each inline link read as its text, line for line; code as it
    is, in a link's text too (markdownify writes a link to an API's name as ``[`name`](url)``)."""
    if "](" not in text:
        return text
    # No code, or private-use characters of the text's own that would be taken for a hidden code's mark: the search
    # for code would try every position, or could not hide it.
    if ("`" not in text and "~~~" not in text) or _HIDE_OPEN in text:
        return _read_prose(text)
    codes: list[str] = []

    def hide(code: re.Match[str]) -> str:
        codes.append(code.group())
        return f"{_HIDE_OPEN}{len(codes) - 1}{_HIDE_CLOSE}"

    return _HIDDEN.sub(lambda mark: codes[int(mark.group(1))], _read_prose(_CODE.sub(hide, text)))


def _read_prose(text: str) -> str:
    return _LINK.sub(r"\1", _IMAGE.sub(_left_out, text)) if "](" in text else text


def links_as_text(text: str) -> str:
    """``text`` with each Markdown image left out and each inline link read as its text; a line that held words
    and keeps none is left out whole, and so is the blank line that parted it from the text before it (or from the
    text after it, at the start), so that blocks stay a blank line apart."""
    read = _read(text)  # plain text, without "](", is given back as it is: nothing to do, and nothing to pay
    if read == text:
        return text
    lines: list[str] = []
    after_left_out = False
    for line, written in zip(read.split("\n"), text.split("\n")):
        if line != written and not _WORD.search(line) and _WORD.search(written):
            after_left_out = True
        elif not (after_left_out and not line.strip() and (not lines or not lines[-1].strip())):
            lines.append(line)
            after_left_out = False
    if after_left_out and lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def lines_as_read(lines: list[str]) -> list[str]:
    """Each of ``lines``, the lines of one text, as a reader reads it (see :func:`links_as_text`), one for one: a
    line whose words were all in images and link targets keeps none."""
    text = "\n".join(lines)
    read = _read(text)
    return lines if read == text else read.split("\n")
