"""HTML pages through the command and the library: the model of HTML pages, its reasons, and hostile pages."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linesift import ModelFileError, load_model
from linesift.cli import app
from linesift.io.cleaning import clean_html_pages
from linesift.io.corpus import NO_TEXT
from linesift.model.dom import parse_html_page
from linesift.model.structure import markup_names_blocks

runner = CliRunner()
WCXB_HTML = Path(__file__).parent / "fixtures" / "wcxb" / "html"
HTML_MODEL = load_model(input="html")
ARTICLE = ("The committee met on Tuesday to discuss the new budget, and after a long debate it agreed to fund "
           "the library's extended opening hours for another year.")
PAGE = f"""<html><head><title>Budget</title></head><body>
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article><h1>Library hours extended</h1><p>{ARTICLE}</p>
<p>Residents had asked for longer evening hours since the spring, when a petition gathered two thousand names.</p>
</article></main>
<aside class="related-posts"><h3>Related</h3><ul><li><a href="/a">Council elections next month</a></li>
<li><a href="/b">New bus routes announced</a></li></ul></aside>
<footer class="site-footer"><p>© 2024 Example News. All rights reserved.</p></footer></body></html>"""


def predict(*args: str, stdin: str | bytes | None = None):
    result = runner.invoke(app, ["predict", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_an_html_page_keeps_its_article_and_drops_its_chrome(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    result = predict(str(tmp_path / "page.html"))
    assert result.exit_code == 0
    assert ARTICLE in result.stdout and "petition" in result.stdout
    for chrome in ("Home", "Related", "New bus routes", "All rights reserved"):
        assert chrome not in result.stdout
    assert result.stdout == HTML_MODEL.clean_html(PAGE) + "\n"


def test_per_line_records_are_the_pages_blocks(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    records = [json.loads(line) for line in predict(str(tmp_path / "page.html"), "--format", "jsonl").stdout.splitlines()]
    assert [r["text"] for r in records][:4] == ["Home", "News", "Sport", "Library hours extended"]
    by_text = {r["text"]: r for r in records}
    assert by_text[ARTICLE]["label"] == "content" and by_text["Home"]["label"] == "noise"


def test_explain_gives_the_markups_reasons(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    result = runner.invoke(app, ["explain", str(tmp_path / "page.html"), "--line", "1", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["text"] == "Home" and record["label"] == "noise"
    first_pass = record["first_pass"]["reasons_for"] + record["first_pass"]["reasons_against"]
    markup = [reason["description"] for reason in first_pass if reason["name"] in ("markup", "in_nav", "link_share", "in_li")]
    assert markup, first_pass  # the markup weighs among the strongest reasons of a menu line
    assert any("inside <nav>" in text or "link text" in text or "its markup" in text for text in markup)


def test_explain_says_a_page_without_an_h1_has_none_to_measure_from(tmp_path: Path) -> None:
    """The headline columns of a page without an ``<h1>`` hold fillers: they are said as such, not as "0 elements
    apart from the page's first <h1>"."""
    (tmp_path / "page.html").write_text(PAGE.replace("h1>", "h2>"), encoding="utf-8")
    result = runner.invoke(app, ["explain", str(tmp_path / "page.html"), "--format", "jsonl", "--top", "100"])
    assert result.exit_code == 0, result.output
    said = [reason["description"] for line in result.stdout.splitlines()
            for reason in json.loads(line)["reasons_for"] + json.loads(line)["reasons_against"]]
    assert "no <h1> on the page to count elements to" in said
    assert not [text for text in said if "first <h1>" in text]


def test_a_block_holding_most_of_the_page_is_cleaned_as_the_library_cleans_it(tmp_path: Path) -> None:
    """One long paragraph beside a short menu: predict cut the block into sentence pieces, which its structure has no
    entries for, and the run stopped on "the structure has 2 lines, the page 81" (6 of the 1,356 WCXB pages)."""
    sentences = " ".join(f"Sentence number {k} tells the reader something useful about coffee and its long history."
                         for k in range(40))
    page = f"<html><body><nav>Home | About | Contact</nav><article><p>{sentences}</p></article></body></html>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    result = predict(str(tmp_path / "page.html"))
    assert result.exit_code == 0 and result.stdout == HTML_MODEL.clean_html(page) + "\n"
    assert sentences in result.stdout


