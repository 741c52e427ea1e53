"""Schema: migrations create it, re-open is a no-op, and foreign or future archives are refused."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from monitor.archive import Archive, redact_url
from monitor.archive._migrate import head_revision, include_object
from monitor.archive.models import SQLModel
from monitor.errors import ArchiveError

pytest_plugins = ["tests.conftest_db"]

TABLES = {
    "source",
    "feed_state",
    "article",
    "article_alias",
    "crawl_run",
    "cycle",
    "match",
    "event",
    "event_article",
    "outbox",
    "lock",
    "skipped_url",
    "alembic_version",
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_migrations_create_the_models_schema(archive_url: str) -> None:
    with Archive(archive_url) as archive:
        engine = create_engine(archive_url)
        with engine.connect() as conn:
            assert TABLES <= set(inspect(conn).get_table_names())
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
            # The hand-written migrations and the SQLModel classes describe the same schema.
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            assert compare_metadata(context, SQLModel.metadata) == []
        engine.dispose()
        assert archive.stats()["articles"] == 0


def test_reopen_is_idempotent(archive_url: str) -> None:
    with Archive(archive_url) as archive:
        archive.start_cycle()
    with Archive(archive_url) as archive:
        assert archive.stats()["cycles"] == 1
    with Archive(archive_url) as archive:
        assert archive.stats()["cycles"] == 1


def test_newer_schema_is_refused_without_writes(archive_url: str) -> None:
    with Archive(archive_url):
        pass
    engine = create_engine(archive_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(ArchiveError) as info:
        Archive(archive_url).open()
    message = str(info.value)
    assert "created by a newer version of defwatch (revision 9999); upgrade defwatch" in message
    assert "\n" not in message
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_default_url_creates_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Archive() as archive:
        assert archive.display_url == "sqlite:///./data/defwatch.db"
    assert (tmp_path / "data" / "defwatch.db").is_file()


def test_password_is_redacted() -> None:
    url = "postgresql+psycopg://user:s3cret@db.example:5432/defwatch"
    assert redact_url(url) == "postgresql+psycopg://user:***@db.example:5432/defwatch"
    assert "s3cret" not in repr(Archive(url))


def test_unreachable_postgres_is_one_line_without_password() -> None:
    # Port 1 on loopback: nothing listens, the refusal is immediate.
    archive = Archive("postgresql+psycopg://user:s3cret@127.0.0.1:1/defwatch")
    with pytest.raises(ArchiveError) as info:
        archive.open()
    assert "s3cret" not in str(info.value) and "\n" not in str(info.value)
    assert "user:***@127.0.0.1:1" in str(info.value)


def test_read_only_file_fails_fast_and_stays_unchanged(sqlite_archive_url: str) -> None:
    with Archive(sqlite_archive_url) as archive:
        archive.start_cycle()
    path = Path(sqlite_archive_url.removeprefix("sqlite:///"))
    path.chmod(0o444)
    before = _sha(path)
    with pytest.raises(ArchiveError, match=r"^cannot open archive .*: file .* is read-only$"):
        Archive(sqlite_archive_url).open()
    assert _sha(path) == before


@pytest.mark.parametrize("damage", ["header", "all"])
def test_corrupt_file_fails_fast_and_stays_unchanged(sqlite_archive_url: str, damage: str) -> None:
    with Archive(sqlite_archive_url) as archive:
        archive.start_cycle()
    path = Path(sqlite_archive_url.removeprefix("sqlite:///"))
    data = bytearray(path.read_bytes())
    end = 4096 if damage == "header" else len(data)
    data[:end] = b"\xde\xad\xbe\xef" * (end // 4)
    path.write_bytes(bytes(data))
    before = _sha(path)
    with pytest.raises(ArchiveError) as info:
        Archive(sqlite_archive_url).open()
    assert "not an SQLite database" in str(info.value) and "\n" not in str(info.value)
    assert _sha(path) == before


def test_foreign_sqlite_database_is_refused(sqlite_archive_url: str) -> None:
    path = Path(sqlite_archive_url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(ArchiveError, match="not a defwatch archive"):
        Archive(sqlite_archive_url).open()
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"notes"}


def test_closed_archive_says_so(sqlite_archive_url: str) -> None:
    archive = Archive(sqlite_archive_url)
    with pytest.raises(ArchiveError, match="is not open"):
        archive.stats()
