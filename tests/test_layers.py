"""The import graph points one way: a module imports only from its own layer or the layers below it.

The layers, lowest first, and why each sits where it does, are in ``docs/architecture.md``. Every
``import`` counts, also those inside functions and under ``TYPE_CHECKING``: an import deferred to first
use still runs the higher layer's code, and a type-only one still couples the two.
"""

from __future__ import annotations

import ast
from pathlib import Path

import linesift

PACKAGE_DIR = Path(linesift.__file__).parent
ROOT = "linesift"
# Lowest first. Modules in one entry may import each other; the names joined in a tuple are
# siblings at the same height, which may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("linesift.limits", "linesift.atomic", "linesift.mojibake"),
    ("linesift.model",),
    ("linesift.explain",),
    ("linesift.io",),
    ("linesift.report", "linesift.training", "linesift.integrations"),
    (ROOT,),  # the package's __init__ alone, the public surface: it re-exports model and explain
    ("linesift.cli",),
    ("linesift.__main__",),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _layer_of(module: str) -> tuple[int, str] | None:
    """The height of ``module``'s layer and the layer's name, by the longest name that is ``module`` or a package of it.

    The root stands for its ``__init__`` only, so that a new top-level module has to be placed.
    """
    found = [(len(name), height, name) for height, names in enumerate(LAYERS) for name in names
             if module == name or (name != ROOT and module.startswith(name + "."))]
    if not found:
        return None
    _, height, name = max(found)
    return height, name


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import of a linesift module in ``path``, wherever it stands."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:  # ``from linesift import cli`` imports the module linesift.cli
                submodule = f"{base}.{alias.name}"
                found.append((node.lineno, submodule if submodule in MODULES else base))
    return [(line, name) for line, name in found if name == "linesift" or name.startswith("linesift.")]


def test_every_module_has_a_layer() -> None:
    unplaced = [module for module in MODULES if _layer_of(module) is None]
    assert not unplaced, f"modules in no layer (add them to LAYERS and docs/architecture.md): {unplaced}"


def test_no_import_points_up_or_sideways() -> None:
    wrong = []
    for module, path in MODULES.items():
        mine = _layer_of(module)
        for line, imported in _imports(module, path):
            theirs = _layer_of(imported)
            if mine is None or theirs is None or theirs[1] == mine[1]:
                continue
            if theirs[0] >= mine[0]:
                direction = "up" if theirs[0] > mine[0] else "sideways"
                wrong.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{line}: {module} ({mine[1]}) imports "
                             f"{imported} ({theirs[1]}), {direction}")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(set(wrong)))


def test_every_kind_of_import_is_seen(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import linesift.model.segment\n"
        "if TYPE_CHECKING:\n"
        "    from linesift.training import train\n"
        "def later():\n"
        "    from ..io.text import InputError\n"
        "    import numpy\n")
    assert sorted(_imports("linesift.model.sample", source)) == [
        (2, "linesift.model.segment"), (4, "linesift.training.train"), (6, "linesift.io.text")]
