"""Store extractor results: the match row, its event and the alert outbox rows, in one transaction.

Writing the outbox rows in the same transaction as the event is what makes alerts exactly-once
on our side: either the event and its pending alerts exist, or neither does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from monitor.archive.models import Article, Event, EventArticle, Match
from monitor.config import AppConfig
from monitor.errors import ConfigError
from monitor.eventrows import event_reports
from monitor.events import EventView, Report, pick_event, summarise, view_of
from monitor.outbox import enqueue_event_alerts

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = "1"
_BATCH = 64


def extractor_for(config: AppConfig) -> Any:
    """The visit extractor configured in watch.yaml (a bad gazetteer is a ConfigError)."""
    from monitor.extract import Extractor, GazetteerError

    ex = config.watch.extract
    try:
        return Extractor(model=ex.model, gazetteer_dir=ex.gazetteer_dir, threshold=ex.threshold)
    except GazetteerError as exc:
        raise ConfigError(f"extract.gazetteer_dir: {exc}") from exc


def _doc(article_id: int, text: str, title: str | None, published: datetime | None,
         lang: str | None) -> dict[str, Any]:
    return {"id": article_id, "text": text, "title": title,
            "date": published.date().isoformat() if published else None, "lang": lang}


def store_extractions(config: AppConfig, archive: Any, new_articles: Sequence[tuple[int, Any]],
                      extractor: Any) -> list[dict[str, Any]]:
    """Extract the new articles; store matches, events and alerts. Returns the new matches."""
    docs = [_doc(aid, r.text, r.title, r.date, r.language) for aid, r in new_articles]
    found: list[dict[str, Any]] = []
    for ext in extractor.extract_many(docs, batch_size=_BATCH):
        if not ext.match:
            continue
        with archive.write() as session:
            found.append(_store_match(config, session, ext, datetime.now(UTC)))
    return found


def _store_match(config: AppConfig, session: Session, ext: Any, now: datetime) -> dict[str, Any]:
    data = ext.to_dict()
    article = session.get(Article, ext.id)
    assert article is not None, f"article {ext.id} vanished inside its own cycle"
    existing = session.exec(select(Match).where(Match.article_id == article.id)).first()
    match = existing or Match(article_id=article.id, extracted_at=now,
                              extractor_version=EXTRACTOR_VERSION)
    _fill_match(match, data, now)
    session.add(match)
    session.flush()
    event_id, is_new = attach_to_event(config, session, article, match, now)
    data.update(title=article.title, url=article.url, source=article.source, event_id=event_id,
                new_event=is_new)
    return data


def _fill_match(match: Match, data: dict[str, Any], now: datetime) -> None:
    match.score = float(data["score"])
    match.kind = data["kind"]
    match.visitor_country = data["visitor_country"]
    match.host_country = data["host_country"]
    match.officials = data["officials"]
    match.location = data["location"]
    match.event_date = date.fromisoformat(data["event_date"]) if data["event_date"] else None
    match.evidence = data["evidence"]
    match.rules = data.get("rules", [])
    match.extracted_at = now
    match.extractor_version = EXTRACTOR_VERSION


def report_of(article: Article, match: Match) -> Report:
    published = article.published.date() if article.published else None
    return Report(
        article_id=int(article.id or 0), source=article.source,
        day=match.event_date or published, score=match.score, kind=match.kind,
        visitor_country=match.visitor_country, host_country=match.host_country,
        officials=tuple(match.officials or ()), location=match.location,
        event_date=match.event_date,
    )



def candidate_events(session: Session, report: Report, window_days: int) -> list[EventView]:
    """Events close enough in time to be the same visit, as clustering views."""
    query = select(Event)
    if report.day is not None:
        from datetime import timedelta

        lo, hi = report.day - timedelta(days=window_days), report.day + timedelta(days=window_days)
        query = query.where(
            (col(Event.event_date).between(lo, hi)) | (col(Event.event_date).is_(None))
            | (col(Event.first_seen) >= datetime.combine(lo, datetime.min.time(), UTC))
        )
    views = []
    for event in session.exec(query).all():
        reports = [report_of(a, m) for a, m in event_reports(session, int(event.id or 0))]
        if reports:
            views.append(view_of(int(event.id or 0), reports, event.status == "false_positive"))
    return views


def attach_to_event(config: AppConfig, session: Session, article: Article, match: Match,
                    now: datetime) -> tuple[int, bool]:
    """Put the matched article into its event (a new one if none fits) and queue alerts."""
    link = session.exec(select(EventArticle).where(EventArticle.article_id == article.id)).first()
    if link is not None:
        refresh_event(session, link.event_id)
        return link.event_id, False
    report = report_of(article, match)
    window = config.watch.events.window_days
    target = pick_event(report, candidate_events(session, report, window), window)
    if target is None:
        event = Event(first_seen=now)
        session.add(event)
        session.flush()
        event_id, is_new = int(event.id or 0), True
    else:
        event_id, is_new = target.id, False
    session.add(EventArticle(event_id=event_id, article_id=int(article.id or 0)))
    session.flush()
    event = refresh_event(session, event_id)
    if event.status != "false_positive":
        enqueue_event_alerts(config, session, event, int(article.id or 0), is_new, now)
    return event_id, is_new


def refresh_event(session: Session, event_id: int,
                  rows: list[tuple[Article, Match]] | None = None) -> Event:
    """Recompute an event's best fields from all of its reports (`rows`, when already read)."""
    event = session.get(Event, event_id)
    assert event is not None
    rows = event_reports(session, event_id) if rows is None else rows
    reports = [report_of(a, m) for a, m in rows]
    if reports:
        best = summarise(reports)
        event.visitor_country = best["visitor_country"]  # type: ignore[assignment]
        event.host_country = best["host_country"]  # type: ignore[assignment]
        event.kind = best["kind"]  # type: ignore[assignment]
        event.location = best["location"]  # type: ignore[assignment]
        event.event_date = best["event_date"]  # type: ignore[assignment]
        event.officials = best["officials"]  # type: ignore[assignment]
        event.confidence = float(best["confidence"])  # type: ignore[arg-type]
    session.add(event)
    return event


