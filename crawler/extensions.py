"""Per-source statistics: one ``source_stats`` record when each source's crawl ends."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.items import ErrorItem, FeedStateItem, PageItem, SkipItem, now_iso

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SourceStatsExtension:
    """Count what happened to one source (one crawler = one source) from signals."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started_at = now_iso()
        self.responses = 0
        self.not_modified = 0
        self.pages = 0
        self.errors = 0
        self.skipped: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceStatsExtension:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = now_iso()

    def response_received(self, response: Any, request: Any, spider: Spider) -> None:
        self.responses += 1

    def item_scraped(self, item: Any, spider: Spider) -> None:
        if isinstance(item, PageItem):
            self.pages += 1
        elif isinstance(item, FeedStateItem) and item.status == 304:
            self.not_modified += 1
        elif isinstance(item, SkipItem):
            self.skipped[item.reason] += 1
        elif isinstance(item, ErrorItem):
            self.errors += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        # Requests that actually went to the network (robots.txt and retries included);
        # ones refused by a middleware before the downloader are not counted.
        requests = stats.get_value("downloader/request_count", 0) if stats else 0
        record = {
            "type": "source_stats",
            "source": spider.source.name,
            "started_at": self.started_at,
            "finished_at": now_iso(),
            "requests": requests,
            "responses": self.responses,
            "not_modified": self.not_modified,
            "pages": self.pages,
            "skipped": dict(sorted(self.skipped.items())),
            "errors": self.errors,
            "finish_reason": reason,
        }
        spider.ctx.writer.write(record)
        spider.ctx.finished.add(spider.source.name)
