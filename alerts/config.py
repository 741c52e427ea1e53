"""Schema of ``config/alerts.yaml``: one validated, frozen ``ChannelConfig`` per channel.

The caller (``monitor.config``) reads the YAML and expands ``${NAME}`` before calling
:func:`parse_channels`; this module does no I/O and reads no environment.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.utils import parseaddr
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from alerts.errors import ChannelConfigError

__all__ = [
    "ChannelConfig",
    "ConsoleChannelConfig",
    "EmailChannelConfig",
    "Secret",
    "SlackChannelConfig",
    "SmtpTarget",
    "WebhookChannelConfig",
    "parse_channels",
    "parse_smtp_url",
]

logger = logging.getLogger(__name__)

REDACTED = "<redacted>"
_QUIET_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class Secret:
    """A string that never shows itself: ``repr``/``str`` give ``<redacted>``.

    ``redacted()`` may show the harmless part (an SMTP URL without its password) so that
    an operator can still tell which server a channel points at.
    """

    __slots__ = ("_shown", "_value")

    def __init__(self, value: str, shown: str = REDACTED) -> None:
        self._value = value
        self._shown = shown

    def get_secret_value(self) -> str:
        return self._value

    def redacted(self) -> str:
        return self._shown

    def __repr__(self) -> str:
        return repr(self._shown)

    __str__ = redacted

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_str = core_schema.no_info_after_validator_function(cls, core_schema.str_schema())
        return core_schema.union_schema(
            [core_schema.is_instance_schema(cls), from_str],
            serialization=core_schema.plain_serializer_function_ser_schema(cls.redacted),
        )


@dataclass(frozen=True)
class SmtpTarget:
    """A parsed ``smtp_url``. ``implicit_tls`` is ``smtps://``; ``starttls`` is ``?starttls=true``."""

    host: str
    port: int
    username: str | None
    password: Secret | None
    implicit_tls: bool
    starttls: bool

    def __repr__(self) -> str:
        return f"SmtpTarget({self.display()!r})"

    def display(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        auth = ""
        if self.username is not None:
            auth = self.username + (f":{REDACTED}" if self.password is not None else "") + "@"
        query = "?starttls=true" if self.starttls else ""
        return f"{scheme}://{auth}{self.host}:{self.port}{query}"


def parse_smtp_url(url: str) -> SmtpTarget:
    """Parse ``smtp://user:pass@host:port``, ``smtps://…`` or ``smtp://…?starttls=true``.

    Raises:
        ValueError: a one-line problem that never contains the password.
    """
    if url.startswith("${"):
        raise ValueError(f"environment variable {url.strip('${}')} is not set")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("must start with smtp:// or smtps://")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("port must be a number from 1 to 65535") from None
    if not parts.hostname:
        raise ValueError("has no host")
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError("must not have a path (smtp://user:pass@host:port)")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls"})
    if unknown:
        raise ValueError(f"unknown query parameter {unknown[0]!r} (only starttls)")
    starttls_value = query.get("starttls", ["false"])[-1].lower()
    if starttls_value not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError("starttls must be true or false")
    starttls = starttls_value in ("true", "1", "yes")
    implicit = parts.scheme == "smtps"
    if implicit and starttls:
        raise ValueError("smtps:// already uses TLS; drop ?starttls=true")
    if parts.password and not (implicit or starttls) and not _is_loopback(parts.hostname):
        raise ValueError("would send the password unencrypted; use smtps:// or ?starttls=true")
    username = unquote(parts.username) if parts.username else None
    password = Secret(unquote(parts.password)) if parts.password is not None else None
    default_port = 465 if implicit else (587 if starttls else 25)
    return SmtpTarget(parts.hostname, port or default_port, username, password, implicit, starttls)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _http_url(value: Secret | str, what: str) -> str:
    url = value.get_secret_value() if isinstance(value, Secret) else value
    if url.startswith("${"):
        raise PydanticCustomError("env", f"environment variable {url.strip('${}')} is not set")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError("url", f"{what} must be an http:// or https:// URL")
    if _CONTROL_RE.search(url):
        raise PydanticCustomError("url", f"{what} contains control characters")
    return url


class _Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    enabled: bool = True
    mode: Literal["instant", "digest"] = "instant"
    digest_hours: Annotated[int, Field(ge=1, le=24 * 7)] = 24
    min_score: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    quiet_hours: str | None = None
    timezone: str = "UTC"
    updates: Literal["silent", "notify"] = "notify"
    timeout: Annotated[float, Field(gt=0, le=600)] = 30.0

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet_hours(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = _QUIET_RE.match(value.replace(" ", ""))
        if not match:
            raise PydanticCustomError("quiet", 'must look like "22:00-07:00"')
        if match[1] + match[2] == match[3] + match[4]:
            raise PydanticCustomError("quiet", "start and end are the same time")
        return value.replace(" ", "")

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError("tz", f"unknown time zone {value!r}") from None
        return value

    def route(self, score: float | None) -> Literal["instant", "digest"]:
        """Where an event with this ``score`` goes: confident events instantly, the rest in the digest."""
        if self.mode == "digest" or (score is not None and score < self.min_score):
            return "digest"
        return "instant"

    def quiet_until(self, now: datetime) -> datetime | None:
        """If ``now`` (timezone-aware) is inside the quiet hours, the UTC time they end; else None."""
        if self.quiet_hours is None:
            return None
        if now.tzinfo is None:
            raise ValueError("quiet_until needs a timezone-aware datetime")
        start_s, end_s = self.quiet_hours.split("-")
        start, end = time.fromisoformat(start_s), time.fromisoformat(end_s)
        local = now.astimezone(ZoneInfo(self.timezone))
        t = local.time().replace(tzinfo=None)
        inside = (start <= t < end) if start < end else (t >= start or t < end)
        if not inside:
            return None
        day = local.date() if t < end else local.date() + timedelta(days=1)
        naive_end = datetime.combine(day, end)
        return naive_end.replace(tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)

    def redacted(self) -> dict[str, Any]:
        """The config as a plain dict, safe to print: secrets show as ``<redacted>``."""
        return self.model_dump(by_alias=True)


class EmailChannelConfig(_Channel):
    kind: Literal["email"]
    smtp_url: Secret
    from_: str = Field(alias="from")
    to: Annotated[list[str], Field(min_length=1)]

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: Secret) -> Secret:
        try:
            target = parse_smtp_url(value.get_secret_value())
        except ValueError as exc:
            raise PydanticCustomError("smtp_url", str(exc)) from None
        return Secret(value.get_secret_value(), target.display())

    @field_validator("from_", "to")
    @classmethod
    def _check_addresses(cls, value: str | list[str]) -> str | list[str]:
        for address in [value] if isinstance(value, str) else value:
            if _CONTROL_RE.search(address) or "@" not in parseaddr(address)[1]:
                raise PydanticCustomError("address", f"{address!r} is not an email address")
        return value

    def smtp(self) -> SmtpTarget:
        return parse_smtp_url(self.smtp_url.get_secret_value())


class SlackChannelConfig(_Channel):
    kind: Literal["slack"]
    webhook_url: Secret

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: Secret) -> Secret:
        url = _http_url(value, "webhook_url")
        return Secret(url, f"{urlsplit(url).scheme}://{urlsplit(url).hostname}/{REDACTED}")


