"""How long ``linesift predict`` takes, start to exit, on a one-line page: what a user waits for on every call.

Each round runs, in turns, the bare interpreter, the interpreter importing numpy (which cleaning needs)
and ``linesift predict`` on a one-line page, each in a new process; the medians
of the rounds are printed as a Markdown table. Run it on a machine at rest:

    python benchmarks/bench_startup.py --runs 10

``--linesift`` names another installation's command, to compare two versions in one run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = "One paragraph of prose about the weather, long enough to read as a sentence.\n"


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds; each command runs once per round")
    parser.add_argument("--linesift", action="append", default=None,
                        help="a linesift command to time (repeatable; default: the one beside this Python)")
    args = parser.parse_args()
    commands = args.linesift or [str(Path(sys.executable).with_name("linesift"))]
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.txt"
        page.write_text(PAGE, encoding="utf-8")
        timed = {"python -c pass": [sys.executable, "-c", "pass"],
                 "python -c 'import numpy'": [sys.executable, "-c", "import numpy"]}
        for command in commands:
            timed[f"{command} predict page.txt"] = [command, "predict", str(page)]
        times: dict[str, list[float]] = {name: [] for name in timed}
        for _ in range(args.runs):
            for name, command in timed.items():
                times[name].append(_seconds(command))
    print(f"| command | median of {args.runs} runs (s) | fastest (s) |\n| --- | ---: | ---: |")
    for name, values in times.items():
        print(f"| `{name}` | {statistics.median(values):.3f} | {min(values):.3f} |")


if __name__ == "__main__":
    main()
