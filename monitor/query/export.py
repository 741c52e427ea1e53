"""Streaming exports: articles, events and analyst labels as CSV or JSON Lines.

Rows come from the database in batches (``yield_per``: a server-side cursor on PostgreSQL, a
stepping cursor on SQLite) and are written as they arrive, so memory stays flat whatever the
archive's size.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from itertools import groupby
from typing import IO, Any

import sqlalchemy as sa
from sqlmodel import Session, col

from monitor.archive.models import Article, Event, EventArticle, Match
from monitor.errors import UsageError
from monitor.query import params
from monitor.query.events import EVENT_FIELDS, event_dict

logger = logging.getLogger(__name__)

__all__ = ["ARTICLE_FIELDS", "WHAT", "export"]

WHAT = ("articles", "events", "labels")
FORMATS = ("csv", "jsonl")
ARTICLE_FIELDS = ("id", "url", "canonical_url", "source", "title", "author", "published",
                  "fetched_at", "language", "text", "match_score", "match_kind", "event_id")
_BATCH = 200


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _in_window(stmt: Any, published: Any, fallback: Any, window: params.Window) -> Any:
    """Rows whose `published` is in the window; undated rows by their `fallback` time."""
    if window.start is not None:
        stmt = stmt.where((published >= window.start)
                          | (published.is_(None) & (fallback >= window.start)))
    if window.end is not None:
        stmt = stmt.where((published < window.end)
                          | (published.is_(None) & (fallback < window.end)))
    return stmt


def iter_articles(session: Session, window: params.Window) -> Iterator[dict[str, Any]]:
    stmt = (
        sa.select(Article.id, Article.url, Article.canonical_url, Article.source, Article.title,
                  Article.author, Article.published, Article.fetched_at, Article.language,
                  Article.text, Match.score, Match.kind, EventArticle.event_id)
        .outerjoin(Match, col(Match.article_id) == col(Article.id))
        .outerjoin(EventArticle, col(EventArticle.article_id) == col(Article.id))
        .order_by(col(Article.id))
    )
    stmt = _in_window(stmt, col(Article.published), col(Article.fetched_at), window)
    result = session.execute(stmt.execution_options(yield_per=_BATCH))
    try:
        for row in result:
            values = list(row)
            values[6], values[7] = _iso(values[6]), _iso(values[7])
            yield dict(zip(ARTICLE_FIELDS, values, strict=True))
    finally:
        result.close()


def iter_events(session: Session, window: params.Window) -> Iterator[dict[str, Any]]:
    """Events with their reports, from one ordered join grouped as it streams."""
    stmt = (
        sa.select(Event, Article.url, Article.title, Article.source)
        .outerjoin(EventArticle, col(EventArticle.event_id) == col(Event.id))
        .outerjoin(Article, col(Article.id) == col(EventArticle.article_id))
        .order_by(col(Event.id), col(Article.published), col(Article.id))
    )
    if window.since is not None:
        stmt = stmt.where(col(Event.event_date) >= window.since)
    if window.until is not None:
        stmt = stmt.where(col(Event.event_date) <= window.until)
    result = session.execute(stmt.execution_options(yield_per=_BATCH))
    try:
        for _, rows in groupby(result, key=lambda r: r[0].id):
            rows = list(rows)
            event = rows[0][0]
            articles = [{"url": u, "title": t, "source": s} for _, u, t, s in rows if u]
            yield event_dict(event, articles)
    finally:
        result.close()


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_records(records: Iterator[dict[str, Any]], fmt: str, out: IO[str],
                  fields: tuple[str, ...] | None = None) -> int:
    """Write records as they come; returns how many were written."""
    count = 0
    writer: Any = None
    for record in records:
        if fmt == "jsonl":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(fields or record.keys()),
                                        extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
            writer.writerow({k: _csv_value(v) for k, v in record.items()})
        count += 1
    if writer is None and fmt == "csv" and fields:
        csv.writer(out, lineterminator="\n").writerow(fields)
    return count


def export(archive: Any, what: str, fmt: str, out: IO[str], *, since: Any = None,
           until: Any = None, gazetteer_dir: str | None = None) -> int:
    """Stream `what` (articles, events, labels) as `fmt` (csv, jsonl) to `out`.

    Raises:
        UsageError: unknown `what`/`fmt`, or a date that does not parse.
    """
    what = params.parse_choice(what, "what", WHAT, "articles")
    fmt = params.parse_choice(fmt, "format", FORMATS, "jsonl")
    window = params.parse_window(since, until)
    with archive.read() as session:
        if what == "articles":
            return write_records(iter_articles(session, window), fmt, out, ARTICLE_FIELDS)
        if what == "events":
            return write_records(iter_events(session, window), fmt, out, EVENT_FIELDS)
        if fmt != "jsonl":
            raise UsageError("labels are exported as JSON Lines only (--format jsonl)")
        from monitor.query.labels import LABEL_FIELDS, iter_labels

        return write_records(iter_labels(session, window, gazetteer_dir), fmt, out, LABEL_FIELDS)
