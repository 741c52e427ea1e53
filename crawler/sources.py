"""The schema of ``config/sources.yaml``: one :class:`Source` per monitored site.

    sources:
      - name: dawn-home          # unique slug
        kind: rss                # rss | atom | sitemap | listing
        url: https://example.org/feed
        interval: 30m            # or cron: "*/15 * * * *"
        language: en
      - name: ispr-press
        kind: listing
        url: https://example.org/press
        link_selector: "a.press-release"   # CSS, or XPath when it starts with "/"
        allow: "/press/\\d+"               # regex article URLs must match

``${NAME}`` environment expansion is the caller's job (monitor); :func:`parse_sources` takes the
already-expanded data, :func:`load_sources` reads a file.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.errors import SourcesError
from crawler.urls import unsafe_url_reason

__all__ = ["DEFAULT_INTERVAL", "Source", "load_sources", "parse_sources"]

DEFAULT_INTERVAL = timedelta(minutes=30)
# Polling a news site more often than this is impolite and never needed for our use.
MIN_INTERVAL = timedelta(minutes=1)
_SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class Source(BaseModel):
    """One monitored site. Frozen: validated once at load, then passed around as a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_SLUG)
    kind: Literal["rss", "atom", "sitemap", "listing"]
    url: str
    interval: timedelta | None = None
    cron: str | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")
    enabled: bool = True
    link_selector: str | None = None
    allow: str | None = None
    spider: str | None = Field(default=None, pattern=_SLUG)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        reason = unsafe_url_reason(value)
        if reason:
            raise ValueError(reason)
        return value

    @field_validator("interval", mode="before")
    @classmethod
    def _parse_interval(cls, value: Any) -> Any:
        if isinstance(value, str) and (m := _INTERVAL.match(value)):
            return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        if isinstance(value, str) and not value.strip().upper().startswith("P"):
            raise ValueError("interval must look like 15m, 2h or 1d")
        return value

    @field_validator("interval")
    @classmethod
    def _check_interval(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < MIN_INTERVAL:
            raise ValueError(f"interval must be at least {int(MIN_INTERVAL.total_seconds())}s")
        return value

    @field_validator("cron")
    @classmethod
    def _check_cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # Imported here: APScheduler is only needed when a cron is configured.
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
        return value

    @field_validator("allow")
    @classmethod
    def _check_allow(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regex {value!r}: {exc}") from None
        return value

    @field_validator("link_selector")
    @classmethod
    def _check_selector(cls, value: str | None) -> str | None:
        if value is not None:
            selector_to_xpath(value)
        return value

    @model_validator(mode="after")
    def _check_combination(self) -> Source:
        if self.interval is not None and self.cron is not None:
            raise ValueError("set either interval or cron, not both")
        if self.kind == "listing" and not (self.link_selector or self.allow):
            raise ValueError("a listing source needs link_selector and/or allow")
        if self.kind != "listing" and self.link_selector:
            raise ValueError(f"link_selector is only valid for kind listing, not {self.kind}")
        if self.interval is None and self.cron is None:
            object.__setattr__(self, "interval", DEFAULT_INTERVAL)
        return self


def selector_to_xpath(selector: str) -> str:
    """XPath for a configured selector (XPath as is when it starts with '/', else CSS)."""
    from lxml import etree
    from parsel.csstranslator import HTMLTranslator

    if selector.lstrip().startswith("/") or selector.lstrip().startswith("("):
        try:
            etree.XPath(selector)
        except etree.XPathError as exc:
            raise ValueError(f"invalid XPath {selector!r}: {exc}") from None
        return selector
    try:
        return str(HTMLTranslator().css_to_xpath(selector))
    except Exception as exc:  # noqa: BLE001 - cssselect raises several unrelated types
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None


def parse_sources(data: object, filename: str) -> list[Source]:
    """Validate already-loaded (and env-expanded) sources data; raise SourcesError."""
    return _parse(data, filename, lines=None)


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources YAML file; raise SourcesError (one line) on any problem."""
    filename = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{filename}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SourcesError(f"{filename}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise SourcesError(f"{filename}{where}: malformed YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise SourcesError(f"{filename}: malformed YAML: {exc}") from None
    return _parse(data, filename, lines=node)


def _parse(data: object, filename: str, lines: yaml.Node | None) -> list[Source]:
    entries, prefix = _entries(data, filename)
    sources: list[Source] = []
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        path: list[str | int] = [*prefix, index]
        if not isinstance(entry, dict):
            _fail(filename, lines, path, f"expected a mapping, got {type(entry).__name__}")
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = [p for p in err["loc"] if p not in ("function-after",)]
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            _fail(filename, lines, [*path, *loc], msg)
        if source.name in first_seen:
            _fail(filename, lines, [*path, "name"],
                  f"duplicate source name {source.name!r} (first at "
                  f"{_keypath([*prefix, first_seen[source.name]])})")
        first_seen[source.name] = index
        sources.append(source)
    return sources


def _entries(data: object, filename: str) -> tuple[list[Any], list[str | int]]:
    if data is None:
        raise SourcesError(f"{filename}: empty file; expected a 'sources:' list")
    if isinstance(data, list):
        return data, ["sources"]
    if isinstance(data, dict):
        extra = sorted(str(k) for k in data if k != "sources")
        if extra:
            raise SourcesError(f"{filename}: {extra[0]}: unknown top-level key (expected 'sources')")
        entries = data.get("sources")
        if entries is None:
            return [], ["sources"]
        if isinstance(entries, list):
            return entries, ["sources"]
        raise SourcesError(f"{filename}: sources: expected a list, got {type(entries).__name__}")
    raise SourcesError(f"{filename}: expected a mapping with a 'sources:' list")


def _keypath(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fail(filename: str, lines: yaml.Node | None, path: list[str | int], msg: str) -> None:
    line = _line_of(lines, path)
    where = f"{filename}:{line}" if line else filename
    raise SourcesError(f"{where}: {_keypath(path)}: {msg}")


def _line_of(node: yaml.Node | None, path: list[str | int]) -> int | None:
    """1-based line of the deepest YAML node found along ``path``."""
    if node is None:
        return None
    if isinstance(node, yaml.SequenceNode) and path and path[0] == "sources":
        path = path[1:]  # bare-list files have no 'sources' key
    found = node
    for part in path:
        child = None
        if isinstance(found, yaml.MappingNode):
            child = next((v for k, v in found.value if k.value == part), None)
            if child is None:
                child = next((k for k, _ in found.value if k.value == part), None)
        elif isinstance(found, yaml.SequenceNode) and isinstance(part, int):
            child = found.value[part] if part < len(found.value) else None
        if child is None:
            break
        found = child
    return found.start_mark.line + 1
