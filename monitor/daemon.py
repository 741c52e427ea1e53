"""`defwatch daemon`: APScheduler 3 wiring around `run_cycle` and the outbox dispatcher.

Jobs live in a persistent SQLAlchemyJobStore in the archive database (table
`defwatch_scheduler_jobs`), with explicit ids and `replace_existing=True`, so restarts never
multiply them. APScheduler 3 has no inter-process synchronisation and a job store must never be
shared, so only one daemon runs per archive: it holds the "daemon" lock for its whole life.

- `source:<name>`: one job per enabled source, on its interval (or cron expression), running
  `run_cycle(only=...)` under the "cycle" lock that `defwatch run` (cron) also takes and an
  in-process mutex, so two crawls never overlap; sources whose jobs fire while a crawl runs
  share the next crawl. Coalescing, `max_instances=1` and a misfire grace time come from
  watch.yaml `daemon:`.
- `dispatch`: every `daemon.dispatch_seconds`, delivers pending and retryable alerts and digests
  (a cycle that found something also delivers at once when it ends).

At start each source's first run is computed from the archive (its last run plus its interval):
a source overdue after downtime runs once, right away. SIGTERM/SIGINT stop the scheduler after
the running job ends. A crash loses nothing: alerts are outbox rows committed with their event,
and articles of a cycle that died are extracted by the next one (monitor.recovery).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.config import AppConfig
from monitor.errors import MonitorError

logger = logging.getLogger(__name__)

JOBSTORE_TABLE = "defwatch_scheduler_jobs"
SOURCE_PREFIX = "source:"
DISPATCH_ID = "dispatch"
_HEARTBEAT_SECONDS = 30.0


class DaemonRefused(MonitorError):
    """Another daemon already runs on this archive."""


class CycleFailed(MonitorError):
    """A scheduled cycle raised; the message names its sources (the schedule goes on)."""


@dataclass
class _Runtime:
    """What the job functions need; set by `run_daemon` (job callables must be importable
    module-level functions to survive in the persistent store, so they cannot be closures)."""

    config: AppConfig
    archive: Any
    extractor: Any = None
    crawl_mutex: threading.Lock = field(default_factory=threading.Lock)
    marks_lock: threading.Lock = field(default_factory=threading.Lock)
    marked: set[str] = field(default_factory=set)


_runtime: _Runtime | None = None


def _current() -> _Runtime:
    if _runtime is None:
        raise RuntimeError("the defwatch daemon is not running in this process")
    return _runtime


def crawl_source(name: str) -> None:
    """Job: crawl `name` now (with any other source whose job is waiting: one crawl process).

    The job marks its source due, then waits for the crawl mutex. Whoever gets the mutex takes
    every marked source into one cycle; a job whose source was taken by another returns at
    once. So no firing is lost, and overlapping firings share one crawl instead of queueing.
    """
    rt = _current()
    if not any(s.name == name and s.enabled for s in rt.config.sources):
        logger.warning("source=%s: no longer configured; job skipped", name)
        return
    with rt.marks_lock:
        rt.marked.add(name)
    with rt.crawl_mutex:
        with rt.marks_lock:
            batch, rt.marked = set(rt.marked), set()
        if not batch:
            logger.debug("source=%s: crawled by another job's cycle", name)
            return
        _cycle(rt, batch)


def _cycle(rt: _Runtime, batch: set[str]) -> None:
    from monitor.cycle import run_cycle
    from monitor.locks import hold

    names = ",".join(sorted(batch))
    with hold(rt.archive, "cycle") as held:
        if not held.acquired:
            logger.info("source=%s: skipped, a cycle is running (%s)", names, held.holder)
            return
        try:
            report = run_cycle(rt.config, archive=rt.archive, only=batch, extractor=rt.extractor)
        except Exception as exc:
            raise CycleFailed(f"source={names}: cycle failed: {type(exc).__name__}: {exc}") \
                from exc
    new = sum(r.new for r in report.sources.values())
    failed = report.failed_sources
    sent = sum(1 for a in report.alerts if a["status"] == "sent")
    logger.info("source=%s: cycle %d done: %d new, %d matches, %d alerts sent%s", names,
                report.cycle_id, new, len(report.new_matches), sent,
                f", failed: {','.join(failed)}" if failed else "")


def dispatch() -> None:
    """Job: deliver due pending alerts and digests."""
    from monitor.outbox import dispatch_pending

    rt = _current()
    done = dispatch_pending(rt.config, rt.archive)
    if done:
        logger.info("dispatcher: %d alert row(s) handled", len(done))


def _source_trigger(src: Any, scale: float) -> Any:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from crawler.sources import DEFAULT_INTERVAL

    if src.cron:
        return CronTrigger.from_crontab(src.cron, timezone="UTC")
    seconds = (src.interval or DEFAULT_INTERVAL).total_seconds() * scale
    return IntervalTrigger(seconds=max(seconds, 1.0), timezone="UTC")


def _first_run(trigger: Any, last_run: datetime | None, now: datetime) -> datetime:
    """Due (or overdue after downtime): now, once. Else when the trigger says after last_run."""
    if last_run is None:
        return now
    nxt = trigger.get_next_fire_time(None, last_run + timedelta(microseconds=1))
    return now if nxt is None or nxt <= now else nxt


def install_jobs(scheduler: Any, config: AppConfig, archive: Any,
                 now: datetime | None = None) -> list[str]:
    """Add or replace every job; remove jobs of sources no longer configured. Returns job ids."""
    now = now or datetime.now(UTC)
    settings = config.watch.daemon
    last_runs = {s.name: s.last_run for s in archive.source_status()}
    common = {"replace_existing": True, "coalesce": True, "max_instances": 1,
              "misfire_grace_time": settings.misfire_grace_seconds}
    wanted: list[str] = []
    for src in config.sources:
        if not src.enabled:
            continue
        trigger = _source_trigger(src, settings.interval_scale)
        job_id = SOURCE_PREFIX + src.name
        scheduler.add_job("monitor.daemon:crawl_source", trigger, args=[src.name], id=job_id,
                          name=f"crawl {src.name}", executor="crawl",
                          next_run_time=_first_run(trigger, last_runs.get(src.name), now),
                          **common)
        wanted.append(job_id)
    for job in scheduler.get_jobs():
        if job.id.startswith(SOURCE_PREFIX) and job.id not in wanted:
            logger.info("removing the job of %s (no longer an enabled source)", job.id)
            job.remove()
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler.add_job("monitor.daemon:dispatch",
                      IntervalTrigger(seconds=settings.dispatch_seconds, timezone="UTC"),
                      id=DISPATCH_ID, name="deliver alerts", next_run_time=now, **common)
    return [*wanted, DISPATCH_ID]


def build_scheduler(config: AppConfig) -> Any:
    """A BackgroundScheduler with the archive as job store (not started)."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    options: dict[str, Any] = {"pool_pre_ping": True}
    if config.db_url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30}  # wait for archive writers, like they do
    store = SQLAlchemyJobStore(url=config.db_url, tablename=JOBSTORE_TABLE,
                               engine_options=options)
    scheduler = BackgroundScheduler(
        jobstores={"default": store},
        # Crawl jobs wait for one mutex: one thread per source lets each mark itself due.
        executors={"default": ThreadPoolExecutor(2),
                   "crawl": ThreadPoolExecutor(max(1, sum(s.enabled for s in config.sources)))},
        timezone="UTC",
    )
    scheduler.add_listener(_on_job_event, _job_event_mask())
    return scheduler


