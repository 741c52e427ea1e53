"""The configured sources, mirrored into the archive so runs and articles can refer to them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlmodel import Session

from monitor.archive.models import Source


class SourceLike(Protocol):
    """What upsert_sources reads: SourceIn, or the crawler's Source model, duck-typed."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def enabled(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class SourceIn:
    name: str
    kind: str
    url: str
    language: str | None = None
    enabled: bool = True
    config_hash: str = ""


def config_hash(config: Mapping[str, Any]) -> str:
    """sha256 of a source's configuration in canonical JSON, to notice edits between runs."""
    blob = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _hash_of(src: SourceLike) -> str:
    given = getattr(src, "config_hash", "")
    if given:
        return str(given)
    if is_dataclass(src) and not isinstance(src, type):
        return config_hash(asdict(src))
    dump = getattr(src, "model_dump", None)
    return config_hash(dump(mode="json") if callable(dump) else vars(src))


def upsert_sources(
    session: Session,
    sources: Sequence[SourceLike],
    *,
    disable_missing: bool = True,
    now: datetime | None = None,
) -> None:
    """Insert or update sources by name; with disable_missing, sources not listed are disabled.

    Rows are never deleted: runs and articles keep referring to the source name.
    """
    now = now or datetime.now(UTC)
    existing = {row.name: row for row in session.scalars(select(Source))}
    for src in sources:
        digest, kind, url = _hash_of(src), str(src.kind), str(src.url)
        row = existing.pop(src.name, None)
        if row is None:
            row = Source(name=src.name, kind=kind, url=url, config_hash=digest)
            session.add(row)
        wanted = (kind, url, src.language, bool(src.enabled), digest)
        current = (row.kind, row.url, row.language, row.enabled, row.config_hash)
        if current != wanted or row.updated_at is None:
            row.kind, row.url, row.language, row.enabled, row.config_hash = wanted
            row.updated_at = now
    if disable_missing:
        for row in existing.values():
            if row.enabled:
                row.enabled, row.updated_at = False, now
    session.flush()
