"""Feature families on hand-made lines, with values worked out by hand, and invariants over any page."""

from __future__ import annotations

from math import log, log1p

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linesift.model.features import (
    FAMILIES,
    NEIGHBOUR_FAMILIES,
    NEIGHBOUR_OFFSETS,
    feature_names,
    page_features,
)
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page


def columns(family: str, lines: list[str]) -> dict[str, list[float]]:
    """One family's values on a page made of ``lines``, by column name."""
    declared = FAMILIES[family]
    values = declared.compute(PageStats(Page.from_lines(lines)))
    assert values.shape == (len(lines), len(declared.columns))
    return {column.name: values[:, i].tolist() for i, column in enumerate(declared.columns)}


def hash_words_of(words: list[str]) -> list[int]:
    """The word hashes features and n-grams use, for each of ``words`` on its own line."""
    return PageStats(Page.from_lines(words)).word_hashes.tolist()


def column(family: str, name: str, lines: list[str]) -> list[float]:
    return columns(family, lines)[name]


def approx(values: list[float]):
    return pytest.approx(values, rel=1e-12, abs=1e-12)


# --- length -----------------------------------------------------------------------------------


def test_length_counts_characters_and_words() -> None:
    got = columns("length", ["Hello world", "", "a-b c", "日本語 text", "\ud800x"])
    assert got["log_chars"] == approx([log1p(11), 0.0, log1p(5), log1p(8), log1p(2)])
    # Words are runs of letters and digits: "a-b c" has three. Each Chinese or Japanese character is a word of
    # its own: "日本語 text" has four.
    assert got["log_words"] == approx([log1p(2), 0.0, log1p(3), log1p(4), log1p(1)])


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("北京暴雨", ["北", "京", "暴", "雨"]),  # Chinese, written without spaces
        ("ご飯の炊き方", ["ご", "飯", "の", "炊", "き", "方"]),  # hiragana and kanji
        ("ｶﾀｶﾅ・カタカナ", ["ｶ", "ﾀ", "ｶ", "ﾅ", "カ", "タ", "カ", "ナ"]),  # half- and full-width katakana; "・" parts them
        ("SM7dB麦克风2026年", ["SM7dB", "麦", "克", "风", "2026", "年"]),  # a Latin run and digits stay whole
        ("한국어 문장", ["한국어", "문장"]),  # Korean puts spaces between words: its runs stay whole
        ("ภาษาไทย", ["ภาษาไทย"]),  # Thai has no spaces but words of many letters: left as one run
    ],
)
def test_characters_of_scripts_written_without_spaces_are_words_of_their_own(line: str, words: list[str]) -> None:
    stats = PageStats(Page.from_lines([line, "plain words"]))
    starts, ends = stats.word_spans
    assert [stats.page.text[start:end] for start, end in zip(starts.tolist(), ends.tolist())] == [*words, "plain", "words"]
    assert stats.words_per_line.tolist() == [len(words), 2]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("ab1 ,。日本語のカタｶﾀ・한글\n"), max_size=40))
def test_words_are_runs_of_word_characters_cut_at_every_character_of_a_script_without_spaces(text: str) -> None:
    stats = PageStats(Page.from_text(text))
    starts, ends = (array.tolist() for array in stats.word_spans)
    page = stats.page.text
    assert all(start < end for start, end in zip(starts, ends)) and all(end <= start for end, start in zip(ends, starts[1:]))
    unspaced = set("日本語のカタｶﾀ")
    for start, end in zip(starts, ends):
        word = page[start:end]
        assert all(char.isalnum() and char != "・" for char in word)
        assert len(word) == 1 or not unspaced & set(word)
    # Every letter and digit is in a word.
    assert sum(end - start for start, end in zip(starts, ends)) == sum(char.isalnum() for char in page)


# --- punctuation --------------------------------------------------------------------------------


def test_punctuation_density_and_terminals_per_word() -> None:
    got = columns("punctuation", ["Hi, you!", "...", "", "   ", "plain words"])
    # "Hi, you!": 7 visible characters, "," and "!" are punctuation; one terminal over two words.
    assert got["punct_density"] == approx([2 / 7, 1.0, 0.0, 0.0, 0.0])
    # "..." has terminals but no words: the ratio is 0.0, not a division by zero.
    assert got["terminals_per_word"] == approx([1 / 2, 0.0, 0.0, 0.0, 0.0])


