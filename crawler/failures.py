"""Turn a failed request into a one-line, URL-naming reason (or a robots skip)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_error
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.middlewares import BlockedRequest, RobotsDisallowed

if TYPE_CHECKING:
    from twisted.python.failure import Failure

__all__ = ["describe_failure"]

_TIMEOUTS = (twisted_error.TimeoutError, twisted_error.TCPTimedOutError)


def describe_failure(failure: Failure, timeout: float | None = None) -> tuple[str, str]:
    """``("skip", "robots")`` for robots.txt refusals, else ``("error", one-line reason)``."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    exc = failure.value
    if isinstance(exc, RobotsDisallowed):
        return "skip", "robots"
    return "error", _one_line(_reason(exc, url, request, timeout))


def _reason(exc: BaseException, url: str, request: object, timeout: float | None) -> str:
    host = urlsplit(url).netloc
    retries = getattr(request, "meta", {}).get("retry_times", 0)
    after = f" after {retries} retries" if retries else ""
    if isinstance(exc, HttpError):
        return _http_reason(exc, url, after)
    if isinstance(exc, BlockedRequest):
        return str(exc)
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "max redirections" in text:
            return f"redirect loop or too many redirects (REDIRECT_MAX_TIMES reached) at {url}"
        if "DOWNLOAD_MAXSIZE" in text or "max size" in text.lower():
            return f"size limit: {text}"
        return f"request ignored: {text or type(exc).__name__} ({url})"
    if isinstance(exc, _TIMEOUTS):
        limit = f" after {timeout:g}s" if timeout else ""
        return f"timeout{limit}{after} fetching {url}"
    if isinstance(exc, twisted_error.DNSLookupError):
        return f"DNS lookup failed for {urlsplit(url).hostname}{after}: {url}"
    if isinstance(exc, twisted_error.ConnectionRefusedError):
        return f"connection refused by {host}{after}: {url}"
    if isinstance(exc, (ResponseNeverReceived, ResponseFailed)):
        inner = "; ".join(f.getErrorMessage() for f in getattr(exc, "reasons", [])) or str(exc)
        return f"connection failed{after} ({inner}) fetching {url}"
    if "larger than download max size" in str(exc) or "maxsize" in str(exc).lower():
        return f"size limit: {exc} ({url})"
    return f"{type(exc).__name__}{after}: {exc} ({url})"


def _http_reason(exc: HttpError, url: str, after: str) -> str:
    response = exc.response
    status = response.status
    location = response.headers.get(b"Location")
    if 300 <= status < 400 and location:
        target = location.decode("latin-1")
        return f"redirect to {target} not followed (only http/https targets) from {url}"
    return f"HTTP {status}{after} for {url}"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]
