"""The fast paths give what the straightforward code they replace gives, on real pages and on hostile text.

Each reference below is the plain version of a computation (a regular expression run over the whole
page, a loop over lines, a matrix product); the code under test must agree with it exactly, or to
1e-9 for probabilities. Pages scored together must score as they do alone.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
import textwrap
from collections import Counter
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp

from linesift import load_model
from linesift.model import arrays, hashing, pagestats, sifter
from linesift.model import features as F
from linesift.model.context import _PADDING_GAIN, _main_runs, context_features
from linesift.model.ngrams import (
    _TABLE_WIDTH,
    N_BUCKETS,
    _squared_counts,
    char_gram_counts,
    char_grams,
    ngram_features,
    ngram_scores,
    word_gram_counts,
    word_grams,
)
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page, split_lines
from linesift.model.sifter import join_kept, join_kept_per_page
from tests.conftest import SEED_TEXT_PATH, SEEDS

RENDERED_PAGES = 25
MARKDOWN_PAGES = 5

HOSTILE_LINES = (
    "a@b.c+d@e.f x+y@z.q mail me: joe.doe+tag@example.co.uk, @context",
    "===> => === !== ==== x ==== a===b ====>= ) { }) (a)  {b} x=>y function(){return null;} var x = typeof y; let z; const w",
    "😀var😀 ™function→ 日本var語 xvar var_ _var Var VAR undefined€ €null",
    "’var’ —function— “null” don’t return’s «typeof» ‘this.x’ –let– …const",
    "xthis.y this.x window.location document.cookie this. window.1 mydocument.body",
    "https://a.b http://c.d/e?f=g www.x.y awww.z hxxp://no https:/no http: www.",
    '"@context": "https://schema.org", "@type":"Thing", “@type”, "key" : 1, "k": 2',
    '"a.b-c$d@e"   ',
    "  : value",
    # JSON keys: spaces before the colon, 40 and 41 characters, a key closed at the end of a line and its colon on the next.
    '"a"\u3000: 1, "b"\u2028: 2, "' + "k" * 40 + '": 3, "' + "k" * 41 + '": 4, "": 5, "x" "y": 6, “z”  : 7, "w"',
    ': 8 "last"',
    "  \u3000indented with an ideographic space",
    'ends with a quote and a bracket.")  ',
    "ΣΑΣ σας ΑΣ İstanbul İSTANBUL istanbul",
    "ΑΣ", "ας", "Home", "HOME", "  home  ", "", "   ", "\ud800 lone surrogate", "\t",
    # Around the window ``_find_visible`` reads before it strips a line as a string.
    " " * (pagestats._STRIP_WINDOW - 1) + "a", " " * pagestats._STRIP_WINDOW + "b", "y" + " " * (pagestats._STRIP_WINDOW - 1), "z" + " " * (pagestats._STRIP_WINDOW - 2),
    "w" + " " * pagestats._STRIP_WINDOW, " " * 15 + "a", " " * 16 + "b", " " * 40 + "deep", " " * 40, "\t" * 20 + "x", "x" + " " * 40, 'end."' + ")" * 20 + " " * 20, ")" * 30,
    "f()\u3000{x} g() \u2003 {y} h()      {z} k()", "{ l() }", "m()", "  {", "•var var• •this.x x•function ™null™",
)
HOSTILE = "\n".join(HOSTILE_LINES)


def _pages() -> list[str]:
    texts = [SEED_TEXT_PATH.read_text(encoding="utf-8"), HOSTILE, "x", "\n\n", "a\r\nb\rc\n", "f(x)", "a =", "x!", "}", ")"]
    with gzip.open(SEEDS / "wcxb-dev.resiliparse.jsonl.gz", "rt", encoding="utf-8") as rows:
        texts += ["\n".join(json.loads(row)["lines"]) for row in itertools.islice(rows, RENDERED_PAGES)]
    with gzip.open(SEEDS / "wcxb-dev.markdown.jsonl.gz", "rt", encoding="utf-8") as rows:  # with links to read
        texts += ["\n".join(json.loads(row)["lines"]) for row in itertools.islice(rows, MARKDOWN_PAGES)]
    return texts


PAGES = _pages()


@pytest.fixture(scope="module")
def stats() -> list[PageStats]:
    return [PageStats(Page.from_text(text)) for text in PAGES]


EDGE_TEXTS = ["", "\n", "\n\n", " ", "a", "a\n", "\r", "x\r\n\r\n", "\u2028\n\x0b"]


def _assert_same_page(fast: Page, plain: Page) -> None:
    assert fast.lines == plain.lines and fast.text == plain.text
    for name in ("starts", "ends", "blank", "block_ids", "bounds"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(plain, name))


def test_page_from_text_is_page_from_its_lines() -> None:
    for text in [*PAGES, *EDGE_TEXTS]:
        _assert_same_page(Page.from_text(text), Page.from_lines(split_lines(text)))


@pytest.mark.parametrize("batch_chars", [1, 5_000, sifter.BATCH_CHARS])
def test_clean_many_is_each_decided_page_joined_again(monkeypatch: pytest.MonkeyPatch, batch_chars: int) -> None:
    """``clean_many`` gives what ``decide_many`` and ``join_kept`` give page by page, whatever the batches."""
    monkeypatch.setattr(sifter, "BATCH_CHARS", batch_chars)
    model = load_model()
    texts = [*PAGES, *EDGE_TEXTS, *(text.replace("\n", "\r\n") + "\r\n" for text in PAGES[:5]), *EDGE_TEXTS]
    pages = [Page.from_text(text) for text in texts]
    for threshold in (None, 0.4):
        want = [join_kept(page, decision.keep(page), read_links=True)
                for page, decision in zip(pages, model.decide_many(pages, threshold))]
        assert model.clean_many(texts, threshold) == want


def test_join_kept_per_page_is_join_kept_of_each_page() -> None:
    rng = np.random.default_rng(0)
    pages = [Page.from_text(text) for text in [*PAGES, *EDGE_TEXTS, "a\n\nb", "a\nb"]]
    joined = Page.join(pages)
    for share in (0.0, 0.5, 1.0):
        keeps = [(rng.random(len(page)) < share) & ~page.blank for page in pages]
        assert join_kept_per_page(joined, np.concatenate(keeps)) == [join_kept(page, keep) for page, keep in zip(pages, keeps)]


def test_non_blank_lines_have_the_same_features_without_the_blank_ones() -> None:
    """Scoring reads the non-blank lines alone (``Page.non_blank``): each of their dense features and n-grams is
    the same there, alone and in a batch, including a JSON key whose colon is after blank lines."""
    texts = [*PAGES, *EDGE_TEXTS, '"key"\n\n  \n: 1\n\n) \n\t\n{', "a\n\n\nb.\n \nc"]
    pages = [Page.from_text(text) for text in texts]
    for page in [*pages, Page.join(pages)]:
        filled, rows = page.non_blank()
        everything, alone = PageStats(page), PageStats(filled)
        np.testing.assert_array_equal(F.page_features(page, everything)[0][rows], F.page_features(filled, alone)[0])
        assert (ngram_features(everything)[rows] != ngram_features(alone)).nnz == 0


def test_hash_powers_are_kept_for_batches_of_twice_the_batch_size() -> None:
    """A batch holds pages until it reaches ``BATCH_CHARS``: the powers kept must cover it, or every batch computes
    its own."""
    assert hashing._POWERS_KEPT >= 2 * sifter.BATCH_CHARS


def test_scores_are_the_passes_inputs_as_matrices_times_the_coefficients() -> None:
    """Scoring multiplies the parts of each pass's input; explanations and training read the whole matrices."""
    model = load_model()
    # The seed wrapped at 80 columns too: the passes read its paragraphs as one line each (Scored.unit_of_row).
    wrapped = "\n".join(textwrap.fill(line, 80) for line in PAGES[0].split("\n"))
    for text in [*PAGES, *EDGE_TEXTS, wrapped]:
        page = Page.from_text(text)
        scored = model.scored(page)
        first = sp.hstack([scored.first_input.matrix(), ngram_features(scored.stats)], format="csr")
        np.testing.assert_allclose(scored.p_first, model.first.predict_proba(first)[:, 1], rtol=0, atol=1e-9)
        second = model.second.predict_proba(scored.second_input.matrix())[:, 1]
        np.testing.assert_allclose(scored.p[scored.rows], second[scored.unit_of_row], rtol=0, atol=1e-9)
        assert not scored.p[page.blank].any()
    assert len(scored.unit_of_row) > len(set(scored.unit_of_row.tolist()))  # the wrapped seed's paragraphs were read whole


