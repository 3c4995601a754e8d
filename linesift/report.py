"""A self-contained HTML page that shows every decision on a page and why it was made.

The page is shown as it was, each line shaded by its probability of content, dropped lines struck
through. Hovering or focusing a line (every line with reasons takes Tab focus) shows its reasons.
Everything is inline, with no script: the file opens offline and stays fast for pages of thousands
of lines because the tooltips are plain hidden elements that CSS reveals, and the line numbers are
a CSS counter rather than markup.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from linesift.atomic import atomic_writer
from linesift.explain import DEFAULT_TOP, LineExplanation, Reason, explain_lines
from linesift.limits import check_report_size
from linesift.model.sifter import Line, Sifter
from linesift.model.structure import Structure

DEFAULT_TITLE = "linesift report"
# Marks a report as linesift's, so that writing one again may replace it and nothing else.
GENERATOR = '<meta name="generator" content="linesift report">'

# Characters a browser would hide, drop or choke on are shown as visible stand-ins: C0 controls and
# DEL as their Unicode "control pictures", lone surrogates (undecodable input bytes) as U+FFFD, since
# they cannot be written as UTF-8 at all.
_CONTROL_PICTURES = 0x2400
_DELETE, _DELETE_PICTURE = 0x7F, 0x2421
_VISIBLE_CHARACTERS: dict[int, int | str] = {
    **{code: _CONTROL_PICTURES + code for code in range(0x20) if chr(code) != "\t"},
    _DELETE: _DELETE_PICTURE,
    **{code: "\ufffd" for code in range(0xD800, 0xE000)},
}
_VISIBLE = str.maketrans(_VISIBLE_CHARACTERS)

_STYLE = """
:root { --content: 34 139 34; font-family: system-ui, sans-serif; color: #1a1a1a; }
body { margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
#summary { display: flex; flex-wrap: wrap; gap: .3rem 1.5rem; margin: 0 0 .5rem; }
#summary div { display: flex; gap: .4rem; }
#summary dt { color: #555; }
#summary dd { margin: 0; font-weight: 600; }
.legend { color: #555; font-size: .9rem; margin: 0 0 1rem; }
.swatch { display: inline-block; width: 8rem; height: .8rem; vertical-align: middle;
  background: linear-gradient(to right, rgb(var(--content) / 0), rgb(var(--content) / .45)); border: 1px solid #bbb; }
#page { counter-reset: line; font-family: ui-monospace, monospace; font-size: .85rem; line-height: 1.45; }
.l { counter-increment: line; position: relative; min-height: 1.45em; padding-left: 4.2em;
  background: rgb(var(--content) / calc(var(--p) * .45)); }
.l::before { content: counter(line); position: absolute; left: 0; width: 3.6em; text-align: right; color: #888; }
.t { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; }
.d .t { text-decoration: line-through; color: #666; }
.l:focus { outline: 2px solid #1f5fbf; outline-offset: -2px; }
.why { display: none; position: absolute; z-index: 10; top: 100%; left: 4.2em; max-width: 46rem;
  padding: .4rem .6rem; background: #fffdf2; border: 1px solid #c8b98a; box-shadow: 0 2px 6px rgb(0 0 0 / .2);
  font-family: system-ui, sans-serif; white-space: normal; }
.l:hover .why, .l:focus .why { display: block; }
.why b, .why i { display: block; font-style: normal; }
.why i { color: #1b6e1b; }
.why i.a { color: #a32020; }
"""


def visible(text: str) -> str:
    """``text`` with its control characters (C0 but tab, and DEL) as their Unicode pictures and lone surrogates as
    U+FFFD: what a browser or a terminal shows of a page's line, without obeying it."""
    return text.translate(_VISIBLE)


def _visible(text: str) -> str:
    """``text`` escaped for HTML, with invisible or unencodable characters made visible."""
    return html.escape(visible(text), quote=True)


def _reason_items(reasons: tuple[Reason, ...], against: bool) -> str:
    css = ' class="a"' if against else ""
    return "".join(f"<i{css}>{r.contribution:+.2f} {_visible(r.description)}</i>" for r in reasons)


def _line_html(line: Line, explanation: LineExplanation) -> str:
    shade = f"{line.p_content:.2f}"
    text = f'<span class="t" dir="auto">{_visible(line.text)}</span>'
    if explanation.first_pass is None:  # a blank line: nothing to explain, nothing to focus
        return f'<div class="l" style="--p:{shade}">{text}</div>'
    kept = line.label == "content"
    block, paragraph = explanation.code_block, explanation.paragraph
    notes = ("" if explanation.drop_note is None else f" \u00b7 {explanation.drop_note}") + (
        "" if block is None else f" \u00b7 the mean of code block {block[0]}\u2013{block[1]}") + (
        "" if paragraph is None else f" \u00b7 paragraph {paragraph[0]}\u2013{paragraph[1]}, read as one line") + (
        "" if explanation.piece is None else f" \u00b7 piece {explanation.piece} of line {explanation.number}")
    verdict = (f"{'kept' if kept else 'dropped'} \u00b7 P(content) {line.p_content:.2f} (page cut {explanation.cut:.2f})"
               f"{notes} \u00b7 first pass {explanation.first_pass.p_content:.2f}")
    anchor = f"w{line.number}" + ("" if line.piece is None else f"-{line.piece}")
    why = (f'<span class="why" role="tooltip" id="{anchor}"><b>{verdict}</b>'
           f"{_reason_items(explanation.reasons_for, False)}{_reason_items(explanation.reasons_against, True)}</span>")
    return (f'<div class="l {"k" if kept else "d"}" tabindex="0" aria-describedby="{anchor}" '
            f'style="--p:{shade}">{text}{why}</div>')


def _summary(lines: Sequence[Line], cut: float | None) -> str:
    blank = [not line.text.strip() for line in lines]
    kept = [line.label == "content" for line in lines]
    words = [len(line.text.split()) for line in lines]
    dropped = [not k and not b for k, b in zip(kept, blank)]
    items = (
        ("lines-kept", "lines kept", sum(kept)),
        ("lines-dropped", "lines dropped", sum(dropped)),
        ("lines-blank", "blank lines", sum(blank)),
        ("words-kept", "words kept", sum(w for w, k in zip(words, kept) if k)),
        ("words-dropped", "words dropped", sum(w for w, d in zip(words, dropped) if d)),
        ("threshold", "page cut", "-" if cut is None else f"{cut:.3f}"),
    )
    return "".join(f'<div><dt>{label}</dt><dd id="{key}">{value}</dd></div>' for key, label, value in items)


def render_report(lines: Sequence[Line], explanations: Sequence[LineExplanation], cut: float | None, title: str = DEFAULT_TITLE,
                  note: str | None = None) -> str:
    """The report page for one page's decisions, as a complete HTML document; ``note`` says something of how the page
    was read, under the summary."""
    if len(lines) != len(explanations):
        raise ValueError(f"{len(lines)} lines but {len(explanations)} explanations: they must describe the same page")
    body = "\n".join(_line_html(line, explanation) for line, explanation in zip(lines, explanations))
    note_html = "" if note is None else f'<p class="note">Note: {_visible(note)}.</p>\n'
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n{GENERATOR}\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_visible(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{_visible(title)}</h1>\n<dl id=\"summary\">{_summary(lines, cut)}</dl>\n{note_html}"
        '<p class="legend">Shade: probability of content, <span class="swatch"></span> from 0 to 1. '
        "Struck through: dropped. Hover over a line, or move to it with Tab, to see why.</p>\n"
        f'<main id="page">\n{body}\n</main>\n</body>\n</html>\n'
    )


def is_report(head: bytes) -> bool:
    """Whether ``head``, the first bytes of a file, is the start of a report that :func:`write_report` wrote."""
    return GENERATOR.encode() in head


def write_report(path: str | os.PathLike[str], model: Sifter, text: str, threshold: float | None = None,
                 title: str = DEFAULT_TITLE, top: int = DEFAULT_TOP, structure: Structure | None = None,
                 note: str | None = None) -> None:
    """Explain every line of ``text`` (an HTML page's blocks, with their ``structure``, for a model of HTML
    pages) and write the report to ``path``, with ``note`` under its summary; an interrupted write leaves nothing.

    Raises:
        PageTooLargeError: ``text`` has more lines than a report shows (see :mod:`linesift.limits`).
    """
    check_report_size(text)
    explanations = explain_lines(model, text, top, threshold, structure)
    lines = [Line(e.number, e.text, e.label, e.p_content, e.repeats_line, e.piece, e.code_page) for e in explanations]
    cut = explanations[0].cut if explanations else None  # an empty page has no cut
    with atomic_writer(Path(path)) as out:
        out.write(render_report(lines, explanations, cut, title, note))
