"""The archive: sources, feed state, articles, runs, matches, events and the alert outbox."""

from monitor.archive._core import Archive
from monitor.archive._engine import DEFAULT_URL, redact_url
from monitor.archive._engine import redact_url as display_url
from monitor.archive.articles import AddResult, ArticleIn, content_hash
from monitor.archive.runs import CrawlRunIn
from monitor.archive.sources import SourceIn, config_hash
from monitor.archive.stats import SourceStatus

__all__ = [
    "DEFAULT_URL",
    "AddResult",
    "Archive",
    "ArticleIn",
    "CrawlRunIn",
    "SourceIn",
    "SourceStatus",
    "config_hash",
    "content_hash",
    "display_url",
    "redact_url",
]
