"""Main text and metadata from fetched HTML with trafilatura, bounded in time and memory.

trafilatura has no time limit of its own (1M ``<p>`` elements take minutes), so `Cleaner`
runs it in worker processes that are killed after a per-page timeout and live under an
address-space limit; `clean_html` does one page in-process with the same size pre-checks and
a SIGALRM timer.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import resource
import signal
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection, wait
from types import FrameType, TracebackType
from typing import Any, Self

import dateutil.parser
from trafilatura import bare_extraction
from trafilatura.settings import use_config

logger = logging.getLogger(__name__)

__all__ = ["CleanJob", "CleanResult", "Cleaner", "Skip", "Skipped", "clean_html"]

MAX_HTML_CHARS = 5_000_000  # real article pages stay under 2 MB
MAX_TAGS = 60_000  # real pages have < 10,000; 140,000 bare <p> take trafilatura ~13 s
# htmldate's extensive search scans the whole text for date-like strings: it roughly doubles
# the cost of a page and finds the wrong date more often than the page's own markup (meta tags,
# JSON-LD, <time>, the URL), which the plain search still reads; the feed or sitemap date is
# the fallback when the page has none.
_TRAFILATURA_CONFIG = use_config()
_TRAFILATURA_CONFIG.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
MIN_BODY_CHARS = 80  # below this trafilatura has found a menu or a caption, not an article
DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024  # address space per worker; peak on 5 MB pages < 150 MB
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The article body and metadata of a page.

    ``date`` is UTC; ``date_source`` says whether it came from the page (htmldate) or from
    the caller's hint. ``language`` is an ISO 639 code such as ``en``.
    """

    text: str
    title: str | None
    author: str | None
    date: datetime | None
    language: str | None
    sitename: str | None
    canonical_url: str | None
    hostname: str | None
    date_source: str | None = None
    pagetype: str | None = None  # og:type as the page declares it ("article", "website", ...)


@dataclass(frozen=True, slots=True)
class Skipped:
    """The page yields no article; `reason` is one line ("no article body", "too large: …")."""

    reason: str


Skip = Skipped  # the name docs/architecture.md uses


@dataclass(frozen=True, slots=True)
class CleanJob:
    html: str
    url: str | None = None
    hint_date: datetime | date | str | None = None
    fallback_language: str | None = None


class _Timeout(BaseException):
    """BaseException so that no ``except Exception`` inside the libraries can swallow it."""


def _precheck(html: str) -> Skipped | None:
    """Cheap refusals that need no parsing."""
    if len(html) > MAX_HTML_CHARS:
        return Skipped(f"too large: {len(html):,} characters (limit {MAX_HTML_CHARS:,})")
    if not html.strip():
        return Skipped("no article body")
    tags = html.count("<")
    if tags > MAX_TAGS:
        return Skipped(f"too large: {tags:,} tags (limit {MAX_TAGS:,})")
    return None


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _parse_hint(hint: datetime | date | str | None) -> datetime | None:
    if hint is None or isinstance(hint, datetime):
        return _as_utc(hint) if hint else None
    if isinstance(hint, date):
        return datetime(hint.year, hint.month, hint.day, tzinfo=UTC)
    try:
        return _as_utc(dateutil.parser.parse(hint))
    except (ValueError, OverflowError):
        logger.debug("unparsable hint date %r", hint)
        return None


def _pick_date(page_date: str | None, hint: datetime | None) -> tuple[datetime | None, str | None]:
    """The page's own date wins; the hint fills in when absent and adds the time of day."""
    if page_date:
        try:
            day = date.fromisoformat(page_date[:10])
        except ValueError:
            day = None
        if day is not None:
            if hint is not None and hint.date() == day:
                return hint, "page"
            return datetime(day.year, day.month, day.day, tzinfo=UTC), "page"
    return (hint, "hint") if hint is not None else (None, None)


def _language(meta_lang: str | None, html: str, fallback: str | None) -> str | None:
    if meta_lang:
        return meta_lang.split("-")[0].lower()
    found = _HTML_LANG.search(html, 0, 20_000)
    if found:
        return found.group(1).lower()
    return fallback.lower() if fallback else None


