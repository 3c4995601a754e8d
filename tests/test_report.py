"""The HTML report: escaped, self-contained, atomic, and right when a real browser renders it."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from linesift.atomic import atomic_writer
from linesift.explain import explain_lines
from linesift.model.modelfile import load_model
from linesift.model.segment import Page
from linesift.model.sifter import Line, Sifter
from linesift.report import render_report, write_report

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbcd66fa357995a9.txt"
CHROMEDRIVER = "/usr/bin/chromedriver"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE = [
    "<script>alert(1)</script>",
    "</span></div><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "</style><style>body{display:none}</style>",
    "\u202eevil right-to-left override",
    "tab\there, NUL\x00, bell\x07, DEL\x7f",
    "lone surrogate \udcff from a bad byte",
]


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


def _report(model: Sifter, text: str, title: str = "t") -> tuple[str, list[Line]]:
    explanations = explain_lines(model, text)
    lines = [Line(e.number, e.text, e.label, e.p_content) for e in explanations]
    return render_report(lines, explanations, explanations[0].cut if explanations else None, title), lines


def test_hostile_text_cannot_inject_markup(model: Sifter) -> None:
    page, lines = _report(model, "\n".join(HOSTILE), title="<b>title</b>")
    assert "<script" not in page and "<img" not in page and "onmouseover=\"" not in page
    assert page.count("<style>") == 1
    assert "&lt;b&gt;title&lt;/b&gt;" in page
    assert len(re.findall(r'<div class="l[ "]', page)) == len(lines) == len(HOSTILE)
    page.encode("utf-8")  # control characters and surrogates were replaced by encodable stand-ins
    assert "\x00" not in page and "\udcff" not in page
    assert "\u2400" in page and "\u2407" in page and "\u2421" in page and "\ufffd" in page
    assert "\t" in page  # tabs are layout, not noise


def test_self_contained(model: Sifter) -> None:
    page, _ = _report(model, SEED.read_text(encoding="utf-8"))
    head = page.split("<main")[0]
    assert not re.search(r"<(script|link|img|iframe)\b|src=|url\(|@import|https?:", head)
    assert "<script" not in page


def test_lines_and_explanations_must_match(model: Sifter) -> None:
    explanations = explain_lines(model, "a\nb")
    with pytest.raises(ValueError, match="2 explanations"):
        render_report([], explanations, 0.5, "t")


def test_summary_counts(model: Sifter) -> None:
    text = "Keep this sentence, it is prose.\n\nHome\nAbout"
    page, lines = _report(model, text)
    kept = sum(line.label == "content" for line in lines)
    assert f'<dd id="lines-kept">{kept}</dd>' in page
    assert f'<dd id="lines-dropped">{3 - kept}</dd>' in page
    assert '<dd id="lines-blank">1</dd>' in page
    assert f'<dd id="threshold">{model.decide(Page.from_text(text)).cut:.3f}</dd>' in page


def test_empty_page(model: Sifter, tmp_path: Path) -> None:
    target = tmp_path / "empty.html"
    write_report(target, model, "")
    page = target.read_text(encoding="utf-8")
    assert '<dd id="lines-kept">0</dd>' in page and '<div class="l' not in page


@contextmanager
def _interrupted_writer(path: Path) -> Iterator[IO[str]]:
    """The real atomic writer, whose stream writes half of what it is given and then is interrupted."""
    with atomic_writer(path) as stream:

        class HalfThenInterrupt:
            def write(self, text: str) -> int:
                stream.write(text[: len(text) // 2])
                stream.flush()
                raise KeyboardInterrupt

        yield HalfThenInterrupt()  # type: ignore[misc]


def test_interrupted_write_leaves_nothing(model: Sifter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("linesift.report.atomic_writer", _interrupted_writer)
    target = tmp_path / "report.html"
    with pytest.raises(KeyboardInterrupt):
        write_report(target, model, "Some text.\nMore text.")
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_keeps_the_previous_report(model: Sifter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    write_report(target, model, "First version.")
    before = target.read_bytes()
    monkeypatch.setattr("linesift.report.atomic_writer", _interrupted_writer)
    with pytest.raises(KeyboardInterrupt):
        write_report(target, model, "Second version.")
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


# --- in a real browser --------------------------------------------------------------------------

BROWSER_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--window-size=1200,900",
)


def _browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    if not os.access(CHROMEDRIVER, os.X_OK):
        return f"{CHROMEDRIVER} is missing (apt-get install chromium-driver)"
    if shutil.which("chromium") is None:
        return "chromium is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as profile:
        options = webdriver.ChromeOptions()
        for flag in (*BROWSER_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def test_seed_report_in_a_browser(browser, model: Sifter, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    text = SEED.read_text(encoding="utf-8")
    lines = model.predict_lines(text)
    report = tmp_path / "report.html"
    write_report(report, model, text, title="seed page 000")
    browser.get(report.as_uri())

    assert len(browser.find_elements(By.CSS_SELECTOR, "#page .l")) == len(lines)
    struck = browser.execute_script(
        "return [...document.querySelectorAll('#page .t')]"
        ".filter(t => getComputedStyle(t).textDecorationLine.includes('line-through')).length")
    dropped = [line for line in lines if line.label == "noise" and line.text.strip()]
    kept = [line for line in lines if line.label == "content"]
    assert struck == len(dropped)

    def shown(key: str) -> str:
        return browser.find_element(By.ID, key).text

    assert shown("lines-kept") == str(len(kept))
    assert shown("lines-dropped") == str(len(dropped))
    assert shown("words-kept") == str(sum(len(line.text.split()) for line in kept))
    assert shown("words-dropped") == str(sum(len(line.text.split()) for line in dropped))
    assert shown("threshold") == f"{model.decide(Page.from_text(text)).cut:.3f}"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    line = browser.find_elements(By.CSS_SELECTOR, "#page .l[tabindex]")[2]
    why = line.find_element(By.CSS_SELECTOR, ".why")
    assert not why.is_displayed()
    browser.execute_script("arguments[0].focus()", line)
    assert why.is_displayed()
    assert why.get_attribute("role") == "tooltip"
    assert "P(content)" in why.text and re.search(r"[+-]\d\.\d\d ", why.text)

    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot))
    data = screenshot.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > len(PNG_MAGIC)


def test_hostile_report_in_a_browser(browser, model: Sifter, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report = tmp_path / "hostile.html"
    write_report(report, model, "\n".join(HOSTILE), title="<i>hostile</i>")
    browser.get(report.as_uri())
    assert browser.find_elements(By.CSS_SELECTOR, "script, img, #page style") == []
    texts = [element.text for element in browser.find_elements(By.CSS_SELECTOR, "#page .t")]
    assert texts[:4] == HOSTILE[:4]
    assert browser.title == "<i>hostile</i>"
