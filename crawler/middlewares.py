"""Downloader middlewares: SSRF guard, robots.txt error policy, Retry-After aware retries.

Exceptions raised here are IgnoreRequest subclasses so Scrapy hands them to the request's
errback, where the spiders turn them into ``error`` or ``skip`` records:

- :class:`BlockedRequest`: the request targets a forbidden scheme or address.
- :class:`RobotsDisallowed`: robots.txt forbids the URL, or robots.txt failed (fail closed).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater
from twisted.internet.threads import deferToThread

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

__all__ = [
    "BlockedRequest",
    "PrivateNetworkGuardMiddleware",
    "RetryAfterMiddleware",
    "RobotsDisallowed",
    "RobotsPolicyMiddleware",
    "blocked_address_reason",
]

ALLOW_FLAG = "DEFWATCH_ALLOW_PRIVATE_NETWORKS"
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedRequest(IgnoreRequest):
    """The request was refused before connecting (scheme, userinfo, or private address)."""


class RobotsDisallowed(IgnoreRequest):
    """robots.txt forbids the URL, or robots.txt could not be read (fail-closed policy).

    ``cause`` is None for a real Disallow rule (a skip), else what went wrong with
    robots.txt (an error worth reporting: the site is unreachable or broken).
    """

    def __init__(self, message: str, cause: str | None = None) -> None:
        super().__init__(message)
        self.cause = cause


def blocked_address_reason(ip: IPAddress) -> str | None:
    """Why an address must not be contacted from a public crawler, or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None
        )
        if embedded is not None:
            inner = blocked_address_reason(embedded)
            return f"IPv4-mapped {inner}" if inner else None
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("CGNAT", isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("non-global", not ip.is_global),
    )
    return next((f"{name} address" for name, hit in checks if hit), None)


class PrivateNetworkGuardMiddleware:
    """Refuse requests (every redirect hop included) to non-public addresses.

    Redirects and retries are new requests and pass through ``process_request`` again, so each
    hop is checked. Host names are resolved with getaddrinfo in a thread and *every* address
    must be public. Switch off with ``DEFWATCH_ALLOW_PRIVATE_NETWORKS = True`` (tests, demo).
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._resolved: dict[str, list[IPAddress]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkGuardMiddleware:
        return cls(crawler.settings.getbool(ALLOW_FLAG))

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https"):
            raise BlockedRequest(f"refused {parts.scheme}: URL {request.url} (http/https only)")
        if "@" in parts.netloc or "\\" in parts.netloc:
            raise BlockedRequest(f"refused URL with credentials or backslash: {request.url}")
        if self.allow_private:
            return
        host = parts.hostname or ""
        for ip in await self._addresses(host):
            why = blocked_address_reason(ip)
            if why:
                raise BlockedRequest(
                    f"blocked {request.url}: {host} is {ip}, a {why} "
                    f"(set {ALLOW_FLAG}=true to allow private networks)"
                )

    async def _addresses(self, host: str) -> list[IPAddress]:
        literal = _ip_literal(host)
        if literal is not None:
            return [literal]
        if host not in self._resolved:
            try:
                infos = await maybe_deferred_to_future(
                    deferToThread(socket.getaddrinfo, host, None, 0, socket.SOCK_STREAM)
                )
            except (OSError, UnicodeError) as exc:
                # Same exception type Scrapy's downloader raises, so retries and errbacks agree.
                raise CannotResolveHostError(f"cannot resolve {host}: {exc}") from None
            self._resolved[host] = [
                ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos
            ]
        return self._resolved[host]


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class _DenyAll:
    """Robots parser stand-in used when robots.txt could not be read (fail closed)."""

    def __init__(self, why: str) -> None:
        self.why = why

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class _AllowAll:
    """Robots parser stand-in for a robots.txt that does not exist (4xx)."""

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return True


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """robots.txt with an explicit error policy.

    - 2xx: obey the file.
    - 4xx (e.g. 404): no robots.txt, everything is allowed (RFC 9309 section 2.3.1.3).
    - 5xx (after retries), timeout, DNS or connection errors: the site is treated as fully
      disallowed for this run (fail closed, RFC 9309 section 2.3.1.4); the next run tries again.
    """

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status < 400:
            await super()._parse_robots(response, netloc, request)
            return
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        policy: Any = (
            _AllowAll() if response.status < 500
            else _DenyAll(f"robots.txt returned HTTP {response.status}")
        )
        self._resolve_parser(netloc, policy)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # Imported late: crawler.failures imports this module.
        from crawler.failures import describe_exception

        robots_url = f"http://{netloc}/robots.txt"
        why = describe_exception(exc, robots_url).replace(f": {robots_url}", "")
        self._resolve_parser(netloc, _DenyAll(f"robots.txt unavailable ({why})"))

    def _resolve_parser(self, netloc: str, parser: Any) -> None:
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if hasattr(pending, "callback"):
            pending.callback(parser)

    def process_request_2(self, rp: Any, request: Request) -> None:
        if isinstance(rp, _DenyAll):
            self._stats.inc_value("robotstxt/forbidden")
            raise RobotsDisallowed(f"{rp.why}; site disallowed for this run: {request.url}",
                                   cause=rp.why)
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            raise RobotsDisallowed(f"forbidden by robots.txt: {request.url}") from None


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before retrying instead of retrying at once.

    The wait is the response's Retry-After (seconds or HTTP date) capped at
    DEFWATCH_RETRY_AFTER_MAX, else DEFWATCH_RETRY_BACKOFF * 2**(attempt-1). It is a reactor
    timer, so other requests keep flowing meanwhile.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("DEFWATCH_RETRY_AFTER_MAX", 60.0)
        self.backoff = settings.getfloat("DEFWATCH_RETRY_BACKOFF", 1.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._sleep(self._delay(response, retry.meta["retry_times"]))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await self._sleep(self._delay(None, retry.meta["retry_times"]))
        return retry

    def _delay(self, response: Response | None, attempt: int) -> float:
        header = response.headers.get(b"Retry-After") if response is not None else None
        seconds = parse_retry_after(header.decode("latin-1")) if header else None
        if seconds is None:
            seconds = self.backoff * 2 ** (attempt - 1)
        return max(0.0, min(seconds, self.max_wait))

    @staticmethod
    async def _sleep(seconds: float) -> None:
        if seconds > 0:
            # Imported late: importing the reactor at module level would install the default
            # one before Scrapy installs the asyncio reactor.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


def parse_retry_after(value: str) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP date), or None."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
