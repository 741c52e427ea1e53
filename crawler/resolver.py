"""A DNS resolver that refuses non-public addresses at the moment of connecting.

The SSRF guard middleware checks a host's addresses before a request is sent, but Twisted
resolves the name again when it connects. A name whose DNS answer changes between the two
lookups (DNS rebinding) would pass the first check and connect to an internal address; checking
the answer the connection actually uses closes that gap.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.middlewares import ALLOW_FLAG, blocked_address_reason

logger = logging.getLogger(__name__)


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, failing any lookup whose answer is not a public address."""

    allow_private = False

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicOnlyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool(ALLOW_FLAG)
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        found = super().getHostByName(name, timeout)
        if self.allow_private:
            return found
        return found.addCallback(self._public_only, name)

    @staticmethod
    def _public_only(address: str, name: str) -> str:
        why = blocked_address_reason(ipaddress.ip_address(address))
        if why:
            # Twisted reports any failed lookup as "no results"; the log keeps the reason.
            message = (f"{name} resolved to {address}, a {why}, when connecting: refused "
                       f"(DNS rebinding guard; set {ALLOW_FLAG}=true to allow)")
            logger.warning(message)
            raise DNSLookupError(message)
        return address
