"""Test web sites and crawl runner for the crawler tests (servers on 127.0.0.1:0).

Each ``Site`` is a threaded http.server with a route table and a request log, so a test can
prove what was (and was not) requested. Crawls run through the real
``python -m crawler run`` subprocess, as monitor runs them.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parents[2]
Reply = tuple[int, dict[str, str], bytes]
Route = Callable[["Handler"], Reply | None]

# Settings every test crawl uses: loopback allowed, no politeness delays, short waits.
FAST_SETTINGS: dict[str, Any] = {
    "DEFWATCH_ALLOW_PRIVATE_NETWORKS": True,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 2,
    "RETRY_TIMES": 1,
    "DEFWATCH_RETRY_BACKOFF": 0,
    "LOG_LEVEL": "INFO",
}


@dataclass
class Logged:
    method: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    """A test web site: ``routes`` maps a path (no query) to a handler; ``log`` records hits."""

    routes: dict[str, Route] = field(default_factory=dict)
    log: list[Logged] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Logged]:
        return [r for r in self.log if r.path.split("?")[0] == path]

    def add(self, path: str, body: bytes | str, ctype: str = "text/html; charset=utf-8",
            status: int = 200, **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        hdrs = {"Content-Type": ctype, **{k.replace("_", "-"): v for k, v in headers.items()}}
        self.routes[path] = lambda _h: (status, hdrs, data)


class Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.site.log.append(Logged("GET", self.path, {k.lower(): v for k, v in self.headers.items()},
                                    time.monotonic()))
        route = self.site.routes.get(self.path.split("?")[0])
        reply = route(self) if route else (404, {"Content-Type": "text/plain"}, b"not found")
        if reply is None:  # the route handled the socket itself
            return
        status, headers, body = reply
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        return


def start_site(routes: dict[str, Route] | None = None) -> Site:
    site = Site(routes=dict(routes or {}))
    handler = type("BoundHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site


# -- documents ----------------------------------------------------------------------------

def article_html(title: str, body: str = "Body text.") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{body}</p></body></html>")


def rss(items: list[tuple[str, str]], prolog: str = "") -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{escape(link)}</link>"
        f"<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate></item>" for link, title in items)
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel>'
            f"<title>t</title><link>http://example.invalid/</link>{entries}</channel></rss>")


def atom(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<entry><title>{title}</title><link href={quoteattr(link)}/><id>{escape(link)}</id>"
        f"<updated>2024-01-03T08:30:00Z</updated></entry>" for link, title in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>a</title><id>urn:x</id><updated>2024-01-03T08:30:00Z</updated>{entries}</feed>")


def urlset(items: list[tuple[str, str, str]]) -> str:
    urls = "".join(
        f"<url><loc>{escape(loc)}</loc><news:news><news:publication><news:name>N</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{date}</news:publication_date><news:title>{title}</news:title>"
        f"</news:news></url>" for loc, title, date in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>")


def sitemap_index(locs: list[str]) -> str:
    inner = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</sitemapindex>')


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


# -- running the crawler -------------------------------------------------------------------

@dataclass
class CrawlResult:
    records: list[dict[str, Any]]
    returncode: int
    stderr: str
    seconds: float

    def of(self, rtype: str, source: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.records
                if r["type"] == rtype and (source is None or r["source"] == source)]

    def stats(self, source: str) -> dict[str, Any]:
        found = self.of("source_stats", source)
        assert len(found) == 1, f"expected one source_stats for {source}, got {found}"
        return found[0]


def run_crawler(tmp_path: Path, sources: list[dict[str, Any]], *, settings: dict | None = None,
                feed_state: dict | None = None, known: list[str] | None = None,
                name: str = "job") -> CrawlResult:
    """Write a job file and run ``python -m crawler run`` on it in a subprocess."""
    job: dict[str, Any] = {"sources": sources, "feed_state": feed_state or {},
                           "settings": {**FAST_SETTINGS, **(settings or {})}}
    if known is not None:
        known_file = tmp_path / f"{name}-known.txt"
        known_file.write_text("".join(u + "\n" for u in known), encoding="utf-8")
        job["known_urls_file"] = str(known_file)
    job_file, out_file = tmp_path / f"{name}.json", tmp_path / f"{name}.jsonl"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "run", "--job", str(job_file), "--out", str(out_file)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    seconds = time.monotonic() - started
    records = []
    if out_file.exists():
        records = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    return CrawlResult(records, proc.returncode, proc.stderr, seconds)


def source(name: str, kind: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "url": url, "language": "en", "link_selector": None,
            "allow": None, "spider": None, **extra}
