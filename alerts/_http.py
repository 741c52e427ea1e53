"""How HTTP outcomes become ``DeliveryError``s, shared by the Slack and webhook channels.

Retry policy after Alertmanager's ``Retrier``: 2xx is success, 429/408 and 5xx are worth
retrying (honouring ``Retry-After``), any other status is permanent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.error import URLError

from alerts._format import one_line
from alerts.errors import DeliveryError

logger = logging.getLogger(__name__)

REDACTED = "<redacted>"


def header(headers: Any, name: str) -> str | None:
    """Case-insensitive lookup in a dict or an ``http.client.HTTPMessage``."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` value (delta-seconds or HTTP-date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def scrub(text: str, secret: str) -> str:
    return text.replace(secret, REDACTED) if secret else text


def check_status(
    channel: str, service: str, status: int, body: str, headers: Any, secret: str
) -> None:
    """Raise the ``DeliveryError`` an HTTP response means; return on 2xx.

    The reason reads e.g. ``slack webhook rejected the message: 404 no_service`` and has the
    ``secret`` (the webhook URL) removed, in case the peer echoed it.
    """
    if 200 <= status < 300:
        return
    detail = scrub(one_line(f"{status} {body}", 300), secret)
    retry_after = parse_retry_after(header(headers, "Retry-After"))
    if status == 429:
        raise DeliveryError(
            channel,
            f"{service} rate-limited the message: {detail}",
            retryable=True,
            retry_after=retry_after,
        )
    if status >= 500 or status == 408:
        raise DeliveryError(
            channel, f"{service} failed: {detail}", retryable=True, retry_after=retry_after
        )
    raise DeliveryError(channel, f"{service} rejected the message: {detail}", retryable=False)


def transport_error(channel: str, service: str, exc: BaseException, secret: str) -> DeliveryError:
    """A retryable ``DeliveryError`` for a timeout or connection failure (no status at all)."""
    cause = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(cause, TimeoutError) or "timed out" in str(cause):
        return DeliveryError(channel, f"timeout talking to {service}", retryable=True)
    text = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause)
    reason = scrub(one_line(text or type(cause).__name__, 200), secret)
    return DeliveryError(channel, f"cannot reach {service}: {reason}", retryable=True)
