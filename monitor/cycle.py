"""One monitoring cycle: due sources → crawl → clean → archive → extract → events → alerts.

`run_cycle` is a plain function: cron (`defwatch run`), the daemon and the tests all call it.
One failing source is a result in the report, never the end of the cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.sources import Source
from monitor.config import AppConfig
from monitor.crawl import CrawlFailed, CrawlJob, run_crawl
from monitor.ingest import Ingestor, SourceReport
from monitor.schedule import due_sources

logger = logging.getLogger(__name__)

ProgressHook = Callable[[dict[str, Any]], None]


@dataclass
class CycleReport:
    """What one cycle did, for the CLI table, the demo and the tests."""

    cycle_id: int
    started_at: datetime
    finished_at: datetime | None = None
    sources: dict[str, SourceReport] = field(default_factory=dict)
    new_matches: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    not_due: list[str] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[str]:
        return [name for name, rep in self.sources.items() if rep.failed]


def crawl_settings(config: AppConfig) -> dict[str, Any]:
    """Scrapy settings for this cycle, from the typed config (applied at cmdline priority)."""
    crawl = config.watch.crawl
    settings: dict[str, Any] = {
        "USER_AGENT": crawl.user_agent,
        "DOWNLOAD_TIMEOUT": crawl.timeout_seconds,
        "DOWNLOAD_MAXSIZE": int(crawl.max_page_mib * 1024 * 1024),
        "DOWNLOAD_DELAY": crawl.download_delay,
        "DEFWATCH_MAX_ARTICLES_PER_SOURCE": crawl.max_articles_per_source,
        "DEFWATCH_ALLOW_PRIVATE_NETWORKS": config.allow_private_networks,
    }
    if crawl.redis_url:
        settings["DEFWATCH_REDIS_URL"] = crawl.redis_url
    return settings


def run_cycle(
    config: AppConfig,
    now: datetime | None = None,
    *,
    all_sources: bool = False,
    progress: ProgressHook | None = None,
    archive: Any = None,
    only: set[str] | None = None,
    extractor: Any = None,
) -> CycleReport:
    """Run one cycle against the archive named in config and return what happened.

    `only` restricts the cycle to those sources (the daemon's per-source jobs; they are due
    by definition). `extractor` lets a long-lived caller reuse one loaded spaCy pipeline.
    """
    from monitor.archive import Archive

    now = now or datetime.now(UTC)
    own = archive is None
    archive = archive or Archive(config.db_url).open()
    try:
        return _run(config, archive, now, all_sources, progress, only, extractor)
    finally:
        if own:
            archive.close()


def _run(config: AppConfig, archive: Any, now: datetime, all_sources: bool,
         progress: ProgressHook | None, only: set[str] | None, extractor: Any) -> CycleReport:
    from monitor.health import check_health
    from monitor.recovery import recover_unfinished_cycles

    archive.upsert_sources(list(config.sources))
    recover_unfinished_cycles(config, archive, extractor)
    last_runs = {s.name: s.last_run for s in archive.source_status()}
    enabled = [s for s in config.sources if s.enabled]
    if only is not None:
        due = [s for s in enabled if s.name in only]
    else:
        due = enabled if all_sources else due_sources(enabled, last_runs, now)
    cycle_id = archive.start_cycle(now)
    report = CycleReport(cycle_id, now, not_due=[s.name for s in enabled if s not in due])
    try:
        if due:
            _ingest(config, archive, cycle_id, due, report, progress, extractor)
        check_health(config, archive, datetime.now(UTC))
    except BaseException:
        archive.finish_cycle(cycle_id, datetime.now(UTC), "failed")
        raise
    report.alerts = _deliver(config, archive, now)
    report.finished_at = datetime.now(UTC)
    archive.finish_cycle(cycle_id, report.finished_at, "ok")
    return report


def _ingest(config: AppConfig, archive: Any, cycle_id: int, due: list[Source],
            report: CycleReport, progress: ProgressHook | None, extractor: Any) -> None:
    with Ingestor(config, archive, cycle_id, extractor) as ingestor:
        try:
            for record in _crawl_records(config, archive, due):
                ingestor.handle(record)
                if progress:
                    progress(record)
        except CrawlFailed as exc:
            # What arrived before the failure is kept; the sources still waiting are this
            # cycle's failures (and count towards their health streak).
            logger.error("crawl failed: %s", exc)
            ingestor.fail_unfinished([s.name for s in due], str(exc))
        ingestor.finish()
        report.sources = ingestor.reports
        report.new_matches = ingestor.new_matches


def _crawl_records(config: AppConfig, archive: Any, due: list[Source]) -> Iterator[dict[str, Any]]:
    crawl = config.watch.crawl
    job = CrawlJob(
        sources=tuple(due),
        feed_state=archive.feed_states(),
        known_urls=archive.known_urls(),
        settings=crawl_settings(config),
        timeout_seconds=timedelta(minutes=crawl.crawl_timeout_minutes).total_seconds(),
    )
    yield from run_crawl(job, config.data_dir / "tmp")


def _deliver(config: AppConfig, archive: Any, now: datetime) -> list[dict[str, Any]]:
    """Send pending alerts (at the real time: the cycle may have taken a while)."""
    from monitor.outbox import dispatch_pending

    return dispatch_pending(config, archive, max(now, datetime.now(UTC)))
