"""The alert outbox: rows written with their event, sent by the dispatcher, marked once sent.

Guarantees: a row is created in the same transaction as its event (never lost), its dedup key is
unique (never queued twice), and it is marked sent right after the channel accepted it. The one
residual window: the channel accepted the message and the process died before the mark was
committed; the row is then sent again after restart, carrying the same alert id (email
Message-ID, Slack context line, webhook Idempotency-Key) so a human or receiver can spot it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session, col, select

from alerts import Alert, DeliveryError, backoff, build_channel
from monitor.archive.models import Article, Event, Outbox
from monitor.config import AppConfig
from monitor.eventrows import event_reports

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
# A Retry-After this short is waited for inside the run; longer ones are rescheduled.
_INLINE_WAIT_SECONDS = 5.0
_INLINE_TRIES = 3


def alert_id(row_id: int) -> str:
    return f"defwatch-alert-{row_id}"


def enqueue_event_alerts(config: AppConfig, session: Session, event: Event, article_id: int,
                         is_new: bool, now: datetime) -> None:
    """Queue one alert per channel for a new event, or an update when a report is added."""
    for channel in config.channels:
        if not channel.enabled:
            continue
        if is_new:
            key = f"visit-{event.id}-{channel.name}"
            kind = "visit"
        else:
            if channel.updates == "silent" or _visit_still_pending(session, event, channel.name):
                continue
            key = f"update-{event.id}-{article_id}-{channel.name}"
            kind = "update"
        if session.exec(select(Outbox.id).where(Outbox.dedup_key == key)).first() is not None:
            continue
        session.add(Outbox(
            event_id=event.id, channel=channel.name, kind=kind, dedup_key=key,
            payload={"article_id": article_id}, status="pending", attempts=0,
            next_attempt_at=_first_attempt(channel, event, now), created_at=now,
        ))


def _visit_still_pending(session: Session, event: Event, channel: str) -> bool:
    """An unsent visit alert is rendered at send time, so it will already name the new report."""
    key = f"visit-{event.id}-{channel}"
    row = session.exec(select(Outbox).where(Outbox.dedup_key == key)).first()
    return row is not None and row.status == "pending"


def _first_attempt(channel: Any, event: Event, now: datetime) -> datetime:
    if channel.mode == "digest" or channel.route(event.confidence) == "digest":
        return _next_digest_time(channel, now)
    quiet_end = channel.quiet_until(now)
    return quiet_end or now


def _next_digest_time(channel: Any, now: datetime) -> datetime:
    hours = int(channel.digest_hours)
    epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
    slots = int((now - epoch).total_seconds() // (hours * 3600)) + 1
    return epoch + timedelta(hours=hours * slots)


@dataclass
class Delivery:
    """What happened to one outbox row in this run."""

    row_id: int
    channel: str
    kind: str
    status: str
    error: str | None = None


def dispatch_pending(config: AppConfig, archive: Any, now: datetime | None = None, *,
                     sleep: Callable[[float], None] = time.sleep) -> list[dict[str, Any]]:
    """Send every due pending row. One channel failing never holds back another."""
    now = now or datetime.now(timezone.utc)
    channels = {c.name: c for c in config.channels if c.enabled}
    with archive.read() as session:
        due = session.exec(
            select(Outbox.id, Outbox.channel).where(Outbox.status == "pending")
            .where((col(Outbox.next_attempt_at).is_(None)) | (col(Outbox.next_attempt_at) <= now))
            .order_by(col(Outbox.id))
        ).all()
    results: list[dict[str, Any]] = []
    built: dict[str, Any] = {}
    for row_id, channel_name in due:
        cfg = channels.get(channel_name)
        if cfg is None:
            continue  # channel removed or disabled: keep the row for when it comes back
        if channel_name not in built:
            built[channel_name] = build_channel(cfg)
        results.append(_deliver_one(archive, built[channel_name], row_id, now, sleep).__dict__)
    return results


def _deliver_one(archive: Any, channel: Any, row_id: int, now: datetime,
                 sleep: Callable[[float], None]) -> Delivery:
    with archive.read() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        alert = build_alert(session, row)
        kind = row.kind
    if alert is None:
        _finish(archive, row_id, "failed", "suppressed: the event was marked a false positive")
        return Delivery(row_id, channel.name, kind, "failed", "false positive")
    error: DeliveryError | None = None
    for _ in range(_INLINE_TRIES):
        try:
            channel.send(alert)
        except DeliveryError as exc:
            error = exc
            wait = exc.retry_after
            if exc.retryable and wait is not None and wait <= _INLINE_WAIT_SECONDS:
                sleep(wait)
                continue
            break
        else:
            _finish(archive, row_id, "sent", None, payload=alert.to_dict())
            logger.info("alert %s sent to %s", alert.alert_id, channel.name)
            return Delivery(row_id, channel.name, kind, "sent")
    assert error is not None
    return _record_failure(archive, row_id, channel.name, kind, error, now)


def _record_failure(archive: Any, row_id: int, channel: str, kind: str, error: DeliveryError,
                    now: datetime) -> Delivery:
    with archive.write() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        row.attempts += 1
        row.last_error = error.reason
        if error.retryable and row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + timedelta(
                seconds=backoff(row.attempts, retry_after=error.retry_after))
            status = "pending"
        else:
            row.status = status = "failed"
            if error.retryable:
                row.last_error = f"gave up after {row.attempts} attempts: {error.reason}"
        session.add(row)
    log = logger.warning if status == "pending" else logger.error
    log("alert row %d to %s %s: %s", row_id, channel,
        "will be retried" if status == "pending" else "failed", error.reason)
    return Delivery(row_id, channel, kind, status, error.reason)


def _finish(archive: Any, row_id: int, status: str, error: str | None,
            payload: dict[str, Any] | None = None) -> None:
    with archive.write() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        row.status = status
        row.attempts += 1
        row.last_error = error
        if status == "sent":
            row.sent_at = datetime.now(timezone.utc)
        if payload is not None:
            row.payload = {**row.payload, "alert": payload}
        session.add(row)


def build_alert(session: Session, row: Outbox) -> Alert | None:
    """The alert for a row, rendered from the event as it stands now (None if suppressed)."""
    if row.kind == "health":
        return Alert(alert_id=alert_id(int(row.id or 0)), kind="health",
                     headline=str(row.payload.get("headline", "Source health")),
                     text=str(row.payload.get("text", "")))
    event = session.get(Event, row.event_id)
    if event is None or event.status == "false_positive":
        return None
    reports = event_reports(session, int(event.id or 0))
    new_id = row.payload.get("article_id")
    evidence = next((m.evidence[0] for a, m in reports if m.evidence), "")
    return Alert(
        alert_id=alert_id(int(row.id or 0)), kind=row.kind,  # type: ignore[arg-type]
        event_id=event.id, headline=_headline(event),
        visitor_country=event.visitor_country, host_country=event.host_country,
        event_kind=event.kind, officials=tuple(event.officials or ()),
        location=event.location, event_date=event.event_date, score=event.confidence,
        evidence=evidence,
        reports=tuple(_report(a) for a, _ in reports),
        new_reports=tuple(_report(a) for a, _ in reports if row.kind == "update" and a.id == new_id),
    )



def _report(article: Article) -> dict[str, Any]:
    return {"url": article.url, "title": article.title, "source": article.source,
            "published": article.published}


_COUNTRY = {"IR": "Iranian", "PK": "Pakistani"}
_KIND = {"port_call": "port call", "delegation": "delegation visit", "hosting": "visit",
         "visit": "visit"}


def _headline(event: Event) -> str:
    who = _COUNTRY.get(event.visitor_country or "", "")
    names = [o.get("name") for o in event.officials or [] if o.get("country") == event.visitor_country]
    subject = names[0] if names else f"{who} military".strip()
    where = event.location or {"IR": "Iran", "PK": "Pakistan"}.get(event.host_country or "", "?")
    return f"{subject}: {_KIND.get(event.kind or '', 'visit')} in {where}"
