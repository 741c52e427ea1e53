"""Generic spiders, one per source kind, plus any site-specific ones (``Source.spider``).

A site-specific spider subclasses :class:`crawler.spiders.base.SourceSpider`, sets a unique
``name`` and is selected by ``spider: <name>`` in config/sources.yaml.
"""

from __future__ import annotations

__all__ = ["SPIDER_FOR_KIND"]

# Dotted paths, so importing this package does not import Scrapy spiders eagerly.
SPIDER_FOR_KIND = {
    "rss": "crawler.spiders.feed.FeedSpider",
    "atom": "crawler.spiders.feed.FeedSpider",
    "sitemap": "crawler.spiders.sitemap.SitemapSpider",
    "listing": "crawler.spiders.listing.ListingSpider",
}
