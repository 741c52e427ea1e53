"""Turn the crawl's records into archive rows: clean pages, store articles, extract visits.

Pages are cleaned in batches by the bounded worker pool while the crawl is still running; new
articles are then extracted in one `nlp.pipe` pass per batch.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

from monitor.config import AppConfig

logger = logging.getLogger(__name__)

_CLEAN_BATCH = 16
_MAX_ERRORS_KEPT = 20


@dataclass
class SourceReport:
    """Per-source outcome of one cycle (also stored as a crawl_run row)."""

    name: str
    requests: int = 0
    not_modified: int = 0
    pages: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    finish_reason: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def failed(self) -> bool:
        return self.error_count > 0 and self.new == 0 and self.pages == 0 and self.not_modified == 0

    def add_error(self, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < _MAX_ERRORS_KEPT:
            self.errors.append(reason)


class Ingestor:
    """Consumes crawl records one by one; call finish() once the crawl has ended."""

    def __init__(self, config: AppConfig, archive: Any, cycle_id: int,
                 extractor: Any = None) -> None:
        self.config = config
        self.archive = archive
        self.cycle_id = cycle_id
        self.reports: dict[str, SourceReport] = {}
        self.new_matches: list[dict[str, Any]] = []
        self._pages: list[dict[str, Any]] = []
        self._new_articles: list[tuple[int, Any]] = []
        self._cleaner: Any = None
        # A long-lived caller (the daemon) passes its loaded pipeline: spaCy loads in ~2 s.
        self._extractor: Any = extractor

    def __enter__(self) -> Self:
        from monitor.clean import Cleaner

        self._cleaner = Cleaner().__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._cleaner is not None:
            self._cleaner.__exit__(None, None, None)

    def report(self, source: str) -> SourceReport:
        if source not in self.reports:
            self.reports[source] = SourceReport(source)
        return self.reports[source]

    def handle(self, record: dict[str, Any]) -> None:
        kind = record.get("type")
        rep = self.report(str(record.get("source", "?")))
        if kind == "page":
            rep.pages += 1
            self._pages.append(record)
            if len(self._pages) >= _CLEAN_BATCH:
                self._flush_pages()
        elif kind == "feed_state":
            self.archive.save_feed_state(
                url=record["url"], source=rep.name, etag=record.get("etag"),
                last_modified=record.get("last_modified"), status=record.get("status"),
                checked_at=_parse_time(record.get("checked_at")),
            )
        elif kind == "skip":
            rep.skipped[str(record.get("reason", "unknown"))] += 1
        elif kind == "error":
            rep.add_error(str(record.get("reason", "unknown error")))
        elif kind == "source_stats":
            self._take_stats(rep, record)

    def finish(self) -> None:
        self._flush_pages()
        self._extract_new()
        for rep in self.reports.values():
            self.archive.record_crawl_run(
                cycle_id=self.cycle_id, source=rep.name, started_at=rep.started_at,
                finished_at=rep.finished_at, requests=rep.requests,
                not_modified=rep.not_modified, new=rep.new, skipped=dict(rep.skipped),
                errors=rep.error_count, error_messages=rep.errors,
                finish_reason=rep.finish_reason,
            )

    def fail_unfinished(self, sources: list[str], reason: str) -> None:
        """Mark every source that never reported its stats as failed with `reason`."""
        now = datetime.now(UTC)
        for name in sources:
            rep = self.report(name)
            if rep.finish_reason is None:
                rep.add_error(f"crawl failed before {name} finished: {reason}")
                rep.finish_reason = "crawl failed"
                rep.started_at = rep.started_at or now
                rep.finished_at = now

    def _take_stats(self, rep: SourceReport, record: dict[str, Any]) -> None:
        rep.requests = int(record.get("requests") or 0)
        rep.not_modified = int(record.get("not_modified") or 0)
        rep.finish_reason = record.get("finish_reason")
        rep.started_at = _parse_time(record.get("started_at"))
        rep.finished_at = _parse_time(record.get("finished_at"))
        for reason, n in (record.get("skipped") or {}).items():
            # Skips the crawler counted but did not emit one by one (e.g. known URLs).
            rep.skipped[reason] = max(rep.skipped[reason], int(n))

    def _flush_pages(self) -> None:
        from monitor.archive import ArticleIn
        from monitor.clean import Skipped
        from monitor.pagekind import not_article_reason

        pages, self._pages = self._pages, []
        if not pages:
            return
        jobs = [(p.get("html") or "", p.get("final_url") or p["url"],
                 _parse_time((p.get("hint") or {}).get("published")),
                 self._language(p["source"])) for p in pages]
        for page, result in zip(pages, self._cleaner.clean_many(jobs)):
            rep = self.report(page["source"])
            reason = result.reason if isinstance(result, Skipped) else not_article_reason(
                result, page.get("final_url") or page["url"])
            if reason is not None:
                rep.skipped[reason] += 1
                self.archive.record_skipped_url(page["url"], page["source"], reason)
                continue
            hint = page.get("hint") or {}
            added = self.archive.add_article(ArticleIn(
                canonical_url=page["url"], url=page["url"], final_url=page.get("final_url"),
                source=page["source"], title=result.title or hint.get("title"),
                author=result.author, sitename=result.sitename,
                published=result.date or _parse_time(hint.get("published")),
                fetched_at=_parse_time(page.get("fetched_at")) or datetime.now(UTC),
                language=result.language, text=result.text, html=page.get("html") or "",
            ))
            if added.new:
                rep.new += 1
                self._new_articles.append((added.article_id, result))
            else:
                rep.duplicates += 1
                rep.skipped["duplicate"] += 1

    def _extract_new(self) -> None:
        if not self._new_articles:
            return
        from monitor.matches import store_extractions

        self.new_matches.extend(
            store_extractions(self.config, self.archive, self._new_articles, self._get_extractor())
        )
        self._new_articles = []

    def _get_extractor(self) -> Any:
        if self._extractor is None:
            from monitor.matches import extractor_for

            self._extractor = extractor_for(self.config)
        return self._extractor

    def _language(self, source: str) -> str | None:
        for src in self.config.sources:
            if src.name == source:
                return src.language
        return None


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
