"""End-to-end cycles against the fixture news site, into SQLite and PostgreSQL.

Real components throughout: the crawl subprocess (Scrapy), trafilatura, spaCy and the archive.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from monitor.archive import Archive
from monitor.archive.models import Article, CrawlRun, Event, FeedState, Match
from monitor.config import load_config
from monitor.cycle import run_cycle
from monitor.demo import write_demo_config
from tests.fixturesite.server import FixtureSite

pytestmark = pytest.mark.slow



@pytest.fixture()
def fresh_site(site: FixtureSite) -> FixtureSite:
    site.reset()
    site.clear_requests()
    return site


def make_config(tmp_path: Path, site: FixtureSite, db_url: str, extra_sources: list[dict] | None = None):
    cdir = tmp_path / "config"
    write_demo_config(cdir, site.urls["outlets"], None)
    if extra_sources:
        data = yaml.safe_load((cdir / "sources.yaml").read_text())
        data["sources"].extend(extra_sources)
        (cdir / "sources.yaml").write_text(yaml.safe_dump(data))
    env = {"DEFWATCH_ALLOW_PRIVATE_NETWORKS": "1", "DEFWATCH_DATA": str(tmp_path / "data")}
    return load_config(cdir, db_url, env=env)


def visible_articles(site: FixtureSite) -> list[dict]:
    return [a for a in site.manifest() if a["visible"] and not a["robots_disallowed"]]


def article_requests(site: FixtureSite) -> Counter[str]:
    return Counter(f"{r['outlet']}{r['path']}" for r in site.requests()
                   if r["path"].count("/") >= 4 and r["path"][1:5].isdigit())


def test_first_cycle_archives_every_visible_article_and_flags_visits(
        tmp_path: Path, fresh_site: FixtureSite, archive_url: str) -> None:
    config = make_config(tmp_path, fresh_site, archive_url)
    report = run_cycle(config, all_sources=True)

    assert set(report.sources) == {"karachi-ledger", "tehran-courier", "islamabad-wire",
                                   "persian-gulf-times"}
    assert not report.failed_sources
    expected = visible_articles(fresh_site)
    with Archive(archive_url).open() as archive, archive.read() as s:
        articles = s.exec(select(Article)).all()
        runs = s.exec(select(CrawlRun)).all()
        feeds = s.exec(select(FeedState)).all()
        matches = s.exec(select(Match)).all()
    # The wire story reprinted under two URLs is one article.
    wire_copies = [a for a in expected if a.get("wire_of")]
    assert len(articles) == len(expected) - len(wire_copies)
    assert all(a.text and a.content_hash for a in articles)
    assert {r.source for r in runs} == set(report.sources)
    assert sum(r.new for r in runs) == len(articles)
    assert len(feeds) >= 4 and all(f.etag or f.last_modified for f in feeds)
    # The robots.txt-disallowed decoy was never fetched.
    assert not any("/private/" in r["path"] for r in fresh_site.requests())
    # Visits were flagged, and no hard negative among the archive is a match.
    labels = {a["slug"]: a["label"] for a in expected}
    by_id = {a.id: a for a in articles}
    flagged = [by_id[m.article_id].url.rstrip("/").rsplit("/", 1)[-1] for m in matches]
    assert flagged, "no visit flagged on the fixture site"
    wrong = [slug for slug in flagged if labels.get(slug) is False]
    assert len(wrong) <= 1, wrong


def test_second_cycle_requests_nothing_twice_and_gets_304s(
        tmp_path: Path, fresh_site: FixtureSite, archive_url: str) -> None:
    config = make_config(tmp_path, fresh_site, archive_url)
    run_cycle(config, all_sources=True)
    first = article_requests(fresh_site)
    fresh_site.clear_requests()

    second = run_cycle(config, all_sources=True)
    again = article_requests(fresh_site)
    assert not again, f"articles requested again: {list(again)[:5]}"
    assert all(n == 1 for n in first.values()), "an article was fetched twice in one cycle"
    conditional = [r for r in fresh_site.requests() if r["if_none_match"] or r["if_modified_since"]]
    assert conditional and all(r["status"] == 304 for r in conditional)
    assert sum(rep.not_modified for rep in second.sources.values()) >= 3
    assert sum(rep.new for rep in second.sources.values()) == 0


def test_article_published_between_cycles_is_picked_up(
        tmp_path: Path, fresh_site: FixtureSite, archive_url: str) -> None:
    config = make_config(tmp_path, fresh_site, archive_url)
    run_cycle(config, all_sources=True)
    published = fresh_site.publish_next()
    assert published is not None
    report = run_cycle(config, all_sources=True)
    assert report.sources[published["outlet"]].new == 1
    with Archive(archive_url).open() as archive, archive.read() as s:
        urls = {a.url for a in s.exec(select(Article)).all()}
    assert any(u.startswith(published["url"].split("?")[0]) for u in urls)


def test_broken_sources_are_reported_while_others_complete(
        tmp_path: Path, fresh_site: FixtureSite, archive_url: str) -> None:
    base = fresh_site.urls["outlets"]["karachi-ledger"]
    broken = [
        {"name": "missing-feed", "kind": "rss", "url": f"{base}/no/such/feed.xml"},
        {"name": "html-as-feed", "kind": "rss", "url": f"{base}/section/pakistan/"},
        {"name": "closed-port", "kind": "atom", "url": "http://127.0.0.1:9/feed.xml"},
    ]
    config = make_config(tmp_path, fresh_site, archive_url, broken)
    report = run_cycle(config, all_sources=True)
    for name in ("missing-feed", "html-as-feed", "closed-port"):
        rep = report.sources[name]
        assert rep.error_count >= 1 and rep.errors, name
        assert "\n" not in rep.errors[0]
    assert report.sources["karachi-ledger"].new > 0
    with Archive(archive_url).open() as archive, archive.read() as s:
        runs = {r.source: r for r in s.exec(select(CrawlRun)).all()}
    assert runs["missing-feed"].errors >= 1 and "404" in " ".join(runs["missing-feed"].error_messages)


def test_interval_decides_which_sources_are_due(tmp_path: Path, fresh_site: FixtureSite,
                                                archive_url: str) -> None:
    config = make_config(tmp_path, fresh_site, archive_url)
    now = datetime.now(UTC)
    run_cycle(config, now)
    soon = run_cycle(config, now + timedelta(minutes=1))
    assert soon.sources == {} and len(soon.not_due) == 4
    later = run_cycle(config, now + timedelta(minutes=11))
    assert set(later.sources) == set(soon.not_due)


def test_a_crawl_that_overruns_its_time_fails_its_sources_not_the_cycle(
        tmp_path: Path, fresh_site: FixtureSite, sqlite_archive_url: str) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.extend(listener.accept()[0] for _ in range(8)),
                     daemon=True).start()
    port = listener.getsockname()[1]
    hang = [{"name": "hanging", "kind": "rss", "url": f"http://127.0.0.1:{port}/feed.xml"}]
    config = make_config(tmp_path, fresh_site, sqlite_archive_url, hang)
    watch = config.watch.model_copy(update={"crawl": config.watch.crawl.model_copy(
        update={"crawl_timeout_minutes": 0.15})})
    from dataclasses import replace

    report = run_cycle(replace(config, watch=watch), all_sources=True)
    listener.close()
    rep = report.sources["hanging"]
    assert rep.finish_reason == "crawl failed" and "did not finish" in rep.errors[0]
    with Archive(sqlite_archive_url).open() as archive, archive.read() as s:
        runs = {r.source: r for r in s.exec(select(CrawlRun)).all()}
        stored = len(s.exec(select(Article)).all())
    assert runs["hanging"].errors == 1 and not runs["hanging"].ok
    assert stored == sum(r.new for r in report.sources.values())


def test_reextract_applies_a_changed_extractor_setting_to_the_whole_archive(
        tmp_path: Path, fresh_site: FixtureSite, sqlite_archive_url: str) -> None:
    import subprocess
    import sys

    config = make_config(tmp_path, fresh_site, sqlite_archive_url)
    first = run_cycle(config, all_sources=True)
    assert first.new_matches
    with Archive(sqlite_archive_url).open() as archive, archive.read() as s:
        before = {m.article_id for m in s.exec(select(Match)).all()}

    # An analyst raises the threshold past any score: every match must go.
    watch = config.config_dir / "watch.yaml"
    watch.write_text(watch.read_text() + "extract:\n  threshold: 1.0\n  model: blank\n")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config.config_dir), "--db",
         sqlite_archive_url, "reextract"], cwd=root, capture_output=True, text=True,
        timeout=600, check=False, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr
    assert f"{len(before)} no longer match" in proc.stdout
    with Archive(sqlite_archive_url).open() as archive, archive.read() as s:
        assert s.exec(select(Match)).all() == []
        events = s.exec(select(Event)).all()
    # events keep their history (alerts named them) but leave the timeline, withdrawn
    assert events and all(e.status == "false_positive" and "reextract" in (e.note or "")
                          for e in events)
    assert f"{len(events)} events withdrawn" in proc.stdout
