"""Shared fixtures: the archive on SQLite and PostgreSQL comes from tests/conftest_db.py."""

pytest_plugins = ["tests.conftest_db"]
