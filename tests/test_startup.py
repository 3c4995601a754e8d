"""Cleaning text loads none of the libraries only training, explanations and corpus building need:
scikit-learn and matplotlib cost about a second at every start, scipy and joblib 0.3 s more. Nor does it
load what only HTML pages need: lxml, which parses them into blocks."""

from __future__ import annotations

import subprocess
import sys

NOT_FOR_CLEANING_TEXT = ("sklearn", "matplotlib", "scipy", "joblib", "lxml")


def test_loading_the_model_and_cleaning_import_no_training_library(seed_text_path) -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "import linesift.cli as cli\n"
        f"result = CliRunner().invoke(cli.app, ['predict', {str(seed_text_path)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'Kyiv' in result.stdout\n"
        f"print(' '.join(name for name in {NOT_FOR_CLEANING_TEXT!r} if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""

