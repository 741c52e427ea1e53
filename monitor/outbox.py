"""The alert outbox: rows written with their event, sent by the dispatcher, marked once sent.

Guarantees: a row is created in the same transaction as its event (never lost), its dedup key is
unique (never queued twice), and it is marked sent right after the channel accepted it. Only one
dispatcher sends at a time, across threads (a mutex) and processes (the "dispatch" lock in the
archive), so a cron `defwatch run` next to the daemon never sends a row twice.

The one residual window: the channel accepted the message and the process died before the mark
was committed; the row is then sent again after restart, carrying the same alert id (email
Message-ID, Slack context line, webhook Idempotency-Key) so a human or receiver can spot it.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event as sa_event
from sqlmodel import Session, col, select

from alerts import Alert, DeliveryError, backoff, build_channel
from monitor.archive.models import Article, Event, Outbox
from monitor.config import AppConfig
from monitor.eventrows import event_reports

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
# A Retry-After this short is waited for inside the run (other channels go first).
_INLINE_WAIT_SECONDS = 5.0
_INLINE_PASSES = 3
_dispatch_mutex = threading.Lock()
_crash_armed = False


def alert_id(row_id: int) -> str:
    return f"defwatch-alert-{row_id}"


def arm_crash_after_commit() -> None:
    """Test hook (DEFWATCH_TEST_CRASH_AFTER_COMMIT=1, read by the daemon): SIGKILL this process
    right after the first transaction that queued an alert commits, before anything is sent."""
    global _crash_armed
    _crash_armed = True


def _watch_commit(session: Session) -> None:
    if _crash_armed and not sa_event.contains(session, "after_commit", _crash_now):
        sa_event.listen(session, "after_commit", _crash_now)


def _crash_now(session: Session) -> None:
    logger.error("test hook: killing the process after the outbox commit")
    os.kill(os.getpid(), signal.SIGKILL)


# --- queueing (inside the caller's transaction) -------------------------------------------------

def enqueue_event_alerts(config: AppConfig, session: Session, event: Event, article_id: int,
                         is_new: bool, now: datetime) -> None:
    """Queue one alert per channel for a new event, or an update when a report is added."""
    for channel in config.channels:
        if not channel.enabled:
            continue
        if is_new:
            key, kind = f"visit-{event.id}-{channel.name}", "visit"
        else:
            if channel.updates == "silent" or _visit_still_pending(session, event, channel.name):
                continue
            key, kind = f"update-{event.id}-{article_id}-{channel.name}", "update"
        route = channel.route(event.confidence)
        _add(session, Outbox(
            event_id=event.id, channel=channel.name, kind=kind, dedup_key=key,
            payload={"article_id": article_id, "route": route}, status="pending", attempts=0,
            next_attempt_at=_first_attempt(channel, route, now), created_at=now,
        ))


def enqueue_health(config: AppConfig, session: Session, key: str, headline: str, text: str,
                   now: datetime) -> None:
    """Queue an operational alert on every channel, once per `key`."""
    for channel in config.channels:
        if channel.enabled:
            _add(session, Outbox(
                event_id=None, channel=channel.name, kind="health",
                dedup_key=f"{key}-{channel.name}",
                payload={"headline": headline, "text": text, "route": "instant"},
                status="pending", attempts=0, next_attempt_at=now, created_at=now,
            ))


def _add(session: Session, row: Outbox) -> None:
    if session.exec(select(Outbox.id).where(Outbox.dedup_key == row.dedup_key)).first() is None:
        session.add(row)
        _watch_commit(session)


def _visit_still_pending(session: Session, event: Event, channel: str) -> bool:
    """An unsent visit alert is rendered at send time, so it will already name the new report."""
    key = f"visit-{event.id}-{channel}"
    row = session.exec(select(Outbox).where(Outbox.dedup_key == key)).first()
    return row is not None and row.status == "pending"


def _first_attempt(channel: Any, route: str, now: datetime) -> datetime:
    if route == "digest":
        return next_digest_time(int(channel.digest_hours), now)
    return channel.quiet_until(now) or now


def next_digest_time(hours: int, now: datetime) -> datetime:
    """The next digest slot: every `hours` hours counted from midnight UTC, 1 Jan 2000."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    slots = int((now - epoch).total_seconds() // (hours * 3600)) + 1
    return epoch + timedelta(hours=hours * slots)


# --- dispatching ----------------------------------------------------------------------------------

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
    """Send every due pending row. One channel failing never holds back another.

    Returns one dict per row handled (row_id, channel, kind, status, error); empty when
    another process is dispatching right now (it sends these rows).
    """
    from monitor.locks import hold

    with _dispatch_mutex, hold(archive, "dispatch") as held:
        if not held.acquired:
            logger.info("alerts are being sent by %s; leaving them to it", held.holder)
            return []
        results: list[Delivery] = []
        start = time.monotonic()
        for _ in range(_INLINE_PASSES):
            when = (now or datetime.now(UTC)) + timedelta(
                seconds=time.monotonic() - start)
            results.extend(_dispatch_pass(config, archive, when))
            soon = _seconds_to_next_due(archive, when, {c.name for c in config.channels})
            if soon is None or soon > _INLINE_WAIT_SECONDS:
                break
            sleep(soon)
    return [asdict(r) for r in results]


