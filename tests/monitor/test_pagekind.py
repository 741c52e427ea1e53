"""Section fronts, home pages and static pages are not archived as articles."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from w3lib.encoding import html_to_unicode

from monitor.clean import CleanResult, clean_html
from monitor.pagekind import not_article_reason
from tests.fixturesite.server import FixtureSite

REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "realpages"



def fetch_clean(url: str) -> CleanResult:
    with urllib.request.urlopen(url, timeout=10) as resp:
        _, html = html_to_unicode(resp.headers.get("Content-Type"), resp.read())
    result = clean_html(html, url)
    assert isinstance(result, CleanResult)
    return result


@pytest.mark.parametrize("path", ["/", "/section/photos/", "/about/", "/privacy/"])
def test_non_article_pages_of_the_fixture_site_are_recognised(site: FixtureSite, path: str) -> None:
    url = site.urls["outlets"]["islamabad-wire"] + path
    assert not_article_reason(fetch_clean(url), url) is not None


def test_every_fixture_article_reads_as_an_article(site: FixtureSite) -> None:
    visible = [a for a in site.manifest() if a["visible"]][:25]
    for article in visible:
        assert not_article_reason(fetch_clean(article["url"]), article["url"]) is None, article["id"]


def test_plain_prose_without_og_type_is_an_article() -> None:
    sentence = ("The delegation met officials to discuss training and border security "
                "over two days of talks in the capital, officials said.")
    text = "\n".join([sentence] * 4)
    result = CleanResult(text, "T", None, None, "en", None, None, None)
    assert not_article_reason(result, "https://example.org/news/2024/delegation-visit") is None


@pytest.mark.skipif(not REALPAGES.is_dir(), reason="shared/realpages is not present")
def test_real_pages_are_rarely_mistaken_for_index_pages() -> None:
    truth = json.loads((REALPAGES / "truth.json").read_text())
    flagged = total = 0
    for name, meta in truth.items():
        html = (REALPAGES / "pages" / name).read_text(encoding="utf-8", errors="replace")
        result = clean_html(html, meta.get("url"))
        if isinstance(result, CleanResult):
            total += 1
            flagged += not_article_reason(result, meta.get("url")) is not None
    assert total > 100 and flagged / total <= 0.03