def _extract(job: CleanJob) -> CleanResult | Skipped:
    """Run trafilatura on one page. Callers bound time and memory around this."""
    refused = _precheck(job.html)
    if refused is not None:
        return refused
    try:
        doc = bare_extraction(
            job.html,
            url=job.url,
            with_metadata=True,
            include_comments=False,
            config=_TRAFILATURA_CONFIG,
        )
    except (RecursionError, ValueError, TypeError, LookupError, AttributeError) as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        return Skipped(f"extraction failed: {reason}")
    text = unicodedata.normalize("NFC", getattr(doc, "text", None) or "").strip()
    if doc is None or len(text) < MIN_BODY_CHARS:
        return Skipped("no article body")
    when, date_source = _pick_date(doc.date, _parse_hint(job.hint_date))
    return CleanResult(
        text=text,
        title=doc.title,
        author=doc.author,
        date=when,
        language=_language(doc.language, job.html, job.fallback_language),
        sitename=doc.sitename,
        canonical_url=doc.url or job.url,
        hostname=doc.hostname,
        date_source=date_source,
        pagetype=(doc.pagetype or None),
    )


@contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise _Timeout after `seconds`; only possible on the main thread (SIGALRM)."""
    usable = seconds and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def clean_html(
    html: str,
    url: str | None = None,
    *,
    hint_date: datetime | date | str | None = None,
    fallback_language: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> CleanResult | Skipped:
    """Clean one page in this process.

    Args:
        html: the decoded page.
        url: where it was fetched from (helps trafilatura and is the canonical fallback).
        hint_date: the feed's or sitemap's date, used when the page has none.
        fallback_language: the source's configured language, used when the page states none.
        timeout: seconds; enforced on the main thread only (SIGALRM). Use `Cleaner` in
            long-running code: it also bounds memory and survives crashes.

    Returns:
        CleanResult, or Skipped with a one-line reason; never raises for bad input.
    """
    job = CleanJob(html, url, hint_date, fallback_language)
    try:
        with _alarm(timeout):
            return _extract(job)
    except _Timeout:
        return Skipped(f"extraction timed out after {timeout:g} s")
    except MemoryError:
        return Skipped("extraction failed: out of memory")


def _worker_main(conn: Connection, memory_limit: int | None) -> None:
    """Serve jobs until the pipe closes. Runs in a child process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    logging.getLogger().addHandler(logging.NullHandler())  # no lastResort stderr spam
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # the page alone does not fit under the limit
            conn.send(Skipped("extraction failed: out of memory"))
            return
        if job is None:
            return
        try:
            result: CleanResult | Skipped = _extract(job)
        except MemoryError:
            result = Skipped("extraction failed: out of memory")
        except Exception as exc:  # noqa: BLE001 - any library bug is one page's problem
            result = Skipped(f"extraction failed: {type(exc).__name__}: {exc}"[:300])
        conn.send(result)
        if isinstance(result, Skipped) and "out of memory" in result.reason:
            return  # a fresh worker is cheaper than a fragmented heap


def _mp_context() -> multiprocessing.context.BaseContext:
    # forkserver: never fork the caller's threads (scheduler, DB pools); preloading this
    # module makes each new or replacement worker start with trafilatura already imported.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext, memory_limit: int | None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, memory_limit), daemon=True)
        self.proc.start()
        child.close()

    def stop(self, kill: bool = False) -> None:
        try:
            if not kill:
                self.conn.send(None)
        except OSError:
            kill = True
        self.proc.join(timeout=0 if kill else 2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)
        self.conn.close()


def _as_job(item: CleanJob | str | Mapping[str, Any] | Iterable[Any]) -> CleanJob:
    if isinstance(item, CleanJob):
        return item
    if isinstance(item, str):
        return CleanJob(item)
    if isinstance(item, Mapping):
        return CleanJob(**item)
    return CleanJob(*item)


