"""One article or one event in full: fields, every report, evidence quotes, analyst marks.

References: ``event:3``, ``article:12``, or a plain number, which means an event (events are
what analysts follow; `defwatch show --article 12` or ``article:12`` for an article).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlmodel import Session, col, select

from monitor.archive.models import Article, Event, EventArticle, Match, Outbox
from monitor.errors import UsageError
from monitor.eventrows import event_reports
from monitor.query.events import article_ref, event_dict
from monitor.query.models import EventFeedback

logger = logging.getLogger(__name__)

__all__ = ["NotFound", "article_detail", "event_detail", "parse_ref", "show"]

# Ids are 32-bit integers in the schema; anything larger cannot exist (and would make
# PostgreSQL raise instead of answering "no such row").
MAX_ID = 2**31 - 1
_REF = re.compile(r"^\s*(?:(event|article)\s*[:#/]\s*)?#?(\d{1,30})\s*$", re.IGNORECASE)


class NotFound(UsageError):
    """The id is well formed but names nothing in the archive (HTTP 404, CLI exit 2)."""


def parse_ref(ref: str, default: str = "event") -> tuple[str, int]:
    """``event:3`` / ``article:12`` / ``3`` → (kind, id); UsageError for anything else."""
    m = _REF.match(str(ref))
    if not m:
        shown = str(ref)[:40]
        raise UsageError(f"{shown!r} is not an id: use a number, event:N or article:N")
    kind, number = (m.group(1) or default).lower(), int(m.group(2))
    if number > MAX_ID:
        raise NotFound(f"no {kind} {number} in the archive")
    return kind, number


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def merged_into(session: Session, event_id: int) -> int | None:
    row = session.exec(
        select(EventFeedback.event_id).where(EventFeedback.action == "merge",
                                             EventFeedback.other_event_id == event_id)
    ).first()
    return int(row) if row is not None else None


def missing_event(session: Session, event_id: int) -> NotFound:
    target = merged_into(session, event_id)
    if target is not None:
        return NotFound(f"event {event_id} was merged into event {target} (show event:{target})")
    return NotFound(f"no event {event_id} in the archive")


def _match_dict(match: Match) -> dict[str, Any]:
    return {"score": round(float(match.score), 4), "kind": match.kind,
            "visitor_country": match.visitor_country, "host_country": match.host_country,
            "officials": list(match.officials or []), "location": match.location,
            "event_date": _iso(match.event_date), "evidence": list(match.evidence or []),
            "rules": list(match.rules or []), "extractor_version": match.extractor_version}


def feedback_of(session: Session, event_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(EventFeedback)
        .where((col(EventFeedback.event_id) == event_id)
               | (col(EventFeedback.other_event_id) == event_id))
        .order_by(col(EventFeedback.id))
    ).all()
    return [{"action": r.action, "event_id": r.event_id, "other_event_id": r.other_event_id,
             "article_id": r.article_id, "note": r.note, "at": _iso(r.created_at)} for r in rows]


def event_detail(session: Session, event_id: int) -> dict[str, Any]:
    """The issue-4 event object plus every report with its match, evidence, marks, alerts."""
    event = session.get(Event, event_id)
    if event is None:
        raise missing_event(session, event_id)
    pairs = event_reports(session, event_id)
    detail = event_dict(event, [article_ref(a) for a, _ in pairs])
    detail["reports_detail"] = [
        {"article_id": a.id, "url": a.url, "title": a.title, "source": a.source,
         "published": _iso(a.published), "language": a.language, "match": _match_dict(m)}
        for a, m in pairs
    ]
    detail["evidence"] = [q for _, m in pairs for q in (m.evidence or [])]
    detail["feedback"] = feedback_of(session, event_id)
    detail["alerts"] = [
        {"channel": o.channel, "kind": o.kind, "status": o.status, "last_error": o.last_error}
        for o in session.exec(select(Outbox).where(Outbox.event_id == event_id)
                              .order_by(col(Outbox.id))).all()
    ]
    return detail


def article_detail(session: Session, article_id: int) -> dict[str, Any]:
    """An article's text and metadata, its match (with evidence) and the event it is in."""
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"no article {article_id} in the archive")
    match = session.exec(select(Match).where(Match.article_id == article_id)).first()
    link = session.exec(select(EventArticle).where(EventArticle.article_id == article_id)).first()
    event = session.get(Event, link.event_id) if link is not None else None
    return {
        "id": article.id, "url": article.url, "canonical_url": article.canonical_url,
        "final_url": article.final_url, "source": article.source, "title": article.title,
        "author": article.author, "sitename": article.sitename,
        "published": _iso(article.published), "fetched_at": _iso(article.fetched_at),
        "language": article.language, "text": article.text,
        "has_html": article.raw_html is not None,
        "match": _match_dict(match) if match is not None else None,
        "event": ({"id": event.id, "status": event.status, "note": event.note}
                  if event is not None else None),
    }


def show(archive: Any, ref: str, *, default: str = "event") -> tuple[str, dict[str, Any]]:
    """(kind, detail) for a reference; UsageError (one line) when it does not exist."""
    kind, number = parse_ref(ref, default)
    with archive.read() as session:
        if kind == "article":
            return kind, article_detail(session, number)
        return kind, event_detail(session, number)
