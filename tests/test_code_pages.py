"""A page of code alone keeps nothing (linesift.model.codepages), and a page with prose is left to the model.

The scripts, style sheets and JSON below were written for this test, in the shapes scrapers leave them: a tracker's
snippet, a framework's state, a style rule, on one line or on several. Before the rule, 4 of the 16 short ones were
kept (a lone line of JavaScript at P 0.83), and the five page-long ones on one line kept 15 to 665 of their words.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import linesift.cli as cli
from linesift import load_model
from linesift.explain import CODE_PAGE_NOTE, explain_lines
from linesift.model.codepages import CODE_LINE_SHARE, code_pages
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page
from linesift.training.data import LabelledPage
from linesift.training.evaluate import lines_kept, model_probabilities

MODEL = load_model()

SHORT_CODE = [
    "var x = 1; function foo() { return x + 2; } foo();",
    "var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-XXXXX-X']); _gaq.push(['_trackPageview']);",
    "document.write('<p>Hello</p>');",
    "if (window.location.hash) { window.scrollTo(0, 0); }",
    "window.addEventListener('load', function () { document.body.classList.add('loaded'); });",
    "<script>alert(1)</script>",
    "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});"
    "var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;f.parentNode.insertBefore(j,f);})"
    "(window,document,'script','dataLayer','GTM-XXXX');",
    "$(document).ready(function() { $('.menu').hide(); });",
    "googletag.cmd.push(function() { googletag.display('div-gpt-ad-1'); });",
    "var disqus_config = function () { this.page.url = PAGE_URL; this.page.identifier = PAGE_IDENTIFIER; };",
    "function toggle(id) { var e = document.getElementById(id); e.style.display = e.style.display == 'none' ? 'block' : 'none'; }",
    "let total = items.reduce((sum, item) => sum + item.price, 0); console.log(total);",
    "fbq('init', '123456789'); fbq('track', 'PageView');",
    'window.__INITIAL_STATE__ = {"user":null,"cart":{"items":[]}};',
    "body { margin: 0; font-family: Arial, sans-serif; }",
    "@media (max-width: 600px) {\n  .sidebar { display: none; }\n}",
    "window.dataLayer = window.dataLayer || [];\nfunction gtag(){dataLayer.push(arguments);}\ngtag('js', new Date());\n"
    "gtag('config', 'G-XXXX');",
    '{"@context": "https://schema.org", "@type": "Article", "headline": "Council approves budget", '
    '"author": {"@type": "Person", "name": "Jane Doe"}}',
]

# Page-long scripts on one line: cut into pieces like any page on one line (linesift.model.pieces).
LONG_CODE = {
    "dataLayer": " ".join(f"window.dataLayer.push({{event:'view_{k}',value:{k}}});" for k in range(320)),
    "gtag": " ".join(f"gtag('config', 'G-{k:06d}', {{ send_page_view: false }});" for k in range(200)),
    "minified": " ".join(f"function f{k}(a,b){{return a+b*{k}}} var x{k}=f{k}(1,2);" for k in range(200)),
    "jquery": " ".join(f"$('#item-{k}').on('click', function(e) {{ e.preventDefault(); show({k}); }});" for k in range(150)),
    "css": " ".join(f".card-{k} {{ margin: {k}px; padding: 0 4px; color: #333; }}" for k in range(200)),
}

# Pages with prose: the rule leaves them to the model, which keeps their prose.
WITH_PROSE = {
    "dialogue": '"Come in," she said.\n"Thank you," he replied, "it\'s cold out there."\n"Sit by the fire."',
    "explained snippet": "Call the function once the page has loaded, so that the menu exists:\n"
                         "window.addEventListener('load', setUpMenu);\n"
                         "The menu then opens on a click and closes when the reader clicks anywhere else.",
    "script above a paragraph": "<script>window.dataLayer = window.dataLayer || [];</script>\n"
                                "The museum's new gallery of local clocks opens to the public on Friday, with free "
                                "entry for the first month and guided tours every afternoon.",
    "brackets in prose": "The council (which met on Tuesday) voted 7 to 2: the levee will be built, and the "
                         "\"temporary\" wall [see map] comes down in May.",
}


@pytest.mark.parametrize("text", SHORT_CODE)
def test_a_short_page_of_code_keeps_nothing(text: str) -> None:
    lines = MODEL.predict_lines(text)
    assert MODEL.clean(text) == ""
    assert all(line.code_page and line.label == "noise" for line in lines)


@pytest.mark.parametrize("name", LONG_CODE)
def test_a_page_long_script_on_one_line_keeps_none_of_its_pieces(name: str) -> None:
    text = LONG_CODE[name]
    page = Page.from_text(text)
    assert len(page) > 100  # read as pieces
    decision = MODEL.decide(page)
    assert decision.code_page and not decision.keep(page).any()
    assert (decision.p >= decision.cut).any()  # the model alone would keep some of them


@pytest.mark.parametrize("name", WITH_PROSE)
def test_a_page_with_prose_is_not_code(name: str) -> None:
    text = WITH_PROSE[name]
    assert not MODEL.decide(Page.from_text(text)).code_page
    assert not any(line.code_page for line in MODEL.predict_lines(text))


CUT = 0.2


def test_a_page_of_code_repeating_itself_has_no_copies() -> None:
    """On a page of code alone no line is content, so none repeats a content line above it."""
    line = SHORT_CODE[11]  # both copies reach a cut of 0.2 (P 0.35 and 0.22): the second was marked a repeat
    page = Page.from_text("\n".join([line, line]))
    decision = MODEL.decide(page, CUT)
    assert (decision.p >= CUT).all()
    assert [(line.code_page, line.repeats_line) for line in MODEL.predict_lines(page.text, CUT)] == [(True, None)] * 2


def test_the_prose_beside_a_snippet_is_kept() -> None:
    kept = MODEL.clean(WITH_PROSE["explained snippet"]).split("\n")
    assert "The menu then opens on a click and closes when the reader clicks anywhere else." in kept


def share_line(code: int, other: int) -> str:
    """A line of ``code`` semicolons and ``other`` letters, without a sentence end."""
    return ";" * code + "x" * other


def test_a_line_is_code_from_the_share_on() -> None:
    """10 code characters in 100 is code; 9 in 100 is not."""
    assert CODE_LINE_SHARE == 0.10
    assert code_pages(PageStats(Page.from_text(share_line(10, 90)))).tolist() == [True]
    assert code_pages(PageStats(Page.from_text(share_line(9, 91)))).tolist() == [False]


def test_a_sentence_end_makes_a_line_prose() -> None:
    assert code_pages(PageStats(Page.from_text(share_line(50, 49) + "."))).tolist() == [False]


@pytest.mark.parametrize("text", ["});", "---\n***", "!!!!!!!!!!", "» » »"])
def test_a_page_of_symbols_alone_keeps_nothing(text: str) -> None:
    """Alone, "}}}" was kept at P 0.67 and a row of exclamation marks at 0.87."""
    page = Page.from_text(text)
    assert code_pages(PageStats(page.non_blank()[0])).tolist() == [True]
    assert MODEL.clean(text) == ""


@pytest.mark.parametrize("text", ["", "\n\n", "🎉🎉🎉"])
def test_an_empty_page_or_one_of_emoji_is_not_code(text: str) -> None:
    assert not code_pages(PageStats(Page.from_text(text).non_blank()[0])).any()


def test_lines_without_letters_or_digits_do_not_make_a_code_page_prose() -> None:
    assert code_pages(PageStats(Page.from_text("foo(1);\n});\n---"))).tolist() == [True]


def test_each_page_of_a_batch_is_judged_alone() -> None:
    texts = [SHORT_CODE[0], WITH_PROSE["brackets in prose"], SHORT_CODE[14]]
    cleaned = MODEL.clean_many(texts)
    assert cleaned == ["", MODEL.clean(texts[1]), ""] and cleaned[1]
    joined = Page.join([Page.from_text(text) for text in texts])
    assert code_pages(PageStats(joined)).tolist() == [True, False, True]


def test_a_page_scored_with_its_markup_is_left_to_its_model() -> None:
    """A page's code in HTML is in <pre> elements, which say what they hold: the rule reads text only."""
    from linesift.model.dom import parse_html_page

    html = ('<html><body><main class="docs"><pre class="code">var x = 1;\nfunction foo() { return x + 2; }\nfoo();'
            "</pre></main></body></html>")
    page = parse_html_page(html)
    assert page.lines == ["var x = 1;", "function foo() { return x + 2; }", "foo();"]
    scored = load_model(None, "html").scored(page.text_page(), structure=page.structure)
    assert scored.code_pages.tolist() == [False]
    assert MODEL.scored(page.text_page()).code_pages.tolist() == [True]


