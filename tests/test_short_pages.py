"""The built-in model on short and odd pages: 1 to 5 non-blank lines each, labelled line by line.

``tests/fixtures/short_pages.jsonl`` holds one page per line, written by hand for this test (original
text, not taken from any site): ``{"id", "kind", "lines", "labels", "note"}``, where a label is 1 for
content a reader wants (prose, list items, a recipe step, a product description, a forum reply's text, a
short code example explained by prose), 0 for boilerplate (menus, cookie banners, newsletter and share
prompts, related posts, copyright and login lines, script, JSON and CSS lines, forum chrome and
signatures, and a headline, which is the page's title as ``seeds/LABELING.md`` says) and null for a blank line. ``kind`` groups pages of one shape,
such as a lone paragraph or a lone script line; the pages are in English, German, French, Spanish,
Russian, Chinese and Arabic, some with blank lines between blocks and some without.

Long pages give the model neighbours to lean on; these give it almost none, so the floors below are low
and are meant to be raised as the model learns short pages.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from itertools import groupby
from pathlib import Path

import pytest

from linesift import Line, Sifter, load_model

FIXTURE = Path(__file__).with_name("fixtures") / "short_pages.jsonl"

# Measured with the built-in model on the 48 pages (98 labelled lines) of the fixture. Before it learnt from
# short pages (f67a3c5): 57 of 98 labelled lines agreed (0.5816), 15 of 48 pages on every line, 1 of the 8
# lone paragraphs kept, 4 of the 6 lone script and JSON lines dropped. Since (trained on short pages and on
# Markdown text): 75 of 98 lines (0.765), 30 pages, 7 of 8 lone paragraphs (the Chinese one is dropped, at
# P 0.15), 4 of 6 lone script and JSON lines (the bare <script> tags, at P 0.31 and 0.33, are kept). Since
# (script tags learnt, and HTML tags counted): 78 of 98 lines (0.796), 32 pages, 7 of 8 lone paragraphs, 6 of
# 6 lone script and JSON lines (the <script> tags at P 0.001 and 0.018). Since (full-width punctuation splits
# words): 79 of 98 lines (0.806), 33 pages, 8 of 8 lone paragraphs (the Chinese one at P 0.35). Since (notices
# about the reader's browser): 80 of 98 lines (0.816), 34 pages. Since (the corpus with twice-encoded UTF-8
# repaired, retrained): 79 of 98 lines (0.806), 33 pages: "Joined: Mar 2019  Posts: 12", above a two-line
# reply, went from P 0.447 to 0.455, over its page's cut; no other line moved by 0.05. Since (style sheets learnt
# as script leftovers are): 78 of 98 lines (0.796), 33 pages: the lone CSS rule is dropped (P 0.41 before), the
# lone English menu is kept (0.242, over the lowest cut of 0.2) and so is "Posts: 4312" above a reply (0.475).
# Since (pages on one line learnt): 79 of 98 lines, 33 pages. Since (each Chinese or Japanese character a word):
# the same, the Chinese lone paragraph at P 0.46 (0.33), the Chinese menu and copyright line still kept (0.75 and
# 0.59, from 0.83 and 0.76).
# Raise them when the model improves.
LINE_AGREEMENT_FLOOR = 0.79
WHOLE_PAGES_FLOOR = 33
LONE_PARAGRAPHS_KEPT_FLOOR = 8
LONE_SCRIPT_OR_JSON_DROPPED_FLOOR = 6

MIN_PAGES = 36
# Kinds the fixture must keep several pages of, so that no check can pass on an empty or tiny group.
REQUIRED_KINDS = {
    "lone-paragraph": 5,
    "lone-script": 2,
    "lone-json": 2,
    "lone-cookie": 2,
    "lone-menu": 2,
    "menu-paragraph-cookie": 2,
    "headline-paragraph": 2,
    "paragraph-copyright": 2,
    "forum-reply": 2,
}
ID = re.compile(r"short-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*")
LABEL_OF = {1: "content", 0: "noise"}
# Letters that mark German, French or Spanish text, and the scripts of Russian, Chinese and Arabic.
WESTERN_ACCENTS = re.compile(r"[äöüßéèêàâçñáíóú¿¡]")
OTHER_SCRIPTS = re.compile(r"[\u0400-\u04ff\u4e00-\u9fff\u0600-\u06ff]")


def _load_pages() -> list[dict]:
    with FIXTURE.open(encoding="utf-8") as handle:
        return [json.loads(row) for row in handle if row.strip()]


PAGES = _load_pages()


def _is_blank(line: str) -> bool:
    return not line.strip()


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


def whole_lines(lines: list[Line]) -> list[Line]:
    """``lines`` with the pieces of a line holding most of its page (a lone paragraph of over 100 words, see
    :mod:`linesift.model.pieces`) put back together: its text whole, the label of most of its words, and their
    word-weighted P(content)."""
    whole = []
    for _, group in groupby(lines, key=lambda line: line.number):
        pieces = list(group)
        words = [len(piece.text.split()) for piece in pieces]
        content = sum(n for n, piece in zip(words, pieces) if piece.label == "content")
        whole.append(dataclasses.replace(
            pieces[0], text=" ".join(piece.text for piece in pieces), piece=None,
            label="content" if 2 * content > sum(words) else "noise",
            p_content=sum(n * piece.p_content for n, piece in zip(words, pieces)) / max(sum(words), 1)))
    return whole


@pytest.fixture(scope="module")
def predictions(model: Sifter) -> dict[str, list[Line]]:
    return {page["id"]: whole_lines(model.predict_lines("\n".join(page["lines"]))) for page in PAGES}


def _misses(page: dict, lines: list[Line]) -> list[str]:
    """A description of every labelled line of ``page`` whose predicted label is not the expected one."""
    return [
        f"{page['id']} line {line.number} (expected {LABEL_OF[expected]}, p_content {line.p_content:.3f}): {line.text[:60]!r}"
        for expected, line in zip(page["labels"], lines)
        if expected is not None and line.label != LABEL_OF[expected]
    ]


def _pages_of(*kinds: str) -> list[dict]:
    return [page for page in PAGES if page["kind"] in kinds]


def test_fixture_pages_are_well_formed() -> None:
    assert len(PAGES) >= MIN_PAGES
    ids = [page["id"] for page in PAGES]
    assert len(set(ids)) == len(ids), "page ids must be unique"
    for page in PAGES:
        assert set(page) == {"id", "kind", "lines", "labels", "note"}, page["id"]
        assert ID.fullmatch(page["id"]), page["id"]
        assert page["kind"].strip() and page["note"].strip(), page["id"]
        lines, labels = page["lines"], page["labels"]
        assert len(lines) == len(labels), page["id"]
        assert all(isinstance(line, str) and "\n" not in line and "\r" not in line for line in lines), page["id"]
        assert 1 <= sum(not _is_blank(line) for line in lines) <= 5, page["id"]
        for line, label in zip(lines, labels):
            # A blank line is never labelled, every other line is: 1 or 0, not True or False.
            assert (label is None) == _is_blank(line), (page["id"], line)
            assert label is None or (type(label) is int and label in LABEL_OF), (page["id"], label)
        # A final line terminator opens no line, so a trailing blank line would not come back.
        assert not _is_blank(lines[-1]), page["id"]


def test_fixture_covers_the_required_kinds_and_layouts() -> None:
    kinds = Counter(page["kind"] for page in PAGES)
    for kind, needed in REQUIRED_KINDS.items():
        assert kinds[kind] >= needed, f"only {kinds[kind]} pages of kind {kind!r}, {needed} needed"
    with_blanks = [page for page in PAGES if any(label is None for label in page["labels"])]
    assert len(with_blanks) >= 3 and len(PAGES) - len(with_blanks) >= 3
    assert sum(bool(WESTERN_ACCENTS.search(" ".join(page["lines"]))) for page in PAGES) >= 3
    assert sum(bool(OTHER_SCRIPTS.search(" ".join(page["lines"]))) for page in PAGES) >= 2
    lengths = [len(page["lines"][0]) for page in _pages_of("lone-paragraph")]
    assert min(lengths) <= 80 and max(lengths) >= 500 and all(60 <= n <= 600 for n in lengths), lengths


def test_every_line_comes_back_in_order(predictions: dict[str, list[Line]]) -> None:
    for page in PAGES:
        lines = predictions[page["id"]]
        assert [line.number for line in lines] == list(range(1, len(page["lines"]) + 1)), page["id"]
        assert [line.text for line in lines] == page["lines"], page["id"]


def test_line_agreement_stays_above_the_floor(predictions: dict[str, list[Line]]) -> None:
    labelled = sum(label is not None for page in PAGES for label in page["labels"])
    misses = [miss for page in PAGES for miss in _misses(page, predictions[page["id"]])]
    agreement = (labelled - len(misses)) / labelled
    assert agreement >= LINE_AGREEMENT_FLOOR, (
        f"{labelled - len(misses)} of {labelled} labelled lines agree ({agreement:.4f}), floor "
        f"{LINE_AGREEMENT_FLOOR}; wrong lines:\n" + "\n".join(misses))


def test_pages_wholly_right_stay_above_the_floor(predictions: dict[str, list[Line]]) -> None:
    wrong = {page["id"]: _misses(page, predictions[page["id"]]) for page in PAGES}
    right = sum(not misses for misses in wrong.values())
    assert right >= WHOLE_PAGES_FLOOR, (
        f"{right} of {len(PAGES)} pages agree on every line, floor {WHOLE_PAGES_FLOOR}; wrong lines:\n"
        + "\n".join(miss for misses in wrong.values() for miss in misses))


def test_lone_paragraphs_are_kept(predictions: dict[str, list[Line]]) -> None:
    pages = _pages_of("lone-paragraph")
    dropped = [miss for page in pages for miss in _misses(page, predictions[page["id"]])]
    kept = len(pages) - len(dropped)
    assert kept >= LONE_PARAGRAPHS_KEPT_FLOOR, (
        f"{kept} of {len(pages)} lone paragraphs kept, floor {LONE_PARAGRAPHS_KEPT_FLOOR}; dropped:\n"
        + "\n".join(dropped))


def test_lone_script_and_json_lines_are_dropped(predictions: dict[str, list[Line]]) -> None:
    pages = _pages_of("lone-script", "lone-json")
    kept = [miss for page in pages for miss in _misses(page, predictions[page["id"]])]
    dropped = len(pages) - len(kept)
    assert dropped >= LONE_SCRIPT_OR_JSON_DROPPED_FLOOR, (
        f"{dropped} of {len(pages)} lone script and JSON lines dropped, floor "
        f"{LONE_SCRIPT_OR_JSON_DROPPED_FLOOR}; kept:\n" + "\n".join(kept))


@pytest.mark.parametrize("page", PAGES, ids=[page["id"] for page in PAGES])
def test_windows_line_ends_change_nothing(model: Sifter, predictions: dict[str, list[Line]], page: dict) -> None:
    unix = predictions[page["id"]]
    windows = whole_lines(model.predict_lines("\r\n".join(page["lines"])))
    assert [line.text for line in windows] == page["lines"]
    assert [line.label for line in windows] == [line.label for line in unix]
    assert [line.p_content for line in windows] == [line.p_content for line in unix]


@pytest.mark.parametrize("page", PAGES, ids=[page["id"] for page in PAGES])
def test_indented_pages_give_as_many_lines(model: Sifter, page: dict) -> None:
    # Only the line count is checked: indentation is a feature, so labels may change.
    indented = whole_lines(model.predict_lines("\n".join("    " + line for line in page["lines"])))
    assert len(indented) == len(page["lines"])
