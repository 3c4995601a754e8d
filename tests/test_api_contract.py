"""The Python API checks its inputs as the command does: a clear TypeError or ValueError, never a wrong answer."""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import numpy as np
import pytest

from linesift import explain_lines, load_model
from linesift.model.segment import Page
from linesift.model.sifter import Sifter

PAGE = "Home | News | Sport\n\nThe council approved the new budget on Tuesday after a long debate.\nShare this\n"
THRESHOLD_RULE = "threshold must be a number between 0 and 1, or None for a cut per page"

# Every public method that takes a threshold, called on PAGE.
WITH_THRESHOLD: dict[str, Callable[[Sifter, object], object]] = {
    "clean": lambda model, t: model.clean(PAGE, threshold=t),
    "clean_many": lambda model, t: model.clean_many([PAGE], threshold=t),
    "predict_lines": lambda model, t: model.predict_lines(PAGE, threshold=t),
    "decide": lambda model, t: model.decide(Page.from_text(PAGE), threshold=t),
    "decide_many": lambda model, t: model.decide_many([Page.from_text(PAGE)], threshold=t),
    "scored": lambda model, t: model.scored(Page.from_text(PAGE), threshold=t),
    "explain_lines": lambda model, t: explain_lines(model, PAGE, threshold=t),
}
# Every public method that takes one page of text.
WITH_TEXT: dict[str, Callable[[Sifter, object], object]] = {
    "clean": lambda model, text: model.clean(text),
    "clean_many": lambda model, text: model.clean_many([text]),
    "predict_lines": lambda model, text: model.predict_lines(text),
}
NAMED_PAGE = {"clean_many": "page 1: "}  # a method of many pages names the one it refuses
# Every public method that takes pages already split into lines.
WITH_PAGE: dict[str, Callable[[Sifter, object], object]] = {
    "probabilities": lambda model, page: model.probabilities(page),
    "scored": lambda model, page: model.scored(page),
    "decide": lambda model, page: model.decide(page),
    "decide_many": lambda model, page: model.decide_many([page]),
}


# --- threshold ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", WITH_THRESHOLD)
@pytest.mark.parametrize("threshold", [2, -1, 1.0000001, -1e-9, math.nan, math.inf, -math.inf, 10 ** 400])  # the last: too large a float
def test_a_threshold_outside_0_to_1_is_refused(builtin_model: Sifter, method: str, threshold: float) -> None:
    # Today 2 keeps nothing and -1 everything, where the command refuses both.
    with pytest.raises(ValueError) as error:
        WITH_THRESHOLD[method](builtin_model, threshold)
    assert str(error.value) == f"{THRESHOLD_RULE}, not {threshold!r}"


@pytest.mark.parametrize("method", WITH_THRESHOLD)
@pytest.mark.parametrize(("threshold", "kind"), [("0.5", "str"), (True, "bool"), ([0.5], "list")])
def test_a_threshold_that_is_not_a_number_is_refused(builtin_model: Sifter, method: str, threshold: object, kind: str) -> None:
    with pytest.raises(TypeError) as error:
        WITH_THRESHOLD[method](builtin_model, threshold)
    assert str(error.value) == f"{THRESHOLD_RULE}, not {kind}"


@pytest.mark.parametrize("threshold", [0, 0.0, 1, 1.0, np.float32(0.25), np.int64(1)])
def test_thresholds_at_the_edges_and_numpy_numbers_are_taken(builtin_model: Sifter, threshold: object) -> None:
    assert builtin_model.clean(PAGE, threshold=threshold) == builtin_model.clean(PAGE, threshold=float(threshold))


def test_threshold_zero_keeps_every_non_blank_line(builtin_model: Sifter) -> None:
    kept = builtin_model.clean(PAGE, threshold=0)
    assert [line for line in kept.splitlines() if line] == [line for line in PAGE.splitlines() if line]


def test_a_bad_threshold_set_on_the_model_is_refused_too(builtin_model: Sifter) -> None:
    model = Sifter(builtin_model.first, builtin_model.second, threshold=1.5)
    with pytest.raises(ValueError, match=r"^threshold must be a number between 0 and 1, or None for a cut per page, not 1\.5$"):
        model.clean(PAGE)


# --- text ---------------------------------------------------------------------------------------


