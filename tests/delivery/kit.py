"""Helpers for the delivery and daemon tests: configs on disk, events stored through the real
clustering/outbox code, and the `defwatch` command as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import select

from monitor.archive import Archive, ArticleIn
from monitor.archive.models import Article, Lock, Match, Outbox
from monitor.config import AppConfig, load_config
from monitor.matches import attach_to_event

ROOT = Path(__file__).resolve().parents[2]


def write_config(cdir: Path, *, sources: list[dict[str, Any]], channels: list[dict[str, Any]],
                 watch: dict[str, Any] | None = None) -> Path:
    cdir.mkdir(parents=True, exist_ok=True)
    (cdir / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}, sort_keys=False))
    (cdir / "alerts.yaml").write_text(yaml.safe_dump({"channels": channels}, sort_keys=False))
    base = {"crawl": {"download_delay": 0, "timeout_seconds": 10}}
    (cdir / "watch.yaml").write_text(yaml.safe_dump({**base, **(watch or {})}))
    return cdir


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"DEFWATCH_ALLOW_PRIVATE_NETWORKS": "1", "DEFWATCH_DATA": str(tmp_path / "data"),
            **extra}


def app_config(tmp_path: Path, db_url: str, channels: list[dict[str, Any]],
               sources: list[dict[str, Any]] | None = None,
               watch: dict[str, Any] | None = None) -> AppConfig:
    sources = sources or [{"name": "wire", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml"}]
    cdir = write_config(tmp_path / "config", sources=sources, channels=channels, watch=watch)
    return load_config(cdir, db_url, env=env_for(tmp_path))


_seq = iter(range(1, 1_000_000))


def seed_report(config: AppConfig, archive: Archive, *, official: str = "Mohammad Bagheri",
                title: str = "Iranian army chief arrives in Rawalpindi", source: str = "wire",
                score: float = 0.9, day: date = date(2025, 5, 10),
                now: datetime | None = None) -> tuple[int, bool]:
    """Store one matched article and run the real clustering + outbox code on it.

    Returns (event_id, is_new_event).
    """
    n = next(_seq)
    url = f"https://news.example.org/{source}/{n}"
    added = archive.add_article(ArticleIn(
        canonical_url=url, url=url, source=source, title=title, published=None,
        text=f"{official} arrived for talks. Report number {n}.",
        fetched_at=datetime.now(UTC)))
    now = now or datetime.now(UTC)
    with archive.write() as session:
        article = session.get(Article, added.article_id)
        match = Match(article_id=added.article_id, score=score, kind="visit",
                      visitor_country="IR", host_country="PK",
                      officials=[{"name": official, "title": "Chief", "country": "IR"}],
                      location="Rawalpindi", event_date=day,
                      evidence=[f"{official} arrived in Rawalpindi."], rules=[],
                      extracted_at=now, extractor_version="test")
        session.add(match)
        session.flush()
        return attach_to_event(config, session, article, match, now)


def outbox_rows(archive: Archive) -> list[Outbox]:
    with archive.read() as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())


def lock_holder(db_url: str, name: str) -> str | None:
    with Archive(db_url) as archive, archive.read() as session:
        row = session.get(Lock, name)
        return row.holder if row else None


def defwatch(cdir: Path, db_url: str, *args: str, env: dict[str, str],
             log: Path | None = None) -> subprocess.Popen[str]:
    """Start `defwatch -v --config CDIR --db URL ARGS...`: stdout and stderr as text pipes,
    or both appended to `log` (for long-running daemons, whose pipes nobody drains)."""
    cmd = [sys.executable, "-m", "monitor", "-v", "--config", str(cdir), "--db", db_url, *args]
    if log is None:
        return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with log.open("a") as fh:
        return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, text=True,
                                stdout=fh, stderr=subprocess.STDOUT)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str,
             interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
