"""HTTP handlers: one per outlet port (conditional GET, request log) and the admin port."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from ._outlets import Outlet
from ._render import STATIC_PAGES, Renderer, Resource

if TYPE_CHECKING:
    from .server import FixtureSite

logger = logging.getLogger(__name__)


def not_modified(resource: Resource, if_none_match: str | None, if_modified_since: str | None
                 ) -> bool:
    """RFC 9110 13.1: If-None-Match wins; If-Modified-Since only when it is absent."""
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or resource.etag in tags
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return resource.last_modified.replace(microsecond=0) <= since
    return False


class _QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FixtureNews/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if status != 304 else 0))
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(body)


class OutletHandler(_QuietHandler):
    """Serves one outlet; the server object carries `outlet` and `site` attributes."""

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        site: FixtureSite = self.server.site  # type: ignore[attr-defined]
        outlet: Outlet = self.server.outlet  # type: ignore[attr-defined]
        resource = self._route(site.renderer, outlet, split.path, parse_qs(split.query))
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if resource is None:
            status = 404
        else:
            status = 304 if not_modified(resource, inm, ims) else 200
        # Logged before the response goes out, so a client that has its answer always finds
        # its request in the log.
        site.state.log_request({
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": self.command, "outlet": outlet.slug, "path": split.path,
            "query": split.query, "status": status, "if_none_match": inm,
            "if_modified_since": ims, "user_agent": self.headers.get("User-Agent"),
        })
        if resource is None:
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>",
                       "text/html; charset=utf-8", {"Cache-Control": "no-cache"})
        else:
            self._send(status, resource.body, resource.content_type, {
                "ETag": resource.etag,
                "Last-Modified": format_datetime(resource.last_modified, usegmt=True),
                # no-cache: clients must revalidate every time, so 304s are observable.
                "Cache-Control": "no-cache",
            })

    do_HEAD = do_GET

    def _route(self, renderer: Renderer, outlet: Outlet, path: str,
               query: dict[str, list[str]]) -> Resource | None:
        disc = outlet.discovery
        base = renderer.bases[outlet.slug]
        if path == "/robots.txt":
            return renderer.robots(outlet)
        for kind in ("rss", "atom"):
            if path == disc.get(kind):
                return renderer.feed(outlet, kind, base + path)
        if path == disc.get("news_sitemap"):
            return renderer.news_sitemap(outlet)
        if path == disc.get("sitemap_index"):
            return renderer.sitemap_index(outlet)
        if path == disc.get("pages_sitemap"):
            return renderer.pages_sitemap(outlet)
        if path == "/":
            return renderer.listing(outlet, 1, path=None)
        if path == disc.get("listing"):
            page = query.get("page", ["1"])[0]
            return renderer.listing(outlet, int(page), path=path) if page.isdigit() else None
        static = re.fullmatch(r"/(\w+)/", path)
        if static and static.group(1) in STATIC_PAGES:
            return renderer.static_page(outlet, STATIC_PAGES[static.group(1)])
        section = re.fullmatch(r"/section/(\w+)/", path)
        if section and section.group(1) in {n.lower() for n in outlet.nav}:
            return renderer.static_page(outlet, section.group(1).title())
        article = renderer.state.find(outlet.slug, path.rstrip("/"))
        return renderer.article(article) if article else None


class AdminHandler(_QuietHandler):
    """Control API: publish, reset, request log. Never logged itself."""

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, indent=1).encode("utf-8"),
                   "application/json", {"Cache-Control": "no-store"})

    def do_GET(self) -> None:
        site: FixtureSite = self.server.site  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        if path == "/":
            self._json(200, site.urls)
        elif path == "/requests":
            self._json(200, site.requests())
        elif path == "/manifest":
            self._json(200, site.manifest())
        else:
            self._json(404, {"error": f"no admin route GET {path}"})

    def do_POST(self) -> None:
        site: FixtureSite = self.server.site  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urlsplit(self.path).path
        publish = re.fullmatch(r"/publish/([\w.-]+)", path)
        if publish:
            article_id = publish.group(1)
            if article_id not in site.state.by_id:
                self._json(404, {"error": f"unknown article id {article_id!r}"})
            else:
                self._json(200, site.publish(article_id))
        elif path == "/publish-next":
            result = site.publish_next()
            self._json(200 if result else 404, result or {"error": "no hidden article left"})
        elif path == "/reset":
            site.reset()
            self._json(200, {"reset": True})
        elif path == "/requests/clear":
            site.clear_requests()
            self._json(200, {"cleared": True})
        else:
            self._json(404, {"error": f"no admin route POST {path}"})
