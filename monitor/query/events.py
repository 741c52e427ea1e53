"""Listing events with filters, in the JSON shape of `defwatch events` (issue 4).

Each event is a dict with `EVENT_FIELDS`: ``id, visitor_country, host_country, kind,
officials, location, event_date, first_seen, articles [{url, title, source}], reports,
confidence, status, note``. `--official` and `--location` go through the gazetteer's aliases.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from monitor.archive.models import Article, Event, EventArticle
from monitor.query import params

logger = logging.getLogger(__name__)

__all__ = ["EVENT_FIELDS", "EventFilters", "check_event_filters", "event_dict", "list_events"]

EVENT_FIELDS = ("id", "visitor_country", "host_country", "kind", "officials", "location",
                "event_date", "first_seen", "articles", "reports", "confidence", "status", "note")
DEFAULT_LIMIT = 100
_SCAN_BATCH = 200


def _norm(value: str | None) -> str:
    return " ".join((value or "").lower().replace("-", " ").split())


@lru_cache(maxsize=4)
def _aliases(gazetteer_dir: str | None) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(alias → canonical official names, alias → location names) from the gazetteer."""
    from monitor.extract import load_gazetteer

    officials: dict[str, set[str]] = {}
    places: dict[str, set[str]] = {}
    for entry in load_gazetteer(gazetteer_dir).entries.values():
        if entry.kind == "official":
            for term in (entry.name, *entry.terms):
                officials.setdefault(_norm(term), set()).add(_norm(entry.name))
        elif entry.kind == "place" and entry.location:
            for term in (entry.name, *entry.terms):
                places.setdefault(_norm(term), set()).add(_norm(entry.location))
    return officials, places


@dataclass(frozen=True)
class EventFilters:
    window: params.Window = field(default_factory=params.Window)
    direction: tuple[str, str] | None = None
    kind: str | None = None
    officials: frozenset[str] = frozenset()  # normalised canonical names (any of them)
    locations: frozenset[str] = frozenset()  # normalised location names (any of them)
    status: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def check_event_filters(*, since: Any = None, until: Any = None, direction: str | None = None,
                        kind: str | None = None, official: str | None = None,
                        location: str | None = None, status: str | None = None,
                        limit: Any = None, offset: Any = None,
                        gazetteer_dir: str | None = None) -> EventFilters:
    """Validate raw filter values; names are resolved through the gazetteer's aliases."""
    official_name = params.parse_name(official, "official")
    location_name = params.parse_name(location, "location")
    officials: frozenset[str] = frozenset()
    if official_name:
        key = _norm(official_name)
        officials = frozenset(_aliases(gazetteer_dir)[0].get(key, {key}))
    locations: frozenset[str] = frozenset()
    if location_name:
        key = _norm(location_name)
        locations = frozenset(_aliases(gazetteer_dir)[1].get(key, set()) | {key})
    return EventFilters(
        window=params.parse_window(since, until),
        direction=params.parse_direction(direction),
        kind=params.parse_kind(kind),
        officials=officials,
        locations=locations,
        status=params.parse_choice(status, "status", ("active", "false_positive"), "") or None,
        limit=params.parse_limit(limit, DEFAULT_LIMIT),
        offset=params.parse_offset(offset),
    )


def _event_query(filters: EventFilters) -> Any:
    query = select(Event)
    window = filters.window
    if window.since is not None:
        query = query.where((col(Event.event_date) >= window.since)
                            | (col(Event.event_date).is_(None)
                               & (col(Event.first_seen) >= window.start)))
    if window.until is not None:
        query = query.where((col(Event.event_date) <= window.until)
                            | (col(Event.event_date).is_(None)
                               & (col(Event.first_seen) < window.end)))
    if filters.direction is not None:
        query = query.where(col(Event.visitor_country) == filters.direction[0],
                            col(Event.host_country) == filters.direction[1])
    if filters.kind is not None:
        query = query.where(col(Event.kind) == filters.kind)
    if filters.status is not None:
        query = query.where(col(Event.status) == filters.status)
    return query.order_by(col(Event.event_date).desc().nulls_last(),
                          col(Event.first_seen).desc(), col(Event.id).desc())


def _keeps(event: Event, filters: EventFilters) -> bool:
    if filters.officials:
        names = {_norm(o.get("name")) for o in event.officials or []}
        if not names & filters.officials:
            return False
    return not (filters.locations and _norm(event.location) not in filters.locations)


def iter_events(session: Session, filters: EventFilters) -> Iterator[Event]:
    """Every event passing the filters, newest first, streamed (no limit applied)."""
    result = session.exec(_event_query(filters).execution_options(yield_per=_SCAN_BATCH))
    try:
        for event in result:
            if _keeps(event, filters):
                yield event
    finally:
        result.close()  # callers stop early at their limit; free the server-side cursor


def articles_of(session: Session, event_ids: Iterable[int]) -> dict[int, list[Article]]:
    """The report articles of these events, oldest first."""
    ids = list(event_ids)
    out: dict[int, list[Article]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.exec(
        select(EventArticle.event_id, Article)
        .join(Article, col(Article.id) == col(EventArticle.article_id))
        .where(col(EventArticle.event_id).in_(ids))
        .order_by(col(Article.published).asc().nulls_last(), col(Article.id))
    ).all()
    for event_id, article in rows:
        out[event_id].append(article)
    return out


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def article_ref(article: Article) -> dict[str, Any]:
    return {"url": article.url, "title": article.title, "source": article.source}


def event_dict(event: Event, articles: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue-4 JSON object of one event; `articles` are ``{url, title, source}`` dicts."""
    return {
        "id": event.id, "visitor_country": event.visitor_country,
        "host_country": event.host_country, "kind": event.kind,
        "officials": list(event.officials or []), "location": event.location,
        "event_date": _iso(event.event_date), "first_seen": _iso(event.first_seen),
        "articles": articles,
        "reports": len(articles), "confidence": round(float(event.confidence), 4),
        "status": event.status, "note": event.note,
    }


def list_events(archive: Any, filters: EventFilters) -> list[dict[str, Any]]:
    """One page of events (filters.offset, filters.limit) as issue-4 dicts."""
    with archive.read() as session:
        page: list[Event] = []
        for n, event in enumerate(iter_events(session, filters)):
            if n >= filters.offset:
                page.append(event)
            if len(page) >= filters.limit:
                break
        reports = articles_of(session, [int(e.id or 0) for e in page])
        return [event_dict(e, [article_ref(a) for a in reports[int(e.id or 0)]]) for e in page]


def month_counts(archive: Any, filters: EventFilters) -> dict[str, dict[str, int]]:
    """Visits per month (``YYYY-MM``) per direction (``PK-IR``, ``IR-PK``, ``other``).

    False positives are left out unless the filters ask for them by status.
    """
    counts: dict[str, dict[str, int]] = {}
    with archive.read() as session:
        for event in iter_events(session, filters):
            if event.status == "false_positive" and filters.status != "false_positive":
                continue
            day: date = event.event_date or event.first_seen.date()
            pair = f"{event.visitor_country}-{event.host_country}"
            key = pair if pair in params.DIRECTIONS else "other"
            month = counts.setdefault(day.strftime("%Y-%m"), {})
            month[key] = month.get(key, 0) + 1
    return dict(sorted(counts.items()))


def count_events(session: Session) -> int:
    return int(session.exec(select(sa.func.count()).select_from(Event)).one())
