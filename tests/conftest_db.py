"""Archive fixtures, loaded with ``pytest_plugins = ["tests.conftest_db"]``.

`archive_url` runs a test twice: on a SQLite file under tmp_path and on PostgreSQL. The
PostgreSQL side gets one fresh database per test session (``defwatch_test_<random>``, dropped
at the end) and one fresh schema per test, so tests never see each other's rows. When the
server cannot be reached those tests skip, or fail when DEFWATCH_REQUIRE_POSTGRES=1 (CI).
The server is DEFWATCH_TEST_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from monitor.archive import Archive

ADMIN_URL = os.environ.get(
    "DEFWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def libpq_dsn(url: URL) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg (no driver, no query)."""
    plain = url.set(drivername="postgresql", query={})
    return plain.render_as_string(hide_password=False)


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL not available at {make_url(ADMIN_URL).render_as_string()}: {reason}"
    if os.environ.get("DEFWATCH_REQUIRE_POSTGRES") == "1":
        pytest.fail(message + " (DEFWATCH_REQUIRE_POSTGRES=1)", pytrace=False)
    pytest.skip(message)


def _admin() -> psycopg.Connection[Any]:
    return psycopg.connect(libpq_dsn(make_url(ADMIN_URL)), autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """URL of a database created for this test session and dropped afterwards."""
    try:
        admin = _admin()
    except psycopg.Error as exc:
        _unavailable(" ".join(str(exc).split()))
    name = f"defwatch_test_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(ADMIN_URL).set(database=name)
    finally:
        with _admin() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture
def postgres_archive_url(postgres_database: URL) -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema (dropped after the test)."""
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(libpq_dsn(postgres_database), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = postgres_database.set(query={"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with psycopg.connect(libpq_dsn(postgres_database), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def sqlite_archive_url(tmp_path: Any) -> str:
    """A SQLite archive in a directory that does not exist yet (open() creates it)."""
    return f"sqlite:///{tmp_path / 'archive' / 'defwatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def archive_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL."""
    return str(request.getfixturevalue(f"{request.param}_archive_url"))


@pytest.fixture
def archive(archive_url: str) -> Iterator[Archive]:
    """An open, migrated, empty archive (closed after the test)."""
    with Archive(archive_url) as opened:
        yield opened
