"""The markup of an HTML page's blocks: its stored form, its dense columns and its hashed tokens."""

from __future__ import annotations

import numpy as np
import pytest

from linesift.model.structure import (
    N_STRUCTURE_BUCKETS,
    NAMES,
    SECTION_NAMES,
    Structure,
    line_tokens,
    section_features,
    structure_features,
    token_bucket,
    token_matrix,
    token_scores,
)


def _structure() -> Structure:
    return Structure(
        tags=["li|ul|nav|body|html", "p|article|main|body|html", "", "h1|header|body|html"],
        names=["menu item|main menu|site nav||", "||content||", "", "title|masthead||"],
        link_chars=np.array([4, 0, 0, 0]),
        links=np.array([1, 0, 0, 0]),
        alike=np.array([6, 0, 0, 0]),
        hidden=np.array([False, False, False, True]),
    )


def test_the_stored_form_reads_back_the_same():
    structure = _structure()
    again = Structure.from_dict(structure.to_dict(), len(structure))
    assert again.tags == structure.tags and again.names == structure.names
    for name in ("link_chars", "links", "alike", "hidden"):
        assert np.array_equal(getattr(again, name), getattr(structure, name))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tags", ["p", "p"], "'structure.tags' must be a list of 4 strings"),
    ("names", [1, 2, 3, 4], "'structure.names' must be a list of 4 strings"),
    ("links", [1, -1, 0, 0], "'structure.links' must be a list of 4 whole numbers"),
    ("hidden", [True, False, False, False], "'structure.hidden' must be a list of 4 whole numbers"),
])
def test_a_stored_form_without_one_entry_per_line_is_refused(field, value, message):
    document = _structure().to_dict()
    document[field] = value
    with pytest.raises(ValueError, match=message):
        Structure.from_dict(document, 4)


def test_dense_columns_say_where_each_line_sits():
    structure = _structure()
    features = structure_features(structure, np.array([4, 40, 0, 10]))
    column = {name: k for k, name in enumerate(NAMES)}
    assert features.shape == (4, len(NAMES))
    assert features[0, column["in_nav"]] == 1.0 and features[0, column["in_li"]] == 1.0
    assert features[1, column["in_nav"]] == 0.0 and features[1, column["in_article"]] == 1.0
    assert features[1, column["in_main"]] == 1.0
    assert features[3, column["in_h1"]] == 1.0 and features[3, column["in_header"]] == 1.0
    assert features[0, column["link_share"]] == 1.0 and features[1, column["link_share"]] == 0.0
    assert features[0, column["log_alike"]] == pytest.approx(np.log1p(6))
    assert features[0, column["log_depth"]] == pytest.approx(np.log1p(5))
    assert features[2].sum() == 0.0  # a blank line: no markup
    assert features[3, column["hidden"]] == 1.0


def test_the_main_region_is_the_deepest_element_holding_half_the_likely_content():
    # Two pages of four blocks: a menu, two paragraphs in an article, a footer line.
    tags = ["li|ul|nav|body|html", "p|div|article|body|html", "p|div|article|body|html", "p|footer|body|html"]
    structure = Structure(tags * 2, ["|" * t.count("|") for t in tags] * 2, *(np.zeros(8, dtype=np.int64),) * 3,
                          np.zeros(8, dtype=bool))
    p_first = np.array([0.1, 0.9, 0.8, 0.2, 0.1, 0.9, 0.8, 0.2])
    lengths = np.array([10.0, 400.0, 300.0, 20.0] * 2)
    features = section_features(structure, p_first, np.repeat([0, 1], 4), lengths)
    column = {name: k for k, name in enumerate(SECTION_NAMES)}
    mass = p_first[:4] * lengths[:4]
    # The article's <div> holds both paragraphs (nearly all the mass): no single paragraph holds half of it.
    assert features[:4, column["in_main_region"]].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert features[1, column["section_mass_share"]] == pytest.approx((mass[1] + mass[2]) / mass.sum())
    assert features[0, column["section_mass_share"]] == pytest.approx(mass[0] / mass.sum())
    assert features[1, column["section_p_logit"]] == pytest.approx(np.mean(np.log(p_first[1:3] / (1 - p_first[1:3]))))
    assert features[1, column["log_section_lines"]] == pytest.approx(np.log(2))
    # Each page has its own region and sections: the second page, the same as the first, reads the same.
    assert np.array_equal(features[:4], features[4:])


