"""Web tests: the loaded archives come from tests/query/fixtures.py."""

from tests.query.fixtures import backend_url, extractor, loaded  # noqa: F401
