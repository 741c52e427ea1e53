"""Channel policy through the outbox: digests, min_score, quiet hours, updates, health alerts,
and the `defwatch alerts` commands."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.archive import Archive
from monitor.archive.runs import CrawlRunIn
from monitor.health import check_health
from monitor.outbox import dispatch_pending, next_digest_time
from tests.delivery.kit import ROOT, app_config, env_for, outbox_rows, seed_report
from tests.peers import HttpReceiver


def hook(receiver: HttpReceiver, name: str = "hook", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "webhook", "url": receiver.url(f"/{name}"), "timeout": 5,
            **extra}


def bodies(receiver: HttpReceiver, path: str | None = None) -> list[dict[str, Any]]:
    return [r.json() for r in receiver.requests if path is None or r.path == path]


def test_digest_channel_sends_one_message_with_every_event_at_the_slot(
        tmp_path: Path, http_receiver: HttpReceiver) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [hook(http_receiver, mode="digest", digest_hours=6)])
    now = datetime.now(UTC)
    with Archive(url) as archive:
        seed_report(config, archive, official="Mohammad Bagheri")
        seed_report(config, archive, official="Asim Munir", day=date(2025, 1, 3))
        assert dispatch_pending(config, archive) == []  # held for the slot
        slot = next_digest_time(6, now)
        assert all(r.next_attempt_at == slot for r in outbox_rows(archive))
        done = dispatch_pending(config, archive, slot)
        assert dispatch_pending(config, archive, slot + timedelta(hours=7)) == []
        rows = outbox_rows(archive)
    assert [d["status"] for d in done] == ["sent", "sent"]
    [digest] = bodies(http_receiver)
    assert digest["kind"] == "digest" and len(digest["items"]) == 2
    assert {i["alert_id"] for i in digest["items"]} == {f"defwatch-alert-{r.id}" for r in rows}


def test_min_score_sends_confident_events_now_and_the_rest_in_the_digest(
        tmp_path: Path, http_receiver: HttpReceiver) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [hook(http_receiver, min_score=0.8, digest_hours=24)])
    with Archive(url) as archive:
        seed_report(config, archive, official="Mohammad Bagheri", score=0.95)
        seed_report(config, archive, official="Asim Munir", score=0.6, day=date(2025, 1, 3))
        dispatch_pending(config, archive)
        assert [b["kind"] for b in bodies(http_receiver)] == ["visit"]
        assert "Bagheri" in bodies(http_receiver)[0]["headline"]
        dispatch_pending(config, archive, next_digest_time(24, datetime.now(UTC)))
    later = bodies(http_receiver)[1:]
    assert [b["kind"] for b in later] == ["digest"]
    assert "Munir" in later[0]["items"][0]["headline"]


def test_quiet_hours_hold_alerts_until_they_end(
        tmp_path: Path, http_receiver: HttpReceiver) -> None:
    now = datetime.now(UTC)
    start, end = (now - timedelta(hours=1)), (now + timedelta(hours=2))
    quiet = f"{start:%H}:00-{end:%H}:00"
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [hook(http_receiver, quiet_hours=quiet)])
    with Archive(url) as archive:
        seed_report(config, archive)
        assert dispatch_pending(config, archive) == []
        [row] = outbox_rows(archive)
        ends = row.next_attempt_at
        assert now < ends <= now + timedelta(hours=2)
        assert dispatch_pending(config, archive, ends - timedelta(minutes=1)) == []
        done = dispatch_pending(config, archive, ends)
    assert [d["status"] for d in done] == ["sent"] and len(http_receiver.requests) == 1


def test_later_reports_notify_or_stay_silent_per_channel(
        tmp_path: Path, http_receiver: HttpReceiver) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [hook(http_receiver, "loud", updates="notify"),
                                        hook(http_receiver, "quiet", updates="silent")])
    with Archive(url) as archive:
        event_id, new = seed_report(config, archive, source="wire")
        dispatch_pending(config, archive)
        again, new_again = seed_report(config, archive, source="courier")
        dispatch_pending(config, archive)
        dispatch_pending(config, archive, datetime.now(UTC) + timedelta(days=2))
    assert new and not new_again and again == event_id
    loud, quiet = bodies(http_receiver, "/loud"), bodies(http_receiver, "/quiet")
    assert [b["kind"] for b in loud] == ["visit", "update"]
    assert [b["kind"] for b in quiet] == ["visit"]
    assert [r["source"] for r in loud[1]["new_reports"]] == ["courier"]
    assert {r["source"] for r in loud[1]["reports"]} == {"wire", "courier"}


def test_failing_source_raises_one_health_alert_per_streak(
        tmp_path: Path, http_receiver: HttpReceiver) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [hook(http_receiver)], watch={"health": {"failures": 3}})
    t0 = datetime.now(UTC) - timedelta(hours=10)

    def run(archive: Archive, hour: int, ok: bool) -> None:
        archive.record_crawl_run(CrawlRunIn(
            source="wire", started_at=t0 + timedelta(hours=hour), errors=0 if ok else 1,
            error_messages=[] if ok else ["HTTP 503 from the feed"], ok=ok))
        check_health(config, archive, t0 + timedelta(hours=hour, minutes=1))

    with Archive(url) as archive:
        archive.upsert_sources(list(config.sources))  # type: ignore[arg-type]
        for hour in range(5):
            run(archive, hour, ok=False)  # a 5-cycle streak
        run(archive, 5, ok=True)
        for hour in range(6, 9):
            run(archive, hour, ok=False)  # a second streak
        dispatch_pending(config, archive)
        rows = outbox_rows(archive)
    assert [r.kind for r in rows] == ["health", "health"]
    sent = bodies(http_receiver)
    assert len(sent) == 2 and all(b["kind"] == "health" and b["event"] is None for b in sent)
    assert "wire" in sent[0]["headline"] and "HTTP 503" in sent[0]["text"]


def cli(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "monitor", "--config", str(tmp_path / "config"), "--db", url,
           "alerts", *args]
    return subprocess.run(cmd, cwd=ROOT, env={**env_for(tmp_path), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60, check=False)


def test_alerts_commands_list_test_and_retry(
        tmp_path: Path, http_receiver: HttpReceiver) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    secret = "/hooks/s3cr3t-token"
    config = app_config(tmp_path, url, [
        {"name": "hook", "kind": "webhook", "url": http_receiver.url(secret), "timeout": 5}])
    http_receiver.respond(410, "gone")
    with Archive(url) as archive:
        seed_report(config, archive)
        dispatch_pending(config, archive)

    listed = cli(tmp_path, url, "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert list(row) == ["id", "event_id", "channel", "kind", "status", "attempts",
                         "last_error", "created_at", "sent_at"]
    assert row["status"] == "failed" and "410" in row["last_error"]
    table = cli(tmp_path, url, "list")
    assert table.returncode == 0 and "failed" in table.stdout

    retried = cli(tmp_path, url, "retry")
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert "1 alert(s) put back to pending; 1 sent now" in retried.stdout
    assert json.loads(cli(tmp_path, url, "list", "--format", "json").stdout)[0]["status"] == "sent"

    ok = cli(tmp_path, url, "test", "hook")
    assert ok.returncode == 0 and "test alert sent through hook" in ok.stdout
    assert "[TEST]" in http_receiver.requests[-1].json()["headline"]
    http_receiver.respond(403, "forbidden")
    bad = cli(tmp_path, url, "test", "hook")
    assert bad.returncode == 1 and "403" in bad.stderr and len(bad.stderr.splitlines()) == 1
    unknown = cli(tmp_path, url, "test", "nope")
    assert unknown.returncode == 2 and "unknown channel 'nope'" in unknown.stderr
    missing = cli(tmp_path, url, "retry", "--id", "99")
    assert missing.returncode == 2 and "no alert with id 99" in missing.stderr
    everything = "".join(p.stdout + p.stderr for p in (listed, table, retried, ok, bad))
    assert "s3cr3t" not in everything
