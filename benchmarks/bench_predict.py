"""Throughput and memory of ``predict`` beside the C4 line rules and trafilatura, on the same pages.

Every tool runs in a fresh single-threaded process over the same N rendered WCXB pages (the page text
is the rendered lines joined by ``\\n``; trafilatura reads the pages' HTML instead), so each one's
peak memory is its own. The C4 rules run two ways: datatrove's filter on one document per page, as
a datatrove pipeline runs it, and line by line with duplicates decided once, as the evaluation runs
them. linesift and both are also timed in turns in one process, for ratios that a change of the
machine's load does not skew. Speeds are medians over several runs; the results go to ``results.md``.
See ``README.md`` for how to run it.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import itertools
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGES_FILE = REPO / "seeds" / "wcxb-dev.resiliparse.jsonl.gz"
HTML_DIR = Path("/work/shared/wcxb-dev/html")
RESULTS = Path(__file__).resolve().parent / "results.md"
DEFAULT_PAGES = 300
DEFAULT_RUNS = 5  # the median of five runs steadies the figures on a shared machine
# Every page for the scaling table: with fewer, starting the workers is most of the time measured.
DEFAULT_SCALING_PAGES = 1329
TOOLS = ("linesift", "c4-pages", "c4", "trafilatura")
IN_TURNS = ("linesift", "c4-pages", "c4")
# One BLAS thread per process, so that a process uses one core and "per core" means what it says.
SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
MB = 1e6


def load_pages(n: int) -> list[dict]:
    """The first ``n`` rendered pages: id, page text and the path of the page's HTML."""
    with gzip.open(PAGES_FILE, "rt", encoding="utf-8") as rows:
        records = [json.loads(row) for row in itertools.islice(rows, n)]
    return [{"text": "\n".join(r["lines"]), "html": HTML_DIR / Path(r["source"]).name} for r in records]


def _runner(tool: str, pages: list[dict]) -> tuple[Callable[[], object], int, int]:
    """A function that processes every page once, the bytes it reads and the lines of the pages' text."""
    from linesift.model.segment import split_lines

    texts = [page["text"] for page in pages]
    size = sum(len(text.encode("utf-8")) for text in texts)
    lines = sum(len(split_lines(text)) for text in texts)
    if tool == "linesift":
        from linesift import load_model

        model = load_model()
        return lambda: model.clean_many(texts), size, lines
    if tool == "c4":
        from linesift.training.baselines import c4_line_rules

        return lambda: [c4_line_rules(split_lines(text)) for text in texts], size, lines
    if tool == "c4-pages":
        from linesift.training.baselines import c4_page_rules

        return lambda: [c4_page_rules(text) for text in texts], size, lines
    from linesift.training.baselines import trafilatura_on_html

    htmls = [gzip.decompress(page["html"].read_bytes()) for page in pages]
    return lambda: [trafilatura_on_html(html) for html in htmls], sum(map(len, htmls)), lines


def measure(tool: str, n_pages: int, runs: int) -> dict:
    """Time ``runs`` passes of ``tool`` over the pages in this process (after one warm-up pass)."""
    pages = load_pages(n_pages)
    run, size, lines = _runner(tool, pages)
    run()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"tool": tool, "seconds": seconds, "bytes": size, "pages": len(pages), "lines": lines, "peak_mb": peak_kb / 1024}


def measure_alternating(n_pages: int, runs: int) -> dict:
    """linesift and both ways of running the C4 rules timed in turns in one process, so that a change of load
    hits them alike.

    The order within each round of runs is reversed every other round; each ratio to linesift is the
    median of the rounds' ratios.
    """
    pages = load_pages(n_pages)
    tools = {tool: _runner(tool, pages) for tool in IN_TURNS}
    for run, _, _ in tools.values():
        run()
    seconds: dict[str, list[float]] = {tool: [] for tool in tools}
    for index in range(runs):
        for tool in (IN_TURNS if index % 2 == 0 else IN_TURNS[::-1]):
            start = time.perf_counter()
            tools[tool][0]()
            seconds[tool].append(time.perf_counter() - start)
    ratios = {tool: statistics.median(other / own for own, other in zip(seconds["linesift"], seconds[tool]))
              for tool in IN_TURNS[1:]}
    return {"seconds": seconds, "bytes": tools["linesift"][1], "ratios": ratios}


def measure_jobs(jobs: int, n_pages: int, runs: int) -> dict:
    """Wall time of ``linesift.io.parallel.clean_stream`` over the pages with ``jobs`` processes (start-up included)."""
    from linesift.io.cleaning import Document
    from linesift.io.parallel import CleanOptions, clean_stream

    texts = [page["text"] for page in load_pages(n_pages)]
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in clean_stream(((i, Document(text=t)) for i, t in enumerate(texts)), CleanOptions(), jobs=jobs):
            pass
        seconds.append(time.perf_counter() - start)
    return {"jobs": jobs, "seconds": seconds, "bytes": sum(len(t.encode("utf-8")) for t in texts), "pages": len(texts)}


def _in_fresh_process(args: list[str]) -> dict:
    env = {**os.environ, **SINGLE_THREAD}
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    import numpy

    return f"{os.cpu_count()} cores (`nproc`), {cpu}; Python {platform.python_version()}, numpy {numpy.__version__}"


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


TITLE = "# Predict throughput"
_DATE = re.compile(r"^- Date: (.+)$", re.MULTILINE)


def with_earlier_runs(earlier: str) -> str:
    """What follows a new run in the results file: the file's runs before it, the last one under a heading of its
    own, so that a run never writes over the record of the runs before it."""
    if not earlier.startswith(TITLE):
        return ""
    body = earlier[len(TITLE) :].strip("\n")
    date = _DATE.search(body)
    return f"\n## An earlier run ({date.group(1) if date else 'undated'})\n\n{body}\n"


