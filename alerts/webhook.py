"""Generic webhook channel: POST one JSON document per alert.

Request: ``POST <url>`` with ``Content-Type: application/json``, the configured extra
``headers``, and ``Idempotency-Key`` / ``X-Defwatch-Alert-Id`` set to the alert id (the same
id on every retry, so a receiver can drop duplicates). Body, version 1 (full description
and an example in ``alerts/templates/webhook-body.md``)::

    {"version": 1, "alert_id": "…", "kind": "visit|update|health|digest", "headline": "…",
     "event": {"id", "kind", "visitor_country", "host_country", "officials": [{name, title,
               country}], "location", "event_date", "score", "evidence"} | null,
     "reports": [{"url", "title", "source", "published"}], "new_reports": [...],
     "items": [<body of each digest entry>], "text": "…"}

Response: any 2xx is success; 429/408/5xx are retried (``Retry-After`` honoured); other
statuses, and redirects (never followed, they could carry the headers elsewhere), are
permanent failures.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from http.client import HTTPException
from typing import Any
from urllib.error import HTTPError

from alerts import _http
from alerts.base import Alert
from alerts.config import WebhookChannelConfig

__all__ = ["WebhookChannel", "webhook_body"]

logger = logging.getLogger(__name__)

SERVICE = "webhook"
BODY_VERSION = 1
_EVENT_FIELDS = {
    "id": "event_id",
    "kind": "event_kind",
    "visitor_country": "visitor_country",
    "host_country": "host_country",
    "officials": "officials",
    "location": "location",
    "event_date": "event_date",
    "score": "score",
    "evidence": "evidence",
}


def webhook_body(alert: Alert) -> dict[str, Any]:
    """The documented JSON body for ``alert`` (see the module docstring)."""
    flat = alert.to_dict()
    event = None
    if alert.kind in ("visit", "update"):
        event = {key: flat[name] for key, name in _EVENT_FIELDS.items()}
    return {
        "version": BODY_VERSION,
        "alert_id": alert.alert_id,
        "kind": alert.kind,
        "headline": alert.headline,
        "event": event,
        "reports": flat["reports"],
        "new_reports": flat["new_reports"],
        "items": [webhook_body(item) for item in alert.items],
        "text": alert.text,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


_OPENER = urllib.request.build_opener(_NoRedirect)


class WebhookChannel:
    """POSTs the JSON body to ``cfg.url`` with urllib, with ``cfg.timeout`` per request."""

    def __init__(self, cfg: WebhookChannelConfig) -> None:
        self.cfg = cfg
        self.name = cfg.name
        self._url = cfg.url.get_secret_value()

    def __repr__(self) -> str:
        return f"WebhookChannel({self.name!r}, {self.cfg.url.redacted()!r})"

    def send(self, alert: Alert) -> None:
        """POST ``alert``.

        Raises:
            DeliveryError: retryable on 429 (with ``retry_after``), 408, 5xx, timeouts and
                connection errors; permanent on other statuses.
        """
        data = json.dumps(webhook_body(alert), ensure_ascii=False).encode("utf-8")
        headers = {key: value.get_secret_value() for key, value in self.cfg.headers.items()}
        headers.update(
            {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "defwatch-alerts/1",
                "Idempotency-Key": alert.alert_id,
                "X-Defwatch-Alert-Id": alert.alert_id,
            }
        )
        request = urllib.request.Request(self._url, data=data, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=self.cfg.timeout) as response:
                status, body, reply_headers = response.status, response.read(4096), response.headers
        except HTTPError as exc:
            status, body, reply_headers = exc.code, exc.read(4096), exc.headers
            exc.close()
        except (OSError, HTTPException) as exc:
            raise _http.transport_error(self.name, SERVICE, exc, self._url) from None
        _http.check_status(
            self.name, SERVICE, status, body.decode("utf-8", "replace"), reply_headers, self._url
        )
        logger.info("channel=%s alert=%s: posted to webhook", self.name, alert.alert_id)
