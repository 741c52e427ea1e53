"""Analyst feedback on events: false-positive marks, merges and splits.

What each action does, so that clustering and alerting respect it from then on:

- mark false positive: the event's status becomes ``false_positive``; its pending alerts are
  suppressed (status ``failed``, reason ``suppressed: …``). A later report that clusters into
  it is attached silently (`monitor.matches.attach_to_event` queues nothing for such events).
- clear: the event is active again and the alerts the mark suppressed go back to pending.
- merge A B: every report of B moves into A, B's sent alerts are kept under A, its pending ones
  are suppressed (A already stands for the visit), and B is deleted; ``show event:B`` points to A.
  A keeps its own status and note (B's note is kept when A has none). No alert is sent.
- split E ARTICLE: the article leaves E for a new event with E's status. No alert is sent: the
  report was already part of an alerted event, and the analyst is the one who knows.

Every action is one transaction, and is kept in ``event_feedback`` (shown by `defwatch show`,
exported as labelled examples by `export_labels`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from monitor.archive.models import Article, Event, EventArticle, Outbox
from monitor.errors import UsageError
from monitor.matches import refresh_event
from monitor.query.models import EventFeedback
from monitor.query.show import missing_event

logger = logging.getLogger(__name__)

__all__ = ["mark_event", "merge_events", "split_event"]

SUPPRESSED_FP = "suppressed: the event was marked a false positive by an analyst"
_MAX_NOTE = 2000


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise missing_event(session, event_id)
    return event


def _log(session: Session, event_id: int, action: str, now: datetime, **fields: Any) -> None:
    session.add(EventFeedback(event_id=event_id, action=action, created_at=now, **fields))


def _suppress_pending(session: Session, event_id: int, reason: str) -> int:
    rows = session.exec(select(Outbox).where(Outbox.event_id == event_id,
                                             Outbox.status == "pending")).all()
    for row in rows:
        row.status, row.last_error = "failed", reason
        session.add(row)
    return len(rows)


def _restore_suppressed(session: Session, event_id: int, now: datetime) -> int:
    rows = session.exec(select(Outbox).where(
        Outbox.event_id == event_id, Outbox.status == "failed",
        col(Outbox.last_error).startswith("suppressed:"), col(Outbox.sent_at).is_(None))).all()
    for row in rows:
        row.status, row.last_error, row.next_attempt_at = "pending", None, now
        session.add(row)
    return len(rows)


def mark_event(archive: Any, event_id: int, *, false_positive: bool = False, clear: bool = False,
               note: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Mark an event a false positive, clear the mark, or only set its note."""
    if false_positive and clear:
        raise UsageError("--false-positive and --clear cannot be used together")
    if not (false_positive or clear or note):
        raise UsageError("nothing to do: give --false-positive, --clear or --note")
    note = " ".join(note.split())[:_MAX_NOTE] if note else None
    now = now or datetime.now(UTC)
    with archive.write() as session:
        event = _event(session, event_id)
        changed = 0
        if false_positive:
            event.status = "false_positive"
            changed = _suppress_pending(session, event_id, SUPPRESSED_FP)
            action = "false_positive"
        elif clear:
            event.status = "active"
            changed = _restore_suppressed(session, event_id, now)
            action = "clear"
        else:
            action = "note"
        if note is not None or clear:
            event.note = note
        session.add(event)
        _log(session, event_id, action, now, note=note)
    logger.info("event %d: %s (%d alert rows changed)", event_id, action, changed)
    return {"event_id": event_id, "action": action, "status": event.status,
            "alerts_changed": changed}


def merge_events(archive: Any, keep_id: int, other_id: int,
                 now: datetime | None = None) -> dict[str, Any]:
    """Move every report of `other_id` into `keep_id` and remove `other_id`."""
    if keep_id == other_id:
        raise UsageError(f"cannot merge event {keep_id} with itself")
    now = now or datetime.now(UTC)
    with archive.write() as session:
        keep, other = _event(session, keep_id), _event(session, other_id)
        links = session.exec(select(EventArticle).where(EventArticle.event_id == other_id)).all()
        for link in links:
            link.event_id = keep_id
            session.add(link)
        suppressed = _suppress_pending(session, other_id,
                                       f"suppressed: event merged into event {keep_id}")
        for row in session.exec(select(Outbox).where(Outbox.event_id == other_id)).all():
            row.event_id = keep_id
            session.add(row)
        keep.first_seen = min(keep.first_seen, other.first_seen)
        if other.note and not keep.note:
            keep.note = other.note
        session.flush()
        session.delete(other)
        refresh_event(session, keep_id)
        _log(session, keep_id, "merge", now, other_event_id=other_id)
    return {"event_id": keep_id, "merged": other_id, "moved_reports": len(links),
            "alerts_suppressed": suppressed}


def split_event(archive: Any, event_id: int, article_id: int,
                now: datetime | None = None) -> dict[str, Any]:
    """Move one report out of an event into a new event of its own (no alert)."""
    now = now or datetime.now(UTC)
    with archive.write() as session:
        event = _event(session, event_id)
        links = session.exec(select(EventArticle).where(EventArticle.event_id == event_id)).all()
        link = next((x for x in links if x.article_id == article_id), None)
        if link is None:
            raise UsageError(f"article {article_id} is not a report of event {event_id}")
        if len(links) < 2:
            raise UsageError(f"event {event_id} has only one report: nothing to split off")
        article = session.get(Article, article_id)
        seen = min(now, article.fetched_at) if article is not None else now
        new = Event(first_seen=seen, status=event.status)
        session.add(new)
        session.flush()
        new_id = int(new.id or 0)
        link.event_id = new_id
        session.add(link)
        session.flush()
        refresh_event(session, event_id)
        refresh_event(session, new_id)
        _log(session, event_id, "split", now, other_event_id=new_id, article_id=article_id)
    return {"event_id": event_id, "article_id": article_id, "new_event_id": new_id}
