"""``evaluate``: how the pages are scored, the threshold, the curve and the comparisons, as data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import linesift.training.evaluation as evaluation
from linesift.model.modelfile import load_model
from linesift.model.sifter import Sifter
from linesift.training.data import load_pages
from linesift.training.evaluate import (
    CURVE_THRESHOLDS,
    FoldModels,
    keeps_report,
    line_report,
    lines_kept,
    model_probabilities,
    page_views,
    threshold_for,
    word_report,
)
from linesift.training.evaluation import CrossValidation, EvalOptions, UnreachableTargetError, evaluate
from linesift.training.pipeline import training_pages
from linesift.training.train import FINAL_CHECK_FOLD, fold_of_groups

NEWS = ["Home | News | Sport", "", "The council approved the new budget on Tuesday after a long debate.", "Share this"]
NEWS_LABELS = [0, None, 1, 0]
NEWS_GOLD = "The council approved the new budget on Tuesday after a long debate."


@pytest.fixture()
def never_cross_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluation, "fold_models", lambda *a, **k: pytest.fail("cross-validated unseen data"))


@pytest.fixture()
def news_with_gold_text(tmp_path: Path) -> Path:
    """Two pages the built-in model never saw, with their gold text, from two renderers."""
    path = tmp_path / "news.jsonl"
    rows = [{"id": name, "lines": NEWS, "labels": NEWS_LABELS, "main_content": NEWS_GOLD, "page_type": "article",
             "renderer": renderer} for name, renderer in (("a", "html-text"), ("b", "resiliparse"))]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_the_builtin_model_was_trained_on_the_seed(builtin_model: Sifter, seed_labels_path: Path) -> None:
    # The tests below cross-validate the seed because of this.
    seed_sha256 = hashlib.sha256(seed_labels_path.read_bytes()).hexdigest()
    assert seed_sha256 in builtin_model.metadata["training"]["files"].values()


def test_pages_the_model_was_trained_on_are_cross_validated(builtin_model: Sifter, seed_labels_path: Path, seed_pages,
                                                           seed_cross_validation, shared_cross_validation) -> None:
    result = evaluate([seed_labels_path], [], builtin_model)
    ((_, params),) = shared_cross_validation
    assert params.as_dict() == builtin_model.metadata["training"]["params"]
    assert result.cross_validation == CrossValidation(n_folds=params.n_folds, max_folds=None, unseen_pages=0)
    # Scored as the file has it, by models that learnt from the page in the training layouts and its excerpts.
    learnt = training_pages(seed_pages, params)
    flags = [True] * len(learnt) + [False]
    expected = seed_cross_validation([*learnt, *seed_pages], params, trainable=flags,
                                     to_score=[not flag for flag in flags])[len(learnt):]
    for got, want in zip(result.probabilities, expected, strict=True):
        np.testing.assert_array_equal(got, want)
    assert result.threshold is None and not result.threshold_chosen  # the model's rule: a cut per page
    assert result.report == keeps_report(seed_pages, lines_kept(seed_pages, expected, None), None)
    assert len(result.y_true) == result.report.content.support + result.report.noise.support == 68
    assert result.warnings == []


def test_pages_the_model_never_saw_are_scored_directly(builtin_model: Sifter, news_with_gold_text: Path,
                                                       never_cross_validate) -> None:
    result = evaluate([news_with_gold_text], [], builtin_model)
    assert result.cross_validation is None
    pages = load_pages([news_with_gold_text])
    for got, want in zip(result.probabilities, model_probabilities(builtin_model, pages), strict=True):
        np.testing.assert_array_equal(got, want)
    assert len(result.y_true) == 6


def test_the_curve_scores_each_threshold_then_each_pages_cut(builtin_model: Sifter, news_with_gold_text: Path,
                                                            never_cross_validate) -> None:
    result = evaluate([news_with_gold_text], [], builtin_model)
    assert [point.line.threshold for point in result.curve] == [*CURVE_THRESHOLDS, None]
    # The page repeats no line, so what predict keeps at a threshold is every line reaching it.
    assert all(view.repeats.max(initial=-1) < 0 for view in page_views(result.pages))
    for point in result.curve[:-1]:
        kept = lines_kept(result.pages, result.probabilities, point.line.threshold)
        assert point.line == keeps_report(result.pages, kept, point.line.threshold)
        assert point.line == line_report(result.y_true, result.p_content, point.line.threshold)
        assert point.words == word_report(result.pages, kept)
    per_page = result.curve[-1]
    assert per_page.line == result.report
    assert per_page.words == word_report(result.pages, lines_kept(result.pages, result.probabilities, None))
    assert per_page.words is not None and per_page.words.by_type.keys() == {"article"}


def test_a_chosen_threshold_replaces_the_cut_per_page(builtin_model: Sifter, seed_labels_path: Path,
                                                      shared_cross_validation) -> None:
    result = evaluate([seed_labels_path], [], builtin_model, EvalOptions(min_precision=0.9))
    expected = threshold_for(result.y_true, result.p_content, min_precision=0.9)
    assert expected is not None
    assert result.threshold == expected and result.threshold_chosen
    assert line_report(result.y_true, result.p_content, expected).content.precision >= 0.9
    assert result.report == keeps_report(result.pages, lines_kept(result.pages, result.probabilities, expected), expected)
    assert [point.line.threshold for point in result.curve] == list(CURVE_THRESHOLDS)  # no cut per page to show


def test_a_target_no_threshold_reaches_is_refused(builtin_model: Sifter, seed_labels_path: Path,
                                                  shared_cross_validation) -> None:
    with pytest.raises(UnreachableTargetError, match="no threshold reaches the requested precision/recall on this data"):
        evaluate([seed_labels_path], [], builtin_model, EvalOptions(min_precision=1.0, min_recall=1.0))


def test_each_renderer_is_compared_with_the_baselines_on_its_own_pages(builtin_model: Sifter, news_with_gold_text: Path,
                                                                       never_cross_validate) -> None:
    result = evaluate([news_with_gold_text], [], builtin_model)
    assert [(c.renderer, c.pages) for c in result.comparisons] == [("html-text", 1), ("resiliparse", 1)]
    keeps = lines_kept(result.pages, result.probabilities, None)
    for index, comparison in enumerate(result.comparisons):
        linesift, *baselines = comparison.methods
        assert linesift.name == "linesift"
        assert linesift.line == keeps_report(result.pages[index:index + 1], keeps[index:index + 1], None)
        assert "keep-all" in [method.name for method in baselines]


def test_unseen_pages_are_scored_with_their_fold_and_never_trained_on(builtin_model: Sifter, seed_labels_path: Path,
                                                                      seed_pages, tmp_path: Path) -> None:
    seed = json.loads(seed_labels_path.read_text(encoding="utf-8"))
    # The seed's text as another renderer gave it, from the same site: scored by the folds that held the seed out.
    other = tmp_path / "other-renderer.jsonl"
    other.write_text(json.dumps({**seed, "id": "copy", "domain": seed_pages[0].group, "renderer": "other"}) + "\n", encoding="utf-8")
    result = evaluate([seed_labels_path], [other], builtin_model)
    assert result.cross_validation is not None and result.cross_validation.unseen_pages == 1
    assert [page.id for page in result.pages] == [seed_pages[0].id, "copy"]
    assert len(result.y_true) == 136
    assert [(c.renderer, c.pages) for c in result.comparisons] == [("", 1), ("other", 1)]


def stub_cross_validation(monkeypatch: pytest.MonkeyPatch, held_out_ids: set[str]) -> list:
    """Cross-validation that fits nothing, scores every line 0.5 and holds out the pages named; records the
    parameters of the fits asked for."""
    calls: list = []

    def fitted(pages, params, n_jobs=1, examples=None, max_folds=None, progress=None, groups=None):
        calls.append((params, max_folds))
        return FoldModels({}, params.n_folds, set())

    def held_out(pages, models, progress=None, to_score=None):
        return ([np.full(len(page.lines), 0.5) for page in pages],
                [(page.labels >= 0) & (page.id in held_out_ids) for page in pages])

    monkeypatch.setattr(evaluation, "fold_models", fitted)
    monkeypatch.setattr(evaluation, "held_out_probabilities", held_out)
    return calls


def test_max_folds_keeps_only_the_pages_held_out_by_the_folds_scored(builtin_model: Sifter, seed_labels_path: Path,
                                                                     seed_pages, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    other_site = tmp_path / "other-site.jsonl"
    seed = json.loads(seed_labels_path.read_text(encoding="utf-8"))
    other_site.write_text(json.dumps({**seed, "id": "elsewhere", "domain": "elsewhere.example"}) + "\n", encoding="utf-8")
    calls = stub_cross_validation(monkeypatch, {seed_pages[0].id})
    result = evaluate([seed_labels_path, other_site], [], builtin_model, EvalOptions(max_folds=1))
    assert [max_folds for _, max_folds in calls] == [1]
    assert [page.id for page in result.pages] == [seed_pages[0].id]
    assert result.cross_validation == CrossValidation(n_folds=5, max_folds=1, unseen_pages=0)
    assert len(result.y_true) == 68


def test_cross_validation_ignores_training_parameters_it_does_not_know(seed_labels_path: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads((Path(evaluation.__file__).parents[1] / "model" / "default_model.json").read_text(encoding="utf-8"))
    seed_sha256 = hashlib.sha256(seed_labels_path.read_bytes()).hexdigest()
    document["training"] = {"files": {"x": seed_sha256}, "params": {"n_folds": 4, "learning_rate": 1}}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    calls = stub_cross_validation(monkeypatch, set())
    result = evaluate([seed_labels_path], [], load_model(path))
    assert [params.n_folds for params, _ in calls] == [4]  # not the default 5: the recorded value, the rest ignored
    assert result.cross_validation is not None and result.cross_validation.n_folds == 4


def test_a_warning_for_pages_of_one_class(builtin_model: Sifter, tmp_path: Path, never_cross_validate) -> None:
    data = tmp_path / "content.jsonl"
    data.write_text(json.dumps({"id": "a", "lines": NEWS, "labels": [1, None, 1, 1]}) + "\n", encoding="utf-8")
    result = evaluate([data], [], builtin_model)
    assert result.warnings == [f"{data}: all 3 labelled lines are content (1), none is noise (0): "
                               "only the recall of content lines means something on this data"]



def test_each_layout_asked_for_is_scored_and_reported_apart(builtin_model: Sifter, news_with_gold_text: Path,
                                                             never_cross_validate) -> None:
    result = evaluate([news_with_gold_text], [], builtin_model, EvalOptions(conventions=("no-blank-lines", "wrapped")))
    assert [(page.id, page.convention) for page in result.pages] == [
        ("a", "no-blank-lines"), ("b", "no-blank-lines"), ("a", "wrapped"), ("b", "wrapped")]
    assert "" not in result.pages[0].lines  # laid out without blank lines
    assert [(c.renderer, c.convention, c.pages) for c in result.comparisons] == [
        ("html-text", "no-blank-lines", 1), ("html-text", "wrapped", 1), ("resiliparse", "no-blank-lines", 1),
        ("resiliparse", "wrapped", 1)]
    assert all(c.methods[0].words is not None for c in result.comparisons)


def test_the_development_sites_leave_the_final_check_fifth_out(builtin_model: Sifter, seed_labels_path: Path,
                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = json.loads(seed_labels_path.read_text(encoding="utf-8"))
    data = tmp_path / "sites.jsonl"
    sites = [f"site{k}.example" for k in range(3)]
    data.write_text("".join(json.dumps({**seed, "id": site, "domain": site}) + "\n" for site in sites), encoding="utf-8")
    final_check = {site for site, fold in fold_of_groups(set(sites)).items() if fold == FINAL_CHECK_FOLD}
    assert len(final_check) == 1
    document = json.loads((Path(evaluation.__file__).parents[1] / "model" / "default_model.json").read_text(encoding="utf-8"))
    document["training"] = {"files": {"sites.jsonl": hashlib.sha256(data.read_bytes()).hexdigest()}, "params": {}}
    model_path = tmp_path / "model.json"
    model_path.write_text(json.dumps(document), encoding="utf-8")
    calls = stub_cross_validation(monkeypatch, set(sites))
    development = evaluate([data], [], load_model(model_path), EvalOptions(sites="development"))
    assert {page.id for page in development.pages} == set(sites) - final_check
    checked = evaluate([data], [], load_model(model_path), EvalOptions(sites="final-check"))
    assert [max_folds for _, max_folds in calls] == [None, 1]  # the final check: fold 0 alone, trained on the rest
    assert {page.id for page in checked.pages} == set(sites)  # the stub holds out every page it is given
    assert checked.cross_validation is not None and checked.cross_validation.final_check
    assert development.cross_validation is not None and not development.cross_validation.final_check


def test_unseen_pages_keep_to_the_sites_asked_for_and_are_never_fitted_on(
        seed_labels_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = json.loads(seed_labels_path.read_text(encoding="utf-8"))
    sites = [f"site{k}.example" for k in range(3)]
    data, unseen = tmp_path / "sites.jsonl", tmp_path / "unseen.jsonl"
    data.write_text("".join(json.dumps({**seed, "id": site, "domain": site}) + "\n" for site in sites), encoding="utf-8")
    unseen.write_text("".join(json.dumps({**seed, "id": f"{site} unseen", "domain": site, "renderer": "other"}) + "\n"
                              for site in sites), encoding="utf-8")
    final_check = {site for site, fold in fold_of_groups(set(sites)).items() if fold == FINAL_CHECK_FOLD}
    document = json.loads((Path(evaluation.__file__).parents[1] / "model" / "default_model.json").read_text(encoding="utf-8"))
    document["training"] = {"files": {"sites.jsonl": hashlib.sha256(data.read_bytes()).hexdigest()}, "params": {}}
    model_path = tmp_path / "model.json"
    model_path.write_text(json.dumps(document), encoding="utf-8")
    every_id = set(sites) | {f"{site} unseen" for site in sites}
    seed_pages_renderer = load_pages([data])[0].renderer
    stub_cross_validation(monkeypatch, every_id)
    fitted_on: list[set[tuple[str, str]]] = []
    stubbed_fit = evaluation.fold_models
    monkeypatch.setattr(evaluation, "fold_models", lambda pages, *a, **k: fitted_on.append(
        {(page.group, page.renderer) for page in pages}) or stubbed_fit(pages, *a, **k))
    result = evaluate([data], [unseen], load_model(model_path), EvalOptions(sites="development"))
    development = [site for site in sites if site not in final_check]
    assert fitted_on == [{(site, seed_pages_renderer) for site in development}]  # never the unseen pages
    assert [page.id for page in result.pages] == [*development, *(f"{site} unseen" for site in development)]
    assert result.cross_validation is not None and result.cross_validation.unseen_pages == len(development)


def test_splitting_sites_of_data_the_model_never_saw_is_refused(builtin_model: Sifter, news_with_gold_text: Path) -> None:
    with pytest.raises(evaluation.EvaluationError, match="--sites development splits the sites"):
        evaluate([news_with_gold_text], [], builtin_model, EvalOptions(sites="development"))
