"""Slack channel: a Block Kit message per alert, posted to an incoming webhook.

Every scraped string is escaped with Slack's three entities (``&amp; &lt; &gt;``, and
only those, as Slack's formatting reference asks), so a headline containing ``<!channel>``
or ``<http://evil|click>`` shows as text instead of pinging or linking. The webhook URL is
a secret: it never appears in a ``DeliveryError`` reason or in a log line.
"""

from __future__ import annotations

import logging
import math
from http.client import HTTPException
from typing import Any
from urllib.parse import quote

from slack_sdk.webhook import WebhookClient

from alerts import _format, _http
from alerts.base import Alert, Report
from alerts.config import SlackChannelConfig

__all__ = ["SlackChannel", "build_payload", "escape"]

logger = logging.getLogger(__name__)

SERVICE = "slack webhook"
HEADER_MAX = 150  # Block Kit limits
SECTION_MAX = 3000
MAX_BLOCKS = 50
MAX_REPORTS = 25
MAX_DIGEST_ITEMS = 40
MAX_URL = 1000  # longer URLs are shown as their title only


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: object, limit: int) -> str:
    """One line of scraped text, escaped, at most ``limit`` characters after escaping."""
    size = limit
    while True:
        out = escape(_format.one_line(text, size))
        if len(out) <= limit:
            return out
        size -= len(out) - limit


def _link(report: Report) -> str:
    title = _fit(_format.report_title(report), 300)
    if not _format.is_http_url(report.url) or len(report.url) > MAX_URL:
        return title
    # Percent-encode what would end the <url|text> syntax early, then entity-escape '&'.
    url = escape(quote(report.url, safe=":/?#[]@!$&'()*+,;=%~"))
    return f"<{url}|{title}>"


def _report_line(report: Report) -> str:
    meta = ", ".join(
        x for x in (_fit(report.source or "", 80), _format.show_date(report.published)) if x
    )
    return f"• {_link(report)}" + (f" — {meta}" if meta else "")


def _pack(lines: list[str]) -> list[str]:
    """Join ``lines`` into as few texts as fit the section limit, never splitting a line
    (a cut could leave half a ``<url|title>`` link or half an entity)."""
    chunks: list[str] = []
    for line in lines:
        line = line if len(line) <= SECTION_MAX else _format.one_line(line, SECTION_MAX)
        if chunks and len(chunks[-1]) + 1 + len(line) <= SECTION_MAX:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def _sections(lines: list[str]) -> list[dict[str, Any]]:
    return [_mrkdwn(chunk) for chunk in _pack(lines)]


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _reports(title: str, reports: tuple[Report, ...]) -> list[dict[str, Any]]:
    if not reports:
        return []
    lines = [_report_line(r) for r in reports[:MAX_REPORTS]]
    if len(reports) > MAX_REPORTS:
        lines.append(f"… and {len(reports) - MAX_REPORTS} more")
    return _sections([f"*{title}*", *lines])


def _summary(alert: Alert) -> str:
    parts = [f"*{escape(_format.route(alert))}*"]
    if alert.event_kind:
        parts.append(_fit(alert.event_kind, 40))
    if alert.score is not None:
        parts.append(f"confidence {alert.score:.2f}")
    return "  ·  ".join(parts)


def _event_blocks(alert: Alert) -> list[dict[str, Any]]:
    details = []
    for o in alert.officials:
        title = f", {_fit(o.title, 160)}" if o.title else ""
        country = f" ({escape(_format.country_label(o.country))})" if o.country else ""
        details.append(f"• *{_fit(o.name, 120)}*{title}{country}")
    if alert.location:
        details.append(f"*Location:* {_fit(alert.location, 120)}")
    if alert.event_date:
        details.append(f"*Date:* {_format.show_date(alert.event_date)}")
    blocks = [_mrkdwn(_summary(alert))]
    blocks += _sections(details)
    quote = [f"> {_fit(line, 1000)}" for line in _format.paragraph(alert.evidence).splitlines()]
    blocks += _sections(quote)
    if alert.kind == "update":
        return blocks + _reports("New reports", alert.new_reports or alert.reports)
    return blocks + _reports("Reports", alert.reports)


