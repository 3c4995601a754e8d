"""Build corpora of WCXB pages in html2text's Markdown, which no model learns from, to score the model on them.

    pip install html2text                     # GPL-3.0: a tool for this check, not a dependency of linesift
    python scripts/unseen_corpus.py ../shared/wcxb-dev /tmp/unseen
    COLUMNS=200 linesift eval --sites development --convention blank-lines \
        --unseen /tmp/unseen/wcxb-dev.html2text.jsonl.gz --unseen /tmp/unseen/wcxb-dev.html2text-unwrapped.jsonl.gz \
        --html-root ../shared --jobs 2

The shipped Markdown corpus comes from markdownify; html2text is the other converter scrapers use. With its defaults
it also hard-wraps paragraphs at 78 columns (``html2text``), and with ``body_width=0`` it does not
(``html2text-unwrapped``). html2text is GPL-3.0, so it is not one of linesift's renderers; the renderers that are
(inscriptis's text and BeautifulSoup's text nodes among them, never learnt from either) are built with ``linesift
corpus build --renderer``.

Each page is decoded as ``linesift`` decodes HTML and labelled as ``linesift corpus build`` labels a rendering
(``label_page``: the same alignment and skip rules). ``--renderer`` picks one; without html2text the script says
so and exits with code 1, having written nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

from linesift.io.render import decode_html
from linesift.training.corpus import Skipped, iter_source, label_page, read_html


def _html2text(html: str, width: int) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = width
    return converter.handle(html)


RENDERINGS: dict[str, Callable[[str], str]] = {
    "html2text": partial(_html2text, width=78),  # html2text's default width
    "html2text-unwrapped": partial(_html2text, width=0),  # no wrapping
}


def _check_html2text() -> None:
    """Exit with code 1, saying why, when html2text cannot be imported: there is nothing to build then."""
    try:
        import html2text  # noqa: F401
    except ImportError:
        raise SystemExit("html2text is not installed: nothing built (pip install html2text)") from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a WCXB dataset root (html/ and ground-truth.jsonl)")
    parser.add_argument("out", type=Path, help="folder for the corpus files")
    parser.add_argument("--renderer", action="append", choices=list(RENDERINGS),
                        help="a rendering to build (repeat for several; default: all)")
    args = parser.parse_args(argv)
    _check_html2text()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = list(iter_source(args.source))
    for name in args.renderer or list(RENDERINGS):
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
