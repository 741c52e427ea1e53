"""robots.txt is obeyed, with the documented error policy: 4xx allow, 5xx/errors fail closed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crawlsite import Site, article_html, rss, run_crawler, source


def _site(make_site: Callable[..., Site], robots_status: int, robots_body: str) -> Site:
    site = make_site()
    site.add("/robots.txt", robots_body, "text/plain", status=robots_status)
    site.add("/feed.xml", rss([(site.url("/a.html"), "A")]), "application/rss+xml")
    site.add("/a.html", article_html("A"))
    return site


def test_robots_policy(tmp_path: Path, make_site: Callable[..., Site]) -> None:
    deny = _site(make_site, 200, "User-agent: *\nDisallow: /\n")
    broken = _site(make_site, 503, "unavailable")
    missing = _site(make_site, 404, "User-agent: *\nDisallow: /\n")  # a 404 body is not rules
    only_us = _site(make_site, 200, "User-agent: defwatch\nDisallow: /a.html\n")
    sources = [source("deny", "rss", deny.url("/feed.xml")),
               source("broken", "rss", broken.url("/feed.xml")),
               source("missing", "rss", missing.url("/feed.xml")),
               source("only-us", "rss", only_us.url("/feed.xml"))]
    result = run_crawler(tmp_path, sources)
    assert result.returncode == 0, result.stderr[-2000:]

    # 200 with Disallow: / -> skipped, nothing but robots.txt requested.
    assert [r.path for r in deny.log] == ["/robots.txt"]
    assert result.of("skip", "deny") == [
        {"type": "skip", "source": "deny", "url": deny.url("/feed.xml"), "reason": "robots"}]

    # 503 (retried, RETRY_TIMES=1) -> fail closed: an error naming the policy, no feed request.
    assert [r.path for r in broken.log] == ["/robots.txt", "/robots.txt"]
    (error,) = result.of("error", "broken")
    assert error["reason"] == ("robots.txt returned HTTP 503; site disallowed for this run: "
                               + broken.url("/feed.xml"))

    # 404 -> allow all, even though the 404 body looks like a Disallow rule.
    assert [p["url"] for p in result.of("page", "missing")] == [missing.url("/a.html")]

    # Rules for our user agent apply to us (USER_AGENT starts with "defwatch").
    assert only_us.hits("/feed.xml") and not only_us.hits("/a.html")
    assert only_us.log[0].headers["user-agent"].startswith("defwatch/")
    assert result.stats("only-us")["skipped"] == {"robots": 1}


def test_robots_timeout_fails_closed(tmp_path: Path, make_site: Callable[..., Site]) -> None:
    import time

    site = make_site()

    def slow_robots(_h: object) -> tuple[int, dict[str, str], bytes]:
        time.sleep(3)
        return 200, {"Content-Type": "text/plain"}, b""

    site.routes["/robots.txt"] = slow_robots
    site.add("/feed.xml", rss([]), "application/rss+xml")
    result = run_crawler(tmp_path, [source("slow-robots", "rss", site.url("/feed.xml"))],
                         settings={"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 0})
    (error,) = result.of("error", "slow-robots")
    assert error["reason"].startswith("robots.txt unavailable (timeout")
    assert not site.hits("/feed.xml")
