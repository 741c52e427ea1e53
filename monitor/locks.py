"""Named locks kept in the archive, so they work on SQLite and PostgreSQL alike.

A cron `defwatch run` and the daemon take the same "cycle" lock; the daemon also holds
"daemon" for its whole life. A holder refreshes its heartbeat while it works; a lock whose
holder died is taken over at once when the holder was on this host (its pid is gone), or after
`stale_after` without a heartbeat when it was elsewhere.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from monitor.archive.models import Lock
from monitor.errors import ArchiveError

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)
HEARTBEAT_SECONDS = 30.0


@dataclass
class Held:
    acquired: bool
    holder: str


def this_holder() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


def _holder_alive(holder: str) -> bool:
    """False only when we can tell the holder process is gone (same host, no such pid)."""
    parts = holder.split()
    if len(parts) < 4 or parts[0] != "pid" or parts[3] != socket.gethostname():
        return True
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


def try_acquire(archive: Any, name: str, holder: str, now: datetime | None = None,
                stale_after: timedelta = STALE_AFTER) -> Held:
    """Take `name` for `holder` unless a live holder has it; Held says who has it now."""
    try:
        return _try_acquire(archive, name, holder, now or datetime.now(UTC), stale_after)
    except ArchiveError as exc:
        if not isinstance(exc.__cause__, IntegrityError):
            raise
    # Two processes inserted the first row at once (PostgreSQL has no row to lock yet):
    # the loser tries again and now sees the winner's row.
    return _try_acquire(archive, name, holder, now or datetime.now(UTC), stale_after)


def _try_acquire(archive: Any, name: str, holder: str, now: datetime,
                 stale_after: timedelta) -> Held:
    with archive.write() as session:
        row = session.get(Lock, name, with_for_update=True)
        if row is not None and row.holder != holder:
            fresh = now - row.heartbeat_at < stale_after
            if fresh and _holder_alive(row.holder):
                return Held(False, row.holder)
            logger.warning("taking over lock %r from %s (not alive)", name, row.holder)
        if row is None:
            row = Lock(name=name, holder=holder, acquired_at=now, heartbeat_at=now)
        else:
            row.holder, row.acquired_at, row.heartbeat_at = holder, now, now
        session.add(row)
    return Held(True, holder)


def heartbeat(archive: Any, name: str, holder: str) -> bool:
    """Refresh the lock; False when someone else holds it now."""
    with archive.write() as session:
        row = session.get(Lock, name, with_for_update=True)
        if row is None or row.holder != holder:
            return False
        row.heartbeat_at = datetime.now(UTC)
        session.add(row)
    return True


def release(archive: Any, name: str, holder: str) -> None:
    with archive.write() as session:
        row = session.get(Lock, name, with_for_update=True)
        if row is not None and row.holder == holder:
            session.delete(row)


@contextmanager
def hold(archive: Any, name: str, holder: str | None = None) -> Iterator[Held]:
    """Hold `name` for the block (with a heartbeat thread); yields Held(acquired=False) if taken."""
    holder = holder or this_holder()
    held = try_acquire(archive, name, holder)
    if not held.acquired:
        yield held
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                heartbeat(archive, name, holder)
            except Exception:  # a missed heartbeat is not fatal; staleness covers it
                logger.warning("could not refresh lock %r", name, exc_info=True)

    thread = threading.Thread(target=beat, name=f"lock-{name}", daemon=True)
    thread.start()
    try:
        yield held
    finally:
        stop.set()
        thread.join(timeout=5)
        release(archive, name, holder)
