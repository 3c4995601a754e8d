"""Label rendered lines as content or noise by aligning them to a page's gold main text.

Both sides are compared as word tokens (``\\w+`` of the lower-cased text, the benchmark's own
tokens), so whitespace, punctuation and case never matter. The rules:

* A blank line (only whitespace) gets ``None``; a line with no word token (``"|"``, ``"•"``) is 0.
* A line of at least :data:`SHINGLE` tokens is matched through its token 3-grams ("shingles").
  Each shingle found in the gold votes for an offset (gold position minus position in the line);
  the best offsets are the line's candidate places in the gold. From the first shingle at such
  an offset the match walks along the line both ways, taking each shingle found further on in
  the gold, at most :data:`MAX_GOLD_GAP` tokens beyond where it was expected: words or whole
  sentences missing on either side do not end the match. The line's *matched share* is the
  fraction of its tokens covered by matched shingles; a line below :data:`MIN_MATCHED_SHARE` is
  noise. Keeping a line whose
  share is ``f`` adds ``f`` right words for every ``1 - f`` wrong ones, which helps word F1 when
  ``f`` is above about half the page's F1; a half is that point for pages that align well.
* The lines above the share are kept only if they fall in sequence: among all candidates, the
  chain with increasing gold positions that matches the most tokens wins (a weighted longest
  increasing subsequence, O(n log n)). So a line that occurs twice in the rendering but once in
  the gold is content only once; when two occurrences fit equally, the one nearest the rest of
  the chain is kept.
* Pages show some blocks in another order than the gold (tabs, boxes floated by CSS). A line
  off the chain that matches at least :data:`REORDER_MIN_TOKENS` tokens of gold text that no
  other content line took is content as well (longest first), so reordered blocks are kept while
  a repeated line, whose gold text is taken already, still is not.
* A short line (1-2 tokens: a heading, a button, "Home") has no shingle and cannot be matched by
  itself. It is content only inside a gap of the chain, in order, where its tokens occur in the
  matching gap of the gold either as a whole gold line or within :data:`SHORT_GAP_SLACK` tokens
  of where the previous match ended.
* Title: the gold ``title`` is a separate field and the gold ``main_content`` usually leaves it
  out. With ``include_title=True`` the first rendered line before the first content line that
  matches the title (see :func:`_matches_title`) is labelled content too. The benchmark scores
  against ``main_content`` alone, so the corpus does not do this by default (numbers in
  ``docs/corpus.md``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

Label = int | None

_WORD = re.compile(r"\w+")

# Token n-gram size for matching a line to the gold: three words rarely repeat by chance.
SHINGLE = 3
# A line is content when at least this share of its tokens is found in sequence in the gold.
MIN_MATCHED_SHARE = 0.5
# Shingles whose gold offset is within this many tokens of the line's offset count for it.
OFFSET_SLACK = 2
# The gold may hold words a line lacks (an inline link dropped by the renderer, a caption);
# a match goes on across at most this many extra gold tokens.
MAX_GOLD_GAP = 20
# A line may be repeated in the gold; try this many of its best offsets.
MAX_OFFSETS = 4
# Shingles found more often than this in the gold (boilerplate phrases, tables of numbers) say
# nothing about where a line belongs and would make matching quadratic.
MAX_SHINGLE_HITS = 200
# Consecutive chain lines may overlap by this many gold tokens (a rendering that repeats a
# sentence end at the start of the next block).
OVERLAP_SLACK = 2
# A line matching at least this many tokens of gold text that no in-sequence line took is
# content even out of sequence: that many words in a row do not match by chance.
REORDER_MIN_TOKENS = 12
# A short line continues the previous match if it starts within this many gold tokens of it.
SHORT_GAP_SLACK = 3
# Scan at most this many occurrences of a short line's first token in a gap.
MAX_SHORT_SCAN = 500
# Title matching: the line's tokens must mostly be title tokens and cover most of the title
# (the <title> often adds " | Site name" that the visible headline lacks).
TITLE_LINE_SHARE = 0.8
TITLE_COVER_SHARE = 0.6


def tokens(text: str) -> list[str]:
    """Word tokens as the benchmark counts them."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True, slots=True)
class Alignment:
    """Labels for each line and how much of the gold the content lines account for."""

    labels: list[Label]
    gold_tokens: int
    matched_gold_tokens: int

    @property
    def gold_coverage(self) -> float:
        """Share of gold tokens matched by some content line; 0.0 for an empty gold."""
        return self.matched_gold_tokens / self.gold_tokens if self.gold_tokens else 0.0


