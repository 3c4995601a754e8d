"""Markdown links read as their text in the cleaned text of a page: the reader's words, not the link targets'."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from linesift.cli import app
from linesift.io.render import render_html
from linesift.model.links import links_as_text
from linesift.model.modelfile import load_model
from linesift.model.sifter import Sifter
from linesift.training.metrics import word_scores

WCXB = Path(__file__).parent / "fixtures" / "wcxb"
# Pages of the fixtures whose Markdown keeps lines holding links (0414 a news article, 0541 a product page).
MARKDOWN_PAGES = ("0414", "0541")


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


def _markdown_and_gold(file_id: str) -> tuple[str, str]:
    markdown = render_html(gzip.decompress((WCXB / "html" / f"{file_id}.html.gz").read_bytes()), "markdown")
    rows = [json.loads(line) for line in (WCXB / "ground-truth.jsonl").read_text(encoding="utf-8").splitlines()]
    return markdown, next(row["main_content"] for row in rows if row["file_id"] == file_id)


@pytest.mark.parametrize(("written", "read"), [
    ("See [the guide](https://example.org/guide) first.", "See the guide first."),
    ('A [titled link](/a "The title") here', "A titled link here"),
    ("[Foo (band)](https://en.wikipedia.org/wiki/Foo_(band)) formed", "Foo (band) formed"),
    ("[[1]](#note-1) A footnote's mark", "[1] A footnote's mark"),
    ("### [Council approves the budget](https://news.example/2026/03/budget/)", "### Council approves the budget"),
    # An image leaves no gap of two spaces: it takes the spaces after it where nothing stands before it.
    ("Text ![a chart](/img/chart.png) around", "Text around"),
    ("![logo](/logo.png) Home", "Home"),
    ("Text.![a chart](/c.png) Next", "Text. Next"),
    ("[a](b)[c](d)", "ac"),
    # Hard-wrapped Markdown breaks a link's text over lines, never its target.
    ("Read [the whole\nguide](https://example.org/guide) first", "Read the whole\nguide first"),
    ("* [![Company\nlogo](/logo.png)](/)\nNext line", "Next line"),
    # Not links: code calling an indexed item, brackets without a target, a pair split by a blank line.
    ("handlers[0](event)", "handlers[0](event)"),
    ("plain [1] and (see above)", "plain [1] and (see above)"),
    ("[open\n\n](target)", "[open\n\n](target)"),
    # Code shows its links as written; a link's text in code is read as the code; an escaped bracket opens nothing.
    ("```markdown\nSee the [guide](install.md).\n![Shot](s.png)\n```\nAfter [it](x).",
     "```markdown\nSee the [guide](install.md).\n![Shot](s.png)\n```\nAfter it."),
    ("~~~\n[a](b)\n~~~", "~~~\n[a](b)\n~~~"),
    ("Write `[text](https://example.org)` or `![alt](photo.jpg)`.", "Write `[text](https://example.org)` or `![alt](photo.jpg)`."),
    ("Call [`fetch()`](https://example.org/fetch) with `url`.", "Call `fetch()` with `url`."),
    ("\\[not a link\\](really)", "\\[not a link\\](really)"),
    ("``` never closed\n[a](b)", "``` never closed\na"),
])
def test_a_link_is_read_as_its_text_and_an_image_is_left_out(written: str, read: str) -> None:
    assert links_as_text(written) == read


def test_a_line_whose_words_were_all_in_images_and_targets_is_left_out() -> None:
    written = "Intro line\n\n* [![Logo](/logo.png)](/home)\n![](/spacer.gif)\n---\nLast [line](/x)\r\n"
    assert links_as_text(written) == "Intro line\n\n---\nLast line\r\n"


@pytest.mark.parametrize(("written", "read"), [
    ("First block.\n\n![A diagram](tree.png)\n\nSecond block.", "First block.\n\nSecond block."),
    ("![A diagram](tree.png)\n\nFirst block.", "First block."),
    ("First block.\n\n![A diagram](tree.png)\n\n![Another](b.png)", "First block."),
], ids=["between blocks", "first", "last"])
def test_a_block_left_out_takes_the_blank_line_that_parted_it(written: str, read: str) -> None:
    assert links_as_text(written) == read


@given(st.text(alphabet=st.characters(blacklist_characters="]")) | st.text())
def test_text_without_a_link_is_given_back_unchanged_and_never_gains_lines(text: str) -> None:
    read = links_as_text(text)
    if "](" not in text:
        assert read == text
    assert read.count("\n") <= text.count("\n")


@pytest.mark.parametrize("file_id", MARKDOWN_PAGES)
def test_cleaned_markdown_gives_the_readers_words(model: Sifter, file_id: str) -> None:
    markdown, gold = _markdown_and_gold(file_id)
    as_written = model.keeping_links().clean(markdown)
    read = model.clean(markdown)
    assert "](" in as_written and "](" not in read
    assert read == links_as_text(as_written)  # the same lines kept: only their links are read
    assert word_scores(read, gold).f1 > word_scores(as_written, gold).f1 + 0.02


def test_predict_reads_links_unless_asked_to_keep_them(tmp_path: Path) -> None:
    markdown, _ = _markdown_and_gold("0414")
    page = tmp_path / "page.md"
    page.write_text(markdown, encoding="utf-8")
    read = CliRunner().invoke(app, ["predict", str(page)])
    kept = CliRunner().invoke(app, ["predict", "--keep-links", str(page)])
    assert read.exit_code == kept.exit_code == 0
    assert "](" not in read.stdout and "](" in kept.stdout
    assert read.stdout == links_as_text(kept.stdout)


HTML_ABOUT_LINKS = """<html><body><nav><a href="/">Home</a> <a href="/docs">Docs</a></nav><main>
<h1>Writing links in Markdown</h1>
<p>Markdown was made so that a plain text file reads well before it is turned into HTML, and links are the part of it
most people meet first.</p>
<p>In Markdown a link is written as [text](https://example.org/), with the words a reader sees in square brackets and
the address in parentheses right after them.</p>
<p>An image is written the same way with an exclamation mark in front, and its words in brackets become the picture's
alternative text.</p>
</main><footer>\u00a9 2026 Example</footer></body></html>"""


@pytest.mark.parametrize("html_as_text", [[], ["--html-as-text"]])
def test_the_text_an_html_page_shows_is_given_as_shown(tmp_path: Path, html_as_text: list[str]) -> None:
    """What looks like a Markdown link on an HTML page is text its reader sees: parsed into blocks or rendered."""
    page = tmp_path / "page.html"
    page.write_text(HTML_ABOUT_LINKS, encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", *html_as_text, str(page)])
    assert result.exit_code == 0 and "written as [text](https://example.org/), with" in result.stdout
    assert "written as [text](https://example.org/), with" in load_model(input="html").clean_html(HTML_ABOUT_LINKS)


def test_the_corpus_steps_read_links_unless_asked_to_keep_them(model: Sifter) -> None:
    pytest.importorskip("dask")
    pytest.importorskip("datatrove")
    from linesift.integrations.dask import clean_records
    from linesift.integrations.datatrove import LinesiftFormatter

    markdown, _ = _markdown_and_gold("0414")
    read, as_written = model.clean(markdown), model.keeping_links().clean(markdown)
    assert read != as_written
    assert LinesiftFormatter().format(markdown) == clean_records([markdown])[0] == read
    assert LinesiftFormatter(keep_links=True).format(markdown) == clean_records([markdown], keep_links=True)[0] == as_written
