"""Item pipeline: every item a spider yields becomes one line of OUT.jsonl."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.items import to_record

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class JsonlRecordPipeline:
    """Write items as records through the run's shared writer (the spider's ``ctx``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlRecordPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        self.crawler.spider.ctx.writer.write(to_record(item))
        return item
