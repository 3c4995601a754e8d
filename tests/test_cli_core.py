"""The ``linesift`` command: train, eval and predict, their outputs and their errors."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import encoded_twice
from typer.testing import CliRunner

import linesift.cli as cli
import linesift.training.evaluation as evaluation
from linesift.io.corpus import NO_TEXT
from linesift.model.modelfile import load_model
from linesift.model.repeats import MAX_TWICE_GAP, MIN_REPEAT_CHARS, MIN_TWICE_CHARS
from linesift.model.segment import Page
from linesift.model.sifter import Sifter
from linesift.training.evaluate import fold_models, held_out_probabilities
from linesift.training.evaluation import EvalOptions, evaluate
from linesift.training.excerpts import PER_PAGE as EXCERPTS_PER_PAGE


def squeeze(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def assert_clean_failure(result, code: int = 2) -> str:
    """The command failed with ``code`` through a handled error, and printed no traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "error" in result.stderr
    return squeeze(result.stderr)


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


# --- train --------------------------------------------------------------------------------------


def test_train_on_the_seed_writes_a_model_and_prints_a_summary(seed_training) -> None:
    result = seed_training.result
    assert squeeze(result.stdout) == f"trained on 1 page(s), 68 labelled lines; model written to {seed_training.model_path}"
    assert result.stderr == ""
    model = load_model(seed_training.model_path)
    assert model.metadata["training"]["pages"] == 1


def test_train_without_data_or_seeds_folder(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["train"])
    message = assert_clean_failure(result)
    assert f"no DATA given and no seeds/ folder in {tmp_path}" in message
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_train_on_bad_data_names_the_file_and_record(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"id": "a", "lines": ["x"], "labels": [1]}\n{"id": "b", "lines": ["x", "y"], "labels": [1]}\n', encoding="utf-8")
    out = tmp_path / "model.json"
    message = assert_clean_failure(runner.invoke(cli.app, ["train", str(data), "--out", str(out)]), code=1)
    assert f"{data}: record 2: 'labels' must be a list with one label per line (2)" in message
    assert not out.exists()


def test_train_on_a_missing_path(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    message = assert_clean_failure(runner.invoke(cli.app, ["train", str(missing), "--out", str(tmp_path / "m.json")]))
    assert f"{missing}: no such file or directory" in message


# --- eval ---------------------------------------------------------------------------------------


def test_eval_cross_validated_says_so_and_prints_the_tables(runner: CliRunner, seed_labels_path: Path,
                                                            shared_cross_validation) -> None:
    result = runner.invoke(cli.app, ["eval", str(seed_labels_path)])
    assert result.exit_code == 0, result.output
    assert len(shared_cross_validation) == 1
    output = squeeze(result.stdout)
    assert output.startswith("The model was trained on this data: scores are cross-validated (5 folds;")
    for title in ("1 page(s), 68 labelled lines, a cut per page", "confusion matrix", "precision-recall curve (content)",
                  "content lines, 1 pages"):
        assert title in output


def test_eval_min_precision_saves_a_threshold(runner: CliRunner, builtin_model: Sifter, seed_labels_path: Path,
                                              shared_cross_validation, tmp_path: Path) -> None:
    saved = tmp_path / "tuned" / "model.json"
    result = runner.invoke(cli.app, ["eval", str(seed_labels_path), "--min-precision", "0.9", "--save", str(saved)])
    assert result.exit_code == 0, result.output
    expected = evaluate([seed_labels_path], [], builtin_model, EvalOptions(min_precision=0.9)).threshold
    assert expected is not None
    output = squeeze(result.stdout)
    assert f"chosen threshold: {expected:.4f}" in output
    assert f"model with threshold {expected:.4f} written to {saved}" in output
    tuned = load_model(saved)
    assert tuned.threshold == expected
    assert tuned.decide(Page.from_text("A line of prose.\nAnother line.")).cut == expected  # every page's cut
    # Only the threshold changes: weights and training record are kept.
    assert tuned.metadata == builtin_model.metadata
    np.testing.assert_array_equal(tuned.first.coef_, builtin_model.first.coef_)


def test_eval_unreachable_target_fails_with_exit_1(runner: CliRunner, seed_labels_path: Path, shared_cross_validation,
                                                   tmp_path: Path) -> None:
    saved = tmp_path / "never.json"
    args = ["eval", str(seed_labels_path), "--min-precision", "1.0", "--min-recall", "1.0", "--save", str(saved)]
    message = assert_clean_failure(runner.invoke(cli.app, args), code=1)
    assert "no threshold reaches the requested precision/recall on this data" in message
    assert not saved.exists()


def test_eval_on_data_the_model_was_not_trained_on_scores_it_directly(runner: CliRunner, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluation, "fold_models", lambda *a, **k: pytest.fail("cross-validated unseen data"))
    data = tmp_path / "other.jsonl"
    lines = ["Home | News | Sport", "", "The council approved the new budget on Tuesday after a long debate.", "Share this"]
    data.write_text(json.dumps({"id": "other", "lines": lines, "labels": [0, None, 1, 0]}) + "\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", str(data)])
    assert result.exit_code == 0, result.output
    output = squeeze(result.stdout)
    assert "cross-validated" not in output
    assert output.startswith("1 page(s), 3 labelled lines, a cut per page")