def test_blocks_are_placed_from_the_pages_first_headline():
    # A page: a menu, the <h1>, a paragraph beside it, one in a <div> below it, a footer; then a page with no <h1>.
    tags = ["li|ul|nav|body|html", "h1|article|main|body|html", "p|article|main|body|html",
            "p|div|article|main|body|html", "p|footer|body|html", "h1|footer|body|html", "p|div|body|html"]
    structure = Structure(tags, ["|" * t.count("|") for t in tags], *(np.zeros(7, dtype=np.int64),) * 3,
                          np.zeros(7, dtype=bool))
    page_of_line = np.array([0, 0, 0, 0, 0, 1, 1])
    features = section_features(structure, np.full(7, 0.5), page_of_line, np.full(7, 50.0))
    column = {name: k for k, name in enumerate(SECTION_NAMES)}
    assert features[:5, column["before_h1"]].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    # Steps up to the innermost element around both, then down: <body>; none (the <h1> itself); <article>,
    # from the paragraph beside it and from the one a level further down; <body>.
    steps = [3 + 3, 0, 1 + 1, 2 + 1, 2 + 3]
    assert features[:5, column["log_steps_to_h1"]] == pytest.approx(np.log1p(steps))
    assert features[:5, column["no_h1"]].tolist() == [0.0] * 5
    # The article holds the headline and three of the page's five equal lines: the main region, and the story.
    assert features[:5, column["in_story"]].tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    # The second page's <h1> is its own: its <div> paragraph is two steps up to <body> and two down.
    assert features[5:, column["no_h1"]].tolist() == [0.0, 0.0]
    assert features[6, column["log_steps_to_h1"]] == pytest.approx(np.log1p(2 + 2))
    alone = section_features(structure.take(np.array([6])), np.array([0.5]), np.zeros(1, dtype=np.int64), np.array([50.0]))
    assert alone[0, column["no_h1"]] == 1.0 and alone[0, column["before_h1"]] == 0.0
    assert alone[0, column["in_story"]] == 0.0


def test_tokens_name_the_tags_and_the_near_and_far_words():
    tokens = line_tokens("li|ul|nav|body|html", "menu item|main menu|site nav||")
    assert tokens[:2] == ["tag:li", "parent:ul"]
    assert {"around:nav", "around:body"} <= set(tokens)
    assert {"near:menu", "near:item", "near:main", "near:site", "near:nav"} <= set(tokens)
    assert "word:nav" in tokens
    assert line_tokens("", "") == []


def test_far_words_are_not_near():
    tokens = line_tokens("p|div|div|div|body", "|||sidebar|")
    assert "word:sidebar" in tokens and "near:sidebar" not in tokens


def test_token_scores_are_the_token_matrix_times_the_weights():
    structure = _structure()
    weights = np.random.default_rng(0).normal(size=N_STRUCTURE_BUCKETS)
    matrix = token_matrix(structure)
    assert matrix.shape == (4, N_STRUCTURE_BUCKETS)
    assert np.allclose(token_scores(structure, weights), matrix @ weights)
    # each line with tokens has unit length; the blank line has none
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    assert np.allclose(lengths, [1, 1, 0, 1])


def test_a_token_has_the_same_bucket_in_every_process():
    # CRC-32, not Python's salted hash: a model file's columns must mean the same on every machine.
    # The values are pinned: a change of hash would silently scramble every trained model of HTML pages.
    assert token_bucket("near:related") == 10053
    assert token_bucket("word:sidebar") == 4466


def test_joining_and_taking_keep_the_lines_in_order():
    structure = _structure()
    joined = Structure.join([structure, Structure.blank(2)])
    assert len(joined) == 6 and joined.tags[4:] == ["", ""]
    taken = joined.take(np.array([3, 0]))
    assert taken.tags == [structure.tags[3], structure.tags[0]]
    assert taken.hidden.tolist() == [True, False]
