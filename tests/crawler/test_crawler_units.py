"""Small pure pieces: canonical URLs, Retry-After parsing, XML hardening, settings, imports."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from crawlsite import REPO

from crawler import settings
from crawler.middlewares import parse_retry_after
from crawler.spiders.feed import parse_feed_bytes
from crawler.spiders.sitemap import parse_sitemap_bytes
from crawler.urls import canonicalize


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTP://Example.COM:80/News/A?b=2&a=1#frag", "http://example.com/News/A?a=1&b=2"),
    ("https://example.com:443/x?utm_source=rss&utm_medium=feed&id=7&fbclid=abc&gclid=z",
     "https://example.com/x?id=7"),
    ("https://example.com:8443/x", "https://example.com:8443/x"),
    ("https://example.com", "https://example.com/"),
    ("http://example.com/a%7eb/c d", "http://example.com/a~b/c%20d"),
])
def test_canonicalize(url: str, canonical: str) -> None:
    assert canonicalize(url) == canonical
    assert canonicalize(canonical) == canonical  # idempotent


def test_retry_after_parsing() -> None:
    assert parse_retry_after("1") == 1.0
    soon = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= (parse_retry_after(format_datetime(soon, usegmt=True)) or 0) <= 31
    assert parse_retry_after("soon") is None


def test_feed_parser_never_opens_paths_or_urls(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><item><link>http://leak/</link></item>'
                      "</channel></rss>")
    entries, problem = parse_feed_bytes(str(secret).encode(), "http://x/feed")
    assert entries == [] and problem is not None


def test_sitemap_entities_are_dropped_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "nonce.txt"
    secret.write_text("NONCE123")
    body = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">'
            '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>http://h/p&x;&b;</loc></url></urlset>").encode()
    kind, entries = parse_sitemap_bytes(body)
    assert kind == "urlset" and entries == [("http://h/p", None, None)]


def test_politeness_and_bounds_are_explicit() -> None:
    assert settings.ROBOTSTXT_OBEY is True and settings.AUTOTHROTTLE_ENABLED is True
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN == 2
    assert 0 < settings.DOWNLOAD_MAXSIZE <= 16 * 1024 * 1024
    assert 0 < settings.DOWNLOAD_TIMEOUT <= 30
    assert settings.REDIRECT_MAX_TIMES <= 5 and settings.DOWNLOAD_VERIFY_CERTIFICATES is True
    assert settings.TELNETCONSOLE_ENABLED is False
    assert settings.DEFWATCH_ALLOW_PRIVATE_NETWORKS is False
    assert "+http" in settings.USER_AGENT  # a contact URL
    assert {429, 500, 503} <= set(settings.RETRY_HTTP_CODES)


def test_import_crawler_stays_light() -> None:
    code = ("import sys, crawler, crawler.sources, crawler.urls, crawler.run, crawler.settings;"
            "print(__import__('json').dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout
    loaded = set(json.loads(out))
    for heavy in ("spacy", "sqlmodel", "sqlalchemy", "monitor", "alerts", "trafilatura"):
        assert heavy not in loaded, heavy


def test_bad_job_is_a_one_line_usage_error(tmp_path: Path) -> None:
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"sources": [{"name": "x", "kind": "rss", "url": "file:///etc"}]}))
    proc = subprocess.run([sys.executable, "-m", "crawler", "run", "--job", str(job), "--out",
                           str(tmp_path / "o.jsonl")], cwd=REPO, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 2
    expected = (f"crawler: error: {job}: sources[0].url: only http and https URLs are allowed "
                "(got scheme 'file')")
    assert proc.stderr.strip().splitlines() == [expected]
