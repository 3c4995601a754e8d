"""Score the text model on pages in languages and scripts its corpus does not have.

    python scripts/unknown_words.py seeds --renderer resiliparse --jobs 2
    python scripts/unknown_words.py seeds --sites final-check --jobs 2
    python scripts/unknown_words.py seeds --input html --jobs 2

The labelled corpus is almost all English (1,297 of the 1,329 rendered pages' gold texts read as English by their
function words, 5 as French or Portuguese), and it holds no page in a script written without spaces between words,
as Chinese and Japanese are. This check rewrites the pages of one rendering in two ways and scores them as
``linesift eval --sites`` scores pages: on the development sites, each page by a model fitted, on the corpus as it
is, without its site (one model per fold, the final-check fifth of the sites left out); on the final check, by a
model fitted on the development sites.

- ``made-up words``: each word of letters becomes a made-up word of as many letters, the same wherever the word
  recurs and capitalised as it was, as a language the model never learnt would read to it.
- ``unspaced script``: each word of letters becomes CJK ideographs, a third as many as its letters (1 to 8; a
  Chinese word has one to three), the same ones wherever the word recurs; the spaces between words go, and the full
  stop, comma, colon, question and exclamation marks and brackets after a word take their full-width forms.

Digits, symbols and lines that read as code (braces, ``=``, ``<``, ``;``, JSON-LD, URLs) are kept as they are, as
such pages keep them. The kept lines are scored on the page's own words against its gold text, with the benchmark's
word F1: the check measures the decisions (``\\w+`` would read a run of ideographs as one word). What the model reads
of the rewritten words is their shape (letters, punctuation, lengths), not their meaning. With ``--input html``
the blocks' text is rewritten and their markup kept: class and id words are English on most sites in any language.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from linesift import load_model
from linesift.training.data import BLANK, LabelledPage, data_files, load_pages
from linesift.training.evaluate import WordReport, fold_models, held_out_probabilities, lines_kept, word_report
from linesift.training.pipeline import training_pages, training_params
from linesift.training.train import FINAL_CHECK_FOLD, fold_of_groups

# Lines kept as they are: code, markup, JSON-LD and addresses stay in Latin letters on any page.
_CODE = re.compile(r"[{};=<>]|\"@|https?:|www\.")
_TOKEN = re.compile(r"[^\W\d_]+|\s+|.", re.S)  # a word of letters, a run of spaces, or any other character
_FULL_WIDTH = {".": "。", ",": "，", ":": "：", "?": "？", "!": "！", ";": "；", "(": "（", ")": "）"}
_IDEOGRAPHS = 20_000  # from U+4E00, in the CJK Unified Ideographs block
MAX_IDEOGRAPHS = 8
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _digest(word: str, size: int) -> bytes:
    """``size`` bytes that stand for ``word`` in any case."""
    return hashlib.blake2b(word.lower().encode("utf-8"), digest_size=size).digest()


def made_up(word: str) -> str:
    """The made-up word ``word`` becomes: as many letters, the same for every case of the word, capitalised as it is."""
    digest = _digest(word, 32)
    letters = "".join(_LETTERS[digest[i % len(digest)] % len(_LETTERS)] for i in range(len(word)))
    return letters.capitalize() if word[0].isupper() else letters


def ideographs(word: str) -> str:
    """The ideographs ``word`` becomes: ``len(word) / 3`` of them (1 to 8), the same for every case of the word."""
    digest = _digest(word, 2 * MAX_IDEOGRAPHS)
    count = min(MAX_IDEOGRAPHS, max(1, -(-len(word) // 3)))
    return "".join(chr(0x4E00 + int.from_bytes(digest[2 * i:2 * i + 2], "big") % _IDEOGRAPHS) for i in range(count))


def unspaced(line: str) -> str:
    """``line`` as a script without spaces between words writes it (see the module's description)."""
    if _CODE.search(line):
        return line
    tokens = _TOKEN.findall(line)
    out = []
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token[0].isalpha():
            out.append(ideographs(token))
        elif token.isspace():
            # Spaces go between a word (or its punctuation) and the next word or number; those around symbols stay.
            inside = 0 < i < len(tokens) - 1
            if not (inside and (before[:1].isalpha() or before in _FULL_WIDTH) and (after[:1].isalpha() or after[:1].isdigit())):
                out.append(token)
        elif token in _FULL_WIDTH and before[:1].isalpha():
            out.append(_FULL_WIDTH[token])
        else:
            out.append(token)
    return "".join(out)


def with_made_up_words(line: str) -> str:
    """``line`` with every word of letters :func:`made_up`, unless it reads as code."""
    if _CODE.search(line):
        return line
    return "".join(made_up(token) if token[0].isalpha() else token for token in _TOKEN.findall(line))


REWRITINGS: dict[str, Callable[[str], str]] = {"made-up words": with_made_up_words, "unspaced script": unspaced}


def rewritten(page: LabelledPage, rewrite: Callable[[str], str]) -> LabelledPage:
    """``page`` with every line rewritten, line for line: its labels and line numbers hold."""
    return replace(page, lines=[rewrite(line) if label != BLANK else line for line, label in zip(page.lines, page.labels)])


def scored(pages: Sequence[LabelledPage], views: Sequence[LabelledPage], models) -> WordReport:
    """Word F1 of the lines kept on each of ``views`` (the pages or their rewriting, line for line), on the words of
    ``pages``."""
    probabilities, _ = held_out_probabilities(views, models)
    report = word_report(pages, lines_kept(views, probabilities, None))
    assert report is not None, "no page has gold text"
    return report


def _row(name: str, report: WordReport, types: list[str]) -> str:
    return " | ".join([name, f"{report.overall:.3f}", *(f"{report.by_type.get(t, float('nan')):.3f}" for t in types)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=Path, help="the labelled corpus folder (./seeds)")
    parser.add_argument("--renderer", default="resiliparse", help="the rendering whose pages the model of text scores")
    parser.add_argument("--input", choices=["text", "html"], default="text",
                        help="the model of text, or the model of HTML pages on the blocks under SEEDS/html")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--sites", choices=["development", "final-check"], default="development")
    parser.add_argument("--max-folds", type=int, default=None, help="on the development sites, only the first K folds")
    args = parser.parse_args(argv)

    html = args.input == "html"
    labelled = load_pages(data_files([args.seeds / "html" if html else args.seeds]))
    groups = {page.group for page in labelled}
    params = training_params(load_model(input=args.input))
    renderer = "blocks" if html else args.renderer
    fold_of_group = fold_of_groups(groups, params.n_folds)
    final_check = args.sites == "final-check"
    # The final check's fold comes first: its one model is fitted on every other fold, the development sites.
    learnt = [page for page in labelled
              if (page.structure is not None) == html and (final_check or fold_of_group[page.group] != FINAL_CHECK_FOLD)]
    models = fold_models(training_pages(learnt, params), params, args.jobs, max_folds=1 if final_check else args.max_folds,
                         groups=groups)
    evaluated = set(models.models)
    pages = [page for page in learnt if page.renderer == renderer and fold_of_group[page.group] in evaluated]
    if not pages:
        raise SystemExit(f"no {args.sites} page rendered by {renderer!r} in {args.seeds}")
    as_they_are = scored(pages, pages, models)
    types = sorted(as_they_are.by_type)
    print(f"word F1, {len(pages)} {args.sites} pages rendered by {renderer}, {len(evaluated)} fold(s)")
    print(" | ".join(["words", "all", *types]))
    print(_row("as rendered", as_they_are, types))
    for name, rewrite in REWRITINGS.items():
        print(_row(name, scored(pages, [rewritten(page, rewrite) for page in pages], models), types))


if __name__ == "__main__":
    main()
