"""``python -m crawler run``: crawl every source of a job in one process, write OUT.jsonl.

One CrawlerProcess, one Crawler per source (so Scrapy's stats are per source), one shared
JSONL writer. Per-source failures become records; only an unusable job stops the run.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from crawler.context import JsonlWriter, RunContext
from crawler.errors import JobError, SourcesError
from crawler.items import now_iso
from crawler.sources import Source, parse_sources
from crawler.spiders import SPIDER_FOR_KIND

logger = logging.getLogger(__name__)

__all__ = ["Job", "build_settings", "load_job", "run_job"]

_REDIS_SETTINGS = {
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
}


class Job(BaseModel):
    """The job file monitor writes (docs/architecture.md)."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Any]
    feed_state: dict[str, dict[str, Any]] = {}
    known_urls_file: str | None = None
    settings: dict[str, Any] = {}


def load_job(path: str | Path) -> tuple[Job, list[Source], frozenset[str]]:
    """Read a job file; raise JobError (one line) when it cannot be used."""
    try:
        job = Job.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise JobError(f"{path}: cannot read job file: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise JobError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise JobError(f"{path}: {where}: {err['msg']}") from None
    try:
        sources = parse_sources({"sources": job.sources}, str(path))
    except SourcesError as exc:
        raise JobError(str(exc)) from None
    return job, sources, _known_urls(job.known_urls_file)


def _known_urls(path: str | None) -> frozenset[str]:
    if not path:
        return frozenset()
    try:
        with open(path, encoding="utf-8") as fh:
            return frozenset(line.strip() for line in fh if line.strip())
    except OSError as exc:
        raise JobError(f"{path}: cannot read known_urls_file: {exc.strerror or exc}") from None


def build_settings(job_settings: dict[str, Any]) -> Any:
    """crawler.settings at project priority, the job's settings at cmdline priority."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(job_settings, priority="cmdline")
    if "DEFWATCH_USER_AGENT" in job_settings and "USER_AGENT" not in job_settings:
        settings.set("USER_AGENT", job_settings["DEFWATCH_USER_AGENT"], priority="cmdline")
    redis_url = settings.get("DEFWATCH_REDIS_URL")
    if redis_url:
        settings.update({**_REDIS_SETTINGS, "REDIS_URL": redis_url}, priority="cmdline")
    return settings


def run_job(job_path: str | Path, out_path: str | Path) -> int:
    """Run the crawl; return the exit code (0 when the crawl ran). Raises JobError."""
    job, sources, known = load_job(job_path)
    settings = build_settings(job.settings)
    writer = JsonlWriter(out_path)
    ctx = RunContext(writer=writer, known_urls=known, feed_state=job.feed_state)
    started = {s.name: now_iso() for s in sources}
    try:
        _crawl(settings, sources, ctx)
    finally:
        for source in sources:  # exactly one source_stats per source, whatever happened
            if source.name not in ctx.finished:
                _write_failed_stats(writer, source, started[source.name], "failed")
        writer.close()
    return 0


def _crawl(settings: Any, sources: list[Source], ctx: RunContext) -> None:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.misc import load_object

    process = CrawlerProcess(settings)
    loader = SpiderLoader.from_settings(settings)
    for source in sources:
        if not source.enabled:
            continue
        try:
            spidercls = loader.load(source.spider) if source.spider else load_object(
                SPIDER_FOR_KIND[source.kind])
            deferred = process.crawl(process.create_crawler(spidercls), source=source, ctx=ctx)
        except Exception as exc:  # noqa: BLE001 - a broken spider must not stop other sources
            _source_failed(ctx, source, exc)
            continue
        deferred.addErrback(lambda failure, s=source: _source_failed(ctx, s, failure.value))
    if process.crawlers:
        process.start()


def _source_failed(ctx: RunContext, source: Source, exc: BaseException) -> None:
    reason = " ".join(f"could not crawl source {source.name}: {type(exc).__name__}: {exc}".split())
    logger.error("%s", reason)
    ctx.writer.write({"type": "error", "source": source.name, "url": source.url,
                      "reason": reason[:500]})


def _write_failed_stats(writer: JsonlWriter, source: Source, started: str, reason: str) -> None:
    writer.write({
        "type": "source_stats", "source": source.name, "started_at": started,
        "finished_at": now_iso(), "requests": 0, "responses": 0, "not_modified": 0,
        "pages": 0, "skipped": {}, "errors": 0 if not source.enabled else 1,
        "finish_reason": "disabled" if not source.enabled else reason,
    })
