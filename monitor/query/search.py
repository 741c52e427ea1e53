"""Ranked full-text search over the archive: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Both backends return the same row shape (`SEARCH_FIELDS`); scores are comparable within one
result list only (bm25 on SQLite, ts_rank_cd on PostgreSQL). At most `RANK_WINDOW` of the newest
matching articles are ranked, which bounds the cost of a query for a very common word.

PostgreSQL finds those matches with bitmap scans of the GIN indexes only (see `_PG_SETTINGS`),
in slices of ids newest first (`PG_SLICES`), phrases through the word-pair index of migration
0310; it ranks only them and writes headlines only for the returned page.
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
        if archive.dialect == "sqlite":
            found = session.execute(_search_sqlite(query, filters))
        else:
            found = _search_postgresql(session, query, filters)
        rows = [_row(r) for r in found.mappings()]
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


# The planner prices `search_tsv @@ q` as a cheap filter, but each evaluation reads the
# tsvector from TOAST: walking the primary key newest first, or a sequential scan, then costs
# ~6 µs a row (600 ms over 100,000 rows for a phrase it wrongly believes common). Bitmap scans
# of the GIN indexes only touch matching rows, so search statements run with plain index scans
# and sequential scans priced out, custom plans for every execution (the tsquery is known
# when planning), and no JIT (its compile time exceeds the query's).
_PG_SETTINGS = {"enable_indexscan": "off", "enable_seqscan": "off", "jit": "off",
                "plan_cache_mode": "force_custom_plan"}
# The newest matches are looked for in slices of ids, newest first, ending this far below the
# newest id (and a last slice with the rest); a slice is read only while fewer than
# RANK_WINDOW matches were found in the newer ones. A bitmap AND of a GIN index with a
# primary-key range visits only the matches inside a slice, so a common word stops after a
# few thousand heap rows instead of reading its whole posting list from the heap.
PG_SLICES = (2 * RANK_WINDOW, 8 * RANK_WINDOW, 32 * RANK_WINDOW)


def _may_be_phrase(term: str) -> bool:
    """Could the parser split this term into several words? Only decides whether to ask
    PostgreSQL for its pairs: a term not asked just goes without the pair filter."""
    return not all(ch.isalnum() for ch in term)


def _pg_prepare(session: Session, query: SearchQuery) -> tuple[int, set[str]]:
    """Apply `_PG_SETTINGS` to this transaction; the newest article id; terms with word pairs."""
    asked = sorted({t for t in query.terms() if _may_be_phrase(t)})
    columns = [sa.func.set_config(k, v, True) for k, v in _PG_SETTINGS.items()]
    columns.append(sa.select(sa.func.max(col(Article.id))).scalar_subquery())
    columns += [sa.func.search_phrase_bigrams(t).is_not(None) for t in asked]
    row = session.execute(sa.select(*columns)).one()
    paired = {t for t, has in zip(asked, row[len(_PG_SETTINGS) + 1:], strict=True) if has}
    return int(row[len(_PG_SETTINGS)] or 0), paired


def _pair_filter(query: SearchQuery, paired: set[str]) -> Any:
    """Word-pair buckets every match must hold (migration 0310), or None: a group where each
    term is a phrase requires the pairs of one of them."""
    expr = None
    for group in query.groups:
        if not all(t in paired for t in group):
            continue
        either = sa.func.search_phrase_bigrams(group[0])
        for term in group[1:]:
            either = sa.func.tsquery_or(either, sa.func.search_phrase_bigrams(term))
        expr = either if expr is None else sa.func.tsquery_and(expr, either)
    return expr


def _pg_newest(session: Session, query: SearchQuery, filters: SearchFilters) -> Any:
    """The RANK_WINDOW newest matches (id, tsvector), newest first, as a subquery."""
    top, paired = _pg_prepare(session, query)
    tsv = sa.literal_column("article.search_tsv")
    match = tsv.op("@@")(_tsquery(query))
    pairs = _pair_filter(query, paired)
    if pairs is not None:
        # The pair index alone finds the candidates: the phrase is checked as a filter (the
        # function form is not indexable). Were both in one bitmap, the phrase's lossy match
        # would make every candidate recompute its pairs on recheck.
        match = sa.and_(sa.func.search_bigrams(tsv).op("@@")(pairs),
                        sa.func.ts_match_vq(tsv, _tsquery(query)))

    def newest(where: Any) -> Any:
        return _filtered(sa.select(col(Article.id).label("id"), tsv.label("tsv"))
                         .where(match, *where), filters) \
            .order_by(col(Article.id).desc()).limit(RANK_WINDOW)

    slices: list[Any] = []
    found: Any = None
    ceiling: int | None = None
    for i, floor in enumerate([top - span for span in PG_SLICES] + [None]):
        where = [] if found is None else [found < RANK_WINDOW]  # a one-time filter
        if ceiling is not None:
            where.append(col(Article.id) <= ceiling)
        if floor is not None:
            where.append(col(Article.id) > floor)
        part = newest(where).cte(f"slice{i}")
        slices.append(sa.select(part.c.id, part.c.tsv))
        count = sa.select(sa.func.count()).select_from(part).scalar_subquery()
        found = count if found is None else found + count
        ceiling = floor
    pool = sa.union_all(*slices).subquery("pool")
    return sa.select(pool.c.id, pool.c.tsv).order_by(pool.c.id.desc()) \
        .limit(RANK_WINDOW).subquery("newest")


def _search_postgresql(session: Session, query: SearchQuery, filters: SearchFilters) -> Any:
    newest = _pg_newest(session, query, filters)
    # The tsvector travels as a TOAST pointer; only these RANK_WINDOW rows read it, to rank.
    rank = sa.func.ts_rank_cd(newest.c.tsv, _tsquery(query))
    hits = (
        sa.select(newest.c.id.label("id"), rank.label("score"))
        .order_by(rank.desc(), newest.c.id.desc()).limit(filters.limit)
        .offset(filters.offset).subquery("hits")
    )
    # Headlines are costly: only the page of hits gets one.
    headline = sa.func.ts_headline(sa.cast(_PG_CONFIG, REGCONFIG), col(Article.text),
                                   _tsquery(query), _PG_HEADLINE)
    return session.execute(
        sa.select(col(Article.id).label("id"), col(Article.url).label("url"),
                  col(Article.title).label("title"), col(Article.source).label("source"),
                  col(Article.published).label("published"), hits.c.score.label("score"),
                  headline.label("snippet"))
        .select_from(hits).join(Article, col(Article.id) == hits.c.id)
        .order_by(hits.c.score.desc(), col(Article.id).desc())
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
