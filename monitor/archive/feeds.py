"""Conditional-GET state of feeds (ETag / Last-Modified) between cycles."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from monitor.archive.models import FeedState

HTTP_NOT_MODIFIED = 304


def feed_states(session: Session) -> dict[str, dict[str, str | None]]:
    """{feed url: {"etag": …, "last_modified": …}}, the job file's ``feed_state`` shape."""
    rows = session.execute(select(FeedState.url, FeedState.etag, FeedState.last_modified))
    return {url: {"etag": etag, "last_modified": lm} for url, etag, lm in rows}


def save_feed_state(
    session: Session,
    url: str,
    *,
    source: str,
    etag: str | None,
    last_modified: str | None,
    status: int | None,
    checked_at: datetime | None = None,
) -> None:
    """Insert or update the state of one feed.

    A 304 answer may omit the validators; the stored ones stay valid then, so they are kept.
    """
    row = session.scalar(select(FeedState).where(FeedState.url == url))
    if row is None:
        row = FeedState(url=url, source=source)
        session.add(row)
    keep = status == HTTP_NOT_MODIFIED
    row.source = source
    row.etag = etag if etag is not None or not keep else row.etag
    row.last_modified = (
        last_modified if last_modified is not None or not keep else row.last_modified
    )
    row.last_status = status
    row.last_checked = checked_at or datetime.now(UTC)
    session.flush()