def _digest_blocks(alert: Alert) -> list[dict[str, Any]]:
    blocks = []
    for item in alert.items[:MAX_DIGEST_ITEMS]:
        line = f"*{_fit(_format.headline(item), 300)}*\n{_summary(item)}"
        facts = [_fit(item.location or "", 120), _format.show_date(item.event_date)]
        if any(facts):
            line += "\n" + "  ·  ".join(f for f in facts if f)
        links = [_report_line(r) for r in item.reports[:3]]
        blocks.append(_mrkdwn(_pack([line, *links])[0]))  # links that do not fit are dropped
    if len(alert.items) > MAX_DIGEST_ITEMS:
        blocks.append(_context(f"… and {len(alert.items) - MAX_DIGEST_ITEMS} more events"))
    return blocks


def build_payload(alert: Alert) -> dict[str, Any]:
    """The webhook JSON body: ``text`` (notification fallback) and ``blocks``."""
    title = f"{_format.KIND_LABELS[alert.kind]}: {_format.headline(alert)}"
    header = {
        "type": "header",
        "text": {"type": "plain_text", "text": _fit(title, HEADER_MAX), "emoji": True},
    }
    if alert.kind == "health":
        body = [_mrkdwn(escape(_format.paragraph(alert.text, SECTION_MAX // 2)))]
    elif alert.kind == "digest":
        body = _digest_blocks(alert)
    else:
        body = _event_blocks(alert)
    ids = f"alert {_fit(alert.alert_id, 200)}"
    if alert.event_id is not None:
        ids = f"event {_fit(alert.event_id, 100)}  ·  {ids}"
    blocks = [header, *body[: MAX_BLOCKS - 2], _context(ids)]
    fallback = _fit(title, 500)
    if alert.kind not in ("health", "digest"):
        fallback += f" ({escape(_format.route(alert))})"
    return {"text": fallback, "blocks": blocks}


class _RedactUrl(logging.Filter):
    """slack_sdk logs the webhook URL at DEBUG/INFO; this removes it from its records."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = _http.scrub(message, self.secret), None
        return True


class SlackChannel:
    """Posts alerts to ``cfg.webhook_url`` with ``slack_sdk``'s ``WebhookClient``."""

    def __init__(self, cfg: SlackChannelConfig) -> None:
        self.cfg = cfg
        self.name = cfg.name
        self._url = cfg.webhook_url.get_secret_value()
        sdk_logger = logging.getLogger(f"{__name__}.sdk.{cfg.name}")
        if not any(isinstance(f, _RedactUrl) and f.secret == self._url for f in sdk_logger.filters):
            sdk_logger.addFilter(_RedactUrl(self._url))
        # retry_handlers=[]: retries belong to monitor's outbox, which honours Retry-After.
        self._client = WebhookClient(
            self._url, timeout=math.ceil(cfg.timeout), logger=sdk_logger, retry_handlers=[]
        )

    def __repr__(self) -> str:
        return f"SlackChannel({self.name!r}, {self.cfg.webhook_url.redacted()!r})"

    def send(self, alert: Alert) -> None:
        """Post ``alert``.

        Raises:
            DeliveryError: retryable on 429 (with ``retry_after``), 5xx, timeouts and
                connection errors; permanent on other 4xx (400/403/404/410).
        """
        payload = build_payload(alert)
        try:
            response = self._client.send(text=payload["text"], blocks=payload["blocks"])
        except (OSError, HTTPException) as exc:  # URLError and socket timeouts are OSErrors
            raise _http.transport_error(self.name, SERVICE, exc, self._url) from None
        _http.check_status(
            self.name,
            SERVICE,
            response.status_code,
            response.body or "",
            response.headers,
            self._url,
        )
        logger.info("channel=%s alert=%s: posted to slack", self.name, alert.alert_id)
