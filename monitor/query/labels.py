"""Analyst marks as labelled examples in the devset JSON Lines schema (`monitor.evaluate`).

- every report of an event marked a false positive → ``label: false``, kind
  ``military_other`` (the catch-all class of military contacts that are not visits, which is
  what the extractor mistakes for visits), the analyst's note in ``notes``;
- every report of an active event an analyst merged or split → ``label: true`` with the
  event's direction, kind, location and date, and those of its officials named in the text.
  The analyst vouched for the grouping, so ``event_group`` is ``defwatch-event-<id>``.

Unmarked events are not exported: nobody has looked at them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sqlmodel import Session, col, select

from monitor.archive.models import Event
from monitor.eventrows import event_reports
from monitor.query import params
from monitor.query.models import EventFeedback

logger = logging.getLogger(__name__)

__all__ = ["LABEL_FIELDS", "iter_labels"]

LABEL_FIELDS = ("id", "outlet_style", "date", "title", "text", "label", "kind",
                "visitor_country", "host_country", "officials", "location", "event_date",
                "event_group", "lang", "notes")


@lru_cache(maxsize=4)
def _official_terms(gazetteer_dir: str | None) -> dict[str, tuple[str, ...]]:
    from monitor.extract import load_gazetteer

    return {e.name: tuple(t.lower() for t in (e.name, *e.terms))
            for e in load_gazetteer(gazetteer_dir).entries.values() if e.kind == "official"}


def _named_in(text: str, officials: list[dict[str, Any]],
              gazetteer_dir: str | None) -> list[dict[str, Any]]:
    terms = _official_terms(gazetteer_dir)
    low = text.lower()
    return [o for o in officials
            if any(t in low for t in terms.get(str(o.get("name")), (str(o.get("name")).lower(),)))]


def _reviewed_event_ids(session: Session) -> set[int]:
    ids: set[int] = set()
    for event_id, other in session.exec(
            select(EventFeedback.event_id, EventFeedback.other_event_id)
            .where(col(EventFeedback.action).in_(("merge", "split")))).all():
        ids.add(int(event_id))
        if other is not None:
            ids.add(int(other))
    return ids


def _record(event: Event, article: Any, positive: bool,
            gazetteer_dir: str | None) -> dict[str, Any]:
    day = article.published or article.fetched_at
    base = {"id": f"a{article.id}", "outlet_style": "Other",
            "date": day.date().isoformat() if day else None, "title": article.title or "",
            "text": article.text, "label": positive, "event_group": f"defwatch-event-{event.id}",
            "lang": (article.language or "en").split("-")[0]}
    if positive:
        base.update(kind=event.kind, visitor_country=event.visitor_country,
                    host_country=event.host_country,
                    officials=_named_in(article.text, list(event.officials or []), gazetteer_dir),
                    location=event.location,
                    event_date=event.event_date.isoformat() if event.event_date else None,
                    notes=f"analyst-reviewed grouping (event {event.id})")
    else:
        base.update(kind="military_other", visitor_country=None, host_country=None,
                    officials=[], location=None, event_date=None,
                    notes=f"analyst marked event {event.id} a false positive"
                    + (f": {event.note}" if event.note else ""))
    return {k: base[k] for k in LABEL_FIELDS}


def iter_labels(session: Session, window: params.Window,
                gazetteer_dir: str | None = None) -> Iterator[dict[str, Any]]:
    """Labelled examples from the analysts' marks, one per report article."""
    reviewed = _reviewed_event_ids(session)
    query = select(Event).where((col(Event.status) == "false_positive")
                                | col(Event.id).in_(reviewed or {-1})).order_by(col(Event.id))
    if window.since is not None:
        query = query.where(col(Event.event_date).is_(None)
                            | (col(Event.event_date) >= window.since))
    if window.until is not None:
        query = query.where(col(Event.event_date).is_(None)
                            | (col(Event.event_date) <= window.until))
    for event in session.exec(query).all():
        positive = event.status != "false_positive"
        for article, _ in event_reports(session, int(event.id or 0)):
            yield _record(event, article, positive, gazetteer_dir)