def test_pages_scored_together_score_as_alone() -> None:
    """Joined pages see nothing of each other: no neighbour, window, block, run or pattern crosses a page."""
    model = load_model()
    # A fence left open at the end of one page must not close on the next (see linesift.model.fences).
    fenced = ["Install it:\n\n```sh\npip install linesift\n```\n\nThen run it.", "Notes\n```\nunclosed", "```\nclosing"]
    pages = [Page.from_text(text) for text in [*PAGES, "", "\n", ")", "{", ") {", '"key"', ":", "a@b.c", *fenced]]
    alone = [model.decide(page) for page in pages]
    for together, single in zip(model.scored(Page.join(pages)).decisions(), alone):
        np.testing.assert_allclose(together.p, single.p, rtol=0, atol=1e-9)
        assert together.cut == pytest.approx(single.cut, abs=1e-9)  # a cut is one of the p above, as exact
    texts = [page.text for page in pages]
    assert model.clean_many(texts) == [model.clean(text) for text in texts]


def test_dense_features_multiply_as_their_matrix(stats: list[PageStats]) -> None:
    rng = np.random.default_rng(0)
    for page_stats in stats:
        dense = F.DenseFeatures.of(page_stats)
        matrix = dense.matrix()
        assert matrix.shape == dense.shape
        weights = rng.normal(size=matrix.shape[1])
        np.testing.assert_allclose(dense @ weights, matrix @ weights, rtol=0, atol=1e-9)
        extra = rng.normal(size=(page_stats.n_lines, 3))
        widened, columns = dense.prepend(["x", "y", "z"])
        columns[:] = extra
        assert widened.names[:3] == ["x", "y", "z"] and widened.shape == (page_stats.n_lines, matrix.shape[1] + 3)
        weights = rng.normal(size=widened.shape[1])
        np.testing.assert_allclose(widened @ weights, np.hstack([extra, matrix]) @ weights, rtol=0, atol=1e-9)


