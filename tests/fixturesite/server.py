"""Fixture news site: four invented outlets plus an admin port, all on 127.0.0.1.

CLI:    python tests/fixturesite/server.py [--port-base 0] [--state-dir DIR]
        prints one JSON line {"outlets": {slug: url}, "admin": url} once every port listens,
        then serves until SIGTERM/SIGINT.
Python: site = FixtureSite(); site.start(); site.urls; site.publish(article_id); site.stop()
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

if __package__ in (None, ""):
    # Run as a script: make `tests.fixturesite` importable from the repository root.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.fixturesite"

from ._http import AdminHandler, OutletHandler
from ._outlets import OUTLETS
from ._render import Renderer, iso
from ._state import SiteState, load_articles

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"


class FixtureSite:
    """All outlet servers and the admin server, each on its own thread and port.

    Args:
        port_base: 0 for free ports; otherwise outlets listen on port_base, port_base+1, ...
            in OUTLETS order and the admin on the next port.
        state_dir: when given, published articles are kept in DIR/state.json across restarts
            and the URLs are written to DIR/urls.json.
    """

    def __init__(self, port_base: int = 0, state_dir: str | Path | None = None) -> None:
        self.port_base = port_base
        self.state_dir = Path(state_dir) if state_dir else None
        if self.state_dir:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        self.state = SiteState(load_articles(), self.state_dir)
        self.renderer: Renderer | None = None  # needs the bound ports, built in start()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._urls: dict[str, Any] = {}

    def _bind(self, offset: int, handler: type) -> ThreadingHTTPServer:
        port = self.port_base + offset if self.port_base else 0
        server = ThreadingHTTPServer((HOST, port), handler)
        server.daemon_threads = True
        server.site = self  # type: ignore[attr-defined]
        self._servers.append(server)
        return server

    def start(self) -> FixtureSite:
        """Bind every port, then start serving; returns self for chaining."""
        if self._servers:
            return self
        outlets: dict[str, str] = {}
        try:
            for offset, outlet in enumerate(OUTLETS):
                server = self._bind(offset, OutletHandler)
                server.outlet = outlet  # type: ignore[attr-defined]
                outlets[outlet.slug] = f"http://{HOST}:{server.server_address[1]}"
            admin = self._bind(len(OUTLETS), AdminHandler)
        except OSError:
            for server in self._servers:
                server.server_close()
            self._servers.clear()
            raise
        self._urls = {"outlets": outlets, "admin": f"http://{HOST}:{admin.server_address[1]}"}
        self.renderer = Renderer(self.state, outlets)
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"fixturesite-{server.server_address[1]}", daemon=True)
            thread.start()
            self._threads.append(thread)
        if self.state_dir:
            (self.state_dir / "urls.json").write_text(json.dumps(self._urls), encoding="utf-8")
        logger.info("fixture site up: %s", self._urls)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def urls(self) -> dict[str, Any]:
        """{"outlets": {slug: base URL}, "admin": URL}; empty before start()."""
        return json.loads(json.dumps(self._urls))

    def article_url(self, article_id: str) -> str:
        article = self.state.by_id[article_id]
        return self._urls["outlets"][article.outlet] + article.path

    def publish(self, article_id: str) -> dict[str, Any]:
        """Make a hidden article visible now; KeyError for an unknown id.

        Returns {id, outlet, url, feed_date, changed}; changed is False when it was visible.
        """
        article, when, changed = self.state.publish(article_id)
        return {"id": article.id, "outlet": article.outlet, "url": self.article_url(article.id),
                "feed_date": iso(when), "changed": changed}

    def publish_next(self) -> dict[str, Any] | None:
        """Publish the oldest still-hidden article; None when none is left."""
        pending = self.state.hidden_ids()
        return self.publish(pending[0]) if pending else None

    def reset(self) -> None:
        """Back to the initial state: hidden articles hidden again, request log empty."""
        self.state.reset()

    def requests(self) -> list[dict[str, Any]]:
        return self.state.requests()

    def clear_requests(self) -> None:
        self.state.clear_requests()

    def manifest(self) -> list[dict[str, Any]]:
        """Manifest entries plus their absolute `url` and current `visible` flag."""
        rows = []
        for article in self.state.articles:
            row = dict(article.meta)
            row["url"] = self.article_url(article.id) if self._urls else None
            row["visible"] = self.state.is_visible(article)
            rows.append(row)
        return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the defwatch fixture news site.")
    parser.add_argument("--port-base", type=int, default=0,
                        help="first port (outlets then admin); 0 picks free ports")
    parser.add_argument("--state-dir", default=None, help="keep publish state and urls.json here")
    args = parser.parse_args(argv)
    try:
        site = FixtureSite(port_base=args.port_base, state_dir=args.state_dir).start()
    except OSError as exc:
        print(f"fixturesite: cannot listen on {HOST} (port base {args.port_base}): {exc.strerror}",
              file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(json.dumps(site.urls), flush=True)
    while not stop.wait(0.5):  # a timed wait lets the signal handler run promptly
        pass
    site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