def _due_rows(archive: Any, now: datetime) -> list[Outbox]:
    with archive.read() as session:
        return list(session.exec(
            select(Outbox).where(Outbox.status == "pending")
            .where((col(Outbox.next_attempt_at).is_(None)) | (col(Outbox.next_attempt_at) <= now))
            .order_by(col(Outbox.id))
        ).all())


def _seconds_to_next_due(archive: Any, now: datetime, channels: set[str]) -> float | None:
    with archive.read() as session:
        nxt = session.exec(
            select(Outbox.next_attempt_at).where(Outbox.status == "pending")
            .where(col(Outbox.channel).in_(channels)).where(col(Outbox.next_attempt_at) > now)
            .order_by(col(Outbox.next_attempt_at)).limit(1)
        ).first()
    return None if nxt is None else max((nxt - now).total_seconds(), 0.0)


def _dispatch_pass(config: AppConfig, archive: Any, now: datetime) -> list[Delivery]:
    channels = {c.name: c for c in config.channels if c.enabled}
    by_channel: dict[str, list[Outbox]] = {}
    for row in _due_rows(archive, now):
        if row.channel in channels:  # a removed or disabled channel keeps its rows for later
            by_channel.setdefault(row.channel, []).append(row)
    results: list[Delivery] = []
    for name, rows in by_channel.items():
        cfg = channels[name]
        quiet_end = cfg.quiet_until(now)
        if quiet_end is not None:
            _postpone(archive, [r.id for r in rows], quiet_end)
            continue
        channel = build_channel(cfg)
        digest = [int(r.id or 0) for r in rows if r.payload.get("route") == "digest"]
        for row in rows:
            if row.id not in digest:
                results.extend(_deliver(archive, channel, [int(row.id or 0)], now))
        if digest:
            results.extend(_deliver(archive, channel, digest, now, as_digest=True))
    return results


def _postpone(archive: Any, row_ids: list[Any], until: datetime) -> None:
    with archive.write() as session:
        for row in session.exec(select(Outbox).where(col(Outbox.id).in_(row_ids))).all():
            row.next_attempt_at = until
            session.add(row)
    logger.info("%d alert(s) held until the quiet hours end at %s", len(row_ids), until)


def _deliver(archive: Any, channel: Any, row_ids: list[int], now: datetime, *,
             as_digest: bool = False) -> list[Delivery]:
    """Send one row, or several as one digest, and record the outcome on every row."""
    with archive.read() as session:
        rows = [session.get(Outbox, i) for i in row_ids]
        built = [(row, build_alert(session, row)) for row in rows if row is not None]
    suppressed = [row for row, alert in built if alert is None]
    for row in suppressed:
        _mark(archive, [int(row.id or 0)], "failed", "suppressed: the event was marked a false "
              "positive", None)
    live = [(row, alert) for row, alert in built if alert is not None]
    if not live:
        return [Delivery(int(r.id or 0), channel.name, r.kind, "failed", "false positive")
                for r in suppressed]
    alert = digest_alert([a for _, a in live]) if as_digest else live[0][1]
    ids = [int(row.id or 0) for row, _ in live]
    try:
        channel.send(alert)
    except DeliveryError as exc:
        status = _record_failure(archive, ids, exc, now)
        log = logger.warning if status == "pending" else logger.error
        log("alert %s to %s %s: %s", alert.alert_id, channel.name,
            "will be retried" if status == "pending" else "failed", exc.reason)
        return [Delivery(i, channel.name, row.kind, status, exc.reason)
                for i, (row, _) in zip(ids, live)]
    _mark(archive, ids, "sent", None, alert.to_dict())
    logger.info("alert %s sent to %s", alert.alert_id, channel.name)
    return [Delivery(i, channel.name, row.kind, "sent") for i, (row, _) in zip(ids, live)]


def digest_alert(items: list[Alert]) -> Alert:
    """One digest carrying several alerts; its id is that of its first row."""
    first = items[0].alert_id.removeprefix("defwatch-alert-")
    return Alert(alert_id=f"defwatch-digest-{first}", kind="digest",
                 headline=f"defwatch digest: {len(items)} alert(s)", items=tuple(items))


def _record_failure(archive: Any, row_ids: list[int], error: DeliveryError,
                    now: datetime) -> str:
    status = "pending"
    with archive.write() as session:
        for row in session.exec(select(Outbox).where(col(Outbox.id).in_(row_ids))).all():
            row.attempts += 1
            row.last_error = error.reason
            if error.retryable and row.attempts < MAX_ATTEMPTS:
                # The peer's Retry-After is honoured as given; otherwise exponential backoff.
                wait = error.retry_after if error.retry_after is not None else backoff(row.attempts)
                row.next_attempt_at = now + timedelta(seconds=wait)
            else:
                row.status = status = "failed"
                if error.retryable:
                    row.last_error = f"gave up after {row.attempts} attempts: {error.reason}"
            session.add(row)
    return status


def _mark(archive: Any, row_ids: list[int], status: str, error: str | None,
          sent: dict[str, Any] | None) -> None:
    with archive.write() as session:
        for row in session.exec(select(Outbox).where(col(Outbox.id).in_(row_ids))).all():
            row.status = status
            row.attempts += 1
            row.last_error = error
            if status == "sent":
                row.sent_at = datetime.now(UTC)
                row.payload = {**row.payload, "alert": sent}
            session.add(row)


# --- rendering -------------------------------------------------------------------------------------

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