def reextract_all(config: AppConfig, archive: Any, progress_console: Any = None,
                  extractor: Any = None) -> dict[str, int]:
    """Run the extractor again over every archived article (after gazetteer changes).

    New matches are clustered and alerted like fresh ones; articles that no longer match lose
    their match row (their event keeps the other reports, or is withdrawn when none is left).
    """
    extractor = extractor or extractor_for(config)
    with archive.read() as session:
        rows = session.exec(select(Article.id, Article.text, Article.title, Article.published,
                                   Article.language).order_by(col(Article.id))).all()
        before = set(session.exec(select(Match.article_id)).all())
    docs = (_doc(*row) for row in rows)
    after: set[int] = set()
    withdrawn = 0
    for ext in _progress(extractor.extract_many(docs, batch_size=_BATCH), len(rows),
                         progress_console):
        with archive.write() as session:
            if ext.match:
                _store_match(config, session, ext, datetime.now(UTC))
                after.add(int(ext.id))
            elif ext.id in before:
                withdrawn += _drop_match(session, int(ext.id))
    return {"articles": len(rows), "matches": len(after), "added": len(after - before),
            "removed": len(before - after), "withdrawn": withdrawn}


WITHDRAWN_NOTE = "withdrawn by reextract: none of its reports matches any more"


def _drop_match(session: Session, article_id: int) -> int:
    """Remove an article's match; returns how many events it leaves without any report.

    Such an event keeps its history (alerts already sent name it) but is withdrawn: it leaves
    the timeline and its pending alerts are suppressed, like one an analyst marked.
    """
    withdrawn = 0
    for match in session.exec(select(Match).where(Match.article_id == article_id)).all():
        session.delete(match)
    for link in session.exec(select(EventArticle).where(EventArticle.article_id == article_id)).all():
        session.delete(link)
        session.flush()
        left = event_reports(session, link.event_id)
        event = refresh_event(session, link.event_id, left)
        if not left and event.status != "false_positive":
            event.status, event.note = "false_positive", WITHDRAWN_NOTE
            session.add(event)
            withdrawn += 1
    return withdrawn


def _progress(items: Iterable[Any], total: int, console: Any) -> Iterable[Any]:
    if console is None:
        yield from items
        return
    from rich.progress import track

    yield from track(items, total=total, description="Re-extracting", console=console)
