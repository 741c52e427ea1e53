"""Presentation shared by every channel: labels, safe single-line text, Jinja rendering.

Contains no delivery logic. Scraped strings (titles, names, quotes) are untrusted: they are
made single-line here, escaped by the HTML template environment, and escaped for Slack
in ``alerts.slack``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from alerts.base import Alert, Report

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
COUNTRY_NAMES = {"IR": "Iran", "PK": "Pakistan"}
KIND_LABELS = {"visit": "Visit", "update": "Update", "health": "Health", "digest": "Digest"}
_SPACE_RE = re.compile(r"\s+")


def _is_unsafe(char: str) -> bool:
    # Cc: C0/C1 controls incl. CR/LF; Cf: bidi overrides and zero-width characters;
    # Zl/Zp: U+2028/U+2029, which some clients render as line breaks. ZWNJ/ZWJ stay:
    # Persian and Urdu spelling needs them.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char not in "\u200c\u200d"


def one_line(text: object, limit: int = 300) -> str:
    """``text`` as one line: control characters become spaces, runs of space collapse,
    and anything past ``limit`` characters is cut with an ellipsis."""
    value = "".join(" " if _is_unsafe(c) else c for c in str(text or ""))
    value = _SPACE_RE.sub(" ", value).strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def paragraph(text: object, limit: int = 2000) -> str:
    """Like ``one_line`` but keeps line breaks (for evidence quotes and health text)."""
    lines = (one_line(line, limit) for line in str(text or "").splitlines())
    value = "\n".join(line for line in lines if line)
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def header_value(text: object, limit: int = 200) -> str:
    """A value safe for an email header built from scraped text.

    Besides control characters, ``=?`` is broken up: Python before 3.11.10/3.12.5 decodes a
    literal RFC 2047 word such as ``=?UTF-8?Q?=0A?=`` while folding and writes the decoded
    newline raw, which injects headers (CVE-2024-6923).
    """
    return one_line(text, limit).replace("=?", "= ?")


def is_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def flag(code: str | None) -> str:
    if not code or len(code) != 2 or not code.isalpha() or not code.isascii():
        return ""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


def country_label(code: str | None) -> str:
    if not code:
        return "unknown"
    name = COUNTRY_NAMES.get(code.upper(), one_line(code, 40))
    mark = flag(code)
    return f"{name} {mark}" if mark else name


def route(alert: Alert) -> str:
    return f"{country_label(alert.visitor_country)} → {country_label(alert.host_country)}"


def headline(alert: Alert) -> str:
    if alert.headline:
        return one_line(alert.headline)
    if alert.kind == "digest":
        return f"{len(alert.items)} Iran–Pakistan military visits"
    if alert.kind == "health":
        return "defwatch health"
    return f"Military visit: {route(alert)}"


def subject(alert: Alert) -> str:
    return header_value(f"[defwatch] {KIND_LABELS[alert.kind]}: {headline(alert)}")


def show_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour, value.minute) != (0, 0)
            else value.strftime("%Y-%m-%d")
        )
    return value.isoformat()


def report_title(report: Report) -> str:
    return one_line(report.title or report.url, 200)


def _environment(autoescape: bool) -> SandboxedEnvironment:
    # Sandboxed although the templates are ours: a later "user templates" feature then
    # starts from a safe environment. Autoescape is set explicitly, not by file
    # extension, so the HTML environment escapes whatever the template is called.
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        one_line=one_line,
        paragraph=paragraph,
        is_http_url=is_http_url,
        country_label=country_label,
        route=route,
        headline=headline,
        show_date=show_date,
        report_title=report_title,
        kind_label=KIND_LABELS.get,
    )
    return env


@cache
def _environments() -> dict[str, SandboxedEnvironment]:
    return {"html": _environment(autoescape=True), "txt": _environment(autoescape=False)}


def render(alert: Alert, fmt: Literal["html", "txt"]) -> str:
    """Render ``templates/alert.<fmt>`` for ``alert``."""
    return _environments()[fmt].get_template(f"alert.{fmt}").render(alert=alert)
