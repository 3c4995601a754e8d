"""Alignment labels on hand-made pages: each rule of linesift.training.align at work."""

from __future__ import annotations

from linesift.training.align import MIN_MATCHED_SHARE, align_lines

GOLD = """Big Headline

The quick brown fox jumps over the lazy dog near the river bank.

Another paragraph follows here, with a few more words in it.
Comments"""


def test_case_punctuation_and_whitespace_do_not_matter() -> None:
    lines = ["THE QUICK brown fox -- jumps over   the lazy dog, near the river-bank!"]
    assert align_lines(lines, GOLD).labels == [1]


def test_blank_lines_are_none_and_symbol_lines_are_noise() -> None:
    lines = ["", "   ", "|", "The quick brown fox jumps over the lazy dog near the river bank."]
    assert align_lines(lines, GOLD).labels == [None, None, 0, 1]


def test_navigation_is_noise() -> None:
    lines = ["Home", "About us", "Sign up for our newsletter today", "Another paragraph follows here, with a few more words in it."]
    assert align_lines(lines, GOLD).labels == [0, 0, 0, 1]


def test_partial_line_above_the_share_is_content() -> None:
    # 12 gold words and 4 extra ones: 75% matched.
    line = "The quick brown fox jumps over the lazy dog near the river bank. Read more here now"
    assert align_lines([line], GOLD).labels == [1]


def test_partial_line_below_the_share_is_noise() -> None:
    # 3 gold words and 5 extra ones: 37.5% matched, below the share.
    line = "the quick brown cat sat on the mat"
    assert MIN_MATCHED_SHARE > 3 / 8
    assert align_lines([line], GOLD).labels == [0]


def test_a_line_repeated_in_the_rendering_is_content_once() -> None:
    para = "The quick brown fox jumps over the lazy dog near the river bank."
    other = "Another paragraph follows here, with a few more words in it."
    # The teaser at the top repeats the first paragraph; only the in-sequence copy counts.
    lines = [para, "Menu", para, other]
    labels = align_lines(lines, GOLD).labels
    assert labels.count(1) == 2
    assert labels[3] == 1


def test_equal_copies_keep_the_one_next_to_the_rest() -> None:
    para = "The quick brown fox jumps over the lazy dog near the river bank."
    other = "Another paragraph follows here, with a few more words in it."
    lines = [para, "Sidebar text about something else entirely", "Related", para, other]
    assert align_lines(lines, GOLD).labels == [0, 0, 0, 1, 1]


def test_long_out_of_order_block_is_content() -> None:
    first = "one two three four five six seven eight nine ten eleven twelve"
    second = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    # The page shows the second gold block first; both are long enough to count out of order.
    assert align_lines([second, "Menu", first], first + "\n" + second).labels == [1, 0, 1]


def test_short_out_of_order_line_is_noise() -> None:
    first = "one two three four five six seven eight nine ten eleven twelve"
    second = "alpha beta gamma delta"
    assert align_lines([second, first], first + "\n" + second).labels == [0, 1]


def test_short_line_matching_a_whole_gold_line_is_content() -> None:
    lines = ["Comments", "Another paragraph follows here, with a few more words in it.", "Comments"]
    # The first "Comments" comes before the paragraph, but the gold has it after.
    assert align_lines(lines, GOLD).labels == [0, 1, 1]


def test_short_line_not_in_the_gold_is_noise() -> None:
    lines = ["Another paragraph follows here, with a few more words in it.", "Share"]
    assert align_lines(lines, GOLD).labels == [1, 0]


def test_short_line_continuing_the_previous_match_is_content() -> None:
    gold = "One two three four five six seven eight"
    assert align_lines(["One two three four five six", "seven eight"], gold).labels == [1, 1]


def test_title_rule_marks_the_first_title_line_before_the_content() -> None:
    gold = "The quick brown fox jumps over the lazy dog near the river bank."
    lines = ["Home", "A Fox Story", gold, "A Fox Story"]
    title = "A Fox Story | Example News"
    assert align_lines(lines, gold, title).labels == [0, 0, 1, 0]
    assert align_lines(lines, gold, title, include_title=True).labels == [0, 1, 1, 0]


def test_empty_gold_labels_everything_noise() -> None:
    alignment = align_lines(["Some text here on a line", ""], "")
    assert alignment.labels == [0, None]
    assert alignment.gold_coverage == 0.0


def test_gold_coverage_counts_matched_gold_tokens() -> None:
    gold = "alpha beta gamma delta epsilon zeta eta theta"
    alignment = align_lines(["alpha beta gamma delta"], gold)
    assert alignment.gold_tokens == 8
    assert alignment.matched_gold_tokens == 4
    assert alignment.gold_coverage == 0.5


def test_long_page_aligns_quickly() -> None:
    gold = "\n".join(f"paragraph number {i} has some words in it" for i in range(3000))
    lines = [f"menu item {i}" for i in range(3000)] + gold.split("\n")
    labels = align_lines(lines, gold).labels
    assert labels[:3000] == [0] * 3000
    assert labels[3000:] == [1] * 3000