def test_spaces_above_the_class_table_are_spaces_not_punctuation() -> None:
    # U+3000 indents Chinese and Japanese paragraphs; U+2009 and U+202F sit inside numbers and names.
    lines = ["\u3000Hi, you!\u3000", "10\u2009000\u202fkm.", "\u2028\u3000"]
    got = columns("punctuation", lines)
    assert got["punct_density"] == approx([2 / 7, 1 / 8, 0.0])
    assert columns("capitalisation", lines)["starts_upper"] == [1, 0, 0]
    assert columns("terminal", lines)["ends_terminal"] == [1, 1, 0]


def test_full_width_punctuation_separates_words_as_ascii_punctuation_does() -> None:
    # Chinese and Japanese write commas, colons and brackets in their full-width forms: they are punctuation, not
    # letters (which would make "今年夏天，我们" one long word, read as a URL or a hash).
    lines = ["今年夏天，我们（村）：图书馆。", "summer, we (village): library."]
    got = columns("punctuation", lines)
    assert columns("length", lines)["log_words"] == approx([log1p(10), log1p(4)])
    assert got["punct_density"] == approx([5 / 15, 5 / 27])  # the brackets and the full stop count too
    assert columns("terminal", lines)["ends_terminal"] == [1, 1]


# --- terminal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("It ends.", [1, 0, 0]),
        ("Really?", [1, 0, 0]),
        ("Wait…", [1, 0, 0]),
        ('He said "yes."', [1, 0, 0]),
        ("He said “yes.”  ", [1, 0, 0]),  # typographic closing quote and trailing spaces
        ("He said ‘yes.’", [1, 0, 0]),
        ("« Oui. »", [1, 0, 0]),
        ("日本語。", [1, 0, 0]),
        ("هل أنت هنا؟", [1, 0, 0]),  # Arabic question mark
        ("Read on:", [0, 1, 0]),
        ("Read on: \t", [0, 1, 0]),
        ("Read on: “", [0, 0, 0]),  # a colon only counts as the very last visible character
        ("No full stop", [0, 0, 1]),
        ("Year 2024", [0, 0, 1]),
        ("שלום", [0, 0, 1]),
        ("Ends with a dash -", [0, 0, 0]),
        ("“”", [0, 0, 0]),
        ("", [0, 0, 0]),
        ("   ", [0, 0, 0]),
    ],
)
def test_terminal_features(line: str, expected: list[int]) -> None:
    got = columns("terminal", [line])
    assert [got["ends_terminal"][0], got["ends_colon"][0], got["ends_alnum"][0]] == expected


def test_terminal_does_not_look_back_into_the_previous_line() -> None:
    assert column("terminal", "ends_terminal", ["End.", "”", "", "Next."]) == [1, 0, 0, 1]


def test_terminal_inside_closing_bracket() -> None:
    assert column("terminal", "ends_terminal", ["Prices rose (see below.)", "[Citation needed.]"]) == [1, 1]


# --- javascript ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "tokens_per_word", "code_density", "has_token"),
    [
        ("x => y", 1 / 3, 2 / 4, 1),
        ("a === b", 1 / 3, 3 / 5, 1),
        ("a !== b", 1 / 3, 2 / 5, 1),  # "!" is a terminal, not a code character
        ("a == b", 0.0, 2 / 4, 0),
        ("window.open()", 1 / 3, 2 / 13, 1),
        ("document.write(x)", 1 / 4, 2 / 17, 1),
        ("this.value", 1 / 3, 0.0, 1),
        ("function() {", 2 / 2, 3 / 11, 1),  # "function" and ") {"
        ("});", 1 / 1, 3 / 3, 1),
        ("var x = typeof y;", 2 / 5, 2 / 13, 1),
        ("The windows are open", 0.0, 0.0, 0),
        ("documentation.", 0.0, 0.0, 0),
        ("=====", 0.0, 5 / 5, 0),  # a Markdown heading's underline, not five thirds of "==="
        ("==== Notes ====", 0.0, 8 / 13, 0),
        ("", 0.0, 0.0, 0),
    ],
)
def test_javascript_features(line: str, tokens_per_word: float, code_density: float, has_token: int) -> None:
    got = columns("javascript", [line])
    assert got["js_tokens_per_word"] == approx([tokens_per_word])
    assert got["code_char_density"] == approx([code_density])
    assert got["has_js_token"] == [has_token]


def test_javascript_tokens_are_counted_on_their_own_line() -> None:
    got = columns("javascript", ["Some prose here", "x => y", "", "more prose"])
    assert got["has_js_token"] == [0, 1, 0, 0]


