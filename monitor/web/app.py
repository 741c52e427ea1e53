"""The Starlette application: routes, security headers, one-line errors, archive lifetime."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.errors import MonitorError, UsageError
from monitor.query.show import NotFound
from monitor.web import api, pages

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
# No script runs on any page: there is none of ours, and archived pages must not run theirs.
# The sandboxed srcdoc frame inherits this policy, so it cannot load remote images either.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the CSP (unless a route set its own) and hardening headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return pages.render(request, "error.html", status=status, message=message)


async def _usage_error(request: Request, exc: Exception) -> Response:
    return _error(request, 404 if isinstance(exc, NotFound) else 400, str(exc))


async def _monitor_error(request: Request, exc: Exception) -> Response:
    logger.error("request %s failed: %s", request.url.path, exc)
    return _error(request, 503, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, str(exc.detail))


def create_app(archive_url: str, *, gazetteer_dir: str | None = None) -> Starlette:
    """The read-only web view of the archive at `archive_url` (opened at start-up)."""
    from monitor.archive import Archive

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        archive = Archive(archive_url).open()
        app.state.archive = archive
        try:
            yield
        finally:
            archive.close()

    app = Starlette(
        routes=[*pages.ROUTES, *api.ROUTES,
                Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static")],
        exception_handlers={NotFound: _usage_error, UsageError: _usage_error,
                            MonitorError: _monitor_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.gazetteer_dir = gazetteer_dir
    app.add_middleware(SecurityHeaders)
    return app