@pytest.mark.parametrize("copy", ["gzip", "written again", "among others"])
def test_eval_refuses_pages_the_model_learnt_from_another_file(runner: CliRunner, seed_labels_path: Path, tmp_path: Path,
                                                              copy: str) -> None:
    """Only the training files' bytes were known: the same page, compressed or written again, was scored by the model
    that learnt it, as if held out (content precision and recall 1.000)."""
    model = tmp_path / "seed.json"
    assert runner.invoke(cli.app, ["train", str(seed_labels_path), "--out", str(model), "--quiet"]).exit_code == 0
    seed = json.loads(seed_labels_path.read_text(encoding="utf-8"))
    other = {"id": "other", "lines": ["Share this", "A sentence of content, written for this page."], "labels": [0, 1]}
    records = {"gzip": [seed], "written again": [{**seed, "id": "renamed"}], "among others": [other, seed]}[copy]
    text = "".join(json.dumps(record, separators=(",", ":")) + "\n" for record in records).encode("utf-8")
    data = tmp_path / ("data.jsonl.gz" if copy == "gzip" else "data.jsonl")
    data.write_bytes(gzip.compress(text) if copy == "gzip" else text)
    message = assert_clean_failure(runner.invoke(cli.app, ["eval", str(data), "--model", str(model)]))
    assert f"1 of the {len(records)} pages were learnt by this model" in message and "would not be held out" in message


def test_eval_max_folds_without_cross_validation_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "other.jsonl"
    data.write_text(json.dumps({"id": "other", "lines": ["Share this", "A sentence of content."], "labels": [0, 1]}) + "\n",
                    encoding="utf-8")
    message = assert_clean_failure(runner.invoke(cli.app, ["eval", str(data), "--max-folds", "2"]))
    assert "--max-folds chooses the folds that cross-validate" in message