def test_sentence_ending_in_this_or_document_is_not_javascript() -> None:
    assert column("javascript", "has_js_token", ["We need to talk about this.", "Please sign the document."]) == [0, 0]


# --- json ---------------------------------------------------------------------------------------

SEED_JSON_LD = "{“@context”:”https://schema.org”,”@type”:”VideoObject”,”name”:”Putin strikes”,”height”:270}"


def test_json_ld_with_typographic_quotes_as_in_the_seed() -> None:
    got = columns("json", [SEED_JSON_LD])
    assert got["json_ld_context"] == [1]
    # Keys followed by a colon: “@context”, ”@type”, ”name”, ”height”; values are not keys.
    assert got["log_json_pairs"] == approx([log(5)])
    assert got["starts_with_bracket"] == [1]


@pytest.mark.parametrize(
    ("line", "context", "pairs", "bracket"),
    [
        ('"@context": "https://schema.org"', 1, 1, 0),
        ('"@type":"Thing"', 1, 1, 0),
        ("@context is a keyword", 0, 0, 0),
        ('"key": value, "other" : 2', 0, 2, 0),
        ('"a b": 1', 0, 0, 0),  # a space is not allowed inside a key
        ("  [1, 2, 3]", 0, 0, 1),  # leading spaces are skipped
        ("{}", 0, 0, 1),
        ("(not json)", 0, 0, 0),
        ("", 0, 0, 0),
    ],
)
def test_json_features(line: str, context: int, pairs: int, bracket: int) -> None:
    got = columns("json", [line])
    assert got["json_ld_context"] == [context]
    assert got["log_json_pairs"] == approx([log1p(pairs)])
    assert got["starts_with_bracket"] == [bracket]


def test_first_visible_character_per_line_around_empty_lines() -> None:
    assert column("json", "starts_with_bracket", ["", "{x}", "", "  ", "[", ""]) == [0, 1, 0, 0, 1, 0]


# --- browser notices ----------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "Your browser does not support the video tag.",
    "Sorry, your browser doesn’t support embedded videos.",
    "To view this video please enable JavaScript, and consider upgrading to a web",
    "Please enable JavaScript to view the comments powered by Disqus.",
    "JavaScript is disabled. For a better experience, please enable JavaScript in your browser.",
    "This site requires JavaScript to run correctly.",
    "You are using an outdated browser.",
    "Please enable cookies to continue.",
    "Bitte aktivieren Sie JavaScript, um dieses Video zu sehen.",
    "Votre navigateur ne prend pas en charge la vidéo HTML5.",
    "Habilita JavaScript para ver este contenido.",
    "Seu navegador não suporta vídeos.",
    "JAVASCRIPT IS DISABLED",
])
def test_notices_about_the_readers_browser(line: str) -> None:
    assert column("notice", "browser_notice", ["An ordinary sentence of the article.", line]) == [0, 1]


@pytest.mark.parametrize("line", [
    "JavaScript is a programming language that runs in the browser.",
    "The browser caches each page it fetches.",
    "We use cookies to remember your settings.",
    "Safari does not support this API yet, so the polyfill loads instead.",
    "Enabled by default since version 12.",
])
def test_lines_about_javascript_browsers_or_cookies_are_not_notices(line: str) -> None:
    assert column("notice", "browser_notice", [line]) == [0]


# --- links --------------------------------------------------------------------------------------


def test_urls_and_emails() -> None:
    got = columns("links", [
        "See https://example.com/a and www.example.org today",
        "Write to a.b+c@mail.example.co.uk please",
        "http://a " * 7,
        "http:/broken https:// www. mail@host",
        "",
    ])
    assert got["urls"] == [2, 0, 5, 0, 0]  # at most 5 counted
    assert got["emails"] == [0, 1, 0, 0, 0]


# --- capitalisation -----------------------------------------------------------------------------


def test_capitalisation_ratios() -> None:
    got = columns("capitalisation", ["Hello World", "NASA said", "iPhone 15", "123", "  Él dijo", "日本語", "Ωmega", ""])
    assert got["upper_ratio"] == approx([2 / 10, 4 / 8, 1 / 6, 0.0, 1 / 6, 0.0, 1 / 5, 0.0])
    assert got["capitalised_word_ratio"] == approx([1.0, 1 / 2, 0.0, 0.0, 1 / 2, 0.0, 1.0, 0.0])
    assert got["starts_upper"] == [1, 1, 0, 0, 1, 0, 1, 0]


# --- digits -------------------------------------------------------------------------------------


