"""What the markup says of each block of a page rendered from HTML, and the features a model reads from it.

A page parsed from HTML (:mod:`linesift.model.dom`) has one line per block, as a text renderer writes it,
and beside its text a :class:`Structure`: the tags and the naming words (class, id, role, aria-label,
data-testid) around each block, how much of it is link text, how many siblings look like it, and whether
the markup hides it. The HTML model reads these next to the text features: dense columns (inside ``<nav>``,
link share...) and hashed tokens of the tags and words, learnt like the text's n-grams (a class word such
as ``related`` or ``sidebar`` is noise on most sites, but no list of such words is written here).
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from linesift.model.columns import Column, Wording, from_log1p, from_logit
from linesift.model.linear import logit

# Ancestor levels are separated by this in ``Structure.tags`` and ``Structure.names``, innermost first.
LEVEL = "|"
N_STRUCTURE_BUCKETS = 1 << 14
# Words of the block's own element and of this many ancestors above it are "near"; all are "around".
NEAR_LEVELS = 2
# Containers whose presence around a block is a dense column of its own ("inside <nav>").
# Only blocks stand on a line's path (an inline element's text joins its block's line): no <a>, <code>...
CONTAINERS = ("main", "article", "nav", "header", "footer", "aside", "form", "figure", "pre", "table", "li",
              "blockquote", "noscript", "dialog", "details")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Containers whose tag alone says what the blocks in them are, named or not.
NAMING_CONTAINERS = frozenset(("main", "article", "nav", "header", "footer", "aside", "form", "dialog"))
# A page whose markup names fewer of its blocks than this share (a naming word on or around a block, or
# one of NAMING_CONTAINERS) says little in it: bare <p>s and <h1>s, as simple sites and hand-written pages have.
# The model of HTML pages learns from pages that name nearly every block (3 of the 1,329 WCXB pages name fewer than
# half) and reads such a page worse than the text model reads its blocks (docs/html.md#pages-with-little-markup).
MIN_NAMED_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Structure:
    """The markup around each line of a page: all fields have one entry per line, blank lines included.

    ``tags`` and ``names`` list, innermost first, the block's element and each of its ancestors, levels
    separated by :data:`LEVEL`: their tag names (``"p|article|main|body|html"``), and the lower-cased words
    of their ``class``, ``id`` and ``role`` (``"entry content|post|main wrapper||"``). A blank line has ``""``.
    """

    tags: list[str]
    names: list[str]
    link_chars: np.ndarray  # characters of the line inside <a> elements
    links: np.ndarray  # <a> elements the line holds
    alike: np.ndarray  # siblings of the block's element with its tag and class (cards in a grid, menu items)
    hidden: np.ndarray  # bool: the block or an ancestor is hidden (hidden, aria-hidden, display:none)

    def __len__(self) -> int:
        return len(self.tags)

    @classmethod
    def blank(cls, n_lines: int) -> Structure:
        """The structure of ``n_lines`` lines that no markup says anything about."""
        zeros = np.zeros(n_lines, dtype=np.int64)
        return cls([""] * n_lines, [""] * n_lines, zeros, zeros.copy(), zeros.copy(), np.zeros(n_lines, dtype=bool))

    @classmethod
    def join(cls, parts: list[Structure]) -> Structure:
        """The structure of the pages of ``parts`` joined into one, in order (see :meth:`Page.join`)."""
        if not parts:
            return cls.blank(0)
        return cls([tags for part in parts for tags in part.tags], [names for part in parts for names in part.names],
                   np.concatenate([part.link_chars for part in parts]), np.concatenate([part.links for part in parts]),
                   np.concatenate([part.alike for part in parts]), np.concatenate([part.hidden for part in parts]))

    def take(self, rows: np.ndarray) -> Structure:
        """The structure of the lines at ``rows``, in that order."""
        picked = rows.tolist()
        return Structure([self.tags[k] for k in picked], [self.names[k] for k in picked], self.link_chars[rows],
                         self.links[rows], self.alike[rows], self.hidden[rows])

    def to_dict(self) -> dict[str, Any]:
        """The structure as JSON-ready lists, as labelled pages store it."""
        return {"tags": self.tags, "names": self.names, "link_chars": self.link_chars.tolist(),
                "links": self.links.tolist(), "alike": self.alike.tolist(), "hidden": self.hidden.astype(int).tolist()}

    @classmethod
    def from_dict(cls, document: Any, n_lines: int) -> Structure:
        """Read :meth:`to_dict`'s form back. Raises ValueError when it does not hold one entry per line."""
        if not isinstance(document, dict):
            raise ValueError("'structure' must be a JSON object")
        fields: dict[str, Any] = {}
        for name in ("tags", "names"):
            values = document.get(name)
            if not isinstance(values, list) or len(values) != n_lines or not all(isinstance(v, str) for v in values):
                raise ValueError(f"'structure.{name}' must be a list of {n_lines} strings, one per line")
            fields[name] = values
        for name in ("link_chars", "links", "alike", "hidden"):
            values = document.get(name)
            if not isinstance(values, list) or len(values) != n_lines or not all(
                    isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
                raise ValueError(f"'structure.{name}' must be a list of {n_lines} whole numbers of 0 or more, one per line")
            fields[name] = np.array(values, dtype=np.int64)
        fields["hidden"] = fields["hidden"] > 0
        return cls(**fields)


def _levels(value: str) -> list[str]:
    return value.split(LEVEL) if value else []


COLUMNS: tuple[Column, ...] = (
    *(Column(f"in_{tag}", Wording(f"inside <{tag}>", f"not inside <{tag}>")) for tag in CONTAINERS),
    *(Column(f"in_{tag}", Wording(f"in a <{tag}> heading", f"not in an <{tag}>")) for tag in HEADINGS),
    Column("link_share", Wording("{value:.0%} of it is link text")),
    Column("log_links", Wording("{value:.0f} links in it", transform=from_log1p)),
    Column("log_depth", Wording("{value:.0f} elements deep", transform=from_log1p)),
    Column("log_alike", Wording("{value:.0f} siblings like it", transform=from_log1p)),
    Column("hidden", Wording("hidden by its markup", "not hidden by its markup")),
)
NAMES = [column.name for column in COLUMNS]
# The second pass's view of a line's section: the lines whose block shares its parent element's path.
SECTION_COLUMNS: tuple[Column, ...] = (
    Column("section_p_logit", Wording("mean first-pass score of its section {value:.2f}", transform=from_logit)),
    Column("log_section_lines", Wording("{value:.0f} other lines in its section", transform=from_log1p)),
    Column("in_main_region", Wording("inside the page's main region", "outside the page's main region")),
    Column("section_mass_share", Wording("its section holds {value:.0%} of the page's likely content")),
    Column("before_h1", Wording("before the page's first <h1>", "not before the page's first <h1>",
                                absent=("no_h1", "no <h1> on the page to come before"))),
    Column("log_steps_to_h1", Wording("{value:.0f} elements apart from the page's first <h1>", transform=from_log1p,
                                      absent=("no_h1", "no <h1> on the page to count elements to"))),
    Column("no_h1", Wording("on a page with no <h1>", "on a page with an <h1>")),
    Column("in_story", Wording("inside the element around both the page's first <h1> and its main region",
                               "outside the element around both the page's first <h1> and its main region",
                               absent=("no_h1", "no <h1> on the page to find its story by"))),
)
SECTION_NAMES = [column.name for column in SECTION_COLUMNS]
_COLUMN_OF_TAG = {tag: k for k, tag in enumerate((*CONTAINERS, *HEADINGS))}


def markup_names_blocks(structure: Structure) -> bool:
    """Whether the markup names at least :data:`MIN_NAMED_SHARE` of the page's blocks (see there)."""
    blocks = [k for k, tags in enumerate(structure.tags) if tags]
    named = sum(1 for k in blocks if structure.names[k].replace(LEVEL, "").strip()
                or not NAMING_CONTAINERS.isdisjoint(structure.tags[k].split(LEVEL)))
    return bool(blocks) and named >= MIN_NAMED_SHARE * len(blocks)


def structure_features(structure: Structure, lengths: np.ndarray) -> np.ndarray:
    """``(n_lines, len(COLUMNS))``: the dense structural columns of each line (``lengths``: its characters)."""
    paths: dict[str, int] = {}
    ids = np.fromiter((paths.setdefault(tags, len(paths)) for tags in structure.tags), dtype=np.int64, count=len(structure))
    k = len(_COLUMN_OF_TAG)
    by_path = np.array([_tag_columns(tags) for tags in paths]).reshape(len(paths), k + 1)
    out = np.empty((len(structure), len(COLUMNS)))
    out[:, :k] = by_path[ids, :k]
    out[:, k] = np.minimum(structure.link_chars / np.maximum(lengths, 1), 1.0)
    out[:, k + 1] = np.log1p(structure.links)
    out[:, k + 2] = np.log1p(by_path[ids, k])
    out[:, k + 3] = np.log1p(structure.alike)
    out[:, k + 4] = structure.hidden
    return out


# Lines of a page, and pages of a site, share their paths: each path's columns and tokens are worked out once.
_PATHS_KEPT = 1 << 16


@functools.lru_cache(maxsize=_PATHS_KEPT)
def _tag_columns(tags: str) -> tuple[float, ...]:
    """The container and heading flags of a line with these ``tags``, then its depth."""
    levels = set(_levels(tags))
    return (*(1.0 if tag in levels else 0.0 for tag in _COLUMN_OF_TAG), float(len(_levels(tags))))


def line_tokens(tags: str, names: str) -> list[str]:
    """The hashed tokens of one line: its element's tag and its parent's, every tag around it, and the naming
    words of its near levels and of all levels (see :data:`NEAR_LEVELS`)."""
    tag_levels, name_levels = _levels(tags), _levels(names)
    tokens = [f"tag:{tag_levels[0]}"] if tag_levels else []
    if len(tag_levels) > 1:
        tokens.append(f"parent:{tag_levels[1]}")
    tokens += [f"around:{tag}" for tag in dict.fromkeys(tag_levels)]
    near = {word for level in name_levels[: NEAR_LEVELS + 1] for word in level.split()}
    tokens += [f"near:{word}" for word in sorted(near)]
    tokens += [f"word:{word}" for word in sorted({word for level in name_levels for word in level.split()})]
    return tokens


@functools.lru_cache(maxsize=_PATHS_KEPT)  # a page's paths share most of their tokens ("around:div")
def token_bucket(token: str) -> int:
    """The column of a structural token: a CRC-32 of it, the same in every process and on every machine."""
    return zlib.crc32(token.encode("utf-8")) & (N_STRUCTURE_BUCKETS - 1)


@functools.lru_cache(maxsize=_PATHS_KEPT)
def _line_buckets(tags: str, names: str) -> np.ndarray:
    """The distinct buckets of a line's tokens, in order."""
    return np.array(sorted({token_bucket(token) for token in line_tokens(tags, names)}), dtype=np.int64)


def token_rows(structure: Structure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, buckets and values of every line's tokens, each line's values scaled to unit length."""
    per_line = [_line_buckets(tags, names) for tags, names in zip(structure.tags, structure.names)]
    counts = np.fromiter(map(len, per_line), dtype=np.int64, count=len(per_line))
    rows = np.repeat(np.arange(len(per_line)), counts)
    buckets = np.concatenate(per_line) if per_line else np.zeros(0, dtype=np.int64)
    scales = np.divide(1.0, np.sqrt(counts), out=np.zeros(len(counts)), where=counts > 0)
    return rows, buckets, scales[rows]


def token_scores(structure: Structure, weights: np.ndarray) -> np.ndarray:
    """Each line's sum of ``weights`` over its tokens' buckets, scaled as :func:`token_rows` scales them."""
    rows, buckets, values = token_rows(structure)
    return np.bincount(rows, weights=weights.take(buckets) * values, minlength=len(structure))


def token_matrix(structure: Structure):
    """``(n_lines, N_STRUCTURE_BUCKETS)`` sparse: what :func:`token_scores` multiplies, for training."""
    import scipy.sparse as sp  # only training builds the matrix: cleaning starts without scipy

    rows, buckets, values = token_rows(structure)
    return sp.csr_matrix((values, (rows, buckets)), shape=(len(structure), N_STRUCTURE_BUCKETS))


def section_features(structure: Structure, p_first: np.ndarray, page_of_line: np.ndarray,
                     lengths: np.ndarray) -> np.ndarray:
    """``(n_lines, len(SECTION_COLUMNS))``: the mean first-pass logit of the lines in each line's section (the lines of
    its page whose block has the same parent path, tags and words), how many other lines it holds, whether the line
    is in its page's main region (see :func:`_region_features`), its section's share of the page's likely content,
    and where it stands from the page's headline (see :func:`_headline_features`)."""
    elements, of_line = _elements_of_lines(structure, page_of_line)
    # A line's section is its block's parent element; the blocks at the top of a page and the lines with no
    # markup make one section of the page.
    parent_of_line = np.array([*elements.parent, -1], dtype=np.int64)[of_line]
    ids = np.where(parent_of_line >= 0, parent_of_line, len(elements.parent) + page_of_line)
    logits = logit(p_first)
    counts = np.bincount(ids).astype(np.float64)
    sums = np.bincount(ids, weights=logits)
    out = np.empty((len(structure), len(SECTION_COLUMNS)))
    out[:, 0] = sums[ids] / counts[ids]
    out[:, 1] = np.log(counts[ids])  # log1p of the other lines
    out[:, 2:4], main = _region_features(elements, of_line, p_first * lengths, page_of_line)
    out[:, 4:] = _headline_features(elements, of_line, page_of_line, main)
    return out


# The main region is the deepest element holding at least this share of its page's likely content.
MAIN_REGION_SHARE = 0.5


class _Elements:
    """The elements of a page's blocks and of their ancestors, each named by its path from the root and its page,
    parents before children: built by climbing each block's path only until a known element, so that a page of
    deeply nested blocks costs work in proportion to its elements, not to the square of its depth."""

    def __init__(self) -> None:
        self.index: dict[tuple[int, str, str], int] = {}
        self.parent: list[int] = []  # -1 for an outermost element
        self.depth: list[int] = []  # 0 for an outermost element
        self.page: list[int] = []

    def of(self, page: int, tags: str, names: str) -> int:
        """The element of a line (-1 for a line with no markup), added with its unknown ancestors."""
        key, unknown = (page, tags, names), []
        known = self.index.get(key)
        if known is not None:  # most lines: a block whose path another block of the page has
            return known
        while key[1] and key not in self.index:
            unknown.append(key)
            key = (page, key[1].partition(LEVEL)[2], key[2].partition(LEVEL)[2])
        above = self.index.get(key, -1)
        for element in reversed(unknown):
            self.index[element] = len(self.parent)
            self.depth.append(self.depth[above] + 1 if above >= 0 else 0)
            self.parent.append(above)
            self.page.append(page)
            above = self.index[element]
        return above


def _elements_of_lines(structure: Structure, page_of_line: np.ndarray) -> tuple[_Elements, np.ndarray]:
    """The elements of the lines' pages, and each line's element (-1 for a line with no markup)."""
    elements = _Elements()
    of_line = np.fromiter((elements.of(page, tags, names) for page, tags, names in
                           zip(page_of_line.tolist(), structure.tags, structure.names)), dtype=np.int64, count=len(structure))
    return elements, of_line


def _region_features(elements: _Elements, of_line: np.ndarray, mass: np.ndarray,
                     page_of_line: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(n_lines, 2)``: whether each line is inside its page's main region, the deepest element whose lines hold
    at least :data:`MAIN_REGION_SHARE` of the page's likely content (``mass``: characters times first-pass score),
    and the share of it that the line's parent element holds (a readability-like view of the page's layout); then
    each page's main region (-1 for none)."""
    parent, page = np.array(elements.parent, dtype=np.int64), np.array(elements.page, dtype=np.int64)
    depth = np.array(elements.depth, dtype=np.int64)
    marked = of_line >= 0
    held = np.bincount(of_line[marked], weights=mass[marked], minlength=len(parent))
    for element in range(len(parent) - 1, -1, -1):  # children come after parents: each adds its all to its parent
        if parent[element] >= 0:
            held[parent[element]] += held[element]
    totals = np.bincount(page_of_line, weights=mass, minlength=int(page.max(initial=-1)) + 1)
    main = np.full(len(totals), -1)
    for element in np.flatnonzero(held >= MAIN_REGION_SHARE * totals[page]).tolist():
        if main[page[element]] < 0 or depth[element] > depth[main[page[element]]]:
            main[page[element]] = element
    inside = _within(elements, main)
    out = np.zeros((len(of_line), 2))
    rows = np.flatnonzero(marked)
    elements_of_rows = of_line[rows]
    around = np.where(parent[elements_of_rows] >= 0, parent[elements_of_rows], elements_of_rows)
    out[rows, 0] = inside[elements_of_rows]
    out[rows, 1] = np.divide(held[around], totals[page[around]], out=np.zeros(len(rows)), where=totals[page[around]] > 0)
    return out, main


def _within(elements: _Elements, chosen: np.ndarray) -> np.ndarray:
    """Whether each element is its page's ``chosen`` element (by page, -1 for none) or inside it; then a last entry,
    False, for a line with no markup (element -1)."""
    inside = np.zeros(len(elements.parent) + 1, dtype=bool)
    for element, (parent, page) in enumerate(zip(elements.parent, elements.page)):  # parents come first
        inside[element] = chosen[page] == element or (parent >= 0 and inside[parent])
    return inside


def _headline_features(elements: _Elements, of_line: np.ndarray, page_of_line: np.ndarray,
                       main: np.ndarray) -> np.ndarray:
    """``(n_lines, 4)``: whether each line comes before its page's first ``<h1>`` block, how many elements apart the
    two blocks are in the tree (up from the line to the innermost element around both, then down to the ``<h1>``),
    whether the page has no ``<h1>`` block, and whether the line is inside the page's story, the innermost element
    around both the ``<h1>`` and the page's main region (``main``, by page). A page's main text mostly sits in the
    element around its headline; menus and teasers sit before it or far from it, comments and related links outside
    the story. Elements are told apart by their paths' tags and naming words only, so look-alike siblings count as
    one element."""
    parent, depth = elements.parent, np.array([*elements.depth, -1], dtype=np.int64)  # -1: a line with no markup
    is_h1 = np.fromiter((tags[:2] == "h1" and tags[2:3] in ("", LEVEL) for _, tags, _ in elements.index),
                        dtype=bool, count=len(parent))
    rows = np.arange(len(of_line))
    at_h1 = np.append(is_h1, False)[of_line]
    headline_row = np.full(int(page_of_line.max(initial=-1)) + 1, len(of_line))
    np.minimum.at(headline_row, page_of_line[at_h1], rows[at_h1])
    has_headline = headline_row < len(of_line)
    headline = np.full(len(headline_row), -1)
    headline[has_headline] = of_line[headline_row[has_headline]]
    around_headline = np.zeros(len(parent), dtype=bool)
    for element in headline[has_headline].tolist():
        while element >= 0:
            around_headline[element] = True
            element = parent[element]
    # The depth of the innermost element around both an element and its page's headline (-1: none).
    shared = np.full(len(parent) + 1, -1)
    for element in range(len(parent)):  # parents come first
        if around_headline[element]:
            shared[element] = depth[element]
        elif parent[element] >= 0:
            shared[element] = shared[parent[element]]
    steps = depth[of_line] + depth[headline[page_of_line]] - 2 * shared[of_line]
    # Each page's story: up from its main region to the first element around the headline too.
    story = np.full(len(headline_row), -1)
    for page in np.flatnonzero(has_headline).tolist():
        element = int(main[page])
        while element >= 0 and not around_headline[element]:
            element = parent[element]
        story[page] = element
    in_story = _within(elements, story)
    line_has_headline = has_headline[page_of_line]
    out = np.zeros((len(of_line), 4))
    out[:, 0] = line_has_headline & (rows < headline_row[page_of_line])
    out[:, 1] = np.where(line_has_headline, np.log1p(np.maximum(steps, 0)), 0.0)
    out[:, 2] = ~line_has_headline
    out[:, 3] = in_story[of_line]
    return out
