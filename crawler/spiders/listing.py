"""Listing sources: an HTML page whose links (selector and/or regex) are articles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.http import TextResponse

from crawler.sources import selector_to_xpath
from crawler.spiders.base import SourceSpider, hint_dict

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["ListingSpider"]

# A pagination link, in the forms news sites use: rel=next, or an anchor classed "next".
_NEXT_XPATH = (
    '//link[@rel="next"]/@href | //a[@rel="next"]/@href'
    ' | //a[contains(concat(" ", normalize-space(@class), " "), " next ")]/@href'
)


class ListingSpider(SourceSpider):
    name = "listing"

    def initial_requests(self) -> Iterable[Request]:
        yield Request(self.source.url, callback=self.parse_listing, errback=self.on_error,
                      dont_filter=True, cb_kwargs={"page": 1})

    def parse_listing(self, response: Response, page: int = 1) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield self.error_item(response.url, f"listing page is not HTML: {response.url}")
            return
        new = 0
        for href, text in self._links(response):
            # Links outside the selector/regex are navigation, not skipped articles.
            for out in self.article_requests(
                response.urljoin(href), hint_dict(text, None, response.url), report_filtered=False
            ):
                new += isinstance(out, Request)
                yield out
        # Older pages only matter while this one still had unseen articles: once a page is
        # all known, everything behind it was crawled in an earlier cycle.
        max_pages = self.settings.getint("DEFWATCH_LISTING_MAX_PAGES", 3)
        next_href = response.xpath(_NEXT_XPATH).get()
        if new and next_href and page < max_pages:
            yield Request(response.urljoin(next_href.strip()), callback=self.parse_listing,
                          errback=self.on_error, cb_kwargs={"page": page + 1})

    def _links(self, response: TextResponse) -> Iterator[tuple[str, str | None]]:
        selector = self.source.link_selector
        nodes = response.xpath(selector_to_xpath(selector)) if selector else response.xpath("//a")
        for node in nodes:
            root = node.root
            if isinstance(root, str):  # the XPath selected an attribute or text: a URL
                yield root.strip(), None
                continue
            anchors = [node] if node.attrib.get("href") else node.xpath(".//a[@href]")
            for anchor in anchors:
                text = " ".join(anchor.xpath("string()").get("").split()) or None
                yield anchor.attrib["href"], text
