"""Cron safety and one daemon per archive, with real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import sqlalchemy as sa

from monitor.archive import Archive
from monitor.daemon import JOBSTORE_TABLE
from tests.daemon.conftest import SlowFeed, wait_exit
from tests.delivery.kit import defwatch, env_for, lock_holder, wait_for, write_config


def holder_of(proc: object) -> str:
    return f"pid {proc.pid} on {socket.gethostname()}"  # type: ignore[attr-defined]


def test_second_run_exits_at_once_naming_the_holder(
        tmp_path: Path, slow_feed: SlowFeed, archive_url: str) -> None:
    cdir = write_config(tmp_path / "config", channels=[],
                        sources=[{"name": "slow", "kind": "rss", "url": slow_feed.url}])
    Archive(archive_url).open().close()  # migrate first, so the two runs only race for the lock
    env = env_for(tmp_path)
    first = defwatch(cdir, archive_url, "run", "--all", env=env)
    try:
        wait_for(lambda: lock_holder(archive_url, "cycle") == holder_of(first), 30,
                 "the first run to take the cycle lock")
        wait_for(lambda: slow_feed.hits == 1, 30, "the first run to be crawling")
        second = defwatch(cdir, archive_url, "run", "--all", env=env)
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        assert first.poll() is None, "the first run ended before the second was refused"
        lines = [ln for ln in out.splitlines() if ln.strip()]
        expected = f"defwatch: another cycle is running ({holder_of(first)}); nothing to do"
        assert lines == [expected]
        assert wait_exit(first, 60) == 0
    finally:
        if first.poll() is None:
            first.kill()
    assert slow_feed.hits == 1  # the feed was crawled once, by the first run only
    assert lock_holder(archive_url, "cycle") is None


def job_ids(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.text(f"SELECT id FROM {JOBSTORE_TABLE}")).scalars())
    except sa.exc.DBAPIError:
        return []  # the daemon has not created its job table yet
    finally:
        engine.dispose()


def test_second_daemon_refuses_and_restarts_keep_one_copy_of_each_job(
        tmp_path: Path, archive_url: str) -> None:
    cdir = write_config(tmp_path / "config", channels=[], sources=[
        {"name": "closed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml",
         "interval": "1h"}])
    Archive(archive_url).open().close()
    env = env_for(tmp_path)
    for start in range(3):
        daemon = defwatch(cdir, archive_url, "daemon", env=env)
        try:
            wait_for(lambda d=daemon: lock_holder(archive_url, "daemon") == holder_of(d), 60,
                     "the daemon to take its lock")
            wait_for(lambda: len(job_ids(archive_url)) == 2, 30, "the jobs to be stored")
            if start == 0:
                second = defwatch(cdir, archive_url, "daemon", env=env)
                _, err = second.communicate(timeout=60)
                assert second.returncode == 1
                assert err.strip().splitlines()[-1].startswith("defwatch: error: another "
                                                               "defwatch daemon runs on archive")
                assert f"({holder_of(daemon)})" in err and "Traceback" not in err
            assert job_ids(archive_url) == ["dispatch", "source:closed"]
            daemon.send_signal(signal.SIGTERM)
            assert wait_exit(daemon, 60) == 0
            assert "daemon stopped" in daemon.stderr.read()  # type: ignore[union-attr]
        finally:
            if daemon.poll() is None:
                daemon.kill()
        assert lock_holder(archive_url, "daemon") is None
    assert job_ids(archive_url) == ["dispatch", "source:closed"]
