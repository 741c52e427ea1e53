"""Fixtures for the crawler tests: local sites on 127.0.0.1:0 and a gzip bomb."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import pytest
from crawlsite import Route, Site, start_site


@pytest.fixture
def make_site() -> Iterator[Callable[..., Site]]:
    sites: list[Site] = []

    def factory(routes: dict[str, Route] | None = None) -> Site:
        site = start_site(routes)
        sites.append(site)
        return site

    yield factory
    for site in sites:
        assert site.server is not None
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    """About 1 MB of gzip that inflates to 256 MiB of zeros (DOWNLOAD_MAXSIZE is 16 MiB)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: gzip container
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(256)]
    parts.append(compressor.flush())
    return b"".join(parts)




@pytest.fixture(scope="session")
def other_bombs() -> dict[str, bytes]:
    """Deflate and brotli bodies that inflate to 64 MiB of zeros, four times the size limit."""
    import brotli

    deflate = zlib.compressobj(1, zlib.DEFLATED, 15)  # wbits 15: zlib container ("deflate")
    chunk = b"\0" * (1 << 20)
    body = b"".join(deflate.compress(chunk) for _ in range(64)) + deflate.flush()
    return {"deflate": body, "br": brotli.compress(b"\0" * (64 << 20), quality=1)}
