"""`defwatch daemon` as a real process against the fixture news site and local receivers.

Source intervals are "1m" scaled by watch.yaml `daemon.interval_scale: 0.1` (6 s).
"""

from __future__ import annotations

import email
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from monitor.archive import Archive
from monitor.archive.models import Article, CrawlRun, Cycle, Event, EventArticle, Match, Outbox
from monitor.demo import demo_sources
from tests.daemon.conftest import SlowFeed, wait_exit
from tests.delivery.kit import defwatch, env_for, wait_for, write_config
from tests.fixturesite.server import FixtureSite
from tests.peers import HttpReceiver, SmtpServer

pytestmark = pytest.mark.slow

FAST = {"daemon": {"interval_scale": 0.1, "dispatch_seconds": 2}}


def site_config(tmp_path: Path, site: FixtureSite, channels: list[dict[str, Any]],
                outlets: set[str] | None = None) -> Path:
    sources = [dict(s, interval="1m") for s in demo_sources(site.urls["outlets"])
               if outlets is None or s["name"] in outlets]
    return write_config(tmp_path / "config", sources=sources, channels=channels, watch=FAST)


def hook(receiver: HttpReceiver, **extra: Any) -> dict[str, Any]:
    return {"name": "hook", "kind": "webhook", "url": receiver.url("/hook"), "timeout": 5,
            **extra}


def settled(url: str, sources: int) -> bool:
    """Every source crawled, no cycle running, no alert waiting."""
    with Archive(url) as archive, archive.read() as s:
        crawled = set(s.exec(select(CrawlRun.source)).all())
        running = s.exec(select(Cycle.id).where(Cycle.status == "running")).first()
        pending = s.exec(select(Outbox.id).where(Outbox.status == "pending")).first()
    return len(crawled) >= sources and running is None and pending is None


def archive_state(url: str) -> tuple[list[Event], list[Outbox], dict[int, list[str]]]:
    with Archive(url) as archive, archive.read() as s:
        events = list(s.exec(select(Event)).all())
        rows = list(s.exec(select(Outbox).order_by(col(Outbox.id))).all())
        links = s.exec(select(EventArticle.event_id, Article.url)
                       .join(Article, col(Article.id) == col(EventArticle.article_id))).all()
    urls: dict[int, list[str]] = {}
    for event_id, article_url in links:
        urls.setdefault(event_id, []).append(article_url.split("?")[0])
    return events, rows, urls


def test_daemon_alerts_once_per_event_per_channel_and_sends_updates_as_configured(
        tmp_path: Path, fresh_site: FixtureSite, receiver: HttpReceiver,
        smtp_server: SmtpServer) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    mail = {"name": "mail", "kind": "email", "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
            "from": "defwatch@example.org", "to": ["desk@example.org"], "updates": "silent"}
    cdir = site_config(tmp_path, fresh_site, [hook(receiver, updates="notify"), mail])
    log = tmp_path / "daemon.log"
    daemon = defwatch(cdir, url, "daemon", env=env_for(tmp_path), log=log)
    try:
        wait_for(lambda: settled(url, 4), 150, "the first cycles to finish", interval=1)
        published = fresh_site.publish_next()
        assert published is not None
        new_url = published["url"].split("?")[0]

        def update_for_new() -> bool:
            return any(new_url in [r["url"].split("?")[0] for r in b.json()["new_reports"]]
                       for b in receiver.requests if b.json()["kind"] == "update")

        wait_for(update_for_new, 60, f"an update naming {new_url}", interval=0.5)
        wait_for(lambda: settled(url, 4), 60, "the publish cycle to finish", interval=1)
        daemon.send_signal(signal.SIGTERM)
        assert wait_exit(daemon, 90) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    events, rows, urls = archive_state(url)
    hook_bodies = [r.json() for r in receiver.requests]
    visits = Counter(b["event"]["id"] for b in hook_bodies if b["kind"] == "visit")
    assert visits and set(visits) == {e.id for e in events} and set(visits.values()) == {1}
    mails = [email.message_from_bytes(m.raw) for m in smtp_server.handler.messages]
    mail_ids = Counter(m["X-Defwatch-Alert-Id"] for m in mails)
    assert len(mail_ids) == len(events) and set(mail_ids.values()) == {1}
    assert all(r.status == "sent" for r in rows)
    assert not any(r.kind == "update" for r in rows if r.channel == "mail")  # updates: silent
    hook_ids = Counter(b["alert_id"] for b in hook_bodies)
    assert set(hook_ids.values()) == {1}  # no alert sent twice
    # The newly published report joined its existing event; nobody got a second visit alert.
    [new_event] = [e for e, u in urls.items() if new_url in u]
    assert len(urls[new_event]) >= 2
    # No hard negative of the fixture manifest was alerted.
    labels = {a["url"].split("?")[0]: a for a in fresh_site.manifest()}
    alerted = {u for e in events for u in urls.get(e.id, [])}
    hard = [u for u in alerted if labels.get(u, {}).get("label") is False
            and labels[u].get("subtype")]
    assert hard == [], hard
    # Outlets reporting one visit: their reports sit in one event.
    groups: dict[str, set[int]] = {}
    for event_id, event_urls in urls.items():
        for u in event_urls:
            group = labels.get(u, {}).get("event_group")
            if group:
                groups.setdefault(group, set()).add(event_id)
    split = {g: ids for g, ids in groups.items() if len(ids) > 1}
    assert len(split) <= 1, split


