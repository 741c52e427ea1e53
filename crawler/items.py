"""Items the spiders yield; each becomes one OUT.jsonl record (see docs/architecture.md).

Every item class has a ``record_type`` (the record's ``type``) and plain JSON-able fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["ErrorItem", "FeedStateItem", "PageItem", "SkipItem", "now_iso", "to_record"]


def now_iso() -> str:
    """Current time as ISO 8601 UTC with a 'Z', second precision (records are compared as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PageItem:
    """One fetched article page, raw: cleaning happens in monitor."""

    record_type = "page"
    source: str
    url: str  # canonical (crawler.urls.canonicalize)
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-case names
    html: str  # decoded with Scrapy's encoding detection
    encoding: str
    fetched_at: str
    # What the feed/sitemap said before the fetch: {title, published (ISO 8601), feed_url},
    # each may be None. A plain dict so requests carrying it stay serialisable (scrapy-redis).
    hint: dict[str, Any] = field(default_factory=dict)


@dataclass
class FeedStateItem:
    """Conditional-GET state of a feed or sitemap after this run."""

    record_type = "feed_state"
    source: str
    url: str
    etag: str | None
    last_modified: str | None
    status: int  # 200 or 304
    checked_at: str


@dataclass
class SkipItem:
    """A URL deliberately not fetched (known, robots, duplicate, …)."""

    record_type = "skip"
    source: str
    url: str
    reason: str


@dataclass
class ErrorItem:
    """A per-source failure; one line naming what went wrong and where."""

    record_type = "error"
    source: str
    url: str
    reason: str

    def __post_init__(self) -> None:
        self.reason = " ".join(self.reason.split())[:500]


def to_record(item: Any) -> dict[str, Any]:
    """The JSONL record for an item: its fields plus ``type``."""
    return {"type": item.record_type, **asdict(item)}