def test_eval_unseen_pages_are_announced_and_reported_by_renderer(runner: CliRunner, seed_labels_path: Path,
                                                                  seed_pages, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    learnt: list = []
    scored: list = []

    def fitted(pages, *args, **kwargs):
        learnt.append([page.id for page in pages])
        return fold_models(pages, *args, **kwargs)

    def held_out(pages, *args, **kwargs):
        scored.append([(page.id, page.renderer) for page in pages])
        return held_out_probabilities(pages, *args, **kwargs)

    monkeypatch.setattr(evaluation, "fold_models", fitted)
    monkeypatch.setattr(evaluation, "held_out_probabilities", held_out)
    seed = json.loads(seed_labels_path.read_text(encoding="utf-8"))
    other = tmp_path / "other-renderer.jsonl"
    other.write_text(json.dumps({**seed, "id": "copy", "domain": seed_pages[0].group, "renderer": "other"}) + "\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", str(seed_labels_path), "--unseen", str(other)])
    assert result.exit_code == 0, result.output
    # The seed is learnt from with its excerpts; then the seed and the copy are scored as the files have them.
    assert len(learnt) == 1 and len(learnt[0]) == 1 + EXCERPTS_PER_PAGE and learnt[0][0] == seed["id"]
    assert scored == [[(seed["id"], seed.get("renderer", "")), ("copy", "other")]]
    output = squeeze(result.stdout)
    assert "1 page(s) from --unseen are scored with their site's fold and never trained on" in output
    assert "2 page(s), 136 labelled lines" in output
    assert "rendered by other, 1 pages" in output


