"""One crawl of a good site plus every hostile case from reliability.md 3A/3B, in one job.

All sources run in one ``python -m crawler run`` process; each bad source must end as an
``error`` record naming its URL while the good sources still deliver their pages.
"""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from crawlsite import (
    CrawlResult,
    Handler,
    Site,
    article_html,
    atom,
    gzipped,
    rss,
    run_crawler,
    sitemap_index,
    source,
    start_site,
    urlset,
)

pytestmark = pytest.mark.timeout(120)

CP1251_TEXT = "Генерал посетил Исламабад"
SLOW_SECONDS = 5


def _laughs() -> str:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]>'
            '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
            "<link>&lol9;</link></item></channel></rss>")


def _slow(_h: Handler) -> tuple[int, dict[str, str], bytes]:
    time.sleep(SLOW_SECONDS)
    return 200, {"Content-Type": "application/rss+xml"}, b"<rss/>"


def _flaky_429(site: Site, path: str, body: str) -> Any:
    def route(_h: Handler) -> tuple[int, dict[str, str], bytes]:
        if len(site.hits(path)) == 1:
            return 429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"slow down"
        return 200, {"Content-Type": "application/rss+xml"}, body.encode()
    return route


def _build_site(nonce_file: Path, nonce: str, bomb: bytes, others: dict[str, bytes]) -> Site:
    site = start_site()
    b = site.base
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    # good sources
    site.add("/good/rss.xml", rss([(b + "/good/a1.html", "A one"),
                                   (b + "/good/cp1251.html", "Cyrillic"),
                                   (b + "/good/a3.html?utm_source=x&fbclid=y", "A three"),
                                   (b + "/private/secret.html", "Robots says no"),
                                   (b + "/bad/meta-file.html", "Meta refresh to file"),
                                   (b + "/bad/bomb-article.html", "Bomb article")]),
             "application/rss+xml")
    for name in ("a1", "a3", "e1", "e2", "s1", "s2", "l1", "l2", "kept"):
        site.add(f"/good/{name}.html", article_html(name.upper()))
    site.add("/good/cp1251.html", f"<html><head><meta charset='windows-1251'><title>x</title>"
             f"</head><body><p>{CP1251_TEXT}</p></body></html>".encode("cp1251"), "text/html")
    site.add("/good/atom.xml", atom([(b + "/good/e1.html", "E one"), (b + "/good/e2.html", "E two"),
                                     (b + "/good/a1.html", "dup of rss")]),
             "application/atom+xml")
    site.add("/good/index.xml", sitemap_index([b + "/good/news.xml", b + "/good/more.xml.gz"]),
             "application/xml")
    site.add("/good/news.xml", urlset([(b + "/good/s1.html", "S one", "2024-02-01T09:00:00+05:00")]),
             "application/xml")
    site.add("/good/more.xml.gz", gzipped(urlset([(b + "/good/s2.html", "S two",
                                                  "2024-02-02")]).encode()), "application/gzip")
    site.add("/good/list.html", "<html><body><nav><a href='/about'>About</a></nav>"
             "<a class='story' href='/good/l1.html'>L one</a>"
             "<div class='story'><a href='l2.html'>L two</a></div></body></html>")
    # hostile feeds
    site.add("/bad/malformed.xml", '<?xml version="1.0"?><rss version="2.0"><channel>'
             f"<title>m</title><item><title>kept</title><link>{b}/good/kept.html</link></item>"
             "<item><title>broken & <b>unclosed</title></item></channel>", "application/rss+xml")
    site.add("/bad/html-as-feed.xml", "<!DOCTYPE html><html><body><p>Not a feed</p></body></html>",
             "application/rss+xml")
    xxe = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{nonce_file}">]>'
    site.add("/bad/xxe-feed.xml", rss([(b + "/good/x1.html", "leak &xxe;")], prolog=xxe),
             "application/rss+xml")
    site.add("/bad/xxe-sitemap.xml", '<?xml version="1.0"?>' + xxe.replace("rss", "urlset")
             + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<url><loc>{b}/good/x2.html&xxe;</loc></url></urlset>", "application/xml")
    site.add("/good/x1.html", article_html("X1"))
    site.add("/good/x2.html", article_html("X2"))
    dtd = f'<!DOCTYPE rss SYSTEM "{b}/canary/evil.dtd">'
    site.add("/bad/dtd-feed.xml", rss([(b + "/good/d1.html", "DTD")], prolog=dtd),
             "application/rss+xml")
    site.add("/good/d1.html", article_html("D1"))
    site.add("/canary/evil.dtd", '<!ENTITY x "canary">', "application/xml-dtd")
    site.add("/bad/laughs.xml", _laughs(), "application/rss+xml")
    site.add("/bad/bomb-feed.xml", bomb, "application/rss+xml", Content_Encoding="gzip")
    site.add("/bad/bomb-article.html", bomb, "text/html", Content_Encoding="gzip")
    site.add("/bad/bomb-sitemap.xml.gz", bomb, "application/gzip")
    for encoding, body in others.items():
        site.add(f"/bad/bomb-{encoding}.xml", body, "application/rss+xml",
                 Content_Encoding=encoding)
    site.add("/bad/500.xml", "oops", "text/plain", status=500)
    site.routes["/bad/slow.xml"] = _slow
    site.add("/bad/loop-a", "", status=302, Location=b + "/bad/loop-b")
    site.add("/bad/loop-b", "", status=302, Location=b + "/bad/loop-a")
    site.add("/bad/to-file.xml", "", status=302, Location="file:///etc/passwd")
    site.add("/bad/meta-file.html", "<html><head><meta http-equiv='refresh' "
             "content='0;url=file:///etc/passwd'></head><body>m</body></html>")
    site.routes["/bad/429.xml"] = _flaky_429(site, "/bad/429.xml",
                                             rss([(b + "/good/r1.html", "after 429")]))
    site.add("/good/r1.html", article_html("R1"))
    site.add("/bad/unsafe-links.xml", rss([("javascript:alert(1)", "js"),
                                           ("file:///etc/passwd", "file"),
                                           (f"{b}\\@example.com/x", "backslash")]),
             "application/rss+xml")
    return site


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, gzip_bomb: bytes,
            other_bombs: dict[str, bytes]) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile")
    nonce = f"NONCE-{uuid.uuid4().hex}"
    nonce_file = tmp / "nonce.txt"
    nonce_file.write_text(nonce)
    site = _build_site(nonce_file, nonce, gzip_bomb, other_bombs)
    b = site.base
    sources = [
        source("good-rss", "rss", b + "/good/rss.xml"),
        source("good-atom", "atom", b + "/good/atom.xml"),
        source("good-sitemap", "sitemap", b + "/good/index.xml"),
        source("good-listing", "listing", b + "/good/list.html", link_selector=".story"),
        source("malformed", "rss", b + "/bad/malformed.xml"),
        source("html-feed", "rss", b + "/bad/html-as-feed.xml"),
        source("xxe-feed", "rss", b + "/bad/xxe-feed.xml"),
        source("xxe-sitemap", "sitemap", b + "/bad/xxe-sitemap.xml"),
        source("dtd-feed", "rss", b + "/bad/dtd-feed.xml"),
        source("laughs", "rss", b + "/bad/laughs.xml"),
        source("bomb-feed", "rss", b + "/bad/bomb-feed.xml"),
        source("bomb-sitemap", "sitemap", b + "/bad/bomb-sitemap.xml.gz"),
        source("bomb-deflate", "rss", b + "/bad/bomb-deflate.xml"),
        source("bomb-br", "rss", b + "/bad/bomb-br.xml"),
        source("http-404", "rss", b + "/bad/missing.xml"),
        source("http-500", "rss", b + "/bad/500.xml"),
        source("slow", "rss", b + "/bad/slow.xml"),
        source("loop", "rss", b + "/bad/loop-a"),
        source("to-file", "rss", b + "/bad/to-file.xml"),
        source("retry-after", "rss", b + "/bad/429.xml"),
        source("unsafe-links", "rss", b + "/bad/unsafe-links.xml"),
        source("refused", "rss", f"http://127.0.0.1:{_closed_port()}/feed.xml"),
        # A label over 63 characters fails inside the resolver itself: a real DNS failure
        # without a query leaving the machine.
        source("dns-fail", "rss", f"http://{'x' * 64}.invalid/feed.xml"),
    ]
    result = run_crawler(tmp, sources)
    yield {"result": result, "site": site, "nonce": nonce, "out": (tmp / "job.jsonl")}
    assert site.server is not None
    site.server.shutdown()
    site.server.server_close()


