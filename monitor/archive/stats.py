"""Read-only summaries: archive counts and per-source health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from monitor.archive.models import (
    Article,
    ArticleAlias,
    CrawlRun,
    Cycle,
    Event,
    FeedState,
    Match,
    Outbox,
    Source,
)


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """Health of one source. Times are when runs finished (started, if never finished)."""

    name: str
    last_run: datetime | None
    last_success: datetime | None
    consecutive_failures: int
    new_last_run: int | None
    enabled: bool = True


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def stats(session: Session) -> dict[str, int]:
    """Row counts: sources, articles, aliases, feeds, runs, cycles, matches, events, alerts."""
    result = {
        "sources": _count(session, Source, Source.enabled.is_(True)),  # type: ignore[attr-defined]
        "articles": _count(session, Article),
        "aliases": _count(session, ArticleAlias),
        "feeds": _count(session, FeedState),
        "crawl_runs": _count(session, CrawlRun),
        "cycles": _count(session, Cycle),
        "matches": _count(session, Match),
        "events": _count(session, Event, Event.status == "active"),
        "false_positives": _count(session, Event, Event.status == "false_positive"),
    }
    for status in ("sent", "pending", "failed"):
        result[f"alerts_{status}"] = _count(session, Outbox, Outbox.status == status)
    return result


def _ended() -> object:
    return func.coalesce(CrawlRun.finished_at, CrawlRun.started_at)


def _status_of(session: Session, name: str, enabled: bool) -> SourceStatus:
    mine = CrawlRun.source == name
    last = session.execute(
        select(_ended(), CrawlRun.new)
        .where(mine)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)  # type: ignore[attr-defined]
    ).first()
    last_ok_started, last_success = session.execute(
        select(func.max(CrawlRun.started_at), func.max(_ended())).where(mine, CrawlRun.ok.is_(True))  # type: ignore[attr-defined]
    ).one()
    failed = [mine, CrawlRun.ok.is_(False)]  # type: ignore[attr-defined]
    if last_ok_started is not None:
        failed.append(CrawlRun.started_at > last_ok_started)
    return SourceStatus(
        name=name,
        last_run=last[0] if last else None,
        last_success=last_success,
        consecutive_failures=_count(session, CrawlRun, *failed),
        new_last_run=last[1] if last else None,
        enabled=enabled,
    )


def source_status(session: Session) -> list[SourceStatus]:
    """One entry per configured source, plus any source that only appears in past runs."""
    names = {n: bool(e) for n, e in session.execute(select(Source.name, Source.enabled))}
    for (name,) in session.execute(select(CrawlRun.source).distinct()):
        names.setdefault(name, False)
    return [_status_of(session, name, enabled) for name, enabled in sorted(names.items())]
