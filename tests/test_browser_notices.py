"""Notices a page shows in place of a video player, a form or comments ("Your browser does not support the video
tag.", "Please enable JavaScript..."): boilerplate even between an article's paragraphs, in text and in HTML."""

from __future__ import annotations

import pytest

from linesift import load_model

TEXT_MODEL = load_model()
HTML_MODEL = load_model(input="html")
PARAGRAPHS = [
    "The river rose three metres overnight, flooding the lower streets of the old town and forcing hundreds of "
    "residents to leave their homes before dawn.",
    "Emergency crews worked through the morning to reinforce the embankment near the bridge, while volunteers "
    "handed out blankets and hot drinks at the school gym.",
    "Officials said the water was expected to recede by the weekend, but warned that more rain was forecast for "
    "the region next week.",
    "Shop owners along the quay began pumping out their cellars as soon as the level dropped, counting the cost of "
    "ruined stock and damaged floors.",
    "The mayor promised a fund for families who lost belongings, and said the town would review its flood "
    "defences before the winter storms.",
]
VIDEO_NOTICE = "Your browser does not support the video tag."
COMMENTS_NOTICE = "Please enable JavaScript to view the comments powered by Disqus."
TEXT_PAGE = ["Home | News | Sport | Weather", "Flood waters rise in the old town", *PARAGRAPHS[:2], VIDEO_NOTICE,
             *PARAGRAPHS[2:4], COMMENTS_NOTICE, PARAGRAPHS[4], "© 2026 Example News"]
HTML_PAGE = f"""<!doctype html><html><head><title>Flood</title></head><body>
<header class="site-header"><nav class="main-nav"><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article class="post"><h1 class="entry-title">Flood waters rise in the old town</h1>
<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
<div class="video-wrapper"><p class="vjs-no-js">To view this video please enable JavaScript, and consider upgrading
to a web browser that supports HTML5 video.</p></div>
<p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p><p>{PARAGRAPHS[4]}</p>
<div id="disqus_thread"></div><noscript>{COMMENTS_NOTICE}</noscript>
</article></main><footer class="site-footer"><p>© 2026 Example News</p></footer></body></html>"""


@pytest.mark.parametrize("separator", ["\n\n", "\n"], ids=["blank-lines", "no-blank-lines"])
def test_notices_between_paragraphs_of_text_are_dropped(separator: str) -> None:
    kept = TEXT_MODEL.clean(separator.join(TEXT_PAGE)).split("\n")
    assert VIDEO_NOTICE not in kept and COMMENTS_NOTICE not in kept
    assert all(paragraph in kept for paragraph in PARAGRAPHS)


def test_notices_between_paragraphs_of_html_are_dropped() -> None:
    lines = {line.text: line for line in HTML_MODEL.predict_html(HTML_PAGE)}
    notices = [text for text in lines if "enable JavaScript" in text]
    assert len(notices) == 2
    assert all(lines[text].label == "noise" for text in notices)
    assert all(lines[paragraph].label == "content" for paragraph in PARAGRAPHS)
