"""The ``Alert`` value handed over by monitor, the ``Channel`` protocol, and ``build_channel``.

An ``Alert`` is plain data: monitor builds it from an outbox row (``to_dict``/``from_dict``
round-trip through JSON) and every channel renders it; nothing here touches the archive.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from alerts.config import ChannelConfig

__all__ = ["Alert", "AlertKind", "Channel", "Official", "Report", "build_channel"]

logger = logging.getLogger(__name__)

AlertKind = Literal["visit", "update", "health", "digest"]
_KINDS = ("visit", "update", "health", "digest")
# The alert id becomes the left part of a Message-ID, so it must be a dot-atom.
_ALERT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,199}$")


@dataclass(frozen=True)
class Official:
    name: str
    title: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Report:
    url: str
    title: str | None = None
    source: str | None = None
    published: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "published", _as_datetime(self.published))


def _as_datetime(value: datetime | date | str | None) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(value) if value else None


def _as_date(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _coerce(cls: type[Any], items: Sequence[Any] | None) -> tuple[Any, ...]:
    out = []
    for item in items or ():
        if isinstance(item, Mapping):
            item = cls(**{f.name: item.get(f.name) for f in fields(cls) if f.name in item})
        if not isinstance(item, cls):
            raise TypeError(f"expected {cls.__name__} or a mapping, got {type(item).__name__}")
        out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Alert:
    """One notification. Lists may be given as lists of dicts; they are stored as tuples.

    ``alert_id`` is stable across retries (monitor derives it from the outbox row) so that
    the email Message-ID and the webhook ``Idempotency-Key`` let receivers drop duplicates.
    """

    alert_id: str
    kind: AlertKind
    event_id: int | str | None = None
    headline: str = ""
    visitor_country: str | None = None
    host_country: str | None = None
    event_kind: str | None = None
    officials: tuple[Official, ...] = ()
    location: str | None = None
    event_date: date | None = None
    score: float | None = None
    evidence: str = ""
    reports: tuple[Report, ...] = ()
    new_reports: tuple[Report, ...] = ()
    items: tuple[Alert, ...] = ()
    text: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.alert_id, str) or not _ALERT_ID_RE.match(self.alert_id):
            raise ValueError(f"alert_id {self.alert_id!r} must match {_ALERT_ID_RE.pattern}")
        if self.kind not in _KINDS:
            raise ValueError(f"alert kind {self.kind!r} must be one of {', '.join(_KINDS)}")
        set_ = object.__setattr__
        set_(self, "officials", _coerce(Official, self.officials))
        set_(self, "reports", _coerce(Report, self.reports))
        set_(self, "new_reports", _coerce(Report, self.new_reports))
        set_(
            self,
            "items",
            tuple(Alert.from_dict(i) if isinstance(i, Mapping) else i for i in self.items),
        )
        set_(self, "event_date", _as_date(self.event_date))
        if self.score is not None:
            set_(self, "score", float(self.score))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (dates as ISO strings); ``Alert.from_dict`` reverses it."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Alert:
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown alert field {unknown[0]!r}")
        return cls(**data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Alert):
        return value.to_dict()
    if isinstance(value, (Official, Report)):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@runtime_checkable
class Channel(Protocol):
    """A delivery target. ``send`` returns on success and raises ``DeliveryError`` otherwise."""

    name: str

    def send(self, alert: Alert) -> None: ...


_CHANNEL_CLASSES = {
    "email": ("alerts.smtp", "SmtpChannel"),
    "slack": ("alerts.slack", "SlackChannel"),
    "webhook": ("alerts.webhook", "WebhookChannel"),
    "console": ("alerts.console", "ConsoleChannel"),
}


def build_channel(cfg: ChannelConfig) -> Channel:
    """The channel object for one validated config entry.

    Channel modules are imported here, on first use, so ``import alerts`` stays cheap and
    a deployment without Slack never imports ``slack_sdk``.
    """
    module_name, class_name = _CHANNEL_CLASSES[cfg.kind]
    channel_class = getattr(importlib.import_module(module_name), class_name)
    channel: Channel = channel_class(cfg)
    return channel