def _errors(result: CrawlResult, name: str) -> list[str]:
    return [e["reason"] for e in result.of("error", name)]


def test_exit_zero_and_one_stats_record_per_source(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    assert result.returncode == 0, result.stderr[-2000:]
    names = [r["source"] for r in result.of("source_stats")]
    assert sorted(names) == sorted(set(names)) and len(names) == 23
    assert result.seconds < 60


def test_good_sources_deliver_pages_with_hints(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    site: Site = hostile["site"]
    pages = {p["url"]: p for p in result.of("page")}
    for path in ("a1", "a3", "e1", "e2", "s1", "s2", "l1", "l2", "kept", "r1"):
        assert site.url(f"/good/{path}.html") in pages, path
    a3 = pages[site.url("/good/a3.html")]  # canonical: tracking parameters dropped
    assert a3["final_url"].endswith("/good/a3.html?utm_source=x&fbclid=y")
    assert a3["hint"] == {"title": "A three", "published": "2024-01-02T10:00:00Z",
                          "feed_url": site.url("/good/rss.xml")}
    s1 = pages[site.url("/good/s1.html")]
    assert s1["hint"]["title"] == "S one" and s1["hint"]["published"] == "2024-02-01T09:00:00+05:00"
    assert s1["status"] == 200 and s1["headers"]["content-type"].startswith("text/html")
    assert "<h1>S1</h1>" in s1["html"] and s1["fetched_at"].endswith("Z")
    stats = result.stats("good-rss")
    assert stats["finish_reason"] == "finished"
    assert stats["errors"] == 1 and "/bad/bomb-article.html" in _errors(result, "good-rss")[0]
    # a1.html is also in the Atom feed; whichever source sees it first fetches it.
    assert stats["pages"] + stats["skipped"].get("duplicate", 0) == 4
    assert stats["skipped"]["robots"] == 1


def test_article_listed_twice_is_fetched_once(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    site: Site = hostile["site"]
    assert len(site.hits("/good/a1.html")) == 1
    assert len([p for p in result.of("page") if p["url"] == site.url("/good/a1.html")]) == 1
    assert result.stats("good-atom")["skipped"].get("duplicate", 0) + \
        result.stats("good-rss")["skipped"].get("duplicate", 0) == 1


def test_non_utf8_page_is_decoded(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    page = next(p for p in result.of("page") if p["url"].endswith("/good/cp1251.html"))
    assert CP1251_TEXT in page["html"]
    assert page["encoding"] in ("cp1251", "windows-1251")


def test_robots_disallowed_url_is_skipped_not_requested(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    assert not hostile["site"].hits("/private/secret.html")
    assert result.stats("good-rss")["skipped"]["robots"] == 1


def test_broken_feeds_keep_valid_entries(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    (reason,) = _errors(result, "malformed")
    assert "malformed feed" in reason and "/bad/malformed.xml" in reason
    (reason,) = _errors(result, "html-feed")
    assert reason.startswith("HTML served as feed") and "/bad/html-as-feed.xml" in reason


def test_no_entity_is_ever_expanded(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    out = hostile["out"].read_text()
    assert hostile["nonce"] not in out and hostile["nonce"] not in result.stderr
    assert "lollollol" not in out
    assert not hostile["site"].hits("/canary/evil.dtd")  # external DTD never fetched
    for name in ("xxe-feed", "laughs"):
        assert any("entities" in r for r in _errors(result, name)), name
    # The sitemap <loc> keeps its text and drops the entity.
    assert any(p["url"].endswith("/good/x2.html") for p in result.of("page", "xxe-sitemap"))


def test_decompression_bombs_hit_the_size_limit(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    for name, path in (("bomb-feed", "/bad/bomb-feed.xml"),
                       ("bomb-sitemap", "/bad/bomb-sitemap.xml.gz"),
                       ("good-rss", "/bad/bomb-article.html"),
                       ("bomb-deflate", "/bad/bomb-deflate.xml"),
                       ("bomb-br", "/bad/bomb-br.xml")):
        reasons = [r for r in _errors(result, name) if path in r]
        assert reasons and reasons[0].startswith("size limit"), (name, _errors(result, name))


def test_http_errors_name_status_and_url(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    site: Site = hostile["site"]
    assert _errors(result, "http-404") == [f"HTTP 404 for {site.url('/bad/missing.xml')}"]
    (reason,) = _errors(result, "http-500")
    assert reason == f"HTTP 500 after 1 retries for {site.url('/bad/500.xml')}"
    assert len(site.hits("/bad/500.xml")) == 2  # RETRY_TIMES=1 in the test settings


def test_timeout_is_an_error_and_bounded(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    (reason,) = _errors(result, "slow")
    assert reason.startswith("timeout (DOWNLOAD_TIMEOUT 2s) after 1 retries") and "/bad/slow.xml" in reason
    assert result.stats("slow")["finish_reason"] == "finished"


def test_redirect_loop_and_redirect_to_file(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    (reason,) = _errors(result, "loop")
    assert reason.startswith("redirect loop") and "/bad/loop-" in reason
    assert len(hostile["site"].hits("/bad/loop-a")) <= 4  # REDIRECT_MAX_TIMES = 5 hops in all
    (reason,) = _errors(result, "to-file")
    assert "file:///etc/passwd not followed" in reason
    out = hostile["out"].read_text()
    assert "root:x:0:0" not in out


def test_meta_refresh_to_file_is_not_followed(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    page = next(p for p in result.of("page") if p["url"].endswith("/bad/meta-file.html"))
    assert page["final_url"].endswith("/bad/meta-file.html") and "root:x" not in page["html"]


def test_retry_after_is_honoured_once(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    hits = hostile["site"].hits("/bad/429.xml")
    assert len(hits) == 2
    assert hits[1].at - hits[0].at >= 0.9
    assert [p["url"] for p in result.of("page", "retry-after")] == [
        hostile["site"].url("/good/r1.html")]


def test_unsafe_links_in_feeds_are_skipped(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    assert result.stats("unsafe-links")["skipped"] == {"unsafe_url": 3}
    assert not [r for r in hostile["site"].log if "example.com" in r.path]


def test_network_failures_are_errors(hostile: dict[str, Any]) -> None:
    result: CrawlResult = hostile["result"]
    # robots.txt is the first request to a site, so that is where the failure shows; the
    # fail-closed policy then names the feed URL.
    (reason,) = _errors(result, "refused")
    assert reason.startswith("robots.txt unavailable (connection refused by 127.0.0.1:")
    assert "site disallowed for this run: http://127.0.0.1:" in reason
    assert reason.endswith("/feed.xml")
    (reason,) = _errors(result, "dns-fail")
    assert reason.startswith("robots.txt unavailable (DNS lookup failed for xxxx")
    for name in ("refused", "dns-fail"):
        assert result.stats(name)["errors"] == 1
