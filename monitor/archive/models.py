"""SQLModel tables of the archive; the schema itself is owned by the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

__all__ = [
    "Article",
    "ArticleAlias",
    "CrawlRun",
    "Cycle",
    "Event",
    "EventArticle",
    "FeedState",
    "Lock",
    "Match",
    "Outbox",
    "SkippedUrl",
    "Source",
    "UTCDateTime",
]


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no time zones and returns naive values while PostgreSQL returns aware ones;
    normalising here keeps comparisons in the repository code backend-independent.
    Naive input is taken to be UTC already.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Named constraints let later SQLite migrations (batch mode) find and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def _dt(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _json(default_factory: Any) -> Any:
    return Field(default_factory=default_factory, sa_type=JSONType, nullable=False)


class Source(SQLModel, table=True):
    __tablename__ = "source"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200), unique=True, nullable=False)
    kind: str = Field(sa_type=sa.String(40), nullable=False)
    url: str = Field(sa_type=sa.Text, nullable=False)
    language: str | None = Field(default=None, sa_type=sa.String(20))
    enabled: bool = Field(default=True, nullable=False)
    config_hash: str = Field(sa_type=sa.String(64), nullable=False)
    updated_at: datetime | None = _dt()


class FeedState(SQLModel, table=True):
    __tablename__ = "feed_state"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_type=sa.Text, unique=True, nullable=False)
    source: str = Field(sa_type=sa.String(200), nullable=False, index=True)
    etag: str | None = Field(default=None, sa_type=sa.Text)
    last_modified: str | None = Field(default=None, sa_type=sa.String(100))
    last_status: int | None = None
    last_checked: datetime | None = _dt()


class Article(SQLModel, table=True):
    __tablename__ = "article"
    id: int | None = Field(default=None, primary_key=True)
    canonical_url: str = Field(sa_type=sa.Text, unique=True, nullable=False)
    url: str = Field(sa_type=sa.Text, nullable=False)
    final_url: str | None = Field(default=None, sa_type=sa.Text)
    source: str = Field(sa_type=sa.String(200), nullable=False, index=True)
    title: str | None = Field(default=None, sa_type=sa.Text)
    author: str | None = Field(default=None, sa_type=sa.Text)
    sitename: str | None = Field(default=None, sa_type=sa.Text)
    published: datetime | None = _dt(index=True)
    fetched_at: datetime = _dt(nullable=False)
    language: str | None = Field(default=None, sa_type=sa.String(20))
    text: str = Field(sa_type=sa.Text, nullable=False)
    content_hash: str = Field(sa_type=sa.String(64), nullable=False, index=True)
    raw_html: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    # Kept for rows that must stay separate although their body matches another (e.g. a
    # re-extraction); plain same-body-other-URL cases become ArticleAlias rows instead.
    duplicate_of: int | None = Field(default=None, foreign_key="article.id")


class ArticleAlias(SQLModel, table=True):
    __tablename__ = "article_alias"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_type=sa.Text, unique=True, nullable=False)
    article_id: int = Field(foreign_key="article.id", nullable=False, index=True)
    created_at: datetime | None = _dt()


class SkippedUrl(SQLModel, table=True):
    """A fetched page that was not archived (no body, too large, ...): not fetched again."""

    __tablename__ = "skipped_url"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_type=sa.Text, unique=True, nullable=False)
    source: str = Field(sa_type=sa.String(200), nullable=False)
    reason: str = Field(sa_type=sa.String(300), nullable=False)
    seen_at: datetime = _dt(nullable=False)


class Cycle(SQLModel, table=True):
    __tablename__ = "cycle"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = _dt(nullable=False)
    finished_at: datetime | None = _dt()
    status: str = Field(default="running", sa_type=sa.String(20), nullable=False)


class CrawlRun(SQLModel, table=True):
    __tablename__ = "crawl_run"
    __table_args__ = (sa.Index("ix_crawl_run_source_started", "source", "started_at"),)
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int | None = Field(default=None, foreign_key="cycle.id", index=True)
    source: str = Field(sa_type=sa.String(200), nullable=False)
    started_at: datetime = _dt(nullable=False)
    finished_at: datetime | None = _dt()
    requests: int = Field(default=0, nullable=False)
    not_modified: int = Field(default=0, nullable=False)
    new: int = Field(default=0, nullable=False)
    skipped: dict[str, int] = _json(dict)
    errors: int = Field(default=0, nullable=False)
    error_messages: list[str] = _json(list)
    finish_reason: str | None = Field(default=None, sa_type=sa.String(100))
    ok: bool = Field(default=True, nullable=False)


class Match(SQLModel, table=True):
    __tablename__ = "match"
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", unique=True, nullable=False)
    score: float = Field(default=0.0, nullable=False)
    kind: str | None = Field(default=None, sa_type=sa.String(40))
    visitor_country: str | None = Field(default=None, sa_type=sa.String(80))
    host_country: str | None = Field(default=None, sa_type=sa.String(80))
    officials: list[dict[str, Any]] = _json(list)
    location: str | None = Field(default=None, sa_type=sa.Text)
    event_date: date | None = None
    evidence: list[Any] = _json(list)
    rules: list[Any] = _json(list)
    extracted_at: datetime = _dt(nullable=False)
    extractor_version: str = Field(sa_type=sa.String(40), nullable=False)


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (sa.CheckConstraint("status IN ('active', 'false_positive')", name="status"),)
    id: int | None = Field(default=None, primary_key=True)
    visitor_country: str | None = Field(default=None, sa_type=sa.String(80))
    host_country: str | None = Field(default=None, sa_type=sa.String(80))
    kind: str | None = Field(default=None, sa_type=sa.String(40))
    officials: list[dict[str, Any]] = _json(list)
    location: str | None = Field(default=None, sa_type=sa.Text)
    event_date: date | None = Field(default=None, index=True)
    first_seen: datetime = _dt(nullable=False)
    confidence: float = Field(default=0.0, nullable=False)
    status: str = Field(default="active", sa_type=sa.String(20), nullable=False)
    note: str | None = Field(default=None, sa_type=sa.Text)


class EventArticle(SQLModel, table=True):
    __tablename__ = "event_article"
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", nullable=False, index=True)
    article_id: int = Field(foreign_key="article.id", unique=True, nullable=False)


class Outbox(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('visit', 'update', 'health', 'digest')", name="kind"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    channel: str = Field(sa_type=sa.String(100), nullable=False)
    kind: str = Field(sa_type=sa.String(20), nullable=False)
    dedup_key: str = Field(sa_type=sa.String(300), unique=True, nullable=False)
    payload: dict[str, Any] = _json(dict)
    status: str = Field(default="pending", sa_type=sa.String(20), nullable=False)
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime | None = _dt()
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _dt(nullable=False)
    sent_at: datetime | None = _dt()


class Lock(SQLModel, table=True):
    __tablename__ = "lock"
    name: str = Field(sa_type=sa.String(100), primary_key=True)
    holder: str = Field(sa_type=sa.String(200), nullable=False)
    acquired_at: datetime = _dt(nullable=False)
    heartbeat_at: datetime = _dt(nullable=False)
