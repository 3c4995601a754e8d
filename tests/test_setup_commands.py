"""The README's two commands: a light quick start that cleans the seed, and the test command CI runs."""

from __future__ import annotations

import re
from importlib.metadata import requires

from conftest import REPO

SHELL_BLOCK = re.compile(r"```sh\n(.*?)\n```", re.DOTALL)


def _readme_commands() -> tuple[str, str]:
    """The first two shell blocks of the README: set up and clean, then set up and test."""
    blocks = SHELL_BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))
    return blocks[0].strip(), blocks[1].strip()


def test_ci_runs_the_readme_test_command() -> None:
    _, test_command = _readme_commands()
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines
    assert test_command.endswith("ruff check linesift tests && .venv/bin/mypy && .venv/bin/python -m pytest -q")


def test_quick_start_installs_no_extras_at_the_locked_versions() -> None:
    quick_start, _ = _readme_commands()
    assert "-c requirements-lock.txt -e . " in quick_start
    assert "[" not in quick_start  # no extras: renderers, Dask, datatrove... are not needed to clean a page
    assert quick_start.endswith("linesift predict seeds/000_bbcd66fa357995a9.txt")


def test_every_runtime_dependency_is_pinned_by_the_lock() -> None:
    # A quick start resolved against the lock as constraints gets the pinned version of every package it needs.
    pinned = {line.split("==")[0].lower().replace("_", "-")
              for line in (REPO / "requirements-lock.txt").read_text(encoding="utf-8").splitlines() if "==" in line}
    required = {re.split(r"[<>=!\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-")
                for spec in requires("linesift") or [] if "extra ==" not in spec}
    assert required <= pinned, sorted(required - pinned)


def test_the_readme_shows_what_the_built_in_model_prints_on_the_seed() -> None:
    """The example output under "What it prints on the seed page" is the built-in model's, to the digit: it went
    stale when the model was retrained."""
    from typer.testing import CliRunner

    from linesift.cli import app

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    seed = str(REPO / "seeds" / "000_bbcd66fa357995a9.txt")
    runner = CliRunner()
    printed = runner.invoke(app, ["predict", seed, "--format", "jsonl"]).stdout.splitlines()
    shown = [line for line in readme.splitlines() if line.startswith('{"line": ')]
    assert shown == [printed[0], printed[27]]
    explained = runner.invoke(app, ["explain", seed, "--line", "70"], env={"COLUMNS": "200"}).stdout
    assert explained.splitlines()[0] in readme
    first_reason = re.search(r"│\s+([-+]\d\.\d\d) │ first-pass score above", explained)
    assert first_reason is not None and f"  {first_reason.group(1)}  first-pass score above" in readme
