"""Behaviour shared by every source spider: requests, known/duplicate filtering, pages, errors."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider
from scrapy.http import TextResponse

from crawler.failures import describe_failure
from crawler.items import ErrorItem, FeedStateItem, PageItem, SkipItem, now_iso
from crawler.urls import canonicalize, unsafe_url_reason

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.context import RunContext
    from crawler.sources import Source

__all__ = ["SourceSpider"]


class SourceSpider(Spider):
    """Base class: one instance crawls one configured Source.

    Subclasses implement :meth:`initial_requests` and their parse callbacks, and hand article
    URLs to :meth:`article_requests`. Items are records (crawler.items); nothing is stored here.
    """

    name: ClassVar[str] = "source"  # type: ignore[misc]
    source: Source
    ctx: RunContext

    def __init__(self, source: Source, ctx: RunContext, **kwargs: Any) -> None:
        super().__init__(name=f"{self.name}-{source.name}", **kwargs)
        self.source = source
        self.ctx = ctx
        self._allow = re.compile(source.allow) if source.allow else None
        self._article_count = 0

    async def start(self) -> AsyncIterator[Any]:
        for request in self.initial_requests():
            yield request

    def initial_requests(self) -> Iterable[Request]:
        raise NotImplementedError

    # -- feeds and sitemaps: conditional GET ----------------------------------------------

    def source_request(self, url: str, callback: Any, **meta: Any) -> Request:
        """A request for a feed/sitemap document, conditional on the job's feed_state."""
        state = self.ctx.feed_state.get(url) or self.ctx.feed_state.get(canonicalize(url)) or {}
        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        meta = {"handle_httpstatus_list": [304], **meta}
        return Request(url, callback=callback, errback=self.on_error, headers=headers,
                       meta=meta, dont_filter=True)

    def feed_state_item(self, response: Response) -> FeedStateItem:
        url = response.request.url if response.request is not None else response.url
        old = self.ctx.feed_state.get(url) or {}
        etag = _header(response, b"ETag")
        modified = _header(response, b"Last-Modified")
        if response.status == 304:  # a 304 may omit validators; the old ones still hold
            etag, modified = etag or old.get("etag"), modified or old.get("last_modified")
        return FeedStateItem(source=self.source.name, url=url, etag=etag, last_modified=modified,
                             status=304 if response.status == 304 else 200, checked_at=now_iso())

    # -- articles -------------------------------------------------------------------------

    def article_requests(
        self, url: str, hint: dict[str, Any], *, report_filtered: bool = True
    ) -> Iterator[Request | SkipItem]:
        """A Request for an article URL, or the SkipItem saying why it is not fetched."""
        url = url.strip()
        if unsafe_url_reason(url):
            yield self._skip(url, "unsafe_url")
            return
        if self._allow is not None and not self._allow.search(url):
            if report_filtered:
                yield self._skip(url, "not_article")
            return
        canonical = canonicalize(url)
        if canonical in self.ctx.known_urls:
            yield self._skip(canonical, "known")
            return
        if canonical in self.ctx.seen:
            yield self._skip(canonical, "duplicate")
            return
        limit = self.settings.getint("DEFWATCH_MAX_ARTICLES_PER_SOURCE", 0)
        if limit and self._article_count >= limit:
            yield self._skip(canonical, "cap")
            return
        self._article_count += 1
        self.ctx.seen.add(canonical)
        yield Request(url, callback=self.parse_article, errback=self.on_error,
                      cb_kwargs={"canonical": canonical, "hint": hint})

    def parse_article(self, response: Response, canonical: str,
                      hint: dict[str, Any]) -> Iterator[PageItem | SkipItem]:
        if not isinstance(response, TextResponse):
            yield self._skip(canonical, "not_html")
            return
        headers = {
            key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
        }
        yield PageItem(
            source=self.source.name, url=canonical, final_url=response.url,
            status=response.status, headers=headers, html=response.text,
            encoding=response.encoding, fetched_at=now_iso(),
            hint=hint,
        )

    def on_error(self, failure: Failure) -> Iterator[ErrorItem | SkipItem]:
        """Errback of every request: the failure becomes a record, never a crash."""
        kind, reason = describe_failure(failure, self.settings.getfloat("DOWNLOAD_TIMEOUT"))
        request = getattr(failure, "request", None)
        url = request.url if request is not None else self.source.url
        if kind == "skip":
            yield self._skip(url, reason)
        else:
            self.logger.warning("%s", reason)
            yield ErrorItem(source=self.source.name, url=url, reason=reason)

    def error_item(self, url: str, reason: str) -> ErrorItem:
        self.logger.warning("%s", reason)
        return ErrorItem(source=self.source.name, url=url, reason=reason)

    def _skip(self, url: str, reason: str) -> SkipItem:
        return SkipItem(source=self.source.name, url=url, reason=reason)


def hint_dict(title: str | None, published: str | None, feed_url: str | None) -> dict[str, Any]:
    return {"title": title, "published": published, "feed_url": feed_url}


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
