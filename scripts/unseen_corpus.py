"""Build corpora of WCXB pages as scrapers the model never learnt from write them, to score it on them.

    pip install html2text                     # GPL-3.0: a tool for this check, not a dependency of linesift
    python scripts/unseen_corpus.py ../shared/wcxb-dev /tmp/unseen
    COLUMNS=200 linesift eval --sites development --convention blank-lines \
        --unseen /tmp/unseen/wcxb-dev.html2text.jsonl.gz --unseen /tmp/unseen/wcxb-dev.html2text-unwrapped.jsonl.gz \
        --unseen /tmp/unseen/wcxb-dev.soup.jsonl.gz --html-root ../shared --jobs 2

The renderings:

* ``html2text``, ``html2text-unwrapped``: Markdown. The shipped Markdown corpus comes from markdownify; html2text
  is the other converter scrapers use. With its defaults it also hard-wraps paragraphs at 78 columns, and with
  ``body_width=0`` it does not.
* ``soup``: every text node on a line of its own, as the most common scraping recipe writes a page
  (BeautifulSoup's ``get_text("\\n", strip=True)`` once scripts and styles are removed). A link inside a sentence
  becomes a line of its own, so sentences come in pieces; a blank line is rare (inside a node, as in a ``<pre>``).

Each page is decoded as ``linesift`` decodes HTML and labelled as ``linesift corpus build`` labels a rendering
(``label_page``: the same alignment and skip rules). ``--renderer`` picks some; html2text's are skipped, with a
message, when it is not installed.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bs4 import BeautifulSoup

from linesift.io.render import decode_html
from linesift.training.corpus import Skipped, iter_source, label_page, read_html

HIDDEN_FROM_TEXT = ["script", "style", "noscript", "template"]


def _html2text(html: str, width: int) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = width
    return converter.handle(html)


def _soup(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    for element in soup(HIDDEN_FROM_TEXT):
        element.decompose()
    return soup.get_text("\n", strip=True)


RENDERINGS: dict[str, Callable[[str], str]] = {
    "html2text": partial(_html2text, width=78),  # html2text's default width
    "html2text-unwrapped": partial(_html2text, width=0),  # no wrapping
    "soup": _soup,
}


def _available(names: list[str]) -> list[str]:
    try:
        import html2text  # noqa: F401
    except ImportError:
        skipped = [name for name in names if name.startswith("html2text")]
        if skipped:
            print(f"html2text is not installed: {', '.join(skipped)} skipped (pip install html2text)")
        return [name for name in names if name not in skipped]
    return names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a WCXB dataset root (html/ and ground-truth.jsonl)")
    parser.add_argument("out", type=Path, help="folder for the corpus files")
    parser.add_argument("--renderer", action="append", choices=list(RENDERINGS),
                        help="a rendering to build (repeat for several; default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    pages = list(iter_source(args.source))
    for name in _available(args.renderer or list(RENDERINGS)):
        render = RENDERINGS[name]
        skipped: Counter[str] = Counter()
        written = 0
        with gzip.open(args.out / f"{args.source.resolve().name}.{name}.jsonl.gz", "wt", encoding="utf-8") as out:
            for page in pages:
                text = render(decode_html(read_html(page.html_path))) if page.html_path is not None else None
                row = label_page(page, name, text=text)
                if isinstance(row, Skipped):
                    skipped[row.reason] += 1
                    continue
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
        print(f"{name}: {written} pages written, skipped: {dict(skipped) or 'none'}")


if __name__ == "__main__":
    main()
