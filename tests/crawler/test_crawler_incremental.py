"""Incremental crawling: conditional GET for feeds/sitemaps, known URLs never requested."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crawlsite import Handler, Site, article_html, rss, run_crawler, source, urlset

from crawler.urls import canonicalize

ETAG = '"feed-v1"'
MODIFIED = "Tue, 02 Jan 2024 10:00:00 GMT"


def _conditional(body: str, ctype: str, etag: str | None, modified: str | None) -> Callable:
    def route(h: Handler) -> tuple[int, dict[str, str], bytes]:
        validators = {k: v for k, v in (("ETag", etag), ("Last-Modified", modified)) if v}
        if (etag and h.headers.get("If-None-Match") == etag) or (
                not etag and modified and h.headers.get("If-Modified-Since") == modified):
            return 304, validators, b""
        return 200, {"Content-Type": ctype, **validators}, body.encode()
    return route


def test_second_run_gets_304_and_no_pages(tmp_path: Path, make_site: Callable[..., Site]) -> None:
    site = make_site()
    site.add("/robots.txt", "", "text/plain")
    site.routes["/feed.xml"] = _conditional(
        rss([(site.url("/a.html"), "A"), (site.url("/b.html"), "B")]),
        "application/rss+xml", ETAG, None)
    site.routes["/sitemap.xml"] = _conditional(
        urlset([(site.url("/c.html"), "C", "2024-01-02")]), "application/xml", None, MODIFIED)
    for name in "abc":
        site.add(f"/{name}.html", article_html(name))
    sources = [source("feed", "rss", site.url("/feed.xml")),
               source("map", "sitemap", site.url("/sitemap.xml"))]

    first = run_crawler(tmp_path, sources, name="first")
    assert len(first.of("page")) == 3
    states = {s["url"]: s for s in first.of("feed_state")}
    assert states[site.url("/feed.xml")]["etag"] == ETAG
    assert states[site.url("/sitemap.xml")]["last_modified"] == MODIFIED
    assert {s["status"] for s in states.values()} == {200}

    site.log.clear()
    feed_state = {url: {"etag": s["etag"], "last_modified": s["last_modified"]}
                  for url, s in states.items()}
    second = run_crawler(tmp_path, sources, feed_state=feed_state, name="second")
    assert second.returncode == 0
    assert second.of("page") == []
    for name, url in (("feed", "/feed.xml"), ("map", "/sitemap.xml")):
        (state,) = second.of("feed_state", name)
        assert state["status"] == 304 and state["url"] == site.url(url)
        assert state["etag"] == states[site.url(url)]["etag"]
        assert state["last_modified"] == states[site.url(url)]["last_modified"]
        assert second.stats(name)["not_modified"] == 1 and second.stats(name)["pages"] == 0
    assert site.hits("/feed.xml")[0].headers["if-none-match"] == ETAG
    assert site.hits("/sitemap.xml")[0].headers["if-modified-since"] == MODIFIED
    assert sorted(r.path for r in site.log) == ["/feed.xml", "/robots.txt", "/robots.txt",
                                                "/sitemap.xml"]


def test_known_urls_are_never_requested(tmp_path: Path, make_site: Callable[..., Site]) -> None:
    site = make_site()
    site.add("/robots.txt", "", "text/plain")
    links = [site.url("/old-1.html?utm_medium=rss"), site.url("/old-2.html#top"),
             site.url("/new.html")]
    site.add("/feed.xml", rss([(link, "t") for link in links]), "application/rss+xml")
    for name in ("old-1", "old-2", "new"):
        site.add(f"/{name}.html", article_html(name))
    known = [canonicalize(site.url("/old-1.html")), canonicalize(site.url("/old-2.html"))]

    agent = "defwatch-test/1 (+http://127.0.0.1/contact)"
    result = run_crawler(tmp_path, [source("feed", "rss", site.url("/feed.xml"))], known=known,
                         settings={"DEFWATCH_USER_AGENT": agent})

    assert not site.hits("/old-1.html") and not site.hits("/old-2.html")
    assert len(site.hits("/new.html")) == 1
    assert [p["url"] for p in result.of("page")] == [site.url("/new.html")]
    assert sorted(s["url"] for s in result.of("skip")) == sorted(known)
    assert result.stats("feed")["skipped"] == {"known": 2}
    assert {r.headers["user-agent"] for r in site.log} == {agent}  # robots.txt included


def _listing_page(site: Site, n: int, pages: int) -> str:
    links = "".join(f'<li><a class="story" href="/p{n}-{i}.html">Story {n}-{i}</a></li>'
                    for i in range(3))
    nxt = f'<a class="next" href="/list.html?page={n + 1}">Older</a>' if n < pages else ""
    return f"<html><body><ul>{links}</ul><a href='/about.html'>About</a>{nxt}</body></html>"


def test_listing_follows_pagination_only_while_pages_have_unseen_links(
        tmp_path: Path, make_site: Callable[..., Site]) -> None:
    site = make_site()
    site.add("/robots.txt", "", "text/plain")
    pages = 5

    def listing(h: Handler) -> tuple[int, dict[str, str], bytes]:
        n = int(h.path.partition("page=")[2] or 1)
        return 200, {"Content-Type": "text/html"}, _listing_page(site, n, pages).encode()

    site.routes["/list.html"] = listing
    for n in range(1, pages + 1):
        for i in range(3):
            site.add(f"/p{n}-{i}.html", article_html(f"Story {n}-{i}"))
    src = [source("list", "listing", site.url("/list.html"), link_selector="a.story")]

    first = run_crawler(tmp_path, src, settings={"DEFWATCH_LISTING_MAX_PAGES": 3}, name="first")
    # Three listing pages at most, each with three articles.
    assert len(first.of("page")) == 9
    assert len([r for r in site.log if r.path.startswith("/list.html")]) == 3

    site.log.clear()
    known = [canonicalize(p["url"]) for p in first.of("page")]
    second = run_crawler(tmp_path, src, settings={"DEFWATCH_LISTING_MAX_PAGES": 3},
                         known=known, name="second")
    # Page 1 is all known: nothing behind it is fetched.
    assert second.of("page") == []
    assert [r.path for r in site.log if r.path.startswith("/list.html")] == ["/list.html"]
