"""Baselines on hand-made lines at the edges of each rule, checked against what datatrove really does."""

from __future__ import annotations

import builtins

import pytest

from linesift.training import baselines
from linesift.training.baselines import (
    HTML_EXTRACTORS,
    LINE_BASELINES,
    BaselineUnavailable,
    boilerpy3_on_html,
    c4_line_rules,
    c4_page_rules,
    justext_on_html,
    keep_all,
    readability_on_html,
    trafilatura_on_html,
)

needs_datatrove = pytest.mark.usefixtures("_datatrove")
needs_trafilatura = pytest.mark.usefixtures("_trafilatura")
# The extractors besides trafilatura, with the package each needs.
OTHER_EXTRACTORS = [(justext_on_html, "justext"), (readability_on_html, "readability"), (boilerpy3_on_html, "boilerpy3")]
# jusText calls no paragraph good under 200 characters (its LENGTH_HIGH), and keeps nothing from a page without one.
_LONG_PARAGRAPHS = [
    (
        "The river rose by almost two metres overnight after three days of steady rain in the hills above the "
        "town, and by morning the lower streets near the old mill were under water, with cars left where their "
        "owners had parked them the evening before."
    ),
    (
        "Residents who had lived on the embankment for decades said they had never seen the water climb so "
        "quickly, and several families spent the night with neighbours on higher ground while volunteers carried "
        "sandbags from the fire station to the bakery."
    ),
    (
        "The council has opened the school gymnasium as a shelter and asked drivers to avoid the bridge road "
        "until engineers have checked the supports once the level starts to fall, which the weather service "
        "expects by Thursday afternoon at the earliest."
    ),
]


@pytest.fixture
def _datatrove() -> None:
    pytest.importorskip("datatrove", reason="the C4 baseline needs the 'eval' extra (datatrove)")


@pytest.fixture
def _trafilatura() -> None:
    pytest.importorskip("trafilatura", reason="the trafilatura baseline needs the 'eval' extra")


def test_keep_all_keeps_every_non_blank_line() -> None:
    assert keep_all(["Home", "", "   \t", "A sentence."]) == [True, False, False, True]
    assert keep_all([]) == []


def test_registry_names_the_line_baselines() -> None:
    assert {"keep-all": keep_all, "c4-rules": c4_line_rules} == LINE_BASELINES


@needs_datatrove
@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Two words.", False),
        ("Three words here.", True),
        ("Three words here", False),
        ("Enable JavaScript to view this page.", False),
        ("Read our privacy policy before you sign up.", False),
        ("We use cookies to improve your visit.", False),
        ("The site uses cookies for analytics.", False),
        ("By continuing you accept the Terms of Use.", False),
        ("A word " + "x" * (baselines.C4_MAX_WORD_LENGTH - 1) + ".", True),
        ("A word " + "x" * baselines.C4_MAX_WORD_LENGTH + ".", False),
        ("  Surrounding spaces are stripped first.  ", True),
    ],
)
def test_c4_line_rules_at_the_edges(line: str, kept: bool) -> None:
    assert c4_line_rules([line]) == [kept]


@needs_datatrove
@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Is this the right way?", True),
        ("What a day it was!", True),
        ('He said it was "fine."', True),
        ('She said to me, "come here"', True),
        ("It is the dogs' bone'", True),
        ("And then it went on...", False),
        ("And then it went on…", False),
        ("And then it went on..", True),
        ("Typographic quotes end here”", False),
        ("(See the note above.)", False),
        ("A list follows here:", False),
    ],
)
def test_c4_terminal_punctuation_is_ascii_only(line: str, kept: bool) -> None:
    """Only . ? ! " ' end a line, minus "..."; '…', '”' and a closing bracket do not."""
    assert c4_line_rules([line]) == [kept]