def test_clean_many_refuses_a_single_str(builtin_model: Sifter) -> None:
    # Iterating a str would clean each character as a page: 7 pages out of "abc\ndef".
    with pytest.raises(TypeError) as error:
        builtin_model.clean_many("abc\ndef")
    assert str(error.value) == ("clean_many takes an iterable of pages, not a str object "
                                "(that would clean each character as a page): use clean(text) for one page")


@pytest.mark.parametrize("value", [b"abc\ndef", bytearray(b"abc")])
def test_clean_many_refuses_a_single_bytes_object(builtin_model: Sifter, value: bytes) -> None:
    with pytest.raises(TypeError, match=rf"^clean_many takes an iterable of pages, not a {type(value).__name__} object "):
        builtin_model.clean_many(value)


@pytest.mark.parametrize("method", WITH_TEXT)
@pytest.mark.parametrize("data", [PAGE.encode(), bytearray(PAGE.encode()), memoryview(PAGE.encode())], ids=["bytes", "bytearray", "memoryview"])
def test_bytes_are_refused_with_a_hint_to_decode_them(builtin_model: Sifter, method: str, data: object) -> None:
    with pytest.raises(TypeError) as error:
        WITH_TEXT[method](builtin_model, data)
    assert str(error.value) == NAMED_PAGE.get(method, "") + (
        f"a page must be str, not {type(data).__name__}: decode it first, e.g. data.decode('utf-8') "
        "(the linesift command reads UTF-8 and, failing that, detects the encoding)")


@pytest.mark.parametrize("method", WITH_TEXT)
@pytest.mark.parametrize(("value", "kind"), [(None, "NoneType"), (3, "int"), (["a line"], "list"), (Page.from_text(PAGE), "Page")])
def test_a_page_that_is_not_text_is_refused(builtin_model: Sifter, method: str, value: object, kind: str) -> None:
    with pytest.raises(TypeError) as error:
        WITH_TEXT[method](builtin_model, value)
    assert str(error.value) == f"{NAMED_PAGE.get(method, '')}a page must be str, not {kind}"


def test_clean_many_names_the_item_that_is_not_text(builtin_model: Sifter) -> None:
    with pytest.raises(TypeError, match=r"^page 2: a page must be str, not bytes: decode it first"):
        builtin_model.clean_many([PAGE, PAGE.encode()])
    with pytest.raises(TypeError, match=r"^page 3: an HTML page must be str, not int$"):
        load_model(input="html").clean_html_many(["<p>one</p>", "<p>two</p>", 3])
    with pytest.raises(TypeError, match=r"^an HTML page must be str, not bytes"):  # one page: no number
        load_model(input="html").clean_html(b"<p>one</p>")


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", WITH_PAGE)
@pytest.mark.parametrize(("value", "kind"), [(PAGE, "str"), (PAGE.encode(), "bytes"), (None, "NoneType")])
def test_methods_on_pages_refuse_text(builtin_model: Sifter, method: str, value: object, kind: str) -> None:
    with pytest.raises(TypeError) as error:
        WITH_PAGE[method](builtin_model, value)
    assert str(error.value) == f"expected a Page (Page.from_text(text)), not {kind}: clean, clean_many and predict_lines take text"


def test_good_inputs_give_what_they_gave_before(builtin_model: Sifter) -> None:
    # The checks change no answer: the text methods agree with the page methods they are built on.
    page = Page.from_text(PAGE)
    decision = builtin_model.decide(page)
    assert builtin_model.clean_many([PAGE, PAGE]) == [builtin_model.clean(PAGE)] * 2
    assert [line.p_content for line in builtin_model.predict_lines(PAGE)] == decision.p.tolist()
    assert builtin_model.probabilities(page).tolist() == decision.p.tolist()
    assert builtin_model.clean_many(iter([PAGE])) == [builtin_model.clean(PAGE)]  # any iterable of str, a generator too


@pytest.mark.parametrize("path", [True, 1, 0, 1.5, ["model.json"]])
def test_a_model_path_that_is_not_a_path_is_refused_before_anything_is_opened(path: object) -> None:
    """load_model(True) read file descriptor 1 and closed it: the caller's stdout was gone."""
    with pytest.raises(TypeError, match=rf"^path must be a str, bytes or os.PathLike .*, not {type(path).__name__}$"):
        load_model(path)  # type: ignore[arg-type]
    os.fstat(1)  # stdout is still open