def test_digit_ratio() -> None:
    got = column("digits", "digit_ratio", ["Tel 0123", "2024-09-07", "no digits", "", "   ", "٣"])
    assert got == approx([4 / 7, 8 / 10, 0.0, 0.0, 0.0, 1.0])  # Arabic-Indic digits count too


# --- vocabulary ---------------------------------------------------------------------------------


def test_stop_word_ratio_and_mean_word_length() -> None:
    got = columns("vocabulary", ["The cat sat on the rug", "THE Of", "Thesaurus", "der Hund und die Katze", "", "!!!"])
    assert got["stop_word_ratio"] == approx([3 / 6, 1.0, 0.0, 3 / 5, 0.0, 0.0])
    assert got["mean_word_length"] == approx([17 / 6, 5 / 2, 9.0, 18 / 5, 0.0, 0.0])


def test_ordinary_words_are_not_stop_words_by_hash_collision() -> None:
    assert column("vocabulary", "stop_word_ratio", ["mat", "gas"]) == [0.0, 0.0]
    assert len(set(hash_words_of(["mat", "pas", "gas", "dat", "van"]))) == 5


def test_long_words_sharing_a_prefix_with_nothing_are_not_stop_words() -> None:
    # Word hashes read at most 12 code points plus the length; no stop word is that long.
    got = column("vocabulary", "stop_word_ratio", ["internationalisation internationalization"])
    assert got == [0.0]


# --- repetition ---------------------------------------------------------------------------------


def test_repeated_lines_ignore_case_and_surrounding_space() -> None:
    got = columns("repetition", ["Home", "Text", "home ", "  HOME", "Other"])
    assert got["repeated"] == [1, 0, 1, 1, 0]
    assert got["log_repeats"] == approx([log(3), 0.0, log(3), log(3), 0.0])


def test_repeated_lines_ignore_every_kind_of_space_around_them() -> None:
    got = columns("repetition", ["Suite B104\u2028", "Suite B104", "\u3000suite b104 ", "\u2008", "\u2009 ", "ПРИВЕТ", "привет"])
    assert got["repeated"] == [1, 1, 1, 1, 1, 1, 1]


def test_lines_sharing_characters_in_another_order_or_place_are_not_repeats() -> None:
    got = columns("repetition", ["ab", "ba", "abc", "a b", "b", "a", "bab", "aab"])
    assert got["repeated"] == [0] * 8


# --- position -----------------------------------------------------------------------------------


def test_relative_positions_count_non_blank_lines_and_their_characters() -> None:
    for blank in ("", " \t "):
        got = columns("position", ["ab", blank, "cde", "f"])
        # Among "ab", "cde" and "f"; the blank line sits where the next line does.
        assert got["relative_line_position"] == approx([0.0, 1 / 2, 1 / 2, 1.0])
        assert got["relative_char_position"] == approx([0.0, 2 / 6, 2 / 6, 5 / 6])
    assert columns("position", ["ab", "cde", "f"]) == {
        name: [values[0], *values[2:]] for name, values in columns("position", ["ab", "\t", "cde", "f"]).items()
    }


def test_relative_positions_of_one_line_and_of_empty_lines() -> None:
    assert columns("position", ["only"]) == {"relative_line_position": [0.0], "relative_char_position": [0.0]}
    assert columns("position", ["", ""]) == {"relative_line_position": [0.0, 0.0], "relative_char_position": [0.0, 0.0]}


# --- block --------------------------------------------------------------------------------------


def test_block_size_terminal_share_and_position() -> None:
    got = columns("block", ["Title", "", "One.", "Two", "Three.", "", "End"])
    non_blank = [0, 2, 3, 4, 6]
    pick = lambda name: [got[name][i] for i in non_blank]  # noqa: E731
    assert pick("block_log_lines") == approx([log1p(1), log1p(3), log1p(3), log1p(3), log1p(1)])
    assert pick("block_log_chars") == approx([log1p(5), log1p(13), log1p(13), log1p(13), log1p(3)])
    assert pick("block_terminal_share") == approx([0.0, 2 / 3, 2 / 3, 2 / 3, 0.0])
    assert pick("block_first_line") == [1, 1, 0, 0, 1]
    assert pick("block_log_position") == approx([0.0, 0.0, log1p(1), log1p(2), 0.0])
    for blank in (1, 5):
        assert [got[name][blank] for name in ("block_log_lines", "block_log_chars", "block_terminal_share", "block_log_position")] == [0, 0, 0, 0]


