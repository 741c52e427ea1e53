"""Fixtures shared by tests/query and tests/web: the extractor and a loaded archive per backend."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from monitor.archive import Archive
from tests.conftest_db import libpq_dsn
from tests.query.archive_data import (
    HOSTILE_TITLE,
    Loaded,
    add_plain,
    add_records,
    demo_config,
    page_html,
    records,
)


@pytest.fixture(scope="session")
def extractor() -> Any:
    from monitor.extract import Extractor

    return Extractor()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[str]:
    """A fresh archive URL shared by one module's tests (sqlite file or PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('archive') / 'defwatch.db'}"
        return
    database = request.getfixturevalue("postgres_database")
    schema = f"m_{secrets.token_hex(6)}"
    with psycopg.connect(libpq_dsn(database), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    yield database.set(query={"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with psycopg.connect(libpq_dsn(database), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(scope="module")
def loaded(backend_url: str, extractor: Any, tmp_path_factory: Any) -> Loaded:
    """Devset visits (several reports each) and negatives, extracted and clustered; plus a
    hostile page and a Persian one. Read-only for the tests that use it."""
    config = demo_config(tmp_path_factory.mktemp("config"), backend_url)
    recs = records()
    with Archive(backend_url) as archive:
        ids = add_records(archive, config, extractor, recs)
        ids["hostile"] = add_plain(
            archive, "https://misc-news.example/hostile", HOSTILE_TITLE,
            "A page whose title tries markup. <script>alert(1)</script> Karachi harbour notes: "
            "the ship did not call.",
            html=page_html("hostile", "Karachi harbour notes."))
        ids["persian"] = add_plain(
            archive, "https://fa-news.example/1", "خبر آزمایشی",
            "هیئت نظامی برای گفت‌وگو به تهران رفت.", source="fa-news", language="fa")
    return Loaded(backend_url, config, ids, {r["id"]: r["event_group"] for r in recs})
