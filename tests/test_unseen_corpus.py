"""scripts/unseen_corpus.py: html2text's Markdown of the WCXB pages, which no model learns from."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import script_module

WCXB = Path(__file__).parent / "fixtures" / "wcxb"


@pytest.fixture(scope="module")
def script():
    yield from script_module("unseen_corpus")


def test_without_html2text_it_says_so_builds_nothing_and_fails(script, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "html2text", None)  # importing it now raises ImportError
    with pytest.raises(SystemExit, match="html2text is not installed: nothing built") as exited:
        script.main([str(WCXB), str(tmp_path / "out")])
    assert exited.value.code != 0
    assert not (tmp_path / "out").exists()


def test_html2text_corpus_of_the_fixture_pages(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("html2text", reason="html2text (GPL-3.0) is not a dependency: pip install html2text")
    script.main([str(WCXB), str(tmp_path), "--renderer", "html2text-unwrapped"])
    assert capsys.readouterr().out.startswith("html2text-unwrapped: 3 pages written")