# --- neighbours ---------------------------------------------------------------------------------


def test_neighbour_values_skip_blank_lines_and_are_zero_past_the_ends() -> None:
    lines = ["a", "", "bbb", "cc", "", "", "dddd"]
    values, names = page_features(Page.from_lines(lines))
    col = lambda name: values[:, names.index(name)].tolist()  # noqa: E731
    a, b, c, d = log1p(1), log1p(3), log1p(2), log1p(4)
    assert col("log_chars") == approx([a, 0, b, c, 0, 0, d])
    assert col("log_chars@-1") == approx([0, 0, a, b, 0, 0, c])
    assert col("log_chars@+1") == approx([b, 0, c, d, 0, 0, 0])
    assert col("log_chars@-2") == approx([0, 0, 0, a, 0, 0, b])
    assert col("log_chars@+2") == approx([c, 0, d, 0, 0, 0, 0])


def test_neighbour_columns_come_from_the_neighbour_families_only() -> None:
    names = feature_names()
    own = [name for name in names if "@" not in name]
    shared = [name for family in NEIGHBOUR_FAMILIES for name in columns(family, ["x"])]
    assert own == [name for family in FAMILIES for name in columns(family, ["x"])]
    assert names == own + [f"{name}@{offset:+d}" for offset in NEIGHBOUR_OFFSETS for name in shared]
    assert "digit_ratio@-1" not in names
    assert "repeated@+1" not in names
    assert "ends_terminal@+2" in names


def test_neighbour_of_a_one_line_page_is_zero() -> None:
    values, names = page_features(Page.from_lines(["Hello world."]))
    neighbours = [i for i, name in enumerate(names) if "@" in name]
    assert not values[0, neighbours].any()


# --- shapes and finiteness ----------------------------------------------------------------------

AWKWARD_PAGES = {
    "empty": [],
    "one empty line": [""],
    "blank lines": ["", "   ", "\t", "\x0c"],
    "punctuation only": ["...", "!!!", "—", "“”", "{}", "|"],
    "cjk": ["日本語のテキストです。", "中文文本，没有空格。", "한국어 문장입니다."],
    "rtl": ["هذا نص عربي.", "זה טקסט בעברית.", "\u202bembedded\u202c"],
    "lone surrogates": ["\ud800", "a\udfffb", "\udc00\ud800 x"],
    "emoji and controls": ["😀😀", "\x00\x01\x7f", "a\u200bb"],
    "long line": ["word " * 5000],
}


@pytest.mark.parametrize("lines", AWKWARD_PAGES.values(), ids=AWKWARD_PAGES.keys())
@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_gives_one_finite_float_row_per_line(family: str, lines: list[str]) -> None:
    values = FAMILIES[family].compute(PageStats(Page.from_lines(lines)))
    assert values.dtype == np.float64
    assert values.shape == (len(lines), len(FAMILIES[family].columns))
    assert np.isfinite(values).all()


@pytest.mark.parametrize("lines", AWKWARD_PAGES.values(), ids=AWKWARD_PAGES.keys())
def test_page_features_on_awkward_pages(lines: list[str]) -> None:
    values, names = page_features(Page.from_lines(lines))
    assert names == feature_names()
    assert values.dtype == np.float64
    assert values.shape == (len(lines), len(names))
    assert np.isfinite(values).all()


def test_page_features_on_the_seed(seed_text: str) -> None:
    page = Page.from_text(seed_text)
    values, names = page_features(page)
    assert values.shape == (len(page), len(feature_names()))
    assert np.isfinite(values).all()
    index = {name: i for i, name in enumerate(names)}
    json_ld_lines = [i for i, line in enumerate(page.lines) if line.startswith("{“@context”")]
    assert json_ld_lines and values[json_ld_lines, index["json_ld_context"]].tolist() == [1.0] * len(json_ld_lines)
    script_line = page.lines.index("window.addEventListener(‘metroVideo:relatedVideosCarouselLoaded’, function(data) {")
    assert values[script_line, index["has_js_token"]] == 1.0


def test_feature_names_are_stable_and_unique() -> None:
    names = feature_names()
    assert names == feature_names()
    assert len(names) == len(set(names))
    assert all(isinstance(name, str) and name for name in names)


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(), max_size=80))
def test_any_text_gives_one_finite_row_per_line(text: str) -> None:
    page = Page.from_text(text)
    values, names = page_features(page)
    assert values.shape == (len(page), len(names))
    assert np.isfinite(values).all()
