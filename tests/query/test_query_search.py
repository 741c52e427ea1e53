"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): ranking, operators, filters,
hostile input, index upkeep by triggers, and the backfill of an archive that predates 0300."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from monitor.archive import Archive
from monitor.archive._engine import make_engine, parse_url
from monitor.archive._migrate import alembic_config
from monitor.archive.models import Article, Match
from monitor.errors import UsageError
from monitor.query.search import HIT_END, HIT_START, SEARCH_FIELDS, mark_snippet, search
from tests.query.archive_data import Loaded, add_plain

NASTY = ["multi-agent", "a'b", '"unbalanced', "AI AND ML", "NOT", "NEAR(", "title:x", "*",
         "ubuntu 20.04", "=", "\\", "", "   ", "x" * 10_000, "\u202eevil\u202c", "\ud800 lone",
         "\x00nul", "OR", "-", '""', "-Tehran", "AND AND", "OR Munir OR", '"a" OR', "(Munir",
         "Munir)", "'; DROP TABLE article; --", "^Munir", "Mun*", "{7*7}"]


def _texts(loaded: Loaded, ids: list[int]) -> dict[int, str]:
    with Archive(loaded.url) as archive, archive.read() as s:
        rows = s.exec(select(Article).where(sa.column("id").in_(ids))).all()
    return {int(a.id or 0): f"{a.title or ''}\n{a.text}".lower() for a in rows}


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_words_must_all_appear_and_rows_have_the_contract_shape(loaded: Loaded) -> None:
    with Archive(loaded.url) as archive:
        result = search(archive, "Munir Tehran", limit=50)
    assert result.rows, "no hit for two words of a visit archived several times"
    assert all(tuple(r) == SEARCH_FIELDS for r in result.rows)
    scores = [r["score"] for r in result.rows]
    assert scores == sorted(scores, reverse=True)
    for text in _texts(loaded, [r["id"] for r in result.rows]).values():
        assert {"munir", "tehran"} <= _words(text)
    assert any(HIT_START in r["snippet"] and HIT_END in r["snippet"] for r in result.rows)


def test_phrase_exclusion_and_or(loaded: Loaded) -> None:
    with Archive(loaded.url) as archive:
        phrase = search(archive, '"army chief"', limit=100).rows
        excluded = search(archive, "Munir -Tehran", limit=100).rows
        either = search(archive, "Vahedi OR Jamaran", limit=100).rows
        vahedi = search(archive, "Vahedi", limit=100).rows
        jamaran = search(archive, "Jamaran", limit=100).rows
    assert phrase and all("army chief" in " ".join(t.split())
                          for t in _texts(loaded, [r["id"] for r in phrase]).values())
    assert excluded and all("tehran" not in _words(t)
                            for t in _texts(loaded, [r["id"] for r in excluded]).values())
    assert vahedi and jamaran
    assert {r["id"] for r in either} == {r["id"] for r in vahedi} | {r["id"] for r in jamaran}


def test_ranking_puts_the_title_hit_first(loaded: Loaded) -> None:
    with Archive(loaded.url) as archive:
        rows = search(archive, "Jamaran", limit=100).rows
    in_title = [r for r in rows if "jamaran" in (r["title"] or "").lower()]
    assert in_title, "fixture lost its title hit"
    assert "jamaran" in (rows[0]["title"] or "").lower()


@pytest.mark.parametrize("query", NASTY)
def test_hostile_queries_never_raise_and_are_literal(loaded: Loaded, query: str) -> None:
    with Archive(loaded.url) as archive:
        result = search(archive, query, limit=20)
    assert all(tuple(r) == SEARCH_FIELDS for r in result.rows)
    if not query.strip() or query in ("=", "\\", "*", "-", '""', "OR", "-Tehran"):
        assert result.rows == [] and result.hint
    if query == "NOT":  # an ordinary word, not an operator
        assert result.rows and all("not" in _words(t) for t in
                                   _texts(loaded, [r["id"] for r in result.rows]).values())
    if query == "AI AND ML":
        assert all({"ai", "ml"} <= _words(t) for t in
                   _texts(loaded, [r["id"] for r in result.rows]).values())


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=60) | st.lists(st.sampled_from(
    ['"', "-", "OR", "AND", "NOT", "Munir", "Tehran", "(", ")", "*", ":", "^", "'", "NEAR"]),
    max_size=8).map(" ".join))