class Cleaner:
    """A pool of extraction workers with a per-page timeout and a memory limit.

    Workers start with multiprocessing's "forkserver" method, so a script that uses a
    Cleaner needs the usual ``if __name__ == "__main__":`` guard.

    A worker that times out or dies is replaced; its page becomes Skipped. Use as a context
    manager; `clean_many` yields results in input order.

    Args:
        workers: processes (default: min(2, CPUs)).
        timeout: seconds per page.
        memory_limit: bytes of address space per worker (RLIMIT_AS); None for no limit.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        self.size = max(1, workers or min(2, os.cpu_count() or 1))
        self.timeout = timeout
        self.memory_limit = memory_limit
        self._ctx = _mp_context()
        self._workers: list[_Worker] = []

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        while len(self._workers) < self.size:
            self._workers.append(_Worker(self._ctx, self.memory_limit))

    def close(self) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()

    @property
    def worker_pids(self) -> list[int]:
        return [w.proc.pid for w in self._workers if w.proc.pid is not None]

    def _replace(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        self._workers[self._workers.index(worker)] = _Worker(self._ctx, self.memory_limit)

    def clean(
        self,
        html: str,
        url: str | None = None,
        *,
        hint_date: datetime | date | str | None = None,
        fallback_language: str | None = None,
    ) -> CleanResult | Skipped:
        """Clean one page in a worker."""
        return next(self.clean_many([CleanJob(html, url, hint_date, fallback_language)]))

    def clean_many(
        self, jobs: Iterable[CleanJob | str | Mapping[str, Any] | Iterable[Any]]
    ) -> Iterator[CleanResult | Skipped]:
        """Clean pages in order. Items: CleanJob, html str, a dict of CleanJob fields, or a
        tuple ``(html, url, hint_date, fallback_language)`` (trailing fields optional)."""
        self.start()
        source = enumerate(_as_job(item) for item in jobs)
        done: dict[int, CleanResult | Skipped] = {}
        busy: dict[_Worker, tuple[int, float]] = {}
        emitted, exhausted = 0, False
        try:
            while True:
                exhausted = exhausted or self._dispatch(source, done, busy)
                while emitted in done:
                    yield done.pop(emitted)
                    emitted += 1
                if exhausted and not busy and not done:
                    return
                if busy:
                    self._collect(done, busy)
        finally:
            for worker in list(busy):  # the consumer stopped early: drop work in flight
                self._replace(worker)

    def _dispatch(
        self,
        source: Iterator[tuple[int, CleanJob]],
        done: dict[int, CleanResult | Skipped],
        busy: dict[_Worker, tuple[int, float]],
    ) -> bool:
        """Hand jobs to idle workers; True once the input is exhausted."""
        window = 4 * self.size  # bound the results buffered behind one slow page
        for slot, worker in enumerate(self._workers):
            if worker in busy:
                continue
            while True:
                if len(done) + len(busy) >= window:
                    return False
                item = next(source, None)
                if item is None:
                    return True
                index, job = item
                refused = _precheck(job.html)  # don't ship a 50 MB page to a worker
                if refused is None:
                    break
                done[index] = refused
            if not self._send(slot, job):
                done[index] = Skipped("extraction failed: worker process cannot start")
                continue
            busy[self._workers[slot]] = (index, time.monotonic() + self.timeout)
        return False

    def _send(self, slot: int, job: CleanJob) -> bool:
        """Send to the worker in `slot`; a worker found dead is replaced once."""
        for attempt in range(2):
            try:
                self._workers[slot].conn.send(job)
                return True
            except OSError:  # died while idle (killed, or the memory limit is below baseline)
                self._replace(self._workers[slot])
                logger.warning("extraction worker was dead; replaced (attempt %d)", attempt + 1)
        return False

    def _collect(
        self, done: dict[int, CleanResult | Skipped], busy: dict[_Worker, tuple[int, float]]
    ) -> None:
        """Wait for the first result or deadline; kill and replace late or dead workers."""
        deadline = min(d for _, d in busy.values())
        ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
        now = time.monotonic()
        for worker, (index, due) in list(busy.items()):
            if worker.conn in ready:
                del busy[worker]
                try:
                    result = done[index] = worker.conn.recv()
                except (EOFError, OSError):
                    worker.proc.join(timeout=1)
                    code = worker.proc.exitcode
                    done[index] = Skipped(f"extraction failed: worker died (exit code {code})")
                    self._replace(worker)
                    continue
                if isinstance(result, Skipped) and "out of memory" in result.reason:
                    self._replace(worker)  # it exits by itself after reporting
            elif now >= due:
                logger.warning("extraction timed out after %g s; replacing worker", self.timeout)
                done[index] = Skipped(f"extraction timed out after {self.timeout:g} s")
                del busy[worker]
                self._replace(worker)
