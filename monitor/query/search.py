"""Ranked full-text search over the archive: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Both backends return the same row shape (`SEARCH_FIELDS`); scores are comparable within one
result list only (bm25 on SQLite, ts_rank_cd on PostgreSQL). At most `RANK_WINDOW` of the newest
matching articles are ranked, which bounds the cost of a query for a very common word.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlmodel import Session, col, select

from monitor.archive.models import Article, Match, Source
from monitor.errors import UsageError
from monitor.query import params
from monitor.query.syntax import SearchQuery, parse_query

logger = logging.getLogger(__name__)

__all__ = ["HIT_END", "HIT_START", "SEARCH_FIELDS", "SearchResult", "mark_snippet", "search",
           "snippet_parts"]

SEARCH_FIELDS = ("id", "url", "title", "source", "published", "score", "snippet")
DEFAULT_LIMIT = 20
# When more articles match than this, the newest this many are ranked (and the rest not
# returned): bounded work per query whatever the archive's size. Narrow the query, or use
# since/until, to reach older articles of a common word.
RANK_WINDOW = 1000
# Snippets mark hits with these control characters (never present in cleaned text);
# `snippet_parts` / `mark_snippet` turn them into markup for each output format.
HIT_START, HIT_END = "\x02", "\x03"
EMPTY_HINT = ('nothing to search for: type words (all must appear), "an exact phrase", '
              "-word to leave a word out, or a OR b")
_SPACES = re.compile(r"\s+")
_TITLE_WEIGHT = 4.0
_PG_CONFIG = "simple"
_PG_HEADLINE = (f'StartSel="{HIT_START}", StopSel="{HIT_END}", MaxWords=30, MinWords=12, '
                'MaxFragments=2, FragmentDelimiter=" … "')


@dataclass(frozen=True)
class SearchFilters:
    window: params.Window = field(default_factory=params.Window)
    source: str | None = None
    lang: str | None = None
    matches_only: bool = False
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass
class SearchResult:
    query: SearchQuery
    rows: list[dict[str, Any]] = field(default_factory=list)
    hint: str | None = None


def check_filters(session: Session, *, since: Any = None, until: Any = None,
                  source: str | None = None, lang: str | None = None,
                  matches_only: bool = False, limit: Any = None,
                  offset: Any = None) -> SearchFilters:
    """Validate raw filter values (strings from a CLI or a URL); UsageError on bad input."""
    filters = SearchFilters(
        window=params.parse_window(since, until),
        source=(source or "").strip() or None,
        lang=params.parse_lang(lang),
        matches_only=bool(matches_only),
        limit=params.parse_limit(limit, DEFAULT_LIMIT),
        offset=params.parse_offset(offset),
    )
    if filters.source is not None and not _source_exists(session, filters.source):
        raise UsageError(f"source: {filters.source[:60]!r} is not a known source")
    return filters


def _source_exists(session: Session, name: str) -> bool:
    configured = session.exec(select(Source.id).where(Source.name == name)).first()
    if configured is not None:
        return True
    return session.exec(select(Article.id).where(Article.source == name).limit(1)).first() is not None


def search(archive: Any, text: str | None, **raw_filters: Any) -> SearchResult:
    """Search the archive for what a person typed (see `monitor.query.syntax`).

    Args:
        archive: an open `monitor.archive.Archive`.
        text: the query as typed; empty or operator-only input gives no rows and a hint.
        raw_filters: since, until, source, lang, matches_only, limit, offset (unchecked).

    Raises:
        UsageError: a filter is invalid (one line naming it).
    """
    query = parse_query(text)
    with archive.read() as session:
        filters = check_filters(session, **raw_filters)
        if query.empty:
            hint = query.notes[-1] if query.notes else EMPTY_HINT
            return SearchResult(query, [], hint)
        run = _search_sqlite if archive.dialect == "sqlite" else _search_postgresql
        rows = [_row(r) for r in session.execute(run(query, filters)).mappings()]
    return SearchResult(query, rows, "; ".join(query.notes) or None)


def _row(r: Any) -> dict[str, Any]:
    published = r["published"]
    return {"id": r["id"], "url": r["url"], "title": r["title"], "source": r["source"],
            "published": published.isoformat() if published else None,
            "score": round(float(r["score"] or 0.0), 4), "snippet": r["snippet"] or ""}


def _filtered(stmt: Any, filters: SearchFilters) -> Any:
    window = filters.window
    if window.start is not None:
        stmt = stmt.where(col(Article.published) >= window.start)
    if window.end is not None:
        stmt = stmt.where(col(Article.published) < window.end)
    if filters.source is not None:
        stmt = stmt.where(col(Article.source) == filters.source)
    if filters.lang is not None:
        stmt = stmt.where(sa.func.lower(col(Article.language)) == filters.lang)
    if filters.matches_only:
        stmt = stmt.where(sa.exists().where(col(Match.article_id) == col(Article.id)))
    return stmt


def _search_sqlite(query: SearchQuery, filters: SearchFilters) -> Any:
    fts = sa.table("article_fts", sa.column("rowid"))
    table = sa.literal_column("article_fts")
    match = table.op("MATCH")(query.to_fts5())
    # Ranking costs one bm25 per matching row; only the RANK_WINDOW newest matches (FTS5 walks
    # its doclists newest first, no ranking) are ranked, through a rowid floor FTS5 can seek.
    newest = _filtered(
        sa.select(fts.c.rowid.label("rid")).select_from(fts)
        .join(Article, col(Article.id) == fts.c.rowid).where(match), filters,
    ).order_by(fts.c.rowid.desc()).limit(RANK_WINDOW).subquery("newest")
    floor = sa.select(sa.func.min(newest.c.rid)).scalar_subquery()
    rank = sa.func.bm25(table, _TITLE_WEIGHT, 1.0)
    stmt = (
        sa.select(col(Article.id).label("id"), col(Article.url).label("url"),
                  col(Article.title).label("title"), col(Article.source).label("source"),
                  col(Article.published).label("published"), (-rank).label("score"),
                  sa.func.snippet(table, -1, HIT_START, HIT_END, "…", 24).label("snippet"))
        .select_from(fts)
        .join(Article, col(Article.id) == fts.c.rowid)
        .where(match, fts.c.rowid >= floor)
    )
    return _filtered(stmt, filters).order_by(rank, col(Article.id).desc()) \
        .limit(filters.limit).offset(filters.offset)


def _tsquery(query: SearchQuery) -> Any:
    def phrase(term: str) -> Any:
        return sa.func.phraseto_tsquery(sa.cast(_PG_CONFIG, REGCONFIG), term)

    def any_of(terms: tuple[str, ...]) -> Any:
        expr = phrase(terms[0])
        for term in terms[1:]:
            expr = sa.func.tsquery_or(expr, phrase(term))
        return expr

    expr = any_of(query.groups[0])
    for group in query.groups[1:]:
        expr = sa.func.tsquery_and(expr, any_of(group))
    if query.excluded:
        expr = sa.func.tsquery_and(expr, sa.func.tsquery_not(any_of(query.excluded)))
    return expr


def _search_postgresql(query: SearchQuery, filters: SearchFilters) -> Any:
    tsv = sa.literal_column("article.search_tsv")
    tsq = _tsquery(query)
    rank = sa.func.ts_rank_cd(tsv, tsq)
    # As on SQLite: rank only the RANK_WINDOW newest matches (the planner walks the primary
    # key backwards for common words, the GIN index for rare ones).
    newest = _filtered(sa.select(col(Article.id)).where(tsv.op("@@")(tsq)), filters) \
        .order_by(col(Article.id).desc()).limit(RANK_WINDOW).subquery("newest")
    inner = (
        sa.select(col(Article.id).label("id"), rank.label("score"))
        .where(col(Article.id).in_(sa.select(newest.c.id)))
        .order_by(rank.desc(), col(Article.id).desc()).limit(filters.limit)
        .offset(filters.offset).subquery("hits")
    )
    # Headlines are costly: only the page of hits gets one.
    headline = sa.func.ts_headline(sa.cast(_PG_CONFIG, REGCONFIG), col(Article.text),
                                   _tsquery(query), _PG_HEADLINE)
    return (
        sa.select(col(Article.id).label("id"), col(Article.url).label("url"),
                  col(Article.title).label("title"), col(Article.source).label("source"),
                  col(Article.published).label("published"), inner.c.score.label("score"),
                  headline.label("snippet"))
        .select_from(inner).join(Article, col(Article.id) == inner.c.id)
        .order_by(inner.c.score.desc(), col(Article.id).desc())
    )


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """(text, is_hit) pieces of a snippet, for renderers that escape text themselves."""
    parts: list[tuple[str, bool]] = []
    rest = snippet
    while rest:
        start = rest.find(HIT_START)
        if start < 0:
            parts.append((rest, False))
            break
        if start:
            parts.append((rest[:start], False))
        end = rest.find(HIT_END, start + 1)
        end = len(rest) if end < 0 else end
        parts.append((rest[start + 1:end], True))
        rest = rest[end + 1:]
    return [(_SPACES.sub(" ", t), hit) for t, hit in parts if t]


def mark_snippet(snippet: str, before: str = "**", after: str = "**") -> str:
    """The snippet as plain text with hits wrapped in `before`/`after` (JSON, CSV, table)."""
    return "".join(
        f"{before}{text}{after}" if hit else text for text, hit in snippet_parts(snippet)
    ).strip()
