"""Shared fixtures: the archive on SQLite and PostgreSQL comes from tests/conftest_db.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixturesite.server import FixtureSite

pytest_plugins = ["tests.conftest_db"]


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    """The fixture news site (four outlets on 127.0.0.1), shared by a module's tests."""
    s = FixtureSite().start()
    yield s
    s.stop()
