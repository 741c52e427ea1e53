"""SSRF guard: with DEFWATCH_ALLOW_PRIVATE_NETWORKS off nothing private is ever contacted."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from pathlib import Path

import pytest
from crawlsite import Site, rss, run_crawler, source
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares import (
    BlockedRequest,
    PrivateNetworkGuardMiddleware,
    blocked_address_reason,
)

FLAG = "DEFWATCH_ALLOW_PRIVATE_NETWORKS"


def test_loopback_forms_are_blocked_before_connecting(
    tmp_path: Path, make_site: Callable[..., Site]
) -> None:
    site = make_site()
    site.add("/ssrf/feed.xml", rss([(site.url("/ssrf/a.html"), "a")]), "application/rss+xml")
    port = site.port
    targets = {
        "loopback": f"http://127.0.0.1:{port}/ssrf/feed.xml",
        "decimal": f"http://2130706433:{port}/ssrf/feed.xml",
        "mapped": f"http://[::ffff:127.0.0.1]:{port}/ssrf/feed.xml",
        "hostname": f"http://localhost:{port}/ssrf/feed.xml",  # resolved from /etc/hosts
    }
    result = run_crawler(tmp_path, [source(n, "rss", u) for n, u in targets.items()],
                         settings={FLAG: False})
    assert result.returncode == 0, result.stderr[-2000:]
    assert site.log == []  # not even robots.txt was requested
    for name, url in targets.items():
        (error,) = result.of("error", name)
        assert error["url"] == url
        assert error["reason"].startswith(f"blocked {url}") and f"set {FLAG}=true" in error["reason"]
        assert result.stats(name)["requests"] == 0


@pytest.mark.parametrize("address", [
    "127.0.0.1", "::1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "fe80::1", "fc00::1",
    "64:ff9b::a00:1", "240.0.0.1",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    assert blocked_address_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert blocked_address_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("target", [
    "http://10.0.0.1/latest", "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:127.0.0.1]/", "http://100.64.1.1/",
])
def test_redirect_hop_to_private_address_is_blocked(target: str) -> None:
    """A hop is a new Request built by Scrapy's RedirectMiddleware; the guard refuses it."""
    crawler = get_crawler(Spider, {"REDIRECT_MAX_TIMES": 5})
    redirect = RedirectMiddleware.from_crawler(crawler)
    first = Request("http://93.184.216.34/news")
    hop = redirect.process_response(
        first, Response(first.url, status=302, headers={"Location": target}, request=first))
    assert isinstance(hop, Request) and hop.url == target
    guard = PrivateNetworkGuardMiddleware(allow_private=False)
    assert asyncio.run(guard.process_request(first)) is None  # public literal: allowed
    with pytest.raises(BlockedRequest, match=FLAG):
        asyncio.run(guard.process_request(hop))
    assert asyncio.run(PrivateNetworkGuardMiddleware(True).process_request(hop)) is None


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/html,hi",
    "http://user:pw@93.184.216.34/",
])
def test_non_http_and_credential_urls_are_refused_even_when_private_allowed(url: str) -> None:
    guard = PrivateNetworkGuardMiddleware(allow_private=True)
    with pytest.raises(BlockedRequest):
        asyncio.run(guard.process_request(Request(url)))


# A DNS answer that changes between the guard's lookup and the connection (DNS rebinding) is
# simulated by giving the guard a public answer; the connection itself still resolves
# "localhost" to 127.0.0.1, which the resolver installed by our settings must refuse.
_REBIND_PROBE = """
import ipaddress, json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
import crawler.settings
from crawler.middlewares import PrivateNetworkGuardMiddleware

async def first_answer(self, host):
    return [ipaddress.ip_address("93.184.216.34")]
PrivateNetworkGuardMiddleware._addresses = first_answer

errors = []
class Probe(scrapy.Spider):
    name = "probe"
    async def start(self):
        yield scrapy.Request(sys.argv[1], errback=lambda f: errors.append(repr(f.value)))
    def parse(self, response):
        errors.append("fetched")

settings = Settings()
settings.setmodule(crawler.settings)
settings.setdict({"ROBOTSTXT_OBEY": False, "RETRY_ENABLED": False, "ITEM_PIPELINES": {},
                  "LOG_LEVEL": "WARNING", "DEFWATCH_ALLOW_PRIVATE_NETWORKS": sys.argv[2] == "1"})
process = CrawlerProcess(settings)
process.crawl(Probe)
process.start()
print(json.dumps(errors))
"""


@pytest.mark.parametrize("allow", [False, True])
def test_a_rebound_name_is_refused_when_connecting(make_site: Callable[..., Site],
                                                    allow: bool) -> None:
    import json
    import subprocess
    import sys

    site = make_site()
    site.add("/rebind.html", "<html><body>internal</body></html>", "text/html")
    url = f"http://localhost:{site.port}/rebind.html"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", _REBIND_PROBE, url, "1" if allow else "0"],
                          cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    if allow:  # the flag used by tests and the demo still reaches local servers
        assert outcome == ["fetched"] and site.log
    else:
        assert site.log == [] and outcome and "DNS lookup failed" in outcome[0]
        assert "DNS rebinding guard" in proc.stderr