@dataclass(frozen=True, slots=True)
class _Candidate:
    line: int
    start: int  # first gold token matched
    end: int  # one past the last gold token matched
    weight: int  # line tokens matched


class _Gold:
    """The gold text as tokens, with a shingle index and the token spans of its lines."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        self.line_spans: set[tuple[int, int]] = set()
        for line in text.split("\n"):
            toks = tokens(line)
            if toks:
                self.line_spans.add((len(self.tokens), len(self.tokens) + len(toks)))
                self.tokens.extend(toks)
        self.shingles: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in range(len(self.tokens) - SHINGLE + 1):
            self.shingles[tuple(self.tokens[i : i + SHINGLE])].append(i)
        self.unigrams: dict[str, list[int]] = defaultdict(list)
        for i, tok in enumerate(self.tokens):
            self.unigrams[tok].append(i)


def _candidates(line: int, toks: list[str], gold: _Gold) -> list[_Candidate]:
    """Places in the gold where a line of at least SHINGLE tokens fits well enough."""
    hits: list[list[int]] = []
    votes: Counter[int] = Counter()
    for j in range(len(toks) - SHINGLE + 1):
        positions = gold.shingles.get(tuple(toks[j : j + SHINGLE]), [])
        if len(positions) > MAX_SHINGLE_HITS:
            positions = []
        hits.append(positions)
        votes.update(g - j for g in positions)
    offsets: list[int] = []
    for offset, _ in votes.most_common():
        if len(offsets) == MAX_OFFSETS:
            break
        if all(abs(offset - o) > OFFSET_SLACK for o in offsets):
            offsets.append(offset)
    found: dict[tuple[int, int], _Candidate] = {}
    for offset in offsets:
        # The seed is the line's first shingle found at this offset (every voted offset has one).
        seed, seed_pos = next(
            (j, p) for j, p in ((j, _near(pos, offset + j, OFFSET_SLACK)) for j, pos in enumerate(hits)) if p is not None
        )
        matched = {seed: seed_pos}
        # Walk away from the seed both ways, keeping gold positions in order and letting the
        # offset drift by up to MAX_GOLD_GAP per step, so sentences missing on either side
        # do not end the match.
        for step in (1, -1):
            j_last, p_last = seed, seed_pos
            for j in range(seed + step, len(hits) if step == 1 else -1, step):
                expected = p_last + (j - j_last)
                p = _in_order(hits[j], p_last, expected, step)
                if p is not None:
                    matched[j], j_last, p_last = p, j, p
        covered = {t for j in matched for t in range(j, j + SHINGLE)}
        if len(covered) >= MIN_MATCHED_SHARE * len(toks):
            start, end = min(matched.values()), max(matched.values()) + SHINGLE
            found[(start, end)] = _Candidate(line, start, end, len(covered))
    return list(found.values())


def _near(positions: list[int], target: int, slack: int) -> int | None:
    """The position closest above ``target - slack`` if it is within ``slack`` of ``target``."""
    k = bisect_left(positions, target - slack)
    return positions[k] if k < len(positions) and positions[k] <= target + slack else None


def _in_order(positions: list[int], last: int, expected: int, step: int) -> int | None:
    """The next gold position after ``last`` in direction ``step``, at most MAX_GOLD_GAP past ``expected``."""
    if step == 1:
        k = bisect_left(positions, last + 1)
        if k < len(positions) and positions[k] <= max(expected, last + 1) + MAX_GOLD_GAP:
            return positions[k]
        return None
    k = bisect_left(positions, last) - 1
    if k >= 0 and positions[k] >= min(expected, last - 1) - MAX_GOLD_GAP:
        return positions[k]
    return None


class _MaxTree:
    """Prefix maximum over gold positions (a Fenwick tree) for the weighted chain."""

    def __init__(self, size: int) -> None:
        self.tree = [0] * (size + 1)

    def update(self, pos: int, value: int) -> None:
        i = pos + 1
        while i < len(self.tree):
            self.tree[i] = max(self.tree[i], value)
            i += i & -i

    def query(self, pos: int) -> int:
        """Maximum over positions ``<= pos``; 0 when ``pos < 0``."""
        i, best = min(pos + 1, len(self.tree) - 1), 0
        while i > 0:
            best = max(best, self.tree[i])
            i -= i & -i
        return best


def _best_chain(cands: list[_Candidate], n_gold: int) -> list[_Candidate]:
    """The in-sequence set of candidates (at most one per line) with the most matched tokens."""
    tree = _MaxTree(n_gold + 1)
    score: list[int] = []
    i = 0
    while i < len(cands):
        j = i
        while j < len(cands) and cands[j].line == cands[i].line:
            j += 1
        # Query all of a line's candidates before adding any, so a line never follows itself.
        group = [c.weight + tree.query(c.start + OVERLAP_SLACK) for c in cands[i:j]]
        for c, s in zip(cands[i:j], group):
            tree.update(c.end, s)
        score.extend(group)
        i = j
    if not score:
        return []
    # Walk back from the best end; among equal predecessors take the nearest line (locality).
    need, bound, line = max(score), n_gold + OVERLAP_SLACK, cands[-1].line + 1
    chain: list[_Candidate] = []
    for c, s in zip(reversed(cands), reversed(score)):
        if need <= 0:
            break
        if s == need and c.end <= bound and c.line < line:
            chain.append(c)
            need, bound, line = need - c.weight, c.start + OVERLAP_SLACK, c.line
    chain.reverse()
    return chain


def _match_short(toks: list[str], gold: _Gold, cursor: int, stop: int) -> int | None:
    """Where a short line fits in ``gold[cursor:stop]``: right after the cursor or as a whole line."""
    positions = gold.unigrams.get(toks[0], [])
    k = bisect_left(positions, cursor)
    for p in positions[k : k + MAX_SHORT_SCAN]:
        if p + len(toks) > stop:
            return None
        if gold.tokens[p : p + len(toks)] != toks:
            continue
        if p - cursor <= SHORT_GAP_SLACK or (p, p + len(toks)) in gold.line_spans:
            return p
    return None


def _matches_title(line_toks: list[str], title_toks: list[str]) -> bool:
    """A line is the title when its tokens are mostly title tokens and cover most of the title."""
    if not line_toks or not title_toks:
        return False
    common = sum((Counter(line_toks) & Counter(title_toks)).values())
    return common >= TITLE_LINE_SHARE * len(line_toks) and common >= TITLE_COVER_SHARE * len(title_toks)


def align_lines(
    lines: Sequence[str], gold: str, title: str | None = None, include_title: bool = False
) -> Alignment:
    """Label each line 1 (content), 0 (noise) or ``None`` (blank) against the gold main text.

    The rules are in the module docstring. ``title`` is used only with ``include_title``.
    """
    g = _Gold(gold)
    line_toks = [tokens(line) for line in lines]
    labels: list[Label] = [None if not line.strip() else 0 for line in lines]
    cands = [c for i, t in enumerate(line_toks) if len(t) >= SHINGLE for c in _candidates(i, t, g)]
    chain = _best_chain(cands, len(g.tokens))
    matched: set[int] = set()
    for c in chain:
        labels[c.line] = 1
        matched.update(range(c.start, c.end))
    # Blocks the page shows in another order than the gold (tabs, floated boxes): a long match
    # to gold text no chain line took is content too. Claimed gold text is never matched twice.
    for c in sorted(cands, key=lambda c: -c.weight):
        if c.weight >= REORDER_MIN_TOKENS and labels[c.line] != 1:
            span = range(c.start + OVERLAP_SLACK, c.end - OVERLAP_SLACK)
            if not any(p in matched for p in span):
                labels[c.line] = 1
                matched.update(range(c.start, c.end))
    # Short lines, gap by gap between chain lines, each gap with its own stretch of gold.
    edges = [(-1, 0)] + [(c.line, c.end) for c in chain]
    nexts = [(c.line, c.start) for c in chain] + [(len(lines), len(g.tokens))]
    for (first, cursor), (last, stop) in zip(edges, nexts):
        for i in range(first + 1, last):
            if 0 < len(line_toks[i]) < SHINGLE:
                p = _match_short(line_toks[i], g, cursor, max(stop, cursor))
                if p is not None:
                    labels[i] = 1
                    cursor = p + len(line_toks[i])
                    matched.update(range(p, cursor))
    if include_title and title:
        title_toks = tokens(title)
        for i, toks in enumerate(line_toks):
            if labels[i] == 1:
                break
            if _matches_title(toks, title_toks):
                labels[i] = 1
                break
    return Alignment(labels, len(g.tokens), len(matched))
