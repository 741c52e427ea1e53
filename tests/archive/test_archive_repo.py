"""Repository functions on both backends: articles and dedup, feeds, runs, sources, stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from monitor.archive import Archive, ArticleIn, CrawlRunIn, SourceIn, content_hash
from monitor.archive.models import Article, ArticleAlias, Event, Outbox, Source
from monitor.errors import ArchiveError

pytest_plugins = ["tests.conftest_db"]

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
BODY = (
    "Pakistan's army chief met Iranian commanders in Tehran on Monday to discuss border "
    "security, officials said, in a visit announced by both governments. "
) * 3


def article(url: str, text: str = BODY, **extra: object) -> ArticleIn:
    fields: dict[str, object] = {
        "canonical_url": url,
        "url": url,
        "source": "dawn",
        "text": text,
        "fetched_at": T0,
        "html": f"<html><p>{text}</p></html>",
    }
    fields.update(extra)
    return ArticleIn(**fields)  # type: ignore[arg-type]


def test_add_article_new_then_known_by_url(archive: Archive) -> None:
    first = archive.add_article(article("https://a.example/1", title="Visit", published=T0))
    again = archive.add_article(article("https://a.example/1", text="other body " * 30))
    assert first.new and first.duplicate_of is None
    assert (again.new, again.article_id, again.duplicate_of) == (False, first.article_id, None)
    with archive.read() as s:
        row = s.scalars(select(Article)).one()
    assert row.title == "Visit" and row.published == T0 and row.fetched_at == T0
    assert row.content_hash == content_hash(BODY)
    assert archive.get_article_html(first.article_id) == f"<html><p>{BODY}</p></html>"
    assert isinstance(row.raw_html, bytes) and len(row.raw_html) < len(BODY)


def test_same_body_under_second_url_is_an_alias(archive: Archive) -> None:
    first = archive.add_article(article("https://a.example/1"))
    # Whitespace and case differences do not make a different body.
    second = archive.add_article(article("https://b.example/x", text="  " + BODY.upper()))
    assert (second.new, second.article_id, second.duplicate_of) == (
        False,
        first.article_id,
        first.article_id,
    )
    third = archive.add_article(article("https://b.example/x"))
    assert (third.new, third.duplicate_of) == (False, first.article_id)
    with archive.read() as s:
        assert s.scalars(select(Article.id)).all() == [first.article_id]
        alias = s.scalars(select(ArticleAlias)).one()
    assert (alias.url, alias.article_id) == ("https://b.example/x", first.article_id)
    assert set(archive.known_urls()) == {"https://a.example/1", "https://b.example/x"}
    assert archive.stats()["articles"] == 1 and archive.stats()["aliases"] == 1


def test_short_bodies_are_not_merged_by_hash(archive: Archive) -> None:
    a = archive.add_article(article("https://a.example/1", text="Photo: AFP"))
    b = archive.add_article(article("https://a.example/2", text="Photo: AFP"))
    assert a.new and b.new and a.article_id != b.article_id


def test_skipped_urls_are_known(archive: Archive) -> None:
    archive.record_skipped_url("https://a.example/video", "dawn", "no article body")
    archive.record_skipped_url("https://a.example/video", "dawn", "too large")
    assert list(archive.known_urls()) == ["https://a.example/video"]


def test_missing_html_is_an_archive_error(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="no archived HTML for article 42"):
        archive.get_article_html(42)


def test_feed_state_round_trip_and_304_keeps_validators(archive: Archive) -> None:
    url = "https://a.example/feed"
    archive.save_feed_state(
        url, source="dawn", etag='"v1"', last_modified="Sat, 01 Mar 2025", status=200, checked_at=T0
    )
    archive.save_feed_state(url, source="dawn", etag=None, last_modified=None, status=304)
    assert archive.feed_states() == {url: {"etag": '"v1"', "last_modified": "Sat, 01 Mar 2025"}}
    archive.save_feed_state(url, source="dawn", etag='"v2"', last_modified=None, status=200)
    assert archive.feed_states()[url] == {"etag": '"v2"', "last_modified": None}


def test_stats_counts_every_table(archive: Archive) -> None:
    archive.upsert_sources(
        [
            SourceIn("dawn", "rss", "https://a.example/feed", "en"),
            SourceIn("irna", "sitemap", "https://b.example/sm.xml", "en"),
        ]
    )
    archive.add_article(article("https://a.example/1"))
    with archive.write() as s:
        event = Event(first_seen=T0, confidence=0.9)
        s.add(event)
        s.flush()
        for n, status in enumerate(["sent", "sent", "pending", "failed"]):
            s.add(
                Outbox(
                    event_id=event.id,
                    channel="slack",
                    kind="visit",
                    dedup_key=f"k{n}",
                    payload={},
                    status=status,
                    created_at=T0,
                )
            )
    stats = archive.stats()
    assert stats["sources"] == 2 and stats["articles"] == 1 and stats["events"] == 1
    assert (stats["alerts_sent"], stats["alerts_pending"], stats["alerts_failed"]) == (2, 1, 1)
    assert stats["matches"] == 0


def test_upsert_sources_updates_and_disables_missing(archive: Archive) -> None:
    archive.upsert_sources(
        [
            SourceIn("dawn", "rss", "https://a.example/feed", "en", True, "h1"),
            SourceIn("irna", "rss", "https://b.example/feed", "en", True, "h1"),
        ]
    )
    archive.upsert_sources([SourceIn("dawn", "rss", "https://a.example/new", "en", True, "h2")])
    with archive.read() as s:
        rows = {r.name: r for r in s.scalars(select(Source))}
    assert rows["dawn"].url == "https://a.example/new" and rows["dawn"].config_hash == "h2"
    assert rows["irna"].enabled is False
    assert archive.stats()["sources"] == 1


def test_source_status_counts_consecutive_failures(archive: Archive) -> None:
    archive.upsert_sources(
        [SourceIn("dawn", "rss", "https://a/feed"), SourceIn("irna", "rss", "https://b/feed")]
    )
    cycle = archive.start_cycle(T0)

    def run(hour: int, **kw: object) -> None:
        start = T0 + timedelta(hours=hour)
        fields: dict[str, object] = {
            "source": "dawn",
            "started_at": start,
            "cycle_id": cycle,
            "finished_at": start + timedelta(minutes=5),
        }
        fields.update(kw)
        archive.record_crawl_run(CrawlRunIn(**fields))  # type: ignore[arg-type]

    run(0, new=3, requests=5)
    run(1, errors=2, error_messages=["HTTP 503\non https://a/feed"] * 30)
    run(2, errors=1, finish_reason="finished")
    archive.record_crawl_run(source="irna", started_at=T0, new=0, not_modified=1, errors=1)
    archive.finish_cycle(cycle, T0 + timedelta(hours=3), "partial")
    status = {s.name: s for s in archive.source_status()}
    dawn = status["dawn"]
    assert dawn.consecutive_failures == 2 and dawn.new_last_run == 0
    assert dawn.last_run == T0 + timedelta(hours=2, minutes=5)
    assert dawn.last_success == T0 + timedelta(minutes=5)
    assert status["irna"].consecutive_failures == 0  # a 304 is a working source
    run(3, new=1)
    assert archive.source_status()[0].consecutive_failures == 0


def test_crawl_run_error_messages_are_capped_single_lines(archive: Archive) -> None:
    from monitor.archive.models import CrawlRun

    archive.record_crawl_run(
        CrawlRunIn(
            "dawn",
            T0,
            errors=30,
            skipped={"robots": 2},
            error_messages=["line one\nline two " + "x" * 500] * 30,
        )
    )
    with archive.read() as s:
        row = s.scalars(select(CrawlRun)).one()
    assert len(row.error_messages) == 20 and row.skipped == {"robots": 2}
    assert all("\n" not in m and len(m) <= 300 for m in row.error_messages)
    assert row.ok is False


def test_finish_cycle_rejects_unknown_status(archive: Archive) -> None:
    cycle = archive.start_cycle(T0)
    with pytest.raises(ArchiveError, match="invalid cycle status"):
        archive.finish_cycle(cycle, T0, "great")


def test_upsert_sources_takes_the_crawler_source_model(archive: Archive) -> None:
    from crawler.sources import Source as CrawlerSource

    src = CrawlerSource(name="dawn", kind="rss", url="https://a.example/feed", language="en")
    archive.upsert_sources([src])
    with archive.read() as s:
        first = s.scalars(select(Source)).one().config_hash
    edited = CrawlerSource(name="dawn", kind="rss", url="https://a.example/feed", language="ur")
    archive.upsert_sources([edited])
    with archive.read() as s:
        row = s.scalars(select(Source)).one()
    assert len(first) == 64 and row.config_hash != first and row.language == "ur"


def test_reprint_with_headline_inside_the_body_hashes_like_the_original() -> None:
    from monitor.archive import content_hash

    body = "ISLAMABAD: The delegation arrived on Sunday.\nTalks covered border security."
    assert content_hash("PMSA signs MoU\n" + body, "PMSA signs MoU") == content_hash(body, "PMSA signs MoU")
    assert content_hash("Another first line\n" + body, "PMSA signs MoU") != content_hash(body)
