"""scripts/unseen_corpus.py on the WCXB fixture pages: the text-node rendering, labelled as corpus build labels."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest
from conftest import script_module

WCXB = Path(__file__).parent / "fixtures" / "wcxb"


@pytest.fixture(scope="module")
def script():
    yield from script_module("unseen_corpus")


def test_every_text_node_is_a_line(script) -> None:
    html = ("<html><head><title>Fillet</title><style>p {}</style></head><body><script>var a = 1;</script>"
            "<p>On the <b>Surface</b> menu, click <a href='/f'>Fillet</a>.</p><noscript>Enable JavaScript</noscript>"
            "</body></html>")
    assert script._soup(html).split("\n") == ["Fillet", "On the", "Surface", "menu, click", "Fillet", "."]


def test_soup_corpus_of_the_fixture_pages(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script.main([str(WCXB), str(tmp_path), "--renderer", "soup"])
    # 4147's fetched HTML lacks the forum post, as in every other rendering.
    assert capsys.readouterr().out == "soup: 3 pages written, skipped: {'gold not in rendering': 1}\n"
    with gzip.open(tmp_path / "wcxb.soup.jsonl.gz", "rt", encoding="utf-8") as rows:
        pages = [json.loads(row) for row in rows]
    assert [page["renderer"] for page in pages] == ["soup"] * 3
    for page in pages:
        assert set(page["labels"]) - {None} == {0, 1}
    # One text node a line: a blank line only inside a node, as in a <pre>'s code.
    lines = [line for page in pages for line in page["lines"]]
    assert 0 < lines.count("") < 0.01 * len(lines)
    # A link inside a sentence is a line of its own, and the sentence goes on on the next one, all content.
    arch = next(page for page in pages if page["id"] == "wcxb-0541")
    at = arch["lines"].index("https://archlinux.org/releng/releases/")
    assert arch["lines"][at - 1] == "According to"
    assert arch["lines"][at + 1].startswith(", why did the ISO size increase")
    assert arch["labels"][at - 1 : at + 2] == [1, 1, 1]


def test_html2text_renderings_are_skipped_without_it(script, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "html2text", None)  # importing it now raises ImportError
    assert script._available(list(script.RENDERINGS)) == ["soup"]
    assert "html2text is not installed: html2text, html2text-unwrapped skipped" in capsys.readouterr().out
    assert script._available(["soup"]) == ["soup"]
