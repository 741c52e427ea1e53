"""Articles: insertion with URL and content-hash dedup, known URLs, archived HTML."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from monitor.archive.models import Article, ArticleAlias, SkippedUrl

logger = logging.getLogger(__name__)

# Below this many characters bodies are too generic ("Photo: Reuters") to prove two URLs
# carry the same article, so short texts are never merged by hash.
MIN_DEDUP_CHARS = 100
_ZLIB_LEVEL = 6


@dataclass(frozen=True, slots=True)
class ArticleIn:
    """A cleaned page ready for the archive. Datetimes are UTC (naive ones are taken as UTC)."""

    canonical_url: str
    url: str
    source: str
    text: str
    fetched_at: datetime
    html: str | None = None
    final_url: str | None = None
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    """Outcome of add_article.

    ``new`` is True only when a row was inserted. ``duplicate_of`` is the id of the article
    this URL turned out to repeat under another URL (hash match or known alias), else None.
    """

    new: bool
    article_id: int
    duplicate_of: int | None = None


def normalise_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: the form the content hash is taken of."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str, title: str | None = None) -> str:
    """sha256 hex digest of normalise_text(text), leaving out a first line that only repeats
    the headline: some templates put the <h1> inside the body, and a story reprinted by
    another outlet must hash the same."""
    body = normalise_text(text)
    if title:
        first, _, rest = text.strip().partition("\n")
        if rest and normalise_text(first) == normalise_text(title):
            body = normalise_text(rest)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def compress_html(html: str) -> bytes:
    # surrogatepass: decoded pages can carry lone surrogates, which plain UTF-8 rejects.
    return zlib.compress(html.encode("utf-8", "surrogatepass"), _ZLIB_LEVEL)


def decompress_html(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


def _find_by_url(session: Session, url: str) -> tuple[int, bool] | None:
    """(article id, found through an alias) for a canonical URL, or None."""
    direct = session.scalar(select(Article.id).where(Article.canonical_url == url))
    if direct is not None:
        return direct, False
    alias = session.scalar(select(ArticleAlias.article_id).where(ArticleAlias.url == url))
    return (alias, True) if alias is not None else None


def add_article(session: Session, item: ArticleIn) -> AddResult:
    """Store `item` unless its canonical URL or its body is already archived.

    A known body under a new URL adds an ArticleAlias row for that URL, not a second article.
    """
    found = _find_by_url(session, item.canonical_url)
    if found is not None:
        article_id, via_alias = found
        return AddResult(False, article_id, article_id if via_alias else None)
    digest = content_hash(item.text, item.title)
    if len(normalise_text(item.text)) >= MIN_DEDUP_CHARS:
        same = session.scalar(
            select(Article.id).where(Article.content_hash == digest).order_by(Article.id).limit(1)
        )
        if same is not None:
            session.add(
                ArticleAlias(url=item.canonical_url, article_id=same, created_at=item.fetched_at)
            )
            session.flush()
            logger.debug("source=%s %s repeats article %s", item.source, item.canonical_url, same)
            return AddResult(False, same, same)
    row = Article(
        canonical_url=item.canonical_url,
        url=item.url,
        final_url=item.final_url,
        source=item.source,
        title=item.title,
        author=item.author,
        sitename=item.sitename,
        published=item.published,
        fetched_at=item.fetched_at,
        language=item.language,
        text=item.text,
        content_hash=digest,
        raw_html=compress_html(item.html) if item.html is not None else None,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return AddResult(True, row.id, None)


def record_skipped_url(
    session: Session, url: str, source: str, reason: str, now: datetime | None = None
) -> None:
    """Remember a page that was fetched but not archived; the latest reason wins."""
    row = session.scalar(select(SkippedUrl).where(SkippedUrl.url == url))
    if row is None:
        row = SkippedUrl(url=url, source=source, reason=reason[:300])
        session.add(row)
    row.reason, row.seen_at = reason[:300], now or datetime.now(UTC)
    session.flush()


def known_urls(session: Session, batch: int = 1000) -> Iterator[str]:
    """Canonical URLs of articles, their aliases and skipped pages, streamed in batches."""
    for column in (Article.canonical_url, ArticleAlias.url, SkippedUrl.url):
        result = session.execute(select(column).execution_options(yield_per=batch))
        yield from result.scalars()


def get_article_html(session: Session, article_id: int) -> str | None:
    """The decompressed HTML of an article; None when the article or its HTML is missing."""
    blob = session.scalar(select(Article.raw_html).where(Article.id == article_id))
    return decompress_html(blob) if blob is not None else None
