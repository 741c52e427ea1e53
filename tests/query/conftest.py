"""Query tests: fixtures live in tests/query/fixtures.py (shared with tests/web)."""

from tests.query.fixtures import backend_url, extractor, loaded  # noqa: F401
