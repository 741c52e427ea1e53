"""Checking query parameters once, for the CLI and the web API alike.

Every check raises `UsageError` with one line naming the parameter and the value, so the CLI
prints it and exits 2 and the API answers 400 with the same text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from monitor.errors import UsageError

logger = logging.getLogger(__name__)

MAX_LIMIT = 1000
MAX_OFFSET = 100_000
KINDS = ("visit", "hosting", "delegation", "port_call")
DIRECTIONS = {"PK-IR": ("PK", "IR"), "IR-PK": ("IR", "PK")}
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
# Names of people and places: letters, spaces and the punctuation names carry. Anything else
# (=, ;, quotes, comment dashes) is a typing mistake or an attack, never a name.
_NAME = re.compile(r"^[^\W\d_][\w .'’()-]{0,99}$")


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse_day(value: str | date | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` (or ``YYYY-MM``) day; None stays None."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return date.fromisoformat(text + "-01")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"{name}: {_shown(value)} is not a date (use YYYY-MM-DD)")


@dataclass(frozen=True)
class Window:
    """An inclusive range of days; `start`/`end` are the datetimes bounding it (UTC)."""

    since: date | None = None
    until: date | None = None

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.since, time.min, UTC) if self.since else None

    @property
    def end(self) -> datetime | None:
        """The first instant after `until` (exclusive bound)."""
        if self.until is None:
            return None
        return datetime.combine(self.until + timedelta(days=1), time.min, UTC)


def parse_window(since: str | date | None, until: str | date | None) -> Window:
    window = Window(parse_day(since, "since"), parse_day(until, "until"))
    if window.since and window.until and window.since > window.until:
        raise UsageError(f"since {window.since} is after until {window.until}")
    return window


def parse_int(value: str | int | None, name: str, default: int, low: int, high: int) -> int:
    """An integer in [low, high]; out of range is an error, not silently capped."""
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{name}: {_shown(value)} is not a whole number") from None
    if not low <= number <= high:
        raise UsageError(f"{name}: {number} is out of range ({low} to {high})")
    return number


def parse_limit(value: str | int | None, default: int) -> int:
    return parse_int(value, "limit", default, 1, MAX_LIMIT)


def parse_offset(value: str | int | None) -> int:
    return parse_int(value, "offset", 0, 0, MAX_OFFSET)


def parse_direction(value: str | None) -> tuple[str, str] | None:
    """``PK-IR`` means a Pakistani visitor in Iran; returns (visitor, host)."""
    if not value:
        return None
    key = value.strip().upper().replace("→", "-").replace(">", "")
    if key not in DIRECTIONS:
        raise UsageError(f"direction: {_shown(value)} is not PK-IR or IR-PK")
    return DIRECTIONS[key]


def parse_kind(value: str | None) -> str | None:
    if not value:
        return None
    kind = value.strip().lower().replace("-", "_").replace(" ", "_")
    if kind not in KINDS:
        raise UsageError(f"kind: {_shown(value)} is not one of {', '.join(KINDS)}")
    return kind


def parse_lang(value: str | None) -> str | None:
    if not value:
        return None
    if not _LANG.match(value.strip()):
        raise UsageError(f"lang: {_shown(value)} is not a language code such as en, fa or ur")
    return value.strip().lower()


def parse_name(value: str | None, name: str) -> str | None:
    """A person's or a place's name, as typed (checked for characters names never hold)."""
    if value is None or not value.strip():
        return None
    text = " ".join(value.split())
    if not _NAME.match(text) or "--" in text:
        raise UsageError(f"{name}: {_shown(value)} is not a name")
    return text


def parse_choice(value: str | None, name: str, choices: tuple[str, ...], default: str) -> str:
    if value is None or value == "":
        return default
    if value not in choices:
        raise UsageError(f"{name}: {_shown(value)} is not one of {', '.join(choices)}")
    return value