def test_fuzzed_queries_never_raise(loaded: Loaded, query: str) -> None:
    with Archive(loaded.url) as archive:
        result = search(archive, query, limit=5)
    assert all(tuple(r) == SEARCH_FIELDS for r in result.rows)
    assert all(isinstance(mark_snippet(r["snippet"]), str) for r in result.rows)


def test_filters(loaded: Loaded) -> None:
    with Archive(loaded.url) as archive:
        all_rows = search(archive, "Tehran", limit=1000).rows
        in_2023 = search(archive, "Tehran", since="2023-01-01", until="2023-12-31", limit=1000).rows
        matched = search(archive, "Tehran", matches_only=True, limit=1000).rows
        persian = search(archive, "تهران", lang="fa").rows
        one_source = search(archive, "Tehran", source=all_rows[0]["source"], limit=1000).rows
        with archive.read() as s:
            match_ids = set(s.exec(select(Match.article_id)).all())
    assert 0 < len(in_2023) < len(all_rows)
    assert all(r["published"].startswith("2023") for r in in_2023)
    assert matched and {r["id"] for r in matched} <= match_ids
    assert len(matched) < len(all_rows)
    assert [r["id"] for r in persian] == [loaded.ids["persian"]]
    assert one_source and all(r["source"] == all_rows[0]["source"] for r in one_source)


@pytest.mark.parametrize("bad", [
    {"since": "2024-13-01"}, {"until": "2024-01-01; DROP TABLE article"},
    {"source": "x' OR 1=1 --"}, {"limit": 10**9}, {"limit": -1}, {"limit": "ten"},
    {"offset": -1}, {"lang": "en'--"}, {"since": "2025-01-02", "until": "2025-01-01"}])
def test_bad_filters_are_one_line_usage_errors(loaded: Loaded, bad: dict[str, Any]) -> None:
    with Archive(loaded.url) as archive:
        with pytest.raises(UsageError) as info:
            search(archive, "Tehran", **bad)
        assert "\n" not in str(info.value)
        assert archive.stats()["articles"] >= len(loaded.ids)


def test_index_follows_inserts_updates_and_deletes(archive: Archive) -> None:
    aid = add_plain(archive, "https://x.example/1", "Gwadar harbour", "Frigate calls at Gwadar.")
    assert [r["id"] for r in search(archive, "frigate").rows] == [aid]
    with archive.write() as s:
        row = s.get(Article, aid)
        assert row is not None
        row.text = "Corvette calls at Gwadar."
        s.add(row)
    assert search(archive, "frigate").rows == []
    assert [r["id"] for r in search(archive, "corvette").rows] == [aid]
    with archive.write() as s:
        s.delete(s.get(Article, aid))
    assert search(archive, "corvette").rows == []


def test_migration_backfills_articles_archived_before_it(archive_url: str) -> None:
    url = parse_url(archive_url)
    if url.get_backend_name() == "sqlite":
        assert url.database
        __import__("pathlib").Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url, 5.0)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(sa.text(
            "INSERT INTO article (canonical_url, url, source, title, fetched_at, text, "
            "content_hash) VALUES ('https://old.example/1', 'https://old.example/1', 'old', "
            "'Old report', :now, 'Zahedan border commission met before search existed.', 'h')"),
            {"now": datetime(2024, 1, 1, tzinfo=UTC)})
    engine.dispose()
    with Archive(archive_url) as archive:
        rows = search(archive, "Zahedan commission").rows
    assert [r["title"] for r in rows] == ["Old report"]
