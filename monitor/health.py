"""Source health as operational alerts (kind 'health'), never as visit alerts.

Two conditions, each alerted once per occurrence (the outbox dedup key names it):
- failing: the source failed `health.failures` cycles in a row; the key is the first failed
  run of the streak, so a streak gives one alert however long it lasts, and a new streak after
  a success gives a new one;
- silent: the source keeps being crawled but brought nothing new for far longer than its usual
  gap between runs with new articles; the key is its last productive run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import median
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from monitor.archive.models import CrawlRun
from monitor.config import AppConfig
from monitor.outbox import enqueue_health

logger = logging.getLogger(__name__)

_RHYTHM_RUNS = 20  # productive runs looked at to learn a source's usual gap
_MIN_GAPS = 3


@dataclass(frozen=True)
class HealthIssue:
    source: str
    condition: str  # "failing" or "silent"
    key: str
    headline: str
    text: str


def check_health(config: AppConfig, archive: Any, now: datetime) -> list[HealthIssue]:
    """Queue a health alert for every source newly failing or silent; returns the issues."""
    settings = config.watch.health
    issues: list[HealthIssue] = []
    with archive.write() as session:
        for src in config.sources:
            if not src.enabled:
                continue
            for issue in (_failing(session, src.name, settings.failures),
                          _silent(session, src.name, now, settings)):
                if issue is not None:
                    issues.append(issue)
                    enqueue_health(config, session, issue.key, issue.headline, issue.text, now)
    return issues


def _failing(session: Session, source: str, threshold: int) -> HealthIssue | None:
    mine = CrawlRun.source == source
    last_ok = session.exec(
        select(func.max(CrawlRun.started_at)).where(mine, col(CrawlRun.ok).is_(True))).one()
    failed = select(CrawlRun).where(mine, col(CrawlRun.ok).is_(False))
    if last_ok is not None:
        failed = failed.where(col(CrawlRun.started_at) > last_ok)
    streak = session.exec(failed.order_by(col(CrawlRun.started_at), col(CrawlRun.id))).all()
    if len(streak) < threshold:
        return None
    last_error = next((m for m in reversed(streak[-1].error_messages or []) if m), "no message")
    return HealthIssue(
        source, "failing", f"health-failing-{source}-{streak[0].id}",
        f"Source {source} is failing",
        f"Source {source} failed {len(streak)} cycles in a row. Last error: {last_error}",
    )


def _silent(session: Session, source: str, now: datetime, settings: Any) -> HealthIssue | None:
    productive = session.exec(
        select(CrawlRun.id, CrawlRun.started_at)
        .where(CrawlRun.source == source, col(CrawlRun.new) > 0)
        .order_by(col(CrawlRun.started_at).desc()).limit(_RHYTHM_RUNS)
    ).all()
    if len(productive) <= _MIN_GAPS:
        return None  # too little history to know the source's rhythm
    times = [t for _, t in productive]
    usual = median((a - b).total_seconds() for a, b in pairwise(times))
    allowed = max(timedelta(seconds=usual * settings.silence_factor),
                  timedelta(hours=settings.min_silence_hours))
    last_id, last_new = productive[0]
    latest = session.exec(select(func.max(CrawlRun.started_at)).where(
        CrawlRun.source == source)).one()
    # Silence only counts while we keep looking: downtime of defwatch itself is not the source's.
    if now - last_new <= allowed or latest is None or latest <= last_new:
        return None
    hours = (now - last_new).total_seconds() / 3600
    return HealthIssue(
        source, "silent", f"health-silent-{source}-{last_id}",
        f"Source {source} has gone silent",
        f"Source {source} brought no new article for {hours:.1f} h; it usually does every "
        f"{usual / 3600:.1f} h. Its feed may have moved or stopped updating.",
    )
