"""A page of code alone holds no content: a lone script, style sheet or JSON record keeps nothing, and so does a page
of symbols without a letter or a digit.

On a page with prose, a line of code may be a sample the prose explains, and the model weighs it by the lines
around it. On a page of code alone it has nothing to weigh it against: the second pass reads each line against its
page, and where every line scores low it lifts the best of them. A lone line of JavaScript was kept at P 0.83, a
style rule at 0.32, and a page-long script on one line, cut into pieces, kept up to two thirds of its words. So a
page is code when every line of it that holds a letter or a digit has at least :data:`CODE_LINE_SHARE` of its
visible characters in :data:`CODE_PUNCTUATION` and does not end like a sentence (dialogue is full of quotes, and
ends so), and such a page keeps no line, whatever its probabilities. A line without a letter or a digit ("});",
"* * *") holds no word to read: a page of such lines alone keeps none of them either (alone, "}}}" was kept at P
0.67 and a row of exclamation marks at 0.87).

The rule reads text only: an HTML page's scripts and style sheets never become blocks, and its code is in ``<pre>``
elements, which say what they hold. A page whose markup says too little is read as text, this rule included (see
:meth:`linesift.model.sifter.Sifter.reads_as_text`).
"""

from __future__ import annotations

import numpy as np

from linesift.model.pagestats import CLASS_TABLE, SPACE, TABLE_SIZE, WORD_CLASSES, PageStats

# The punctuation of scripts, style sheets and JSON: brackets, quotes, colons, semicolons and assignments. Not the
# slashes, hashes, underscores, dollars and percents of URLs, prices and Markdown emphasis, which the features' code
# characters count.
CODE_PUNCTUATION = "{}[]()\"'\\=;:<>"
# At 0.10, the rule fires on no page of the corpus in any layout but nine on one line that the model drops whole, and
# on 662 of its 15,957 short pages (excerpts, in the layouts learnt): 578 of them without a content line, the content
# of the others code samples, label lines ("Note:"), lone Markdown link items, a phone number and a lone ";". Every
# script, JSON and style sheet line of tests/test_short_pages.py and tests/test_code_pages.py reads as code, no line
# of prose does.
CODE_LINE_SHARE = 0.10

_IS_CODE_PUNCTUATION = np.zeros(TABLE_SIZE + 1, dtype=bool)  # the last entry stands for every code point past the table
_IS_CODE_PUNCTUATION[[ord(char) for char in CODE_PUNCTUATION]] = True
# The character classes CODE_PUNCTUATION falls in: a line with fewer characters of them than the share is prose, and
# its page is not code, without a look at its characters.
_CLASSES = sorted({int(CLASS_TABLE[ord(char)]) for char in CODE_PUNCTUATION})


def code_pages(stats: PageStats) -> np.ndarray:
    """Per page joined in ``stats.page``, the non-blank lines of pages: whether it is code alone, lines without a
    letter or a digit included (see the module's docstring); a page without a line is not."""
    n_pages = len(stats.page.bounds) - 1
    if stats.n_lines == 0:
        return np.zeros(n_pages, dtype=bool)
    counts = stats.class_counts
    least = CODE_LINE_SHARE * (stats.lengths - counts[:, SPACE])
    worded = counts[:, :WORD_CLASSES].sum(axis=1) > 0
    page = stats.page_of_line
    prose = worded & ((counts[:, _CLASSES].sum(axis=1) < least) | stats.ends_sentence)
    code = (np.bincount(page, minlength=n_pages) > 0) & (np.bincount(page[prose], minlength=n_pages) == 0)
    if not code.any():  # most batches of pages: no character is looked at
        return code
    punctuation = _IS_CODE_PUNCTUATION[np.minimum(stats.codes, TABLE_SIZE)]
    prose |= worded & (np.bincount(stats.line_of_char[punctuation], minlength=stats.n_lines) < least)
    return code & (np.bincount(page[prose], minlength=n_pages) == 0)
