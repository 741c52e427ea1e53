"""URL canonicalisation and the URL safety checks shared by config and spiders."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = ["canonicalize", "is_tracking_param", "unsafe_url_reason"]

# Parameters that only identify a campaign or click; two URLs differing only in these are the
# same article.
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok",
        "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "cmpid", "ocid", "ns_mchannel",
        "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "at_medium", "at_campaign",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters a URL must not start with or contain anywhere: browsers and parsers strip or
# reinterpret them differently, which is how "  javascript:" slips past naive scheme checks.
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """Return the canonical form of ``url`` used as the article identity everywhere.

    Lower-case scheme and host, no default port, no fragment, no tracking parameters, query
    sorted, path kept as is (paths are case-sensitive).
    """
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not is_tracking_param(k)]
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal loses its brackets in .hostname
        host = f"[{host}]"
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def unsafe_url_reason(url: str) -> str | None:
    """Why ``url`` must not be fetched, or None when it is a plain http(s) URL.

    Rejected: other schemes (javascript:, file:, data:, ftp:), leading/embedded whitespace or
    control characters, backslashes before the path (``http://a\\@b/`` is host ``a`` for
    browsers and Scrapy but ``b`` for Python's urlsplit), and userinfo (``user@host``).
    """
    if not isinstance(url, str) or not url:
        return "empty URL"
    if _CONTROL.search(url):
        return "URL contains whitespace or control characters"
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in _DEFAULT_PORTS:
        shown = url.split(":", 1)[0][:20]
        return f"only http and https URLs are allowed (got scheme {shown!r})"
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "\\" in authority or "%5c" in authority.lower():
        return "backslash in the URL authority (parser differential)"
    if "@" in authority:
        return "credentials (user@host) in URLs are not allowed"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        return f"malformed URL: {exc}"
    if not parts.hostname:
        return "URL has no host"
    return None