def test_explain_and_jsonl_say_why() -> None:
    explained = explain_lines(MODEL, SHORT_CODE[0])
    assert [(e.label, e.code_page, e.drop_note) for e in explained] == [("noise", True, CODE_PAGE_NOTE)]
    assert explained[0].p_content >= explained[0].cut
    result = CliRunner().invoke(cli.app, ["predict", "-", "--format", "jsonl"], input=SHORT_CODE[0] + "\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["code_page"] is True
    shown = CliRunner().invoke(cli.app, ["explain", "-", "--line", "1"], input=SHORT_CODE[0] + "\n")
    assert shown.exit_code == 0 and CODE_PAGE_NOTE in " ".join(shown.stdout.split())


def test_evaluation_keeps_what_predict_keeps_on_a_code_page() -> None:
    pages = [LabelledPage(id=f"p{k}", lines=text.split("\n"), labels=np.zeros(text.count("\n") + 1, dtype=np.int8))
             for k, text in enumerate([SHORT_CODE[0], LONG_CODE["gtag"], WITH_PROSE["brackets in prose"]])]
    kept = lines_kept(pages, model_probabilities(MODEL, pages), None)
    assert [keep.tolist() for keep in kept] == [MODEL.decide(page.text_page()).keep(page.text_page()).tolist() for page in pages]
    assert not kept[0].any() and not kept[1].any() and kept[2].any()
