"""Cycles and per-source crawl runs (the crawler's source_stats records)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from monitor.archive.models import CrawlRun, Cycle
from monitor.errors import ArchiveError

MAX_ERROR_MESSAGES = 20
MAX_ERROR_CHARS = 300
CYCLE_STATUSES = ("running", "ok", "partial", "failed")


@dataclass(frozen=True, slots=True)
class CrawlRunIn:
    """One source's crawl in one cycle.

    ``ok`` defaults to the rule in run_ok(); pass it to override (e.g. the crawl subprocess died).
    """

    source: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cycle_id: int | None = None
    requests: int = 0
    not_modified: int = 0
    new: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)
    errors: int = 0
    error_messages: Sequence[str] = ()
    finish_reason: str | None = None
    ok: bool | None = None

    def __post_init__(self) -> None:
        # A source whose crawl died early may lack times; the run still needs a start.
        if self.started_at is None:
            object.__setattr__(self, "started_at", self.finished_at or datetime.now(UTC))


def run_ok(run: CrawlRunIn) -> bool:
    """A run fails when it reported errors and brought back nothing: no new page, no 304."""
    if run.ok is not None:
        return run.ok
    return not (run.errors > 0 and run.new == 0 and run.not_modified == 0)


def _one_line(message: str) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


def record_crawl_run(session: Session, run: CrawlRunIn) -> int:
    """Store a crawl run; error messages are folded to one line each and capped in number."""
    row = CrawlRun(
        cycle_id=run.cycle_id,
        source=run.source,
        started_at=run.started_at,
        finished_at=run.finished_at,
        requests=run.requests,
        not_modified=run.not_modified,
        new=run.new,
        skipped={str(k): int(v) for k, v in run.skipped.items()},
        errors=run.errors,
        error_messages=[_one_line(m) for m in list(run.error_messages)[:MAX_ERROR_MESSAGES]],
        finish_reason=run.finish_reason,
        ok=run_ok(run),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def start_cycle(session: Session, now: datetime | None = None) -> int:
    row = Cycle(started_at=now or datetime.now(UTC), status="running")
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def finish_cycle(
    session: Session, cycle_id: int, now: datetime | None = None, status: str = "ok"
) -> None:
    """Close a cycle with status ``ok``, ``partial`` or ``failed``."""
    if status not in CYCLE_STATUSES[1:]:
        raise ArchiveError(f"invalid cycle status {status!r}; use one of {CYCLE_STATUSES[1:]}")
    row = session.get(Cycle, cycle_id)
    if row is None:
        raise ArchiveError(f"no cycle with id {cycle_id} in the archive")
    row.finished_at = now or datetime.now(UTC)
    row.status = status
    session.flush()