@needs_datatrove
@pytest.mark.parametrize(
    ("line", "kept"),
    [
        # Citations are deleted after the words are counted: three tokens, one real word.
        ("Paris [1] [2].", True),
        # ... and before the punctuation test, so a trailing citation does not hide the stop.
        ("Born in Paris in 1900.[1]", True),
        # A second citation leaves the space between them at the end of the line.
        ("Born in Paris in 1900.[1] [2]", False),
        # The policy phrases are substrings: "because cookies" contains "use cookies".
        ("It is crunchy because cookies are baked.", False),
    ],
)
def test_c4_surprises(line: str, kept: bool) -> None:
    assert c4_line_rules([line]) == [kept]


@needs_datatrove
def test_c4_curly_bracket_drops_the_line_not_the_page() -> None:
    lines = [
        "This line is an ordinary sentence.",
        'var config = {"a": 1}; return it.',
        "So is this one here.",
    ]
    assert c4_line_rules(lines) == [True, False, True]


@needs_datatrove
def test_c4_page_rules_are_off() -> None:
    """Lorem ipsum and too few sentences would drop the whole page in C4."""
    assert c4_line_rules(["Lorem ipsum dolor sit amet."]) == [True]


@needs_datatrove
def test_c4_mask_is_aligned_with_blank_and_duplicate_lines() -> None:
    kept, dropped = "A sentence that stays in.", "Menu"
    lines = [kept, "", dropped, kept, "   ", dropped, "", kept, "Born in 1900.[1]", "Born in 1900."]
    assert c4_line_rules(lines) == [True, False, False, True, False, False, False, True, True, True]


@needs_datatrove
def test_c4_citations_do_not_confuse_the_mask() -> None:
    """Both lines read "a  b." once the citation is gone; only the one with three tokens stays."""
    assert c4_line_rules(["a  b.", "a [1] b."]) == [False, True]


@needs_datatrove
def test_c4_line_cut_by_splitlines_is_kept_when_a_piece_is() -> None:
    assert c4_line_rules(["Home\u2028A sentence that stays in.", "Home\x0cMenu"]) == [True, False]


@needs_datatrove
def test_c4_empty_page() -> None:
    assert c4_line_rules([]) == []
    assert c4_page_rules("") == ""


@needs_datatrove
def test_c4_on_the_page_keeps_what_it_keeps_line_by_line(seed_text: str) -> None:
    """On the seed page's lines without ``{`` or citations, one document per page keeps the lines kept one by one."""
    lines = [line for line in seed_text.splitlines() if "{" not in line and "[" not in line]
    kept = [line.strip() for line, keep in zip(lines, c4_line_rules(lines)) if keep]
    assert 0 < len(kept) < len([line for line in lines if line.strip()])
    assert c4_page_rules("\n".join(lines)) == "\n".join(kept)


@needs_datatrove
def test_c4_on_the_page_keeps_curly_brackets_and_drops_citations() -> None:
    page = "A sentence with a citation.[1]\nvar x = {a: 1}; so it ends.\nMenu"
    assert c4_page_rules(page) == "A sentence with a citation.\nvar x = {a: 1}; so it ends."


