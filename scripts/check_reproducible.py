"""Check that a model trained here decides as the built-in model does (docs/evaluation.md#reproducible-training).

    python scripts/check_reproducible.py                     # train with the defaults, then compare
    python scripts/check_reproducible.py --model other.json  # compare a model trained elsewhere
    python scripts/check_reproducible.py --save here.json    # and keep the model trained here
    python scripts/check_reproducible.py --input html        # the model of HTML pages, on seeds/html

Every line of every page in ``seeds/`` is labelled by both models, each page cut as ``predict`` cuts it.
Prints the share of lines with the same label, the largest difference in P(content), the largest
difference in any weight, the fields in which the two model files differ (the library versions aside), each
model's in-sample content precision and recall, and the library versions each was trained with. Exits 1 when fewer
than 99.9% of the lines get the same label.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import get_args

import numpy as np

from linesift import load_model
from linesift.model.modelfile import model_to_dict, save_model
from linesift.model.segment import Page
from linesift.model.sifter import ModelInput, Sifter
from linesift.model.structure import Structure
from linesift.training.data import load_pages
from linesift.training.pipeline import train_from_files

MIN_SAME_LABEL = 0.999
BATCH = 256


def _decisions(model: Sifter, pages: list[Page], structures: list[Structure] | None) -> tuple[np.ndarray, np.ndarray]:
    """Every non-blank line's kept flag and P(content), over all pages (``structures``: their markup, for a model
    of HTML pages)."""
    keeps, probabilities = [], []
    for start in range(0, len(pages), BATCH):
        batch = pages[start : start + BATCH]
        given = None if structures is None else structures[start : start + BATCH]
        for page, decision in zip(batch, model.decide_many(batch, structures=given)):
            filled = ~page.blank
            keeps.append(decision.keep(page)[filled])
            probabilities.append(decision.p[filled])
    return np.concatenate(keeps), np.concatenate(probabilities)


def _differing_fields(a: object, b: object, path: str = "") -> list[str]:
    """The paths of the fields two model files hold differently, ``versions`` aside (weights count as one field)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [field for key in sorted(set(a) | set(b), key=str) if path or key != "versions"
                for field in _differing_fields(a.get(key), b.get(key), f"{path}/{key}")]
    return [] if a == b else [path.lstrip("/")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="a model file to compare (default: train one with the defaults)")
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--save", type=Path, help="also write the model trained here to this file")
    parser.add_argument("--input", choices=get_args(ModelInput), default="text",
                        help="the built-in model to check: of text (on --seeds), or of HTML pages (on --seeds/html)")
    args = parser.parse_args()
    shipped = load_model(input=args.input)
    seeds = args.seeds / "html" if args.input == "html" else args.seeds
    if args.model is None:
        started = time.perf_counter()
        trained = train_from_files([seeds], n_jobs=args.jobs, model_input=args.input)
        print(f"trained in {time.perf_counter() - started:.0f} s")
        with tempfile.TemporaryDirectory() as folder:  # through the file, as a shipped model is read
            path = Path(folder) / "model.json"
            save_model(trained, path)
            trained = load_model(path, args.input)
        if args.save is not None:
            save_model(trained, args.save)
    else:
        trained = load_model(args.model, args.input)
    labelled = load_pages([seeds])
    pages = [Page.from_lines(page.lines) for page in labelled]
    structures = [page.structure for page in labelled if page.structure is not None] if args.input == "html" else None
    kept_a, p_a = _decisions(shipped, pages, structures)
    kept_b, p_b = _decisions(trained, pages, structures)
    same = float(np.mean(kept_a == kept_b))
    weights = max(float(np.abs(a.coef_ - b.coef_).max()) for a, b in ((shipped.first, trained.first), (shipped.second, trained.second)))
    print(f"{len(kept_a):,} lines of {len(pages):,} pages: the same label on {same:.5%} "
          f"({int(np.sum(kept_a != kept_b)):,} differ); largest P(content) difference {np.abs(p_a - p_b).max():.2e}; "
          f"largest weight difference {weights:.2e}")
    differing = _differing_fields(model_to_dict(shipped), model_to_dict(trained))
    print("the two files are the same but for the library versions they name" if not differing
          else f"the two files differ in: {', '.join(differing)}")
    for name, model in (("built-in", shipped), ("compared", trained)):
        info = model.metadata.get("training", {}).get("in_sample", {})
        print(f"{name}: in-sample content precision {info.get('content_precision')}, recall {info.get('content_recall')}; "
              f"versions {model.metadata.get('versions')}")
    return 0 if same >= MIN_SAME_LABEL else 1


if __name__ == "__main__":
    sys.exit(main())