@pytest.mark.parametrize("archive_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_kill_9_between_commit_and_send_then_restart_sends_every_alert_once(
        tmp_path: Path, fresh_site: FixtureSite, receiver: HttpReceiver,
        archive_url: str) -> None:
    outlets = {"tehran-courier"}
    cdir = site_config(tmp_path, fresh_site, [hook(receiver)], outlets)
    Archive(archive_url).open().close()
    log = tmp_path / "daemon.log"
    crashing = defwatch(cdir, archive_url, "daemon",
                        env=env_for(tmp_path, DEFWATCH_TEST_CRASH_AFTER_COMMIT="1"), log=log)
    assert wait_exit(crashing, 150) == -signal.SIGKILL
    _, rows, _ = archive_state(archive_url)
    assert rows and all(r.status == "pending" for r in rows)
    assert receiver.requests == []  # killed after the commit, before any send

    daemon = defwatch(cdir, archive_url, "daemon", env=env_for(tmp_path), log=log)
    try:
        wait_for(lambda: settled(archive_url, 1), 150, "the restarted daemon to catch up",
                 interval=1)
        daemon.send_signal(signal.SIGTERM)
        assert wait_exit(daemon, 90) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    events, rows, _ = archive_state(archive_url)
    sent_ids = Counter(r.json()["alert_id"] for r in receiver.requests)
    assert set(sent_ids.values()) == {1}, "an alert was sent twice"
    assert set(sent_ids) == {f"defwatch-alert-{r.id}" for r in rows}
    assert all(r.status == "sent" for r in rows)
    assert {r.event_id for r in rows if r.kind == "visit"} == {e.id for e in events}
    # Nothing lost: every visible article of the outlet is archived, and the articles the
    # killed cycle stored but never extracted were extracted after the restart.
    with Archive(archive_url) as archive, archive.read() as s:
        stored = {a.split("?")[0] for a in s.exec(select(Article.url)).all()}
        matched = len(s.exec(select(Match.id)).all())
    visible = {a["url"].split("?")[0] for a in fresh_site.manifest()
               if a["visible"] and a["outlet"] in outlets}
    assert visible <= stored
    assert matched >= len(events) > 1
    assert "did not finish; extracting" in log.read_text()


def test_a_job_that_raises_is_logged_with_its_source_and_runs_again(
        tmp_path: Path, slow_feed: SlowFeed) -> None:
    # A crawl that fails or overruns is a per-source result, not an exception; what still
    # raises is the machinery around it, here a data directory the crawl cannot use.
    slow_feed.delay = 0
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tmp").write_text("a file where the crawl's work directory should be")
    cdir = write_config(tmp_path / "config", channels=[], watch={
        **FAST, "crawl": {"download_delay": 0}},
        sources=[{"name": "slow", "kind": "rss", "url": slow_feed.url, "interval": "1m"}])
    url = f"sqlite:///{tmp_path / 'a.db'}"
    log = tmp_path / "daemon.log"
    daemon = defwatch(cdir, url, "daemon", env=env_for(tmp_path), log=log)
    failure = "source=slow: job failed: CycleFailed"
    try:
        wait_for(lambda: log.read_text().count(failure) >= 2, 90,
                 "two failed runs of the job", interval=0.5)
        assert daemon.poll() is None  # the daemon survives its jobs' failures
        daemon.send_signal(signal.SIGTERM)
        assert wait_exit(daemon, 60) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    text = log.read_text()
    assert "FileExistsError" in text or "NotADirectoryError" in text
    with Archive(url) as archive, archive.read() as s:
        statuses = [c.status for c in s.exec(select(Cycle)).all()]
    assert statuses.count("failed") >= 2 and "running" not in statuses
