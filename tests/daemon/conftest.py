"""Peers for the daemon tests: a feed that answers slowly (to keep a cycle busy) and the fixture
news site."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.fixturesite.server import FixtureSite
from tests.peers import (  # noqa: F401 - fixtures
    HttpReceiver,
    http_receiver,
    smtp_server,
    threaded_http_server,
)

EMPTY_RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title>'
             b"<link>http://127.0.0.1/</link><description>d</description></channel></rss>")


@dataclass
class SlowFeed:
    port: int
    delay: float
    hits: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slow.xml"


@pytest.fixture
def slow_feed() -> Iterator[SlowFeed]:
    """An RSS feed that takes `delay` seconds (default 8) to answer; robots.txt is instant."""
    feed = SlowFeed(0, 8.0)
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/slow.xml":
                feed.hits += 1
                stop.wait(feed.delay)
                body, status = EMPTY_RSS, 200
            else:
                body, status = b"not here", 404
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with threaded_http_server(Handler) as server:
        feed.port = int(server.server_address[1])
        try:
            yield feed
        finally:
            stop.set()  # release requests still waiting, so the server can shut down



@pytest.fixture
def fresh_site(site: FixtureSite) -> FixtureSite:
    site.reset()
    site.clear_requests()
    return site


@pytest.fixture
def receiver(http_receiver: HttpReceiver) -> HttpReceiver:  # noqa: F811 - the fixture
    return http_receiver


def wait_exit(proc: Any, timeout: float) -> int:
    try:
        return int(proc.wait(timeout))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