def _block_import(monkeypatch: pytest.MonkeyPatch, package: str) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name == package or name.startswith(package + "."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_c4_without_datatrove_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    baselines._c4_filter.cache_clear()
    _block_import(monkeypatch, "datatrove")
    with pytest.raises(BaselineUnavailable, match=r"pip install 'linesift\[eval\]'"):
        c4_line_rules(["A sentence that stays in."])


def test_trafilatura_without_trafilatura_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    _block_import(monkeypatch, "trafilatura")
    with pytest.raises(BaselineUnavailable, match=r"pip install 'linesift\[eval\]'"):
        trafilatura_on_html("<html><body><p>Text.</p></body></html>")


def test_baseline_unavailable_is_an_import_error() -> None:
    assert issubclass(BaselineUnavailable, ImportError)


_PARAGRAPHS = [
    (
        "The river rose by almost two metres overnight after three days of steady rain in the hills "
        "above the town, and by morning the lower streets near the old mill were under water."
    ),
    (
        "Residents who had lived on the embankment for decades said they had never seen the water "
        "climb so quickly, and several families spent the night with neighbours on higher ground."
    ),
    (
        "The council has opened the school gymnasium as a shelter and asked drivers to avoid the "
        "bridge road until engineers have checked the supports once the level starts to fall."
    ),
]

_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>River floods the lower town | Valley Courier</title></head>
<body>
<header><a href="/">Valley Courier</a></header>
<nav class="main-nav">
  <ul>
    <li><a href="/news">News desk</a></li>
    <li><a href="/sport">Sport pages</a></li>
    <li><a href="/weather">Weather forecast</a></li>
    <li><a href="/subscribe">Subscribe today</a></li>
  </ul>
</nav>
<main>
  <article>
    <h1>River floods the lower town</h1>
    <p>{_PARAGRAPHS[0]}</p>
    <p>{_PARAGRAPHS[1]}</p>
    <p>{_PARAGRAPHS[2]}</p>
  </article>
</main>
<footer><p>Copyright Valley Courier. All rights reserved.</p></footer>
</body>
</html>
"""


@needs_trafilatura
@pytest.mark.parametrize("page", [_PAGE, _PAGE.encode("utf-8")], ids=["str", "bytes"])
def test_trafilatura_extracts_the_article_not_the_nav(page: str | bytes) -> None:
    text = trafilatura_on_html(page)
    for paragraph in _PARAGRAPHS:
        assert paragraph in text
    for link in ("News desk", "Sport pages", "Weather forecast", "Subscribe today"):
        assert link not in text


@needs_trafilatura
def test_trafilatura_gives_empty_text_when_nothing_is_extracted() -> None:
    assert trafilatura_on_html("<html><body></body></html>") == ""


def test_registry_names_the_html_extractors() -> None:
    assert {"trafilatura": trafilatura_on_html, "jusText": justext_on_html, "Readability": readability_on_html,
            "BoilerPy3": boilerpy3_on_html} == HTML_EXTRACTORS


@pytest.mark.parametrize(("extract", "package"), OTHER_EXTRACTORS, ids=[package for _, package in OTHER_EXTRACTORS])
def test_each_extractor_takes_the_article_not_the_menu(extract, package: str) -> None:
    pytest.importorskip(package, reason="the HTML extractors need the 'eval' extra")
    page = _PAGE
    for short, long in zip(_PARAGRAPHS, _LONG_PARAGRAPHS):
        page = page.replace(short, long)
    text = extract(page.encode("utf-8"))
    for paragraph in _LONG_PARAGRAPHS:
        assert paragraph in " ".join(text.split())
    for link in ("News desk", "Sport pages", "Weather forecast"):  # BoilerPy3 keeps the menu's last item
        assert link not in text


@pytest.mark.parametrize(("extract", "package"), OTHER_EXTRACTORS, ids=[package for _, package in OTHER_EXTRACTORS])
@pytest.mark.parametrize("page", [b"", b"   \n", b"\x00\x01\x02binary", b"<html><body></body></html>"],
                         ids=["empty", "blank", "binary", "empty body"])
def test_each_extractor_gives_empty_text_for_a_page_it_cannot_read(extract, package: str, page: bytes,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip(package, reason="the HTML extractors need the 'eval' extra")
    assert extract(page) == ""
    assert capsys.readouterr().err == ""  # no library traceback on the evaluation's terminal


def test_each_extractor_decodes_a_page_in_its_declared_encoding() -> None:
    pytest.importorskip("justext", reason="the HTML extractors need the 'eval' extra")
    page = ('<html><head><meta charset="iso-8859-1"></head><body><article><p>'
            + _LONG_PARAGRAPHS[0].replace("old mill", "old mill café") + "</p></article></body></html>").encode("iso-8859-1")
    for extract, _ in OTHER_EXTRACTORS:
        assert "café" in extract(page)


@pytest.mark.parametrize(("extract", "package"), OTHER_EXTRACTORS, ids=[package for _, package in OTHER_EXTRACTORS])
def test_each_extractor_without_its_package_says_how_to_install(extract, package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _block_import(monkeypatch, package)
    with pytest.raises(BaselineUnavailable, match=r"pip install 'linesift\[eval\]'"):
        extract(b"<html><body><p>Text.</p></body></html>")