def test_eval_unseen_data_the_model_was_trained_on_fails(runner: CliRunner, seed_labels_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "other.jsonl"
    data.write_text(json.dumps({"id": "other", "lines": ["Share this", "A sentence of content."], "labels": [0, 1]}) + "\n",
                    encoding="utf-8")
    message = assert_clean_failure(runner.invoke(cli.app, ["eval", str(data), "--unseen", str(seed_labels_path)]))
    assert "the model was trained on the --unseen data" in message


def test_eval_with_an_unusable_model_file(runner: CliRunner, seed_labels_path: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    model.write_text('{"format": "something-else"}', encoding="utf-8")
    message = assert_clean_failure(runner.invoke(cli.app, ["eval", str(seed_labels_path), "--model", str(model)]))
    assert f"{model}: not a linesift model" in message


def test_eval_with_a_training_record_that_is_not_an_object_is_refused(runner: CliRunner, seed_labels_path: Path,
                                                                       tmp_path: Path) -> None:
    document = json.loads((Path(cli.__file__).parent / "model" / "default_model.json").read_text(encoding="utf-8"))
    document["training"] = "seed"
    model = tmp_path / "model.json"
    model.write_text(json.dumps(document), encoding="utf-8")
    message = assert_clean_failure(runner.invoke(cli.app, ["eval", str(seed_labels_path), "--model", str(model)]))
    assert f"{model}: training must be an object" in message


# --- predict ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_jsonl(runner: CliRunner, seed_text_path: Path) -> list[dict]:
    result = runner.invoke(cli.app, ["predict", str(seed_text_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return records(result.stdout)


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(any(line == candidate for candidate in remaining) for line in part)


def test_predict_text_prints_the_kept_lines(runner: CliRunner, seed_text_path: Path, seed_text: str,
                                            builtin_model: Sifter, seed_jsonl: list[dict]) -> None:
    result = runner.invoke(cli.app, ["predict", str(seed_text_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == builtin_model.clean(seed_text) + "\n"
    kept = [line for line in result.stdout.splitlines() if line]
    assert kept == [r["text"] for r in seed_jsonl if r["label"] == "content"]
    assert is_subsequence(result.stdout.splitlines(), Page.from_text(seed_text).lines)


def test_predict_jsonl_has_one_record_per_line(seed_jsonl: list[dict], seed_text: str, builtin_model: Sifter) -> None:
    page = Page.from_text(seed_text)
    assert [r["line"] for r in seed_jsonl] == list(range(1, len(page) + 1))
    assert [r["text"] for r in seed_jsonl] == page.lines
    assert all(set(r) == {"line", "text", "label", "p_content"} for r in seed_jsonl)
    cut = builtin_model.decide(page).cut
    for record, blank in zip(seed_jsonl, page.blank.tolist()):
        if blank:
            assert (record["label"], record["p_content"]) == ("noise", 0.0)
        else:
            assert record["label"] == ("content" if record["p_content"] >= cut else "noise")
    assert any(r["label"] == "content" for r in seed_jsonl) and any(r["label"] == "noise" and r["text"] for r in seed_jsonl)
    np.testing.assert_allclose([r["p_content"] for r in seed_jsonl], builtin_model.probabilities(page), atol=1e-6)


def test_predict_reads_stdin(runner: CliRunner, seed_text_path: Path, seed_text: str) -> None:
    from_file = runner.invoke(cli.app, ["predict", str(seed_text_path), "--format", "jsonl"])
    from_stdin = runner.invoke(cli.app, ["predict", "-", "--format", "jsonl"], input=seed_text_path.read_bytes())
    assert from_stdin.exit_code == 0, from_stdin.output
    assert from_stdin.stdout == from_file.stdout


def test_predict_several_files_in_order(runner: CliRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Alpha line one.\n\nAlpha line two.\n", encoding="utf-8")
    second.write_text("Beta line.\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["predict", str(first), str(second), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    got = records(result.stdout)
    assert [(r["line"], r["text"]) for r in got] == [(1, "Alpha line one."), (2, ""), (3, "Alpha line two."), (1, "Beta line.")]
    each = [runner.invoke(cli.app, ["predict", str(f), "--threshold", "0"]).stdout for f in (first, second)]
    both = runner.invoke(cli.app, ["predict", str(first), str(second), "--threshold", "0"])
    assert both.stdout == "\f\n".join(each) == "Alpha line one.\n\nAlpha line two.\n\f\nBeta line.\n"  # a form-feed line between pages


def test_predict_output_dir(runner: CliRunner, tmp_path: Path, seed_text_path: Path, seed_text: str) -> None:
    out = tmp_path / "out" / "nested"
    page = tmp_path / "page.txt"
    page.write_text("Some words here.\n", encoding="utf-8")
    text_run = runner.invoke(cli.app, ["predict", str(seed_text_path), str(page), "--output-dir", str(out), "--threshold", "0"])
    assert text_run.exit_code == 0, text_run.output
    assert text_run.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == sorted([seed_text_path.name, "page.txt"])
    assert (out / "page.txt").read_text(encoding="utf-8") == "Some words here.\n"
    jsonl_run = runner.invoke(cli.app, ["predict", "-", "--output-dir", str(out), "--format", "jsonl"], input=seed_text)
    assert jsonl_run.exit_code == 0, jsonl_run.output
    assert len(records((out / "stdin.jsonl").read_text(encoding="utf-8"))) == len(Page.from_text(seed_text))


def test_predict_output_dir_keeps_inputs_with_the_same_name_apart(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "page.txt").write_text("First page text.\n", encoding="utf-8")
    (tmp_path / "b" / "page.txt").write_text("Second page text.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["predict", str(tmp_path / "a" / "page.txt"), str(tmp_path / "b" / "page.txt"),
                                     "--output-dir", str(out), "--threshold", "0"])
    written = "".join(p.read_text(encoding="utf-8") for p in out.iterdir()) if out.exists() else ""
    # Either both outputs are kept, or the clash is refused; silently keeping one is not acceptable.
    assert result.exit_code != 0 or ("First page text." in written and "Second page text." in written)


def _says_twice(key: str) -> bool:
    """The rule of linesift.model.repeats.says_twice, written out on a stripped, lower-cased line."""
    for gap in range(MAX_TWICE_GAP + 1):
        half = (len(key) - gap) // 2
        if half >= MIN_TWICE_CHARS and (len(key) - gap) % 2 == 0 and key[:half] == key[-half:]:
            return len(re.findall(r"\w+", key)) >= 2
    return False


def test_predict_threshold_zero_keeps_every_non_blank_line_but_repeats(runner: CliRunner, seed_text_path: Path,
                                                                       seed_text: str) -> None:
    result = runner.invoke(cli.app, ["predict", str(seed_text_path), "--threshold", "0"])
    assert result.exit_code == 0, result.output
    seen: set[str] = set()
    expected, twice = [], []
    for line in Page.from_text(seed_text).lines:
        key = line.strip().lower()
        if _says_twice(key):
            twice.append(line)
        elif key and not (len(key) >= MIN_REPEAT_CHARS and key in seen):
            expected.append(line)
        seen.add(key)
    assert len(expected) < len([line for line in seed_text.splitlines() if line.strip()])  # the seed repeats lines
    # Two related videos' titles, each glued to its image's alt text.
    assert [line[:30] for line in twice] == ["Putin unleashes wrath on Zelen", "Mysterious Soviet ‘doomsday ra"]
    assert [line for line in result.stdout.splitlines() if line.strip()] == expected


def test_predict_threshold_one_keeps_almost_nothing(runner: CliRunner, seed_text_path: Path, seed_jsonl: list[dict]) -> None:
    result = runner.invoke(cli.app, ["predict", str(seed_text_path), "--threshold", "1.0"])
    assert result.exit_code == 0, result.output
    kept = [line for line in result.stdout.splitlines() if line]
    assert kept == [r["text"] for r in seed_jsonl if r["p_content"] >= 1.0 and r["text"].strip()]
    assert len(kept) <= 1


def test_predict_threshold_out_of_range_is_a_usage_error(runner: CliRunner, seed_text_path: Path) -> None:
    result = runner.invoke(cli.app, ["predict", str(seed_text_path), "--threshold", "1.5"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_predict_unknown_format(runner: CliRunner, seed_text_path: Path) -> None:
    result = runner.invoke(cli.app, ["predict", str(seed_text_path), "--format", "xml"])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "--format" in result.stderr and "'xml'" in result.stderr
    assert result.stdout == ""


def test_predict_missing_file_names_it(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    message = assert_clean_failure(runner.invoke(cli.app, ["predict", str(missing)]))
    assert f"{missing}: no such file" in message


def test_predict_error_names_an_input_with_brackets_exactly(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "[bold]"
    folder.mkdir()
    missing = folder / "missing.txt"
    message = assert_clean_failure(runner.invoke(cli.app, ["predict", str(missing)]))
    assert f"{missing}: no such file" in message


@pytest.mark.parametrize("command", ["predict", "eval"])
def test_model_error_names_a_path_with_brackets_exactly(runner: CliRunner, tmp_path: Path, seed_text_path: Path,
                                                        seed_labels_path: Path, command: str) -> None:
    folder = tmp_path / "[bold]"
    folder.mkdir()
    missing = folder / "model.json"
    data = seed_text_path if command == "predict" else seed_labels_path
    message = assert_clean_failure(runner.invoke(cli.app, [command, str(data), "--model", str(missing)]))
    assert f"{missing}: cannot read the model file" in message


@pytest.mark.parametrize(("text", "encoding"), [
    ("Café au lait is a drink, à la française.\n\nSecond paragraph here.\n", "cp1252"),
    ("Москва — столица России, крупнейший город страны.\n\nВторой абзац здесь.\n", "cp1251"),
    # charset-normalizer ranks cp775, a DOS code page, first for both: "cafķ", "Ć3.50", "ōcosts have gone upö".
    ("The café raised the price of a coffee to €3.50 last week.\nThe owner said “costs have gone up” — for now.\n", "cp1252"),
    ("Le café est fermé le dimanche, mais la pâtisserie à côté reste ouverte toute la journée.\n", "cp1252"),
])
def test_predict_text_in_a_legacy_encoding_is_decoded_in_it_with_a_warning(runner: CliRunner, tmp_path: Path, text: str,
                                                                          encoding: str) -> None:
    page = tmp_path / "legacy.txt"
    page.write_bytes(text.encode(encoding))
    result = runner.invoke(cli.app, ["predict", str(page), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr).startswith(f"warning: {page}: not valid UTF-8 at byte ")
    assert squeeze(result.stderr).endswith(f"; decoded as {encoding}, the encoding its bytes fit best")
    assert [r["text"] for r in records(result.stdout)] == text.splitlines()


def test_predict_utf8_with_a_few_broken_bytes_keeps_utf8(runner: CliRunner, tmp_path: Path) -> None:
    """A legacy decoding would garble every other accented letter: the broken bytes alone are replaced."""
    page = tmp_path / "mostly.txt"
    page.write_bytes("Grüße aus München, schöne Straße.\n".encode() + b"One broken byte: \xff here.\n")
    result = runner.invoke(cli.app, ["predict", str(page), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr) == f"warning: {page}: not valid UTF-8 at byte 56; invalid bytes replaced with U+FFFD"
    assert [r["text"] for r in records(result.stdout)] == ["Grüße aus München, schöne Straße.", "One broken byte: \ufffd here."]


def test_predict_strict_refuses_invalid_utf8(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "latin1.txt"
    page.write_bytes(b"ok\ncaf\xe9\n")
    result = runner.invoke(cli.app, ["predict", str(page), "--strict"])
    message = assert_clean_failure(result)
    assert f"{page}: not valid UTF-8 at byte 6" in message
    assert result.stdout == ""


def test_invalid_utf8_offset_counts_the_byte_order_mark(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "bom.txt"
    page.write_bytes(b"\xef\xbb\xbfab\xff\n")
    message = assert_clean_failure(runner.invoke(cli.app, ["predict", str(page), "--strict"]))
    assert f"{page}: not valid UTF-8 at byte 5" in message


def test_predict_byte_order_mark_is_not_part_of_the_first_line(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "bom.txt"
    page.write_bytes("\ufeffFirst line.\r\nSecond line.\r\n".encode("utf-8"))
    result = runner.invoke(cli.app, ["predict", str(page), "--format", "jsonl"])
    assert [r["text"] for r in records(result.stdout)] == ["First line.", "Second line."]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_predict_text_with_a_utf16_or_utf32_byte_order_mark_is_decoded_as_it_says(runner: CliRunner, tmp_path: Path,
                                                                                  seed_text: str, encoding: str) -> None:
    """Windows tools save text as UTF-16 with a byte order mark (Notepad's "Unicode", a redirect in Windows
    PowerShell): its NUL bytes are not binary data, and the page is cleaned as its UTF-8 copy is."""
    marks = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}
    wide = tmp_path / "wide.txt"
    wide.write_bytes(marks.get(encoding, b"") + seed_text.encode(encoding))
    narrow = tmp_path / "narrow.txt"
    narrow.write_bytes(seed_text.encode("utf-8"))
    from_wide = runner.invoke(cli.app, ["predict", str(wide), "--format", "jsonl", "--strict"])
    from_narrow = runner.invoke(cli.app, ["predict", str(narrow), "--format", "jsonl"])
    assert from_wide.exit_code == 0 and from_wide.stderr == "", from_wide.output
    assert from_wide.stdout == from_narrow.stdout
    assert any(r["label"] == "content" for r in records(from_wide.stdout))


def test_predict_broken_utf16_is_replaced_with_a_warning_or_refused_when_strict(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "odd.txt"
    page.write_bytes("Two lines.\nSecond one.\n".encode("utf-16") + b"\x41")  # a last byte that is half a unit
    result = runner.invoke(cli.app, ["predict", str(page), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert squeeze(result.stderr) == f"warning: {page}: not valid UTF-16 at byte 48; invalid bytes replaced with U+FFFD"
    assert [r["text"] for r in records(result.stdout)] == ["Two lines.", "Second one.", "\ufffd"]
    message = assert_clean_failure(runner.invoke(cli.app, ["predict", str(page), "--strict"]))
    assert f"{page}: not valid UTF-16 at byte 48" in message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_predict_an_html_page_with_a_byte_order_mark_on_stdin_is_read_as_html(runner: CliRunner, encoding: str) -> None:
    html = ("<!doctype html><html><body><nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
            "<p>Grüße aus München: a paragraph of prose that the page was written for.</p></body></html>")
    as_utf8 = runner.invoke(cli.app, ["predict", "-", "--format", "jsonl"], input=html.encode("utf-8"))
    marked = runner.invoke(cli.app, ["predict", "-", "--format", "jsonl"], input=html.encode(encoding))
    assert marked.exit_code == 0, marked.output
    assert marked.stdout == as_utf8.stdout
    assert "<" not in marked.stdout  # its blocks, not its markup read as text
    assert "Grüße aus München" in marked.stdout


def test_predict_an_html_page_encoded_twice_is_cleaned_as_the_page_itself(runner: CliRunner, tmp_path: Path) -> None:
    """A page whose UTF-8 was read as Windows-1252 and saved as UTF-8 again shows ``â€™`` for ``’``; its text is
    repaired before it is parsed, so the clean text is the page's own."""
    fixture = Path(__file__).parent / "fixtures" / "wcxb" / "html" / "0541.html.gz"  # CC-BY-4.0, see its ATTRIBUTION.md
    page = gzip.decompress(fixture.read_bytes()).decode("utf-8")
    original, twice = tmp_path / "page.html", tmp_path / "twice.html"
    original.write_text(page, encoding="utf-8")
    twice.write_bytes(encoded_twice(page))
    as_is = runner.invoke(cli.app, ["predict", str(original)])
    repaired = runner.invoke(cli.app, ["predict", str(twice)])
    assert repaired.exit_code == 0 and repaired.stderr == "", repaired.output
    assert repaired.stdout == as_is.stdout
    assert "’" in as_is.stdout and "â€" not in repaired.stdout


def test_predict_nul_bytes_are_an_error_naming_the_file(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "binary.txt"
    page.write_bytes(b"PK\x03\x04\x00\x00some zip")
    result = runner.invoke(cli.app, ["predict", str(page)])
    message = assert_clean_failure(result)
    assert f"{page}: binary data (NUL bytes), not text" in message
    assert result.stdout == ""


@pytest.mark.parametrize("output_format", ["text", "jsonl"])
def test_predict_empty_file_is_an_error_not_a_silent_success(runner: CliRunner, tmp_path: Path, output_format: str) -> None:
    page = tmp_path / "empty.txt"
    page.write_bytes(b"")
    result = runner.invoke(cli.app, ["predict", str(page), "--format", output_format])
    assert assert_clean_failure(result, cli.EXIT_BAD_DATA) == f"error: {page}: empty, nothing to clean"
    assert result.stdout == ""


def test_predict_empty_stdin_is_an_error(runner: CliRunner) -> None:
    """An empty pipe is most often a step before it that failed: exit 0 would hide it."""
    result = runner.invoke(cli.app, ["predict", "-"], input="")
    assert assert_clean_failure(result, cli.EXIT_BAD_DATA) == "error: <stdin>: empty, nothing to clean"


@pytest.mark.parametrize("blank", ["\n", " \n\t\n\n", "\r\n\u3000\r\n"])
def test_predict_stdin_of_white_space_alone_is_an_error(runner: CliRunner, blank: str) -> None:
    """`echo "$(curl -s URL)" | linesift predict -` brings a line break when curl fails: exit 0 would hide it."""
    result = runner.invoke(cli.app, ["predict", "-"], input=blank)
    assert assert_clean_failure(result, cli.EXIT_BAD_DATA) == f"error: <stdin>: {NO_TEXT}, nothing to clean"
    assert result.stdout.strip() == ""


def test_predict_records_of_white_space_alone_are_an_error(runner: CliRunner, tmp_path: Path) -> None:
    shard = tmp_path / "shard.jsonl"
    shard.write_text('{"text": "  "}\n{"text": ""}\n', encoding="utf-8")
    result = runner.invoke(cli.app, ["predict", str(shard)])
    assert assert_clean_failure(result, cli.EXIT_BAD_DATA) == f"error: {shard}: {NO_TEXT}, nothing to clean"


@pytest.mark.parametrize("as_text", [False, True])
def test_predict_an_html_page_that_shows_no_text_is_an_error(runner: CliRunner, tmp_path: Path, as_text: bool) -> None:
    """Its markup is not white space, but it holds no line to decide: the run exited 0 and printed nothing."""
    page = tmp_path / "empty.html"
    page.write_text("<html><head><script>var a = 1;</script></head><body></body></html>\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["predict", str(page), *(["--html-as-text"] if as_text else [])])
    assert assert_clean_failure(result, cli.EXIT_BAD_DATA) == f"error: {page}: {NO_TEXT}, nothing to clean"


@pytest.mark.parametrize(("name", "content"), [("empty.txt", ""), ("blank.txt", "  \n\n"), ("empty.html", "<html><body></body></html>")])
@pytest.mark.parametrize("output_format", ["table", "jsonl"])
def test_explain_a_page_with_no_line_to_decide_is_an_error(runner: CliRunner, tmp_path: Path, name: str, content: str,
                                                            output_format: str) -> None:
    """explain printed an empty table, or blank lines at P 0, and exited 0, where predict exits 1."""
    page = tmp_path / name
    page.write_text(content, encoding="utf-8")
    result = runner.invoke(cli.app, ["explain", str(page), "--format", output_format])
    assert assert_clean_failure(result, cli.EXIT_BAD_DATA) == f"error: {page}: {NO_TEXT}, nothing to explain"
    assert result.stdout == ""


@pytest.mark.parametrize("empty", [b"", b" \n\n"])
def test_predict_an_empty_file_among_others_is_cleaned_as_an_empty_page(runner: CliRunner, tmp_path: Path, empty: bytes) -> None:
    (tmp_path / "empty.txt").write_bytes(empty)
    (tmp_path / "page.txt").write_text("Bring the water to the boil in a kettle, then pour it over the leaves and wait four minutes.\n",
                                       encoding="utf-8")
    result = runner.invoke(cli.app, ["predict", str(tmp_path / "empty.txt"), str(tmp_path / "page.txt")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\f\n") and "kettle" in result.stdout


def test_predict_missing_file_among_good_ones(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A line.\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    result = runner.invoke(cli.app, ["predict", str(good), str(missing), "--format", "jsonl"])
    message = assert_clean_failure(result)
    assert f"{missing}: no such file" in message


def test_predict_with_a_trained_model_file(runner: CliRunner, seed_training, seed_text_path: Path, seed_text: str) -> None:
    result = runner.invoke(cli.app, ["predict", str(seed_text_path), "--model", str(seed_training.model_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == load_model(seed_training.model_path).clean(seed_text) + "\n"


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, [])
    assert "train" in result.output and "eval" in result.output and "predict" in result.output
    assert "Traceback" not in result.output


def test_eval_without_data_reads_the_seeds_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                runner: CliRunner, seed_labels_path: Path) -> None:
    # eval without DATA reads ./seeds; an unrelated labelled file there is scored directly.
    (tmp_path / "seeds").mkdir()
    data = tmp_path / "seeds" / "tiny.jsonl"
    data.write_text(json.dumps({"id": "t", "lines": ["Menu", "A long sentence about the news today."], "labels": [0, 1]}) + "\n",
                    encoding="utf-8")
    shutil.copy(seed_labels_path, tmp_path / "seeds" / "notes.txt")  # not *.jsonl: ignored in a folder
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["eval"])
    assert result.exit_code == 0, result.output
    assert "1 page(s), 2 labelled lines" in squeeze(result.stdout)
