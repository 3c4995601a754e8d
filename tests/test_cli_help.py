"""What a user reads before running anything: flags shown as flags, choices listed, the version."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from linesift import __version__, cli

COMMANDS = (["predict"], ["explain"], ["train"], ["eval"], ["corpus", "build"])


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_flags_take_no_value_in_the_help(command: list[str]) -> None:
    # A flag shown as "--quiet <bool>" makes users type "--quiet true", read as a file named "true".
    result = CliRunner().invoke(cli.app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "--help" in result.output


def test_quiet_is_a_flag_and_its_short_form_works(tmp_path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("One paragraph of prose about the weather, long enough to read as a sentence.\n", encoding="utf-8")
    for flag in ("--quiet", "-q"):
        result = CliRunner().invoke(cli.app, ["predict", str(page), flag])
        assert result.exit_code == 0, result.output


def test_version_prints_the_installed_version() -> None:
    result = CliRunner().invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"linesift {__version__}"
    assert version("linesift") == __version__  # the package metadata reads its version from linesift/__init__.py


@pytest.mark.parametrize("command", [["predict"], ["explain"]], ids=" ".join)
@pytest.mark.parametrize("value", ["nan", "1.5", "-0.1"])
def test_a_threshold_outside_0_to_1_is_refused_in_words(command: list[str], value: str, tmp_path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("One paragraph of prose.\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, [*command, str(page), "--threshold", value], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert f"must be a number between 0 and 1, not {float(value)}" in result.output
    assert "Traceback" not in result.output


def test_explain_help_lists_its_formats() -> None:
    result = CliRunner().invoke(cli.app, ["explain", "--help"], env={"COLUMNS": "200"})
    assert "<table|jsonl>" in result.output


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "linesift", "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, f"linesift {__version__}")
