"""Pages per second from HTML bytes to clean text: linesift's HTML path beside trafilatura, in turns, in one process.

Each run reads the same N WCXB pages' HTML bytes, already in memory, and turns every page into its clean text:
linesift decodes, parses into blocks and scores them with the built-in model of HTML pages; trafilatura runs
``extract`` on the same bytes. The two take turns run after run, so a change of the machine's load weighs on both
alike; the figures are medians over the runs, and the ratio is of the medians. Single-threaded (one BLAS thread).

    python benchmarks/bench_html.py [--pages 300] [--runs 5] [--batch 16]

``--batch N`` hands linesift N pages at a time, as ``linesift predict`` does with a folder or a WARC file
(16 a chunk): they are scored together. The default, 1, is a page at a time, as a crawler hands them over.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per process: "per core" means what it says

HTML_DIR = Path("/work/shared/wcxb-dev/html")
DEFAULT_PAGES = 300
DEFAULT_RUNS = 5


def load_html(n: int) -> list[bytes]:
    """The first ``n`` WCXB pages' HTML bytes, by file name order."""
    files = sorted(HTML_DIR.glob("*.html.gz"))[:n]
    return [gzip.decompress(file.read_bytes()) for file in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()

    import trafilatura

    from linesift import load_model
    from linesift.io.cleaning import Document, clean_documents

    pages = load_html(args.pages)
    text_model, html_model = load_model(), load_model(input="html")
    documents = [Document(html=page) for page in pages]

    def linesift_run() -> None:
        for start in range(0, len(documents), args.batch):
            clean_documents(text_model, documents[start : start + args.batch], html_model=html_model)

    def trafilatura_run() -> None:
        for page in pages:
            trafilatura.extract(page)

    times: dict[str, list[float]] = {"linesift": [], "trafilatura": []}
    for _ in range(args.runs):
        for name, run in (("linesift", linesift_run), ("trafilatura", trafilatura_run)):
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    size = sum(len(page) for page in pages) / 1e6
    print(f"{len(pages)} pages, {size:.1f} MB of HTML, linesift {args.batch} a batch, {args.runs} runs in turns, medians:")
    rates = {}
    for name, values in times.items():
        median = statistics.median(values)
        rates[name] = len(pages) / median
        print(f"  {name:<12} {rates[name]:8.1f} pages/s  {size / median:6.2f} MB/s  (runs: {', '.join(f'{v:.2f}' for v in values)} s)")
    print(f"  linesift / trafilatura: {rates['linesift'] / rates['trafilatura']:.1f}x")


if __name__ == "__main__":
    main()
