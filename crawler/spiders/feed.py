"""RSS and Atom sources: one conditional GET of the feed, then one request per new entry."""

from __future__ import annotations

import calendar
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import feedparser

from crawler.spiders.base import SourceSpider, hint_dict
from crawler.xmlsafe import strip_doctype

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

__all__ = ["FeedSpider", "parse_feed_bytes"]

# Benign feedparser complaints: the feed parsed fine, only its declared charset was wrong.
_BENIGN = (feedparser.CharacterEncodingOverride,)


class FeedSpider(SourceSpider):
    name = "feed"

    def initial_requests(self) -> Iterable[Request]:
        yield self.source_request(self.source.url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        yield self.feed_state_item(response)
        if response.status == 304:
            return  # not modified: nothing to parse
        entries, problem = parse_feed_bytes(
            response.body, response.url, response.headers.get(b"Content-Type")
        )
        if problem:
            kept = f" (kept {len(entries)} entries)" if entries else ""
            yield self.error_item(response.url, f"{problem}{kept}: {response.url}")
        for link, title, published in entries:
            yield from self.article_requests(link, hint_dict(title, published, response.url))


def parse_feed_bytes(
    body: bytes, url: str, content_type: bytes | None = None
) -> tuple[list[tuple[str, str | None, str | None]], str | None]:
    """Entries ``(link, title, published ISO)`` of a feed body, and a problem or None.

    The body is given to feedparser as a stream of bytes: a ``bytes`` argument would first be
    tried as a file path, a ``str`` as a URL to fetch. The DOCTYPE is stripped first so no
    entity is ever defined, let alone expanded (XXE, billion laughs).
    """
    cleaned, declared_entities = strip_doctype(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type.decode("latin-1")
    parsed = feedparser.parse(io.BytesIO(cleaned), response_headers=headers)
    entries = [e for e in (_entry(raw) for raw in parsed.entries) if e is not None]
    problem = None
    if declared_entities:
        problem = "feed declares XML entities (DOCTYPE removed, entities not expanded)"
    elif not parsed.version and not entries:
        kind = "HTML served as feed" if _looks_like_html(body) else "not a feed"
        problem = f"{kind} (no RSS/Atom root element)"
    elif parsed.bozo and not isinstance(parsed.get("bozo_exception"), _BENIGN):
        problem = f"malformed feed ({_exception_text(parsed.get('bozo_exception'))})"
    return entries, problem


def _entry(raw: Any) -> tuple[str, str | None, str | None] | None:
    link = raw.get("link")
    if not link:
        link = next((lk.get("href") for lk in raw.get("links", []) if lk.get("href")), None)
    if not link and raw.get("guidislink"):
        link = raw.get("id")
    if not link:
        return None
    title = raw.get("title") or None
    return link, title, _iso(raw.get("published_parsed") or raw.get("updated_parsed"))


def _iso(parsed_time: Any) -> str | None:
    if not parsed_time:
        return None
    try:
        stamp = calendar.timegm(parsed_time)
        return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return None  # year 0001/9999 and other nonsense dates become "unknown"


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head or b"<body" in head


def _exception_text(exc: Any) -> str:
    text = " ".join(str(exc).split()) if exc else ""
    return f"{type(exc).__name__}: {text}" if exc else "unknown error"
