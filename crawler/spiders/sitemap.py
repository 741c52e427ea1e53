"""Sitemap sources: sitemaps, sitemap indexes, Google News sitemaps, ``.xml.gz`` bodies."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from lxml import etree
from scrapy.utils.gz import gunzip, gzip_magic_number

from crawler.spiders.base import SourceSpider, hint_dict
from crawler.xmlsafe import safe_xml_parser, strip_doctype

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

__all__ = ["SitemapSpider", "parse_sitemap_bytes"]

# An index pointing at indexes pointing at ... is followed this deep, no further.
MAX_DEPTH = 2
# Child sitemaps followed per index: news sites keep the recent ones first.
MAX_CHILDREN = 50


class SitemapSpider(SourceSpider):
    name = "sitemap"

    def initial_requests(self) -> Iterable[Request]:
        yield self.source_request(self.source.url, self.parse_sitemap, sitemap_depth=0)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        yield self.feed_state_item(response)
        if response.status == 304:
            return
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except ValueError as exc:  # scrapy's max-size error is a ValueError
                yield self.error_item(response.url, f"size limit: gzipped sitemap {exc} "
                                      f"(DOWNLOAD_MAXSIZE): {response.url}")
                return
            except (OSError, EOFError) as exc:
                yield self.error_item(response.url, f"corrupt gzip sitemap ({exc}): {response.url}")
                return
        kind, entries = parse_sitemap_bytes(body)
        if kind == "sitemapindex":
            yield from self._children(response, entries)
        elif kind == "urlset":
            for loc, title, published in entries:
                yield from self.article_requests(loc, hint_dict(title, published, response.url))
        else:
            yield self.error_item(response.url, f"not a sitemap ({kind}): {response.url}")

    def _children(self, response: Response, entries: list[Any]) -> Iterator[Any]:
        depth = response.meta.get("sitemap_depth", 0) + 1
        if depth > MAX_DEPTH:
            yield self.error_item(response.url, f"sitemap index nested deeper than {MAX_DEPTH}: "
                                  f"{response.url}")
            return
        for loc, _title, _published in entries[:MAX_CHILDREN]:
            yield self.source_request(response.urljoin(loc), self.parse_sitemap,
                                      sitemap_depth=depth)


def parse_sitemap_bytes(body: bytes) -> tuple[str, list[tuple[str, str | None, str | None]]]:
    """``(root kind, [(loc, news title, publication date or lastmod)])``.

    Parsed with entities unresolved and no DTD/network: an entity reference inside ``<loc>``
    is dropped, never expanded.
    """
    cleaned, _declared = strip_doctype(body)
    try:
        root = etree.fromstring(cleaned, parser=safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        return f"unparseable XML: {' '.join(str(exc).split())}", []
    if root is None:
        return "empty document", []
    kind = etree.QName(root).localname
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries = []
    for node in root.iterchildren(f"{{*}}{child}"):
        loc = _text(node, "loc")
        if loc:
            published = _text(node, "publication_date", deep=True) or _text(node, "lastmod")
            entries.append((loc, _text(node, "title", deep=True), published))
    return kind, entries


def _text(node: Any, localname: str, deep: bool = False) -> str | None:
    found = node.find(f".//{{*}}{localname}" if deep else f"{{*}}{localname}")
    if found is None:
        return None
    # Unresolved entity references are child nodes: keep only real text, so "&xxe;" is dropped.
    parts = [found.text or ""]
    for child in found:
        if not isinstance(child, etree._Entity):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    text = "".join(parts).strip()
    return text or None