class WebhookChannelConfig(_Channel):
    kind: Literal["webhook"]
    url: Secret
    headers: dict[str, Secret] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: Secret) -> Secret:
        url = _http_url(value, "url")
        return Secret(url, f"{urlsplit(url).scheme}://{urlsplit(url).hostname}/{REDACTED}")

    @field_validator("headers")
    @classmethod
    def _check_headers(cls, value: dict[str, Secret]) -> dict[str, Secret]:
        for name, header in value.items():
            if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
                raise PydanticCustomError("header", f"{name!r} is not a valid header name")
            if _CONTROL_RE.search(header.get_secret_value()):
                raise PydanticCustomError("header", f"value of {name} contains control characters")
        return value


class ConsoleChannelConfig(_Channel):
    kind: Literal["console"]


ChannelConfig = Annotated[
    EmailChannelConfig | SlackChannelConfig | WebhookChannelConfig | ConsoleChannelConfig,
    Field(discriminator="kind"),
]


class _AlertsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: list[ChannelConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> _AlertsFile:
        seen: set[str] = set()
        for channel in self.channels:
            if channel.name in seen:
                raise PydanticCustomError("dup", f"channel name {channel.name!r} is used twice")
            seen.add(channel.name)
        return self


_FILE = TypeAdapter(_AlertsFile)


def _key_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("email", "slack", "webhook", "console") and path.endswith("]"):
            continue  # pydantic's discriminator tag, not a key the user wrote
        else:
            path += f".{part}" if path else str(part)
    return path


def _problem(error: Mapping[str, Any]) -> str:
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"].startswith("union_tag_"):
        return "must be one of email, slack, webhook, console"
    # The message, never the input value: the input may be a password or webhook URL.
    return str(error["msg"]).removeprefix("Value error, ")


def parse_channels(data: Any, filename: str) -> list[ChannelConfig]:
    """Validate the parsed ``alerts.yaml`` (the mapping with ``channels``, or the list itself).

    Returns:
        The channels in file order, frozen; disabled channels are included.

    Raises:
        ChannelConfigError: one line, ``FILE: KEY.PATH: problem``; never shows a secret.
    """
    if data is None:
        return []
    if isinstance(data, list):
        data = {"channels": data}
    if not isinstance(data, Mapping):
        raise ChannelConfigError(filename, "", "expected a mapping with a 'channels' list")
    try:
        return list(_FILE.validate_python(data).channels)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        path = _key_path(first["loc"])
        if first["type"].startswith("union_tag_"):
            path += ".kind"
        raise ChannelConfigError(filename, path or "channels", _problem(first) + more) from None