def test_a_newsletter_boxs_button_inside_an_article_is_dropped() -> None:
    # A button's label is a block of its own, read by its tag: glued to no tag of its own, "Subscribe" was kept.
    page = PAGE.replace("</p>\n<p>Residents", "</p>\n<div class=\"newsletter-signup\"><p>Sign up for our newsletter and "
                        "get the top stories every morning.</p><button>Subscribe</button></div>\n<p>Residents")
    lines = {line.text: line for line in HTML_MODEL.predict_html(page)}
    assert lines["Subscribe"].label == "noise"
    assert lines[ARTICLE].label == "content"


def test_html_as_text_renders_and_uses_the_text_model(tmp_path: Path) -> None:
    from linesift.io.render import render_html

    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    result = predict(str(tmp_path / "page.html"), "--html-as-text")
    assert result.exit_code == 0
    cleaned = load_model().clean(render_html(PAGE.encode()))
    assert result.stdout == (cleaned + "\n" if cleaned else "")


def test_a_text_model_given_as_the_html_model_is_refused(tmp_path: Path) -> None:
    from linesift.model.modelfile import DEFAULT_MODEL

    text_model = Path(__file__).parent.parent / "linesift" / "model" / DEFAULT_MODEL
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    result = predict(str(tmp_path / "page.html"), "--html-model", str(text_model))
    assert result.exit_code == 2
    assert "a model of text, not of HTML pages (give it to predict and explain --model" in " ".join(result.output.split())
    with pytest.raises(ModelFileError, match="a model of HTML pages, not of text"):
        load_model(Path(__file__).parent.parent / "linesift" / "model" / "html_model.json")


@pytest.mark.parametrize("declared", ['<meta charset="utf-8">', ""], ids=["declared wrongly", "not declared"])
def test_a_page_declaring_the_wrong_encoding_is_read_without_mojibake(tmp_path: Path, declared: str) -> None:
    page = PAGE.replace("the new budget", "the new café budget").replace("<head>", f"<head>{declared}")
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    result = predict(str(tmp_path / "page.html"), "--format", "jsonl")
    assert result.exit_code == 0
    texts = [json.loads(line)["text"] for line in result.stdout.splitlines()]
    assert any("café budget" in text for text in texts) and not any("Ã" in text for text in texts)
    guessed = (f"warning: {tmp_path / 'page.html'}: not valid UTF-8, nor in a charset it declares; decoded as cp1252, "
               "the encoding its bytes fit best")
    assert " ".join(result.stderr.split()) == guessed  # the guess is said, as it is for a text page


@pytest.mark.parametrize("as_text", [False, True])
def test_explain_says_an_html_pages_encoding_was_guessed(tmp_path: Path, as_text: bool) -> None:
    """Decoded in a worker, the HTML page's guessed encoding went unsaid, where a text page's is warned about."""
    (tmp_path / "page.html").write_bytes(PAGE.replace("the new budget", "the new café budget").encode("cp1252"))
    result = CliRunner().invoke(app, ["explain", str(tmp_path / "page.html"), "--line", "1",
                                      *(["--html-as-text"] if as_text else [])])
    assert result.exit_code == 0
    assert " ".join(result.stderr.split()).startswith(f"warning: {tmp_path / 'page.html'}: not valid UTF-8, nor in a charset")


@pytest.mark.parametrize("misread_as", ["cp1252", "latin-1"])
def test_the_library_repairs_a_page_str_holding_utf8_decoded_wrongly(misread_as: str) -> None:
    """A page str whose UTF-8 bytes were decoded as Windows-1252, or as Latin-1 (as ``requests``' ``.text`` does
    when no charset is given): clean_html and predict_html read it as the page itself."""
    page = PAGE.replace("library's", "library’s").replace("the new budget", "the new café budget")
    misread = page.encode("utf-8").decode(misread_as)
    assert "cafÃ©" in misread
    assert HTML_MODEL.clean_html(misread) == HTML_MODEL.clean_html(page)
    assert "café budget" in HTML_MODEL.clean_html(page) and "library’s" in HTML_MODEL.clean_html(page)
    assert [line.text for line in HTML_MODEL.predict_html(misread)] == [line.text for line in HTML_MODEL.predict_html(page)]


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01\x02\x03" * 500, "binary input"),
    (b"just words, no markup at all", "not HTML"),
])
def test_what_is_not_an_html_page_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "page.html").write_bytes(content)
    result = predict(str(tmp_path / "page.html"))
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output