def test_ngram_scores_match_the_matrix(stats: list[PageStats]) -> None:
    weights = np.random.default_rng(0).normal(size=N_BUCKETS)
    for page_stats in stats:
        np.testing.assert_allclose(ngram_scores(page_stats, weights), ngram_features(page_stats) @ weights, rtol=0, atol=1e-9)


def test_squared_counts_match_counting_pairs() -> None:
    rng = np.random.default_rng(0)
    rows = np.concatenate([np.sort(rng.integers(0, 40, 500)), np.sort(rng.integers(0, 40, 300))])
    buckets = rng.integers(0, 8, len(rows))  # few buckets: many lines hold runs of equal ones
    keys, counts = np.unique(rows * N_BUCKETS + buckets, return_counts=True)
    expected = np.bincount(keys // N_BUCKETS, weights=counts.astype(np.float64) ** 2, minlength=45)
    counts = np.bincount(rows, minlength=45)
    order = np.argsort(rows, kind="stable")
    columns = np.empty(len(rows), dtype=np.int64)  # each n-gram's rank among its line's
    columns[order] = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    np.testing.assert_array_equal(_squared_counts(rows, columns, buckets, counts, int(counts.max()) + 1), expected)


def test_ngram_counts_are_the_ngrams_given(stats: list[PageStats]) -> None:
    long_line = PageStats(Page.from_text(" ".join(f"w{i}" for i in range(40)) + "\n" + "x" * 100 + "\n\nab\na"))
    for page_stats in [*stats, long_line]:
        for (rows, _, _), counts in ((word_grams(page_stats), word_gram_counts(page_stats)), (char_grams(page_stats), char_gram_counts(page_stats))):
            np.testing.assert_array_equal(counts, np.bincount(rows, minlength=page_stats.n_lines))


def test_ngram_table_columns_leave_the_last_column_free(stats: list[PageStats]) -> None:
    """``ngram_scores`` lays each line's n-grams out in a table of ``_TABLE_WIDTH`` columns: one n-gram per column,
    and never the last column, so that every row ends with padding."""
    long_line = PageStats(Page.from_text(" ".join(f"w{i}" for i in range(40)) + "\n" + "x" * 100))
    for page_stats in [*stats, long_line]:
        for rows, columns, _ in (word_grams(page_stats), char_grams(page_stats)):
            assert len(columns) == 0 or (columns.min() >= 0 and columns.max() < _TABLE_WIDTH - 1)
            assert len(np.unique(rows * _TABLE_WIDTH + columns)) == len(rows)


@pytest.mark.parametrize(("pattern", "candidates"), [
    (F._JS_TOKENS, lambda s: np.unique(np.concatenate([
        s.positions(F._JS_PUNCTUATION),
        F._keyword_starts(s, F._JS_KEYWORDS, F._JS_KEYWORD_SIGNATURES, F._JS_KEYWORD_HASHES),
        *(F._starts_before(s, s.positions("."), word) for word in F._JS_OBJECTS),
    ]))),
    (F._JSON_KEY_VALUE, lambda s: s.positions(F._QUOTES)),
    (F._URL, lambda s: np.unique(np.concatenate([
        F._starts_before(s, s.positions(":"), "http"),
        F._starts_before(s, s.positions(":"), "https"),
        F._starts_before(s, s.positions("."), "www"),
    ]))),
])
def test_matching_at_candidates_is_finditer(stats: list[PageStats], pattern: re.Pattern[str], candidates: Callable[[PageStats], np.ndarray]) -> None:
    for page_stats in stats:
        np.testing.assert_array_equal(F._matches_per_line(page_stats, pattern, candidates(page_stats)), F._matches_per_line(page_stats, pattern))


def test_log1p_of_counts_is_log1p() -> None:
    size = len(arrays._LOG1P_TABLE)
    # Contiguous arrays, as the features pass: numpy's log1p may round the last bit otherwise on a reversed view.
    for counts in (np.arange(3 * size), np.arange(3 * size, dtype=np.float64)[::-1].copy(), np.array([0, size - 1, size, 10**12, 7]),
                   np.arange(6 * size).reshape(3, 2 * size)):
        np.testing.assert_array_equal(arrays.log1p_counts(counts), np.log1p(counts))


def test_repeated_lines_are_counted_as_equal_strings(stats: list[PageStats]) -> None:
    """Line hashes count what comparing each line's text, stripped and lower-cased through the table, counts."""
    lower = {code: int(lowered) for code, lowered in enumerate(pagestats._LOWER_TABLE.tolist()) if code != lowered}
    long_page = PageStats(Page.from_lines(["Menu", "x" * hashing._POWERS_KEPT, "\u2003menu\u2028", "MENU x"]))
    for page_stats in [*stats, long_page]:
        keys = [line.strip().translate(lower) for line in page_stats.page.lines]
        occurrences = Counter(keys)
        expected = np.array([occurrences[key] - 1 for key in keys], dtype=np.float64)
        values = F.repetition_features.compute(page_stats)
        names = [column.name for column in F.repetition_features.columns]
        np.testing.assert_array_equal(values[:, names.index("log_repeats")], np.log1p(expected))


@pytest.mark.parametrize("pattern", [F._EMAIL, F._JSON_CONTEXT])
def test_matching_lines_with_a_character_is_finditer(stats: list[PageStats], pattern: re.Pattern[str]) -> None:
    for page_stats in stats:
        np.testing.assert_array_equal(F._matches_per_line_with(page_stats, pattern, "@"), F._matches_per_line(page_stats, pattern))


def test_candidate_patterns_are_the_ones_the_candidates_were_derived_from() -> None:
    """The candidate offsets follow each pattern's first characters: a changed pattern needs new candidates."""
    assert F._JS_TOKENS.pattern == (  # the lookbehind reads before a candidate, as finditer's search does
        r"=>|(?<!=)===(?!=)|!==|\b(?:function|var|let|const|typeof|return|undefined|null)\b|(?:window|document|this)\.[A-Za-z_$]"
        r"|\)\s*\{|\}\)"
    )
    assert F._JSON_KEY_VALUE.pattern.startswith(r"[\"“”]") and F._QUOTES == "\"“”"
    assert F._URL.pattern == r"https?://\S+|www\.\S+"
    assert "\n" not in F._EMAIL.pattern and "\\s" not in F._EMAIL.pattern and "@" in F._EMAIL.pattern
    assert F._JSON_CONTEXT.pattern == r"[\"“”]@(?:context|type)[\"“”]"


def test_keyword_words_are_regex_words() -> None:
    """``_keyword_starts`` relies on letters and digits below the tables being ``\\w`` characters."""
    for code in range(pagestats.TABLE_SIZE):
        if pagestats.CLASS_TABLE[code] in (pagestats.UPPER, pagestats.LOWER, pagestats.DIGIT):
            assert re.fullmatch(r"\w", chr(code)), hex(code)


def test_word_classes_come_first() -> None:
    """``word_spans`` tells word characters by ``class < _WORD_CLASSES``; ``_WORD_CLASS`` by a table."""
    word = {pagestats.UPPER, pagestats.LOWER, pagestats.DIGIT, pagestats.OTHER_LETTER}
    assert word == set(range(pagestats.WORD_CLASSES)) == set(np.flatnonzero(pagestats.WORD_CLASS).tolist())


def test_char_table_holds_the_lower_class_and_mark_tables() -> None:
    """``PageStats`` reads a code point's lower case, class and mark from one ``_CHAR_TABLE`` entry."""
    every = "".join(chr(code) for code in range(pagestats.TABLE_SIZE))
    page_stats = PageStats(Page.from_lines([every]))
    np.testing.assert_array_equal(page_stats.lowered, [ord(char.lower()[0]) for char in every])
    np.testing.assert_array_equal(page_stats.classes, pagestats.CLASS_TABLE)
    where, marks = page_stats._marked
    np.testing.assert_array_equal(where, [ord(char) for char in sorted(pagestats.MARKED)])
    np.testing.assert_array_equal(marks, [pagestats.MARKED.index(char) + 1 for char in sorted(pagestats.MARKED)])


def test_class_chars_are_every_character_of_their_class() -> None:
    every = "".join(chr(code) for code in range(0x10000) if chr(code) not in "\n\r")
    classes = PageStats(Page.from_text(every)).classes
    for cls, chars in pagestats._CLASS_CHARS.items():
        assert set(np.array(list(every), dtype=object)[classes == cls]) == set(chars) - {"\n", "\r"}, cls


def _last_visible_reference(page_stats: PageStats, skip: tuple[int, ...]) -> np.ndarray:
    out = np.full(page_stats.n_lines, -1)
    for line, (start, end) in enumerate(zip(page_stats.page.starts.tolist(), page_stats.page.ends.tolist())):
        kept = [i for i in range(start, end) if page_stats.classes[i] not in skip]
        out[line] = kept[-1] if kept else -1
    return out


def _first_visible_reference(page_stats: PageStats) -> np.ndarray:
    out = np.zeros(page_stats.n_lines, dtype=np.int64)
    for line, (start, end) in enumerate(zip(page_stats.page.starts.tolist(), page_stats.page.ends.tolist())):
        kept = [i for i in range(start, end) if page_stats.classes[i] != pagestats.SPACE]
        out[line] = page_stats.codes[kept[0]] if kept else 0
    return out


@pytest.mark.parametrize("skip", [(pagestats.SPACE,), pagestats.AFTER_SENTENCE_END])
def test_last_visible_index_matches_a_loop(stats: list[PageStats], skip: tuple[int, ...]) -> None:
    for page_stats in stats[:8]:
        np.testing.assert_array_equal(page_stats.last_visible_index(skip), _last_visible_reference(page_stats, skip))


def test_first_visible_chars_match_a_loop(stats: list[PageStats]) -> None:
    for page_stats in stats[:8]:
        np.testing.assert_array_equal(page_stats.first_visible, _first_visible_reference(page_stats))


def _hash_words_reference(lowered: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    hashes = []
    for start, end in zip(starts.tolist(), ends.tolist()):
        value = (end - start) * int(hashing.LENGTH_MIX) % 2**64
        for code in lowered[start : min(end, start + hashing.HASHED_WORD_PREFIX)].tolist():
            value = (value * int(hashing.HASH_BASE) + code) % 2**64
        value ^= value >> 31
        value = value * 0x94D049BB133111EB % 2**64
        hashes.append(value ^ (value >> 29))
    return np.array(hashes, dtype=np.uint64)


def test_hash_words_matches_a_loop(stats: list[PageStats]) -> None:
    # A page longer than the powers kept for every page computes its own.
    long_page = PageStats(Page.from_lines(["x" * hashing._POWERS_KEPT, "Café menu KÜCHE menü café", "a"]))
    for page_stats in [*stats[:4], long_page]:
        starts, ends = page_stats.word_spans
        np.testing.assert_array_equal(page_stats.word_hashes, _hash_words_reference(page_stats.lowered, starts, ends))


def test_stop_word_table_is_isin(stats: list[PageStats]) -> None:
    for page_stats in stats:
        hashes = page_stats.word_hashes
        np.testing.assert_array_equal(hashing.in_hash_set(hashes, F._STOP_WORD_TABLE), np.isin(hashes, F._STOP_WORD_HASHES))
    assert hashing.in_hash_set(F._STOP_WORD_HASHES, F._STOP_WORD_TABLE).all()


def _join_kept_reference(page: Page, keep: np.ndarray) -> str:
    pieces, previous = [], None
    for index in np.flatnonzero(keep).tolist():
        if previous is not None and page.blank[previous:index].any():
            pieces.append("")
        pieces.append(page.lines[index])
        previous = index
    return "\n".join(pieces)


def test_join_kept_matches_a_loop() -> None:
    rng = np.random.default_rng(0)
    for text in PAGES:
        page = Page.from_text(text)
        keep = (rng.random(len(page)) < 0.5) & ~page.blank
        assert join_kept(page, keep) == _join_kept_reference(page, keep)


def _context_features_reference(stats: PageStats, p_first: np.ndarray, dense: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The second-pass features the plain way: each column on its own, scattered to the page, then stacked."""
    from linesift.model.context import (
        _DENSE_NAMES,
        NEIGHBOUR_OFFSETS,
        RUN_CUTS,
        SHORT_PAGE_LINES,
        SMOOTHED_FEATURES,
        SMOOTHING_WINDOWS,
        WINDOWS,
        WORD_WINDOWS,
    )
    from linesift.model.linear import LOGIT_CLIP

    def logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.clip(np.log(p / (1 - p)), -LOGIT_CLIP, LOGIT_CLIP)

    def shift(values: np.ndarray, offset: int, fill: float) -> np.ndarray:
        out = np.full_like(values, fill)
        if offset < 0 and len(values) > -offset:
            out[-offset:] = values[:offset]
        elif offset > 0 and len(values) > offset:
            out[:-offset] = values[offset:]
        return out

    def window_mean(values: np.ndarray, half_width: int) -> np.ndarray:
        padded = np.concatenate(([0.0], np.cumsum(values)))
        index = np.arange(len(values))
        low = np.maximum(index - half_width, 0)
        high = np.minimum(index + half_width + 1, len(values))
        return (padded[high] - padded[low]) / np.maximum(high - low, 1)

    def weighted_window_mean(values: np.ndarray, weights: np.ndarray, half_width: int) -> np.ndarray:
        weighted = np.concatenate(([0.0], np.cumsum(values * weights)))
        total = np.concatenate(([0.0], np.cumsum(weights)))
        index = np.arange(len(values))
        low = np.maximum(index - half_width, 0)
        high = np.minimum(index + half_width + 1, len(values))
        return (weighted[high] - weighted[low]) / np.maximum(total[high] - total[low], 1e-9)

    def main_run(gain: np.ndarray) -> tuple[int, int]:
        if len(gain) == 0:
            return 0, 0
        prefix = np.concatenate(([0.0], np.cumsum(gain)))
        lowest_before = np.minimum.accumulate(prefix[:-1])
        is_new_low = prefix[:-1] <= lowest_before
        lowest_at = np.maximum.accumulate(np.where(is_new_low, np.arange(len(gain)), 0))
        totals = prefix[1:] - lowest_before
        end = int(np.argmax(totals))
        return int(lowest_at[end]), end + 1

    def run_position(gain: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start, end = main_run(gain)
        index = np.arange(len(gain))
        distance = np.where(index < start, start - index, np.where(index >= end, index - end + 1, 0))
        return ((index >= start) & (index < end)).astype(np.float64), (index < start).astype(np.float64), distance

    n = stats.n_lines
    rows = stats.nonblank
    names: list[str] = []
    columns: list[np.ndarray] = []
    p = p_first[rows]
    logits = logit(p)
    words = stats.words_per_line[rows]
    index = np.arange(len(rows))

    def add(name: str, values: np.ndarray) -> None:
        full = np.zeros(n)
        full[rows] = values
        columns.append(full)
        names.append(name)

    add("p_logit", logits)
    for offset in NEIGHBOUR_OFFSETS:
        add(f"p_logit@{offset:+d}", shift(logits, offset, fill=-LOGIT_CLIP))
    for half_width in WINDOWS:
        add(f"p_mean_window{half_width}", window_mean(p, half_width))
    for half_width in WORD_WINDOWS:
        add(f"p_word_mean_window{half_width}", weighted_window_mean(p, words + 1, half_width))
    own = dense[rows]
    for feature in SMOOTHED_FEATURES:
        column = own[:, _DENSE_NAMES.index(feature)]
        for half_width in SMOOTHING_WINDOWS:
            add(f"{feature}_mean_window{half_width}", window_mean(column, half_width))
    block_ids = stats.page.block_ids[rows]
    n_blocks = int(block_ids.max()) + 1 if len(rows) else 0
    block_size = np.bincount(block_ids, minlength=n_blocks)
    add("p_block_mean", (np.bincount(block_ids, weights=p, minlength=n_blocks) / np.maximum(block_size, 1))[block_ids])
    block_max = np.zeros(n_blocks)
    np.maximum.at(block_max, block_ids, p)
    add("p_block_max", block_max[block_ids])
    add("p_page_mean", np.full(len(rows), p.mean() if len(p) else 0.0))
    add("p_below_page_max", p - (p.max() if len(p) else 0.0))
    order = np.argsort(np.argsort(p, kind="stable"), kind="stable")
    add("p_page_rank", order / max(len(p) - 1, 1))
    short = float(len(p) <= SHORT_PAGE_LINES)
    add("short_page", np.full(len(p), short))
    add("p_logit_short_page", logits * short)
    evidence = np.log1p(words)
    inside, before, distance = run_position((p - 0.5) * evidence)
    add("in_main_run", inside)
    add("before_main_run", before)
    add("after_main_run", 1.0 - inside - before)
    add("log_distance_to_main_run", np.log1p(distance))
    for cut in RUN_CUTS:
        inside, _, distance = run_position((p - cut) * evidence)
        add(f"in_main_run_cut{cut}", inside)
        add(f"log_distance_to_main_run_cut{cut}", np.log1p(distance))
    anchor = int(np.argmax(p * evidence)) if len(p) else 0
    add("log_distance_to_anchor", np.log1p(np.abs(index - anchor)))
    content_words = words * p
    total = max(content_words.sum(), 1e-9)
    before = np.cumsum(content_words) - content_words
    add("content_words_before", before / total)
    add("content_words_outside", np.minimum(before, total - before - content_words).clip(min=0) / total)
    return np.column_stack(columns).reshape(n, len(names)), names


def test_context_features_match_the_column_by_column_reference() -> None:
    model = load_model()
    rng = np.random.default_rng(0)
    # The edge cases: no lines, one line, only blank lines, one block, ties between scores.
    texts = [*PAGES, "", "one line", "\n \n\t\n", "a\nb b\nc c c\nd", "a\n\nb\n\n\nc"]
    for text in texts:
        page = Page.from_text(text)
        stats = PageStats(page)
        dense = F.page_features(page, stats)[0]
        n = len(page)
        scored = np.zeros(n)
        scored[~page.blank] = model.scored(page).p_first
        for p_first in (
            scored,
            rng.random(n),
            rng.integers(0, 3, n) / 2.0,  # ties, and scores of exactly 0 and 1
        ):
            got, got_names = context_features(stats, p_first, dense)
            want, want_names = _context_features_reference(stats, p_first, dense)
            assert got_names == want_names
            assert got.shape == want.shape == (n, len(want_names))
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_context_features_written_to_a_view_of_a_wider_array_are_the_same() -> None:
    rng = np.random.default_rng(0)
    for text in [*PAGES, "", "one line", "\n \n\t\n", "a\n\nb\n\n\nc"]:
        page = Page.from_text(text)
        stats = PageStats(page)
        dense = F.page_features(page, stats)[0]
        p_first = np.where(page.blank, 0.0, rng.random(len(page)))
        want, names = context_features(stats, p_first, dense)
        wider = np.full((len(page), len(names) + 2), np.nan)  # what is not written stays NaN and fails the test
        context_features(stats, p_first, dense, out=wider[:, 1:-1])
        np.testing.assert_array_equal(wider[:, 1:-1], want)


def _main_run_reference(gains: list[float]) -> tuple[int, int]:
    """The first end with the largest gain of a stretch ending there, and the latest start that reaches it."""
    prefix = [0.0]
    for gain in gains:
        prefix.append(prefix[-1] + gain)
    best: tuple[float, int, int] | None = None
    for end in range(len(gains)):
        lowest = min(prefix[: end + 1])
        start = max(i for i in range(end + 1) if prefix[i] == lowest)
        if best is None or prefix[end + 1] - lowest > best[0]:
            best = (prefix[end + 1] - lowest, start, end + 1)
    assert best is not None
    return best[1], best[2]


def test_main_runs_match_a_loop() -> None:
    rng = np.random.default_rng(0)
    rows = [
        rng.standard_normal(40),
        rng.integers(-2, 3, 40) / 2.0,  # ties: equal prefixes, equal totals
        np.zeros(7), -np.ones(5), np.ones(5), np.array([0.5]), np.array([-0.5]), np.array([1.0, -1.0, 1.0, -1.0, 1.0]),
    ]
    width = max(map(len, rows)) + 3
    grid = np.full((len(rows), width), _PADDING_GAIN)  # padded as for pages of several lengths
    for row, gains in zip(grid, rows):
        row[: len(gains)] = gains
    starts, ends = _main_runs(grid)
    assert list(zip(starts.tolist(), ends.tolist())) == [_main_run_reference(gains.tolist()) for gains in rows]


def test_argsort_within_pages_is_lexsort() -> None:
    rng = np.random.default_rng(0)
    for sizes in ([], [0], [5], [3, 0, 7, 1, 0], [50, 50]):
        bounds = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        page = np.repeat(np.arange(len(sizes)), sizes)
        for values in (rng.random(len(page)), rng.integers(0, 3, len(page)) / 2.0, -np.zeros(len(page))):
            np.testing.assert_array_equal(arrays.argsort_within_pages(values, bounds), np.lexsort((values, page)))
