"""``python -m linesift``: the ``linesift`` command, for environments whose scripts folder is not on PATH."""

from linesift.cli import run

run()
