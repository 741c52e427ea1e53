"""Engine construction and error translation; contains no queries."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from monitor.errors import ArchiveError

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///./data/defwatch.db"
DEFAULT_BUSY_TIMEOUT = 10.0
WRITE_OPTION = "defwatch_write"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def redact_url(url: str | URL) -> str:
    """Return `url` with any password replaced by ``***``, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", str(url))


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ArchiveError(f"invalid archive URL {redact_url(url)!r}: {exc}", exc) from exc


def sqlite_path(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for other backends and in-memory DBs."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def check_sqlite_file(path: Path, shown: str) -> None:
    """Fail fast, without touching the file, when SQLite could not safely write it.

    Root ignores permission bits, so write bits are checked explicitly: a file somebody made
    read-only must not be changed by a process that merely could.
    """
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"cannot open archive {shown}: cannot create directory "
                f"{path.parent}: {exc.strerror}",
                exc,
            ) from exc
        return
    if not path.is_file():
        raise ArchiveError(f"cannot open archive {shown}: {path} is not a regular file")
    mode = path.stat().st_mode
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise ArchiveError(f"cannot open archive {shown}: file {path} is read-only")
    if not os.access(path.parent, os.W_OK):
        raise ArchiveError(
            f"cannot open archive {shown}: directory {path.parent} is read-only "
            "(SQLite needs it for the WAL file)"
        )
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head and head != _SQLITE_MAGIC:
        raise ArchiveError(
            f"cannot open archive {shown}: {path} is not an SQLite database "
            "(corrupt or foreign file); it was left unchanged"
        )


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any, *, busy_ms: int) -> None:
    # isolation_level=None stops the driver's own implicit BEGINs so _sqlite_on_begin decides.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # A deferred transaction that reads then writes gets SQLITE_BUSY at once, ignoring
    # busy_timeout; taking the write lock up front makes writers queue instead.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: URL, busy_timeout: float) -> Engine:
    """Create the engine: SQLite with WAL/busy_timeout/explicit BEGINs, others with pre-ping."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": busy_timeout})
        on_connect = partial(_sqlite_on_connect, busy_ms=int(busy_timeout * 1000))
        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # pool_pre_ping: a server restart or pg_terminate_backend must not surface as an error.
    return create_engine(url, pool_pre_ping=True)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def translate(exc: SQLAlchemyError, shown: str, busy_timeout: float) -> ArchiveError:
    """Turn a database exception into a one-line ArchiveError naming the archive."""
    reason = _first_line(exc)
    low = reason.lower()
    if isinstance(exc, OperationalError) and ("locked" in low or "busy" in low):
        return ArchiveError(
            f"archive busy: {shown} is locked by another writer for more than "
            f"{busy_timeout:g} s ({reason}); try again later",
            exc,
        )
    if "database or disk is full" in low:
        return ArchiveError(f"archive full: {shown}: {reason}", exc)
    if "readonly" in low or "read-only" in low:
        return ArchiveError(f"cannot write archive {shown}: {reason}", exc)
    if "not a database" in low or "malformed" in low:
        return ArchiveError(f"archive {shown} is corrupt: {reason}", exc)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return ArchiveError(f"lost connection to archive {shown}: {reason}", exc)
    return ArchiveError(f"archive error on {shown}: {reason}", exc)
