"""When is a source due? Pure functions over the sources' intervals or cron expressions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from crawler.sources import DEFAULT_INTERVAL, Source


def next_run(source: Source, last_run: datetime | None) -> datetime | None:
    """The earliest time the source should be crawled again (None: right away)."""
    if last_run is None:
        return None
    if last_run.tzinfo is None:
        last_run = last_run.replace(tzinfo=UTC)
    if source.cron:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(source.cron, timezone="UTC")
        return trigger.get_next_fire_time(None, last_run + timedelta(seconds=1))  # type: ignore[no-any-return]
    return last_run + (source.interval or DEFAULT_INTERVAL)


def due_sources(
    sources: Iterable[Source], last_runs: Mapping[str, datetime | None], now: datetime
) -> list[Source]:
    """Sources whose next run is at or before `now`, in config order."""
    due = []
    for src in sources:
        nxt = next_run(src, last_runs.get(src.name))
        if nxt is None or nxt <= now:
            due.append(src)
    return due
