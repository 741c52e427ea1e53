"""Invented outlets served by the fixture news site: names, discovery paths and house style.

Every name and line of house text here is invented; none belongs to a real outlet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# The article path shape shared by all outlets: /YYYY/MM/DD/<slug>.
ARTICLE_PATH_RE = r"^/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/?$"
LISTING_PAGE_SIZE = 10


@dataclass(frozen=True)
class Outlet:
    """One outlet: its own port, discovery documents and boilerplate."""

    slug: str
    name: str
    tagline: str
    country: str
    template: str
    # Discovery documents this outlet exposes, e.g. {"rss": "/rss/latest.xml"}.
    discovery: dict[str, str]
    robots: str
    nav: tuple[str, ...]
    json_ld: bool = False
    tracking_query: str = ""


OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        slug="karachi-ledger",
        name="The Karachi Ledger",
        tagline="Port city news since the age of the telegraph",
        country="PK",
        template="article_ledger.html",
        discovery={"rss": "/rss/latest.xml"},
        robots="User-agent: *\nDisallow: /search\nDisallow: /account/\n",
        nav=("Home", "Pakistan", "Business", "Sport", "World", "Opinion"),
        json_ld=True,
        tracking_query="utm_source=rss&utm_medium=feed&utm_campaign=latest",
    ),
    Outlet(
        slug="tehran-courier",
        name="Tehran Courier",
        tagline="Daily English news from the capital",
        country="IR",
        template="article_courier.html",
        discovery={"atom": "/feeds/all.atom.xml"},
        robots="User-agent: *\nDisallow: /admin/\n",
        nav=("Politics", "Defence", "Economy", "Culture", "Sports"),
        tracking_query="utm_source=atom",
    ),
    Outlet(
        slug="islamabad-wire",
        name="Islamabad Wire Service",
        tagline="National news agency copy, around the clock",
        country="PK",
        template="article_wire.html",
        discovery={
            "sitemap_index": "/sitemap_index.xml",
            "news_sitemap": "/sitemaps/news.xml",
            "pages_sitemap": "/sitemaps/pages.xml",
        },
        robots="User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap_index.xml\n",
        nav=("National", "Provinces", "Business", "Sports", "Photos"),
        json_ld=True,
    ),
    Outlet(
        slug="persian-gulf-times",
        name="Persian Gulf Times",
        tagline="News of Iran and the region",
        country="IR",
        template="article_gulf.html",
        discovery={"listing": "/latest/"},
        robots="User-agent: *\nDisallow: /print/\n",
        nav=("Latest", "Iran", "Region", "Business", "Sport"),
    ),
)

OUTLETS_BY_SLUG = {o.slug: o for o in OUTLETS}

# CSS selector and allow regex that pick exactly the article links of the listing pages.
LISTING_LINK_SELECTOR = "ol.story-list li.story-item h3.story-title a"
LISTING_ALLOW = r"^https?://[^/]+/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/?$"

# Boilerplate comments shown under every article: generic reader chatter, invented.
COMMENTS = (
    ("Rashid K.", "Good report. Would be nice to see more follow-up on this."),
    ("Nazanin", "The photo caption seems to be wrong, please check."),
    ("Observer_88", "Same story every year, nothing changes on the ground."),
)
