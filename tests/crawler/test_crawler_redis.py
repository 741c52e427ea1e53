"""Scale-out: with DEFWATCH_REDIS_URL the crawl uses scrapy-redis's scheduler and dupefilter."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from crawlsite import Site, article_html, rss, run_crawler, source

redis = pytest.importorskip("redis")

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.redis
def test_crawl_through_redis_scheduler(tmp_path: Path, make_site: Callable[..., Site]) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("DEFWATCH_REQUIRE_REDIS") == "1":
            pytest.fail("no Redis at 127.0.0.1:6379 (DEFWATCH_REQUIRE_REDIS=1)", pytrace=False)
        pytest.skip("no Redis at 127.0.0.1:6379")
    dupefilter_key = "feed-feed:dupefilter"  # scrapy-redis default: <spider name>:dupefilter
    client.delete(dupefilter_key)
    site = make_site()
    site.add("/robots.txt", "", "text/plain")
    site.add("/feed.xml", rss([(site.url(f"/a{i}.html"), f"A{i}") for i in range(5)]),
             "application/rss+xml")
    for i in range(5):
        site.add(f"/a{i}.html", article_html(f"A{i}"))
    result = run_crawler(tmp_path, [source("feed", "rss", site.url("/feed.xml"))],
                         settings={"DEFWATCH_REDIS_URL": REDIS_URL, "SCHEDULER_PERSIST": True})
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(p["url"] for p in result.of("page")) == [site.url(f"/a{i}.html") for i in range(5)]
    assert result.stats("feed")["finish_reason"] == "finished"
    # The shared seen-set lives in Redis: one fingerprint per article request.
    assert client.scard(dupefilter_key) == 5
    client.delete(dupefilter_key, "feed-feed:requests")
    assert all(len(site.hits(f"/a{i}.html")) == 1 for i in range(5))
