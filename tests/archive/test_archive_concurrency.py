"""Storage faults: SQLite lock contention under WAL, and PostgreSQL connections killed."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from monitor.archive import Archive, ArticleIn
from monitor.archive.models import Cycle
from monitor.errors import ArchiveError

pytest_plugins = ["tests.conftest_db"]

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def article(n: int) -> ArticleIn:
    body = f"Body of article number {n}. " * 20
    return ArticleIn(f"https://a.example/{n}", f"https://a.example/{n}", "dawn", body, T0)


@pytest.fixture
def sqlite_file(sqlite_archive_url: str) -> Iterator[tuple[str, Path]]:
    with Archive(sqlite_archive_url):
        pass
    yield sqlite_archive_url, Path(sqlite_archive_url.removeprefix("sqlite:///"))


def test_write_sessions_begin_immediate_and_reads_deferred(sqlite_file: tuple[str, Path]) -> None:
    url, _ = sqlite_file
    with Archive(url) as archive:
        seen: list[str] = []
        assert archive._engine is not None
        event.listen(
            archive._engine, "before_cursor_execute", lambda conn, cur, stmt, *a: seen.append(stmt)
        )
        archive.add_article(article(1))
        archive.stats()
        archive.start_cycle(T0)
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE"]


def test_writer_blocked_past_busy_timeout_is_archive_busy_without_partial_rows(
    sqlite_file: tuple[str, Path],
) -> None:
    url, path = sqlite_file
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Archive(url, busy_timeout=0.5) as archive:
            started = time.monotonic()
            with pytest.raises(ArchiveError) as info, archive.write() as session:
                session.add(Cycle(started_at=T0))
                session.flush()
                session.add(Cycle(started_at=T0))
            waited = time.monotonic() - started
            assert str(info.value).startswith("archive busy: ")
            assert "\n" not in str(info.value)
            assert 0.4 <= waited < 5
            with pytest.raises(ArchiveError, match="^archive busy"):
                archive.add_article(article(1))
    finally:
        holder.rollback()
        holder.close()
    with Archive(url) as archive:
        assert archive.stats()["cycles"] == 0 and archive.stats()["articles"] == 0
        archive.add_article(article(1))  # the next attempt, once the lock is gone, works
        assert archive.stats()["articles"] == 1


def test_reader_during_open_write_succeeds_and_sees_committed_state(
    sqlite_file: tuple[str, Path],
) -> None:
    url, path = sqlite_file
    with Archive(url) as archive:
        archive.add_article(article(1))
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM article")
        try:
            assert archive.stats()["articles"] == 1  # WAL: no wait, no lock error
            assert list(archive.known_urls()) == ["https://a.example/1"]
        finally:
            writer.rollback()
            writer.close()


def test_writer_commits_while_a_long_read_is_open(sqlite_file: tuple[str, Path]) -> None:
    url, _ = sqlite_file
    with Archive(url, busy_timeout=1) as reader, Archive(url, busy_timeout=1) as writer:
        with reader.read() as session:
            assert session.execute(text("SELECT count(*) FROM article")).scalar() == 0
            writer.add_article(article(1))
            # Snapshot isolation: the open read still sees its own snapshot.
            assert session.execute(text("SELECT count(*) FROM article")).scalar() == 0
        assert reader.stats()["articles"] == 1


def test_concurrent_writers_and_reader_never_see_lock_errors(sqlite_file: tuple[str, Path]) -> None:
    url, _ = sqlite_file
    errors: list[BaseException] = []
    stop = threading.Event()

    def write(offset: int) -> None:
        try:
            with Archive(url) as archive:
                for n in range(offset, offset + 25):
                    archive.add_article(article(n))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    def read() -> None:
        try:
            with Archive(url) as archive:
                while not stop.is_set():
                    archive.stats()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k * 100,)) for k in range(3)]
    reader = threading.Thread(target=read)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    reader.join()
    assert errors == []
    with Archive(url) as archive:
        assert archive.stats()["articles"] == 75


@pytest.mark.postgres
def test_postgres_connection_killed_between_operations(postgres_archive_url: str) -> None:
    from tests.conftest_db import libpq_dsn  # imported late: pytest loads it as a plugin first

    with Archive(postgres_archive_url) as archive:
        archive.add_article(article(1))
        with archive.read() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
        dsn = libpq_dsn(make_url(postgres_archive_url))
        with psycopg.connect(dsn, autocommit=True) as admin:
            killed = admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
        assert killed == (True,)
        assert archive.stats()["articles"] == 1  # pre-ping replaced the dead connection
        assert archive.add_article(article(2)).new
        with archive.read() as session:
            assert session.execute(text("SELECT pg_backend_pid()")).scalar() != pid