def report(results: list[dict], alternating: dict | None, scaling: list[dict], skipped: list[str], n_pages: int, runs: int,
           load_before: str) -> str:
    """The results as markdown: one row per tool, linesift against C4 in turns, then the scaling with processes."""
    by_tool = {r["tool"]: r for r in results}
    reference = by_tool.get("c4-pages")
    c4_rate = reference["bytes"] / statistics.median(reference["seconds"]) / MB if reference else None
    lines = [
        TITLE,
        "",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {_machine()}",
        f"- Load average (1, 5, 15 min) before: {load_before}; after: {_load()} (the machine is shared)",
        (f"- Input: the first {n_pages} pages of `seeds/wcxb-dev.resiliparse.jsonl.gz` (rendered text, lines joined"
         " by `\\n`); trafilatura reads the same pages' HTML, so its MB/s counts HTML bytes."),
        f"- Each tool in a fresh process with one thread; median of {runs} runs after a warm-up run.",
        "",
        "| tool | input | MB/s per core | pages/s | lines/s | peak RSS | speed / C4 per page (separate processes) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = {
        "linesift": "linesift `clean_many` (built-in model)",
        "c4-pages": "C4 line rules, datatrove's filter on each page",
        "c4": "C4 line rules, each distinct line once (the evaluation's way)",
        "trafilatura": "trafilatura",
    }
    for r in results:
        median = statistics.median(r["seconds"])
        rate = r["bytes"] / median / MB
        source = "HTML" if r["tool"] == "trafilatura" else "text"
        ratio = f"{rate / c4_rate:.2f}×" if c4_rate else "—"
        lines.append(f"| {names[r['tool']]} | {r['bytes'] / MB:.1f} MB {source} | {rate:.2f} | {r['pages'] / median:.0f} "
                     f"| {r['lines'] / median:,.0f} | {r['peak_mb']:.0f} MB | {ratio} |")
    lines += [f"| {tool} | skipped: {reason} | | | | | |" for tool, reason in (s.split(": ", 1) for s in skipped)]
    if alternating:
        rates = {tool: alternating["bytes"] / statistics.median(values) / MB for tool, values in alternating["seconds"].items()}
        ratios = alternating["ratios"]
        lines += [
            "",
            (f"linesift against the C4 rules in one process, timed in turns ({runs} runs each, the order reversed every"
             f" other round): linesift {rates['linesift']:.2f} MB/s, C4 per page {rates['c4-pages']:.2f} MB/s, C4 line by"
             f" line {rates['c4']:.2f} MB/s; **linesift at {ratios['c4-pages']:.2f}× the speed of datatrove's C4 filter"
             f" on each page** and {ratios['c4']:.2f}× the speed of the rules line by line (medians of the rounds'"
             " ratios). The processes above run one after the other while the machine's load changes; these ratios"
             " do not depend on it."),
        ]
    if scaling:
        base = statistics.median(scaling[0]["seconds"])
        lines += [
            "",
            (f"Scaling of `linesift.io.parallel.clean_stream` (the engine of `linesift predict --jobs`) over"
             f" {scaling[0]['pages']} pages, {scaling[0]['bytes'] / MB:.1f} MB: wall time including the start of the"
             " worker processes and their loading the model, median of the same number of runs:"),
            "",
            "| processes | wall time | MB/s | speed-up |",
            "| ---: | ---: | ---: | ---: |",
        ]
        for s in scaling:
            median = statistics.median(s["seconds"])
            lines.append(f"| {s['jobs']} | {median:.2f} s | {s['bytes'] / median / MB:.2f} | {base / median:.2f}× |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="how many rendered WCXB pages to read")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="timed runs per tool (the median is reported)")
    parser.add_argument("--jobs", default="1,2", help="process counts for the scaling table; empty to skip it")
    parser.add_argument("--scaling-pages", type=int, default=DEFAULT_SCALING_PAGES, help="pages for the scaling table")
    parser.add_argument("--tools", default=",".join(TOOLS), help="tools to measure, of " + ", ".join(TOOLS))
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the markdown table")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-jobs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-alternating", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.pages, args.runs)))
        return
    if args.worker_jobs:
        print(json.dumps(measure_jobs(args.worker_jobs, args.pages, args.runs)))
        return
    if args.worker_alternating:
        print(json.dumps(measure_alternating(args.pages, args.runs)))
        return
    load_before = _load()
    results, skipped = [], []
    for tool in args.tools.split(","):
        if tool == "trafilatura":
            try:
                import trafilatura  # noqa: F401
            except ImportError:
                skipped.append("trafilatura: not installed (`pip install trafilatura`)")
                continue
            if not HTML_DIR.is_dir():
                skipped.append(f"trafilatura: no HTML at {HTML_DIR}")
                continue
        print(f"measuring {tool} ...", file=sys.stderr)
        results.append(_in_fresh_process(["--worker", tool, "--pages", str(args.pages), "--runs", str(args.runs)]))
    alternating = None
    if set(IN_TURNS) <= {r["tool"] for r in results}:
        print(f"measuring {', '.join(IN_TURNS)} in turns ...", file=sys.stderr)
        alternating = _in_fresh_process(["--worker-alternating", "--pages", str(args.pages), "--runs", str(args.runs)])
    scaling = []
    for jobs in filter(None, args.jobs.split(",")):
        print(f"measuring {jobs} process(es) ...", file=sys.stderr)
        scaling.append(_in_fresh_process(["--worker-jobs", jobs, "--pages", str(args.scaling_pages), "--runs", str(args.runs)]))
    text = report(results, alternating, scaling, skipped, args.pages, args.runs, load_before)
    earlier = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    args.output.write_text(text + with_earlier_runs(earlier), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
