"""Turn a failed request into a one-line, URL-naming reason (or a robots skip)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_error

from crawler.middlewares import BlockedRequest, RobotsDisallowed

if TYPE_CHECKING:
    from twisted.python.failure import Failure

__all__ = ["describe_exception", "describe_failure"]

_TIMEOUTS = (DownloadTimeoutError, twisted_error.TimeoutError, twisted_error.TCPTimedOutError)
_REFUSED = (DownloadConnectionRefusedError, twisted_error.ConnectionRefusedError)
_DNS = (CannotResolveHostError, twisted_error.DNSLookupError)


def describe_failure(failure: Failure, timeout: float | None = None) -> tuple[str, str]:
    """``("skip", "robots")`` when robots.txt forbids the URL, else ``("error", reason)``."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    exc = failure.value
    if isinstance(exc, RobotsDisallowed):
        if exc.cause is None:
            return "skip", "robots"
        return "error", _one_line(f"{exc}")
    retries = request.meta.get("retry_times", 0) if request is not None else 0
    first = (request.meta.get("redirect_urls") or [url])[0] if request is not None else url
    return "error", _one_line(describe_exception(exc, url, retries, timeout, first))


def describe_exception(exc: BaseException, url: str, retries: int = 0,
                       timeout: float | None = None, first_url: str | None = None) -> str:
    """What went wrong fetching ``url``, in one line that names the URL."""
    host = urlsplit(url).netloc
    after = f" after {retries} retries" if retries else ""
    if isinstance(exc, HttpError):
        return _http_reason(exc, url, after)
    if isinstance(exc, BlockedRequest):
        return str(exc)
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "max redirections" in text:
            start = f" (started at {first_url})" if first_url and first_url != url else ""
            return f"redirect loop or too many redirects (REDIRECT_MAX_TIMES) at {url}{start}"
        if "DOWNLOAD_MAXSIZE" in text:
            return f"size limit: {text}"
        return f"request ignored: {text or type(exc).__name__} ({url})"
    if isinstance(exc, _TIMEOUTS):
        limit = f" (DOWNLOAD_TIMEOUT {timeout:g}s)" if timeout else ""
        return f"timeout{limit}{after} fetching {url}"
    if isinstance(exc, _DNS):
        return f"DNS lookup failed for {urlsplit(url).hostname}{after}: {url}"
    if isinstance(exc, _REFUSED):
        return f"connection refused by {host}{after}: {url}"
    if isinstance(exc, ResponseDataLossError):
        return f"truncated response (data loss){after}: {url}"
    text = str(exc)
    if "max size" in text.lower() or "maxsize" in text.lower():
        return f"size limit: {text} ({url})"
    return f"{type(exc).__name__}{after}: {text} ({url})"


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