def _job_event_mask() -> int:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED

    return int(EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)


def _on_job_event(event: Any) -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED

    job_id = str(event.job_id)
    who = f"source={job_id.removeprefix(SOURCE_PREFIX)}" if job_id.startswith(SOURCE_PREFIX) \
        else f"job={job_id}"
    if event.code == EVENT_JOB_ERROR:
        exc = event.exception
        logger.error("%s: job failed: %s: %s; the schedule goes on", who,
                     type(exc).__name__, " ".join(str(exc).split()))
    elif event.code == EVENT_JOB_MISSED:
        logger.warning("%s: run of %s missed (later than the misfire grace time)", who,
                       event.scheduled_run_time)
    else:
        logger.info("%s: previous run still going; this run skipped", who)


def run_daemon(config: AppConfig, *, stop: threading.Event | None = None,
               crash_after_commit: bool = False) -> int:
    """Run the scheduler until SIGTERM/SIGINT (or `stop` is set). Returns the exit code.

    Raises:
        DaemonRefused: another daemon holds this archive (the message names it).
    """
    global _runtime
    from monitor.archive import Archive
    from monitor.locks import release, this_holder, try_acquire

    stop = stop or threading.Event()
    holder = this_holder()
    previous = _install_signals(stop)  # first: a SIGTERM during start-up is a clean stop too
    archive = Archive(config.db_url).open()
    try:
        held = try_acquire(archive, "daemon", holder)
        if not held.acquired:
            raise DaemonRefused(f"another defwatch daemon runs on archive {archive.display_url} "
                                f"({held.holder}); not starting a second one")
        try:
            if crash_after_commit:
                from monitor.outbox import arm_crash_after_commit

                arm_crash_after_commit()
            _runtime = _Runtime(config, archive, extractor=_LazyExtractor(config))
            _serve(config, archive, holder, stop)
        finally:
            _runtime = None
            release(archive, "daemon", holder)
    finally:
        archive.close()
        _restore_signals(previous)
    return 0


def _serve(config: AppConfig, archive: Any, holder: str, stop: threading.Event) -> None:
    from monitor.locks import heartbeat

    scheduler = build_scheduler(config)
    scheduler.start(paused=True)
    try:
        jobs = install_jobs(scheduler, config, archive)
        scheduler.resume()
        logger.info("daemon started (%s) with %d jobs on %s", holder, len(jobs),
                    archive.display_url)
        beat_at = time.monotonic() + _HEARTBEAT_SECONDS
        while not stop.wait(0.5):  # short waits let the signal handler run promptly
            if time.monotonic() < beat_at:
                continue
            beat_at = time.monotonic() + _HEARTBEAT_SECONDS
            if not heartbeat(archive, "daemon", holder):
                logger.error("the daemon lock was taken over by another process; stopping")
                break
    finally:
        logger.info("daemon stopping: waiting for the running job to end")
        scheduler.pause()  # no new submissions while the executors shut down
        scheduler.shutdown(wait=True)
        logger.info("daemon stopped")


def _install_signals(stop: threading.Event) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}  # signals can only be handled in the main thread (tests run us elsewhere)
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, lambda *_: stop.set())
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


class _LazyExtractor:
    """One spaCy pipeline for the daemon's life, loaded when a cycle first needs it (loading
    takes seconds and ~200 MB; many cycles find nothing new)."""

    def __init__(self, config: AppConfig) -> None:
        self._config = config
        self._loaded: Any = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        with self._lock:
            if self._loaded is None:
                from monitor.matches import extractor_for

                self._loaded = extractor_for(self._config)
        return getattr(self._loaded, name)
