"""Render every document an outlet serves (feeds, sitemaps, listings, articles) with Jinja2."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from ._outlets import COMMENTS, LISTING_PAGE_SIZE, OUTLETS_BY_SLUG, Outlet
from ._state import Article, SiteState

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Fixed so that robots.txt and static pages keep one ETag and Last-Modified forever.
SITE_EPOCH = datetime(2016, 1, 1, tzinfo=UTC)
DEFENCE_KINDS = {"visit", "hosting", "delegation", "port_call", "military_other",
                 "other_country_military"}
STATIC_PAGES = {"about": "About us", "contact": "Contact", "advertise": "Advertise",
                "privacy": "Privacy policy", "terms": "Terms of use"}
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Resource:
    """A rendered response body with the validators the handler sends."""

    body: bytes
    content_type: str
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def human(moment: datetime) -> str:
    return moment.strftime("%B %d, %Y %H:%M UTC").replace(" 0", " ")


def teaser(article: Article) -> str:
    first = article.paragraphs[0]
    match = re.match(r"(.+?[.!?])(\s|$)", first)
    return (match.group(1) if match else first)[:240]


def section(article: Article) -> str:
    return "Defence" if article.meta["kind"] in DEFENCE_KINDS else "National"


class Renderer:
    """Builds documents from the current SiteState; bases maps outlet slug -> base URL."""

    def __init__(self, state: SiteState, bases: dict[str, str]) -> None:
        self.state = state
        self.bases = bases
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.most_read = {slug: self._pick_most_read(slug) for slug in OUTLETS_BY_SLUG}

    def _pick_most_read(self, outlet: str) -> list[Article]:
        """Fixed per outlet, always-visible stories only, and always with a visit story.

        The visit story on every page (including non-visit articles) is the deliberate trap:
        a sidebar headline must not turn an unrelated article into a match.
        """
        pool = [a for a in self.state.articles
                if a.outlet == outlet and not a.meta["hidden"] and not a.meta["robots_disallowed"]]
        visits = sorted((a for a in pool if a.meta["label"] and a.meta["kind"] == "visit"),
                        key=lambda a: a.id)
        others = sorted((a for a in pool if not a.meta["label"]), key=lambda a: a.published,
                        reverse=True)
        return visits[:2] + others[:5]

    def _link(self, article: Article, *, teaser_on: bool = False) -> dict[str, str]:
        return {"url": article.path, "title": article.title, "when": human(article.published),
                "teaser": teaser(article) if teaser_on else ""}

    def _render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def _common(self, outlet: Outlet) -> dict[str, Any]:
        return {"outlet": outlet, "base": self.bases[outlet.slug], "charset": "utf-8",
                "year": 2026, "today": "Saturday"}

    def _entries(self, outlet: Outlet, *, tracked: bool) -> list[dict[str, Any]]:
        base = self.bases[outlet.slug]
        query = "?" + outlet.tracking_query if tracked and outlet.tracking_query else ""
        return [{"id": a.id, "title": a.title, "link": base + a.path + query, "path": a.path,
                 "slug": a.meta["slug"], "iso": iso(when), "rfc822": format_datetime(when, True),
                 "human": human(when), "author": a.author, "section": section(a),
                 "teaser": teaser(a)}
                for a, when in self.state.visible(outlet.slug)]

    def _updated(self, outlet: Outlet) -> datetime:
        rows = self.state.visible(outlet.slug)
        return max(when for _, when in rows) if rows else SITE_EPOCH

    def feed(self, outlet: Outlet, kind: str, self_url: str) -> Resource:
        """RSS 2.0 ("rss") or Atom ("atom") feed of every visible article."""
        updated = self._updated(outlet)
        text = self._render(f"{kind}.xml", **self._common(outlet), self_url=self_url,
                            entries=self._entries(outlet, tracked=True), updated_iso=iso(updated),
                            updated_rfc822=format_datetime(updated, True))
        ctype = "application/rss+xml" if kind == "rss" else "application/atom+xml"
        return Resource(text.encode("utf-8"), ctype + "; charset=utf-8", updated)

    def news_sitemap(self, outlet: Outlet) -> Resource:
        text = self._render("sitemap_news.xml", **self._common(outlet),
                            entries=self._entries(outlet, tracked=False))
        return Resource(text.encode("utf-8"), XML, self._updated(outlet))

    def sitemap_index(self, outlet: Outlet) -> Resource:
        base = self.bases[outlet.slug]
        updated = self._updated(outlet)
        sitemaps = [{"loc": base + outlet.discovery["news_sitemap"], "lastmod": iso(updated)},
                    {"loc": base + outlet.discovery["pages_sitemap"], "lastmod": iso(SITE_EPOCH)}]
        text = self._render("sitemap_index.xml", sitemaps=sitemaps)
        return Resource(text.encode("utf-8"), XML, updated)

    def pages_sitemap(self, outlet: Outlet) -> Resource:
        base = self.bases[outlet.slug]
        pages = [f"{base}/"] + [f"{base}/{p}/" for p in STATIC_PAGES]
        pages += [f"{base}/section/{n.lower()}/" for n in outlet.nav]
        text = self._render("sitemap_pages.xml", pages=pages)
        return Resource(text.encode("utf-8"), XML, SITE_EPOCH)

    def listing(self, outlet: Outlet, page: int, *, path: str | None) -> Resource | None:
        """Listing page `page` (1-based); path=None renders the unpaginated home page."""
        entries = self._entries(outlet, tracked=False)
        pages = max(1, -(-len(entries) // LISTING_PAGE_SIZE))
        if page < 1 or page > pages:
            return None
        start = (page - 1) * LISTING_PAGE_SIZE
        text = self._render(
            "listing.html", **self._common(outlet),
            heading="Latest news" if path else outlet.name,
            items=entries[start:start + LISTING_PAGE_SIZE], page=page,
            pages=pages if path else 1,
            prev_url=f"{path}?page={page - 1}" if path and page > 1 else None,
            next_url=f"{path}?page={page + 1}" if path and page < pages else None,
            most_read_items=[self._link(a) for a in self.most_read[outlet.slug]])
        return Resource(text.encode("utf-8"), "text/html; charset=utf-8", self._updated(outlet))

    def static_page(self, outlet: Outlet, heading: str) -> Resource:
        body = f"{outlet.name}: {heading}. {outlet.tagline}."
        text = self._render("page.html", **self._common(outlet), heading=heading, body=body)
        return Resource(text.encode("utf-8"), "text/html; charset=utf-8", SITE_EPOCH)

    def robots(self, outlet: Outlet) -> Resource:
        text = outlet.robots.replace("{base}", self.bases[outlet.slug])
        return Resource(text.encode("utf-8"), "text/plain; charset=utf-8", SITE_EPOCH)

    def article(self, article: Article) -> Resource:
        """Full article page; one article is served in windows-1252 with only a meta charset."""
        outlet = OUTLETS_BY_SLUG[article.outlet]
        canonical = self.bases[outlet.slug] + article.path
        group = article.meta["event_group"]
        siblings = [a for a in self.state.articles if a.outlet == article.outlet
                    and a.id != article.id and not a.meta["hidden"]
                    and not a.meta["robots_disallowed"]]
        related = [a for a in siblings if group and a.meta["event_group"] == group]
        related += sorted(siblings, key=lambda a: abs((a.published - article.published).days))
        most_read = [a for a in self.most_read[outlet.slug] if a.id != article.id][:5]
        context = {
            **self._common(outlet), "charset": article.encoding, "article": article,
            "canonical": canonical, "summary": teaser(article), "section": section(article),
            "paragraphs": article.paragraphs, "published_iso": iso(article.published),
            "published_human": human(article.published),
            "author_slug": re.sub(r"[^a-z0-9]+", "-", article.author.lower()),
            "related_items": [self._link(a) for a in {a.id: a for a in related}.values()][:3],
            "most_read_items": [self._link(a, teaser_on=a.meta["label"]) for a in most_read],
            "comment_items": COMMENTS,
            "json_ld": self._json_ld(outlet, article, canonical) if outlet.json_ld else None,
        }
        text = self._render(outlet.template, **context)
        if article.encoding == "utf-8":
            return Resource(text.encode("utf-8"), "text/html; charset=utf-8",
                            self.state.feed_time(article))
        body = text.encode(article.encoding, errors="xmlcharrefreplace")
        return Resource(body, "text/html", self.state.feed_time(article))

    def _json_ld(self, outlet: Outlet, article: Article, canonical: str) -> dict[str, Any]:
        return {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": article.title, "description": teaser(article),
            "datePublished": iso(article.published), "dateModified": iso(article.published),
            "author": [{"@type": "Person", "name": article.author}],
            "publisher": {"@type": "Organization", "name": outlet.name},
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "articleSection": section(article), "inLanguage": "en",
        }
