"""Measure time and peak memory of cleaning extreme pages, each in a fresh process (docs/limits.md).

    python scripts/measure_limits.py            # every case
    python scripts/measure_limits.py NAME ...   # some cases

Each case runs under ``/usr/bin/time -v`` so the peak resident set size is the whole process's,
model and interpreter included; the ``baseline`` case is that floor.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

MB = 1_000_000
TIMEOUT_SECONDS = 600

# The e-mail pattern of features.py, anchored to the start of a run and with the local part bounded
# (RFC 5321: 64 characters), to measure the fix proposed in docs/limits.md.
ANCHORED_EMAIL = (
    "import re, linesift.model.features as f; "
    "f._EMAIL = re.compile(r'(?<![\\w.+-])[\\w.+-]{1,64}@[\\w-]+\\.[\\w.-]+')"
)

CASES: dict[str, str] = {
    "baseline": "''",
    "one line of 100 MB prose": f"'word ' * ({100 * MB} // 5)",
    "one line of 40 MB prose": f"'word ' * ({40 * MB} // 5)",
    "one line of 20 MB prose": f"'word ' * ({20 * MB} // 5)",
    "one line of 10 MB prose": f"'word ' * ({10 * MB} // 5)",
    "1,000,000 one-character lines": "'x\\n' * 1_000_000",
    "200,000 one-character lines": "'x\\n' * 200_000",
    "a 10,000-character word": "'a' * 10_000",
    "a 20,000-character word": "'a' * 20_000",
    "a 40,000-character word": "'a' * 40_000",
    "10 MB of 1,000-character words": f"('a' * 999 + ' ') * ({10 * MB} // 1000)",
}
CASES["one line of 100 MB without spaces"] = f"'a' * {100 * MB}"
RUNS: list[tuple[str, str]] = [
    *((name, "") for name in CASES if name != "one line of 100 MB without spaces"),  # would run for days
    ("a 40,000-character word", ANCHORED_EMAIL),
    ("one line of 100 MB without spaces", ANCHORED_EMAIL),
]

PROGRAM = """
import time
{setup}
from linesift import load_model
model = load_model()
text = {text}
start = time.perf_counter()
model.clean(text)
print(f"seconds={{time.perf_counter() - start:.2f}}")
"""


def measure(name: str, setup: str = "") -> str:
    program = PROGRAM.format(text=CASES[name], setup=setup)
    label = name + (" (anchored e-mail pattern)" if setup else "")
    try:
        done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", program], capture_output=True, text=True, check=False,
                              timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return f"| {label} | > {TIMEOUT_SECONDS} s (stopped) | - |"
    if done.returncode:
        last = done.stderr.strip().splitlines()
        error = next((line for line in reversed(last) if "Error" in line), last[-1] if last else "?")
        return f"| {label} | refused: {error.strip()[:120]} | - |"
    seconds = re.search(r"seconds=([\d.]+)", done.stdout)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return f"| {label} | {seconds.group(1) if seconds else '?'} s | {int(rss.group(1)) / 1024:.0f} MB |" if rss else f"| {label} | ? | ? |"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Time and peak memory of cleaning extreme pages (docs/limits.md).")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"cases to run (default: every case): {', '.join(CASES)}")
    names = parser.parse_args(argv).names
    unknown = [name for name in names if name not in CASES]
    if unknown:
        parser.error(f"no case named {unknown[0]!r}")
    print("| page | time to clean | peak RSS |")
    print("| --- | --- | --- |")
    for name, setup in RUNS:
        if not names or name in names:
            print(measure(name, setup), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
