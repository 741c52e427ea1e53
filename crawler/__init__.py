"""defwatch crawler: a Scrapy project that fetches raw article pages for monitor.

Run it as ``python -m crawler run --job JOB.json --out OUT.jsonl`` (docs/architecture.md).
Importing this package is cheap: Scrapy is only imported by the modules that need it.
"""

from crawler.errors import CrawlerError, JobError, SourcesError

__all__ = ["CrawlerError", "JobError", "SourcesError"]
