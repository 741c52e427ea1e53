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


class ListingSpider(SourceSpider):
    name = "listing"

    def initial_requests(self) -> Iterable[Request]:
        yield Request(self.source.url, callback=self.parse_listing, errback=self.on_error,
                      dont_filter=True)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield self.error_item(response.url, f"listing page is not HTML: {response.url}")
            return
        for href, text in self._links(response):
            # Links outside the selector/regex are navigation, not skipped articles.
            yield from self.article_requests(
                response.urljoin(href), hint_dict(text, None, response.url), report_filtered=False
            )

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
