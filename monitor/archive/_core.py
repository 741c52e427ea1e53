"""The Archive handle: engines, sessions, and thin wrappers over the topic modules."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from monitor.archive import _engine, _migrate, articles, feeds, runs, sources, stats
from monitor.archive.articles import AddResult, ArticleIn
from monitor.archive.runs import CrawlRunIn
from monitor.archive.sources import SourceLike
from monitor.archive.stats import SourceStatus
from monitor.errors import ArchiveError

logger = logging.getLogger(__name__)


class Archive:
    """The defwatch archive at `url` (SQLite file or ``postgresql+psycopg://…``).

    Use as ``with Archive(url) as archive: …``; open() migrates the schema to the code's head.

    Args:
        url: SQLAlchemy URL; the default is ``sqlite:///./data/defwatch.db``.
        busy_timeout: seconds a SQLite writer waits for another writer before "archive busy".
    """

    def __init__(
        self, url: str = _engine.DEFAULT_URL, *, busy_timeout: float = _engine.DEFAULT_BUSY_TIMEOUT
    ) -> None:
        self._url = _engine.parse_url(url)
        self.display_url = _engine.redact_url(self._url)
        self.busy_timeout = busy_timeout
        self._engine: Engine | None = None
        self._write_engine: Engine | None = None

    def __repr__(self) -> str:
        return f"Archive({self.display_url!r})"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._url.get_backend_name()

    def open(self) -> Self:
        """Connect and migrate. Raises ArchiveError (one line) when that is impossible."""
        if self._engine is not None:
            return self
        path = _engine.sqlite_path(self._url)
        if path is not None:
            _engine.check_sqlite_file(path, self.display_url)
        engine = _engine.make_engine(self._url, self.busy_timeout)
        write_engine = engine.execution_options(**{_engine.WRITE_OPTION: True})
        try:
            _migrate.upgrade(engine, write_engine, self.display_url)
        except SQLAlchemyError as exc:
            engine.dispose()
            err = _engine.translate(exc, self.display_url, self.busy_timeout)
            raise ArchiveError(f"cannot open archive: {err}", exc) from exc
        except BaseException:
            engine.dispose()
            raise
        self._engine, self._write_engine = engine, write_engine
        logger.debug("opened archive %s", self.display_url)
        return self

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._write_engine = None

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _bind(self, write: bool) -> Engine:
        engine = self._write_engine if write else self._engine
        if engine is None:
            raise ArchiveError(f"archive {self.display_url} is not open")
        return engine

    @contextmanager
    def _session(self, write: bool) -> Iterator[Session]:
        session = Session(self._bind(write), expire_on_commit=False)
        try:
            yield session
            if write:
                session.commit()
        except SQLAlchemyError as exc:
            _safe_rollback(session)
            raise _engine.translate(exc, self.display_url, self.busy_timeout) from exc
        except BaseException:
            _safe_rollback(session)
            raise
        finally:
            _safe_close(session)

    def write(self) -> AbstractContextManager[Session]:
        """A session whose transaction commits on exit (rolls back on error).

        On SQLite it starts with BEGIN IMMEDIATE, so it waits up to busy_timeout for other
        writers and then raises ArchiveError("archive busy: …") with nothing written.
        """
        return self._session(write=True)

    def read(self) -> AbstractContextManager[Session]:
        """A session for queries (deferred BEGIN; never blocks on a writer under WAL)."""
        return self._session(write=False)

    # Repository wrappers: one transaction each. Use write()/read() plus the topic modules
    # directly to group several operations into one transaction.

    def known_urls(self) -> Iterator[str]:
        """Canonical URLs of all articles and their aliases (streamed)."""
        with self.read() as session:
            yield from articles.known_urls(session)

    def feed_states(self) -> dict[str, dict[str, str | None]]:
        with self.read() as session:
            return feeds.feed_states(session)

    def save_feed_state(
        self,
        url: str,
        *,
        source: str,
        etag: str | None,
        last_modified: str | None,
        status: int | None,
        checked_at: datetime | None = None,
    ) -> None:
        with self.write() as session:
            feeds.save_feed_state(
                session,
                url,
                source=source,
                etag=etag,
                last_modified=last_modified,
                status=status,
                checked_at=checked_at,
            )

    def add_article(self, item: ArticleIn) -> AddResult:
        with self.write() as session:
            return articles.add_article(session, item)

    def get_article_html(self, article_id: int) -> str:
        """Decompressed HTML of an article; ArchiveError when there is none."""
        with self.read() as session:
            html = articles.get_article_html(session, article_id)
        if html is None:
            raise ArchiveError(f"no archived HTML for article {article_id} in {self.display_url}")
        return html

    def start_cycle(self, now: datetime | None = None) -> int:
        with self.write() as session:
            return runs.start_cycle(session, now)

    def finish_cycle(self, cycle_id: int, now: datetime | None = None, status: str = "ok") -> None:
        """Close a cycle with status ``ok``, ``partial`` or ``failed``."""
        with self.write() as session:
            runs.finish_cycle(session, cycle_id, now, status)

    def record_crawl_run(self, run: CrawlRunIn | None = None, /, **fields: Any) -> int:
        """Store one source's run: a CrawlRunIn, or its fields as keywords."""
        with self.write() as session:
            return runs.record_crawl_run(session, run or CrawlRunIn(**fields))

    def record_skipped_url(
        self, url: str, source: str, reason: str, now: datetime | None = None
    ) -> None:
        """Remember a fetched page that was not archived so it is not fetched again."""
        with self.write() as session:
            articles.record_skipped_url(session, url, source, reason, now)

    def upsert_sources(self, items: Sequence[SourceLike], *, disable_missing: bool = True) -> None:
        with self.write() as session:
            sources.upsert_sources(session, items, disable_missing=disable_missing)

    def source_status(self) -> list[SourceStatus]:
        with self.read() as session:
            return stats.source_status(session)

    def stats(self) -> dict[str, int]:
        with self.read() as session:
            return stats.stats(session)


def _safe_rollback(session: Session) -> None:
    try:
        session.rollback()
    except SQLAlchemyError:
        logger.debug("rollback failed after an error", exc_info=True)


def _safe_close(session: Session) -> None:
    try:
        session.close()
    except SQLAlchemyError:
        logger.debug("closing a session failed", exc_info=True)