def test_an_empty_body_gives_an_empty_page_and_a_run_of_it_alone_cleans_nothing(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<html><head><title>t</title></head><body></body></html>")
    result = predict(str(tmp_path / "page.html"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {tmp_path / 'page.html'}: {NO_TEXT}, nothing to clean\n"
    assert HTML_MODEL.clean_html("<html><body></body></html>") == ""


def test_the_library_refuses_html_to_a_text_model_and_bytes() -> None:
    with pytest.raises(ValueError, match="this model reads text only"):
        load_model().clean_html(PAGE)
    with pytest.raises(TypeError, match="an HTML page must be str, not bytes: decode it first"):
        HTML_MODEL.clean_html(PAGE.encode())  # type: ignore[arg-type]
    labels = {line.text: line.label for line in HTML_MODEL.predict_html(PAGE)}
    assert labels[ARTICLE] == "content" and labels["Home"] == labels["New bus routes announced"] == "noise"


def test_clean_html_many_cleans_each_page_as_clean_html_does() -> None:
    """Real pages, a page left to the model of text and an empty one, in one call: each as clean_html cleans it alone."""
    pages = [gzip.decompress(path.read_bytes()).decode("utf-8") for path in sorted(WCXB_HTML.glob("*.html.gz"))]
    pages += [BARE_PAGE, PAGE, "<html><body></body></html>"]
    cleaned = HTML_MODEL.clean_html_many(iter(pages))
    assert cleaned == [HTML_MODEL.clean_html(page) for page in pages]
    assert "Zig" in cleaned[0] and ARTICLE in cleaned[-2] and cleaned[-1] == ""


@pytest.mark.parametrize("value", [PAGE, PAGE.encode(), bytearray(PAGE.encode())], ids=["str", "bytes", "bytearray"])
def test_clean_html_many_refuses_a_single_page(value: object) -> None:
    with pytest.raises(TypeError) as error:
        HTML_MODEL.clean_html_many(value)  # type: ignore[arg-type]
    assert str(error.value) == (f"clean_html_many takes an iterable of pages, not a {type(value).__name__} object "
                                "(that would clean each character as a page): use clean_html(html) for one page")


def test_clean_html_many_refuses_bytes_among_pages_and_a_model_of_text() -> None:
    with pytest.raises(TypeError, match="an HTML page must be str, not bytes: decode it first"):
        HTML_MODEL.clean_html_many([PAGE, PAGE.encode()])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="this model reads text only"):
        load_model().clean_html_many([PAGE])


def test_an_html_page_over_the_limit_is_refused_before_it_is_parsed() -> None:
    from linesift import PageTooLargeError
    from linesift.limits import MAX_HTML_CHARS

    with pytest.raises(PageTooLargeError, match="HTML page has 64,000,001 characters, more than the 64,000,000"):
        HTML_MODEL.clean_html("<p>" + "a" * (MAX_HTML_CHARS - 2))


def test_text_at_every_level_of_deep_nesting_gets_a_score_per_block() -> None:
    # Each block sits one level deeper than the last: the main-region pass walks each element once, not each path.
    depth = 1500
    # Named, so that the model of HTML pages reads it rather than leaving it to the model of text.
    html = "".join(f'<div class="level">line {k} of a deep page' for k in range(depth)) + "</div>" * depth
    lines = HTML_MODEL.predict_html(html)
    assert [line.text for line in lines] == [f"line {k} of a deep page" for k in range(depth)]
    assert all(0.0 <= line.p_content <= 1.0 and line.label in ("content", "noise") for line in lines)


BARE_PAGE = f"""<html><body>
<p><a href="/">Home</a> | <a href="/about">About</a> | <a href="/blog">Blog</a></p>
<h1>Library hours extended</h1><p>{ARTICLE}</p>
<p>Residents had asked for longer evening hours since the spring, when a petition gathered two thousand names.</p>
<p>Tags: library, council</p><p>Leave a comment</p><form><button>Post comment</button></form>
<p>&copy; 2024 Example News. Powered by WordPress.</p></body></html>"""


def test_a_page_whose_markup_names_few_blocks_is_read_by_the_text_model(tmp_path: Path) -> None:
    # Bare <p>s in the <body>: the model of HTML pages learnt from pages that name their blocks, so the blocks are
    # read as text, as the model of text reads them.
    blocks = parse_html_page(BARE_PAGE)
    assert not markup_names_blocks(blocks.structure)
    as_text = load_model().predict_lines("\n".join(blocks.lines))
    routed = HTML_MODEL.predict_html(BARE_PAGE)
    assert [(line.text, line.label, line.p_content) for line in routed] == [
        (line.text, line.label, line.p_content) for line in as_text]
    kept = {line.text for line in routed if line.label == "content"}
    assert ARTICLE in kept and not kept & {"Tags: library, council", "Leave a comment", "Home | About | Blog"}
    # Without a model of text beside it, the model of HTML pages reads the page's markup as it is.
    alone = replace(HTML_MODEL, text_model=None)
    assert [line.p_content for line in alone.predict_html(BARE_PAGE)] != [line.p_content for line in routed]
    (tmp_path / "bare.html").write_text(BARE_PAGE, encoding="utf-8")
    records = [json.loads(row) for row in predict(str(tmp_path / "bare.html"), "--format", "jsonl").stdout.splitlines()]
    assert [(r["text"], r["p_content"]) for r in records] == [(line.text, round(line.p_content, 6)) for line in as_text]
    explained = runner.invoke(app, ["explain", str(tmp_path / "bare.html"), "--line", "4"])
    assert explained.exit_code == 0 and "read as text, by the model of text" in explained.stderr
    # The report says it too, where it is read later than the run's warnings.
    assert predict(str(tmp_path / "bare.html"), "--report", str(tmp_path / "bare-report.html")).exit_code == 0
    assert "its blocks are read as text, by the model of text." in (tmp_path / "bare-report.html").read_text()


def test_a_page_whose_markup_names_its_blocks_is_read_by_the_model_of_html_pages() -> None:
    blocks = parse_html_page(PAGE)
    assert markup_names_blocks(blocks.structure)
    decided = HTML_MODEL.decide_many([blocks.text_page()], None, [blocks.structure])[0]
    assert [line.p_content for line in HTML_MODEL.predict_html(PAGE)] == decided.p.tolist()


@pytest.mark.parametrize(("html", "named"), [
    ("<p>one</p><p>two</p><p>three</p>", False),
    ("<nav><p>one</p><p>two</p></nav><p>three</p>", True),  # two of three inside <nav>
    ('<p class="lead">one</p><p>two</p><p>three</p>', False),  # one of three named
    ('<div id="story"><p>one</p><p>two</p></div><p>three</p>', True),  # an ancestor's id names two
    ("", False),
])
def test_markup_names_blocks_counts_blocks_with_a_name_or_a_naming_container(html: str, named: bool) -> None:
    assert markup_names_blocks(parse_html_page(f"<html><body>{html}</body></html>").structure) is named


def test_the_pipelines_read_pages_with_little_markup_as_predict_does() -> None:
    # clean_html_pages is what Dask's clean_bag and datatrove's step call with the model of HTML pages.
    routed, named = clean_html_pages(HTML_MODEL, [BARE_PAGE, PAGE])
    blocks = parse_html_page(BARE_PAGE)
    assert routed.text == load_model().clean("\n".join(blocks.lines)).replace("\n\n", "\n")
    assert named.text == HTML_MODEL.clean_html(PAGE)
    # A model of HTML pages with no model of text beside it reads every page's markup, and says nothing is amiss.
    alone = replace(HTML_MODEL, text_model=None)
    assert [cleaned.text for cleaned in clean_html_pages(alone, [BARE_PAGE])] == [alone.clean_html(BARE_PAGE)]


def test_a_page_with_no_block_is_not_said_to_name_few_of_them(tmp_path: Path) -> None:
    """explain and --report warned that the markup of an empty <body> names fewer than half of its blocks."""
    (tmp_path / "empty.html").write_text("<html><body><script>var x = 1;</script></body></html>", encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", str(tmp_path / "empty.html")])
    assert result.exit_code == 1 and "names fewer than half" not in result.stderr
    assert result.stderr.strip().endswith("nothing to explain")
