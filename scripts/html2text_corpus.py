"""Build a corpus of WCXB pages in html2text's Markdown, to score the model on a Markdown it never learnt from.

    pip install html2text                     # GPL-3.0: a tool for this check, not a dependency of linesift
    python scripts/html2text_corpus.py ../shared/wcxb-dev /tmp/h2t
    COLUMNS=200 linesift eval --sites development --convention blank-lines \
        --unseen /tmp/h2t/wcxb-dev.html2text.jsonl.gz --unseen /tmp/h2t/wcxb-dev.html2text-unwrapped.jsonl.gz \
        --html-root ../shared --jobs 2

The shipped Markdown corpus comes from markdownify. html2text is the other Markdown converter scrapers use; with
its defaults it also hard-wraps paragraphs at 78 columns (``html2text``), and with ``body_width=0`` it does not
(``html2text-unwrapped``). Each page is decoded as ``linesift`` decodes HTML and labelled as ``linesift corpus
build`` labels a rendering (``label_page``: the same alignment and skip rules).
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

import html2text

from linesift.io.render import decode_html
from linesift.training.corpus import Skipped, iter_source, label_page, read_html


def _converter(width: int) -> html2text.HTML2Text:
    converter = html2text.HTML2Text()
    converter.body_width = width
    return converter


RENDERINGS = {"html2text": 78, "html2text-unwrapped": 0}  # html2text's default width, and no wrapping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a WCXB dataset root (html/ and ground-truth.jsonl)")
    parser.add_argument("out", type=Path, help="folder for the corpus files")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = list(iter_source(args.source))
    for name, width in RENDERINGS.items():
        skipped: Counter[str] = Counter()
        written = 0
        with gzip.open(args.out / f"{args.source.resolve().name}.{name}.jsonl.gz", "wt", encoding="utf-8") as out:
            for page in pages:
                text = None
                if page.html_path is not None:
                    text = _converter(width).handle(decode_html(read_html(page.html_path)))
                row = label_page(page, name, text=text)
                if isinstance(row, Skipped):
                    skipped[row.reason] += 1
                    continue
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
        print(f"{name}: {written} pages written, skipped: {dict(skipped) or 'none'}")


if __name__ == "__main__":
    main()
