"""Which sources are due: intervals and cron expressions against an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.sources import parse_sources
from monitor.schedule import due_sources, next_run

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
SOURCES = parse_sources({"sources": [
    {"name": "fast", "kind": "rss", "url": "https://e.org/a", "interval": "15m"},
    {"name": "slow", "kind": "rss", "url": "https://e.org/b", "interval": "1d"},
    {"name": "cron", "kind": "rss", "url": "https://e.org/c", "cron": "0 6 * * *"},
]}, "t")


def test_never_run_sources_are_due() -> None:
    assert [s.name for s in due_sources(SOURCES, {}, NOW)] == ["fast", "slow", "cron"]


def test_interval_and_cron_decide_due() -> None:
    last = {"fast": NOW - timedelta(minutes=20), "slow": NOW - timedelta(hours=2),
            "cron": NOW - timedelta(hours=1)}  # last ran 11:00, next 06:00 tomorrow
    assert [s.name for s in due_sources(SOURCES, last, NOW)] == ["fast"]
    assert next_run(SOURCES[2], NOW - timedelta(hours=1)) == datetime(2026, 1, 6, 6, 0,
                                                                       tzinfo=UTC)


def test_cron_run_at_fire_time_is_not_due_again_at_once() -> None:
    fired = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    assert due_sources(SOURCES[2:], {"cron": fired}, fired + timedelta(seconds=5)) == []
