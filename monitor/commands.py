"""Bodies of the `defwatch` commands for crawl, clean, archive and extraction.

Each function takes typed values from the CLI, calls the module that owns the work and renders
the outcome; nothing here is needed by the daemon or the tests of the components.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.config import AppConfig

logger = logging.getLogger(__name__)


def open_archive(config: AppConfig) -> Any:
    from monitor.archive import Archive

    return Archive(config.db_url).open()


def cmd_run(config: AppConfig, *, all_sources: bool, console: Console) -> int:
    """One cycle with a progress display; 0 when it ran (source failures are reported)."""
    from monitor.cycle import run_cycle
    from monitor.locks import hold
    from monitor.report import live_progress

    archive = open_archive(config)
    try:
        with hold(archive, "cycle") as held:
            if not held.acquired:
                console.print(f"defwatch: another cycle is running ({held.holder}); nothing to do")
                return 0
            names = [s.name for s in config.sources if s.enabled]
            with live_progress(console, names) as hook:
                report = run_cycle(config, all_sources=all_sources, progress=hook, archive=archive)
    finally:
        archive.close()
    render_cycle(console, report, config)
    return 0


def render_cycle(console: Console, report: Any, config: AppConfig) -> None:
    from monitor.archive import display_url
    from monitor.report import cycle_table, matches_table

    if report.sources:
        console.print(cycle_table(report))
    else:
        console.print("No source was due; `defwatch run --all` crawls every enabled source.")
    if report.new_matches:
        console.print(matches_table(report.new_matches))
    failed = report.failed_sources
    if failed:
        console.print(f"{len(failed)} source(s) failed: {', '.join(failed)} (see `defwatch status`)")
    console.print(f"Archive: {display_url(config.db_url)}")


def cmd_stats(config: AppConfig, *, as_json: bool, console: Console) -> None:
    archive = open_archive(config)
    try:
        stats = archive.stats()
    finally:
        archive.close()
    if as_json:
        console.print_json(json.dumps(stats))
        return
    table = Table(show_header=False)
    for key, value in stats.items():
        table.add_row(key, str(value))
    console.print(table)


def cmd_status(config: AppConfig, *, console: Console) -> None:
    archive = open_archive(config)
    try:
        rows = {s.name: s for s in archive.source_status()}
    finally:
        archive.close()
    table = Table(title="Sources")
    for col in ("source", "enabled", "last run", "last success", "failures in a row", "new last run"):
        table.add_column(col)
    for src in config.sources:
        st = rows.get(src.name)
        table.add_row(
            src.name, "yes" if src.enabled else "no",
            _when(st.last_run if st else None), _when(st.last_success if st else None),
            str(st.consecutive_failures if st else 0), str(st.new_last_run if st else 0),
            style="red" if st and st.consecutive_failures else None,
        )
    console.print(table)


def _when(value: datetime | None) -> str:
    if value is None:
        return "never"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def cmd_clean(files: list[Path], *, fmt: str, stdout: IO[str], console: Console) -> int:
    """Clean saved pages; a file that cannot be read is one line on stderr, the rest go on."""
    from monitor.clean import Skipped, clean_html

    failures = 0
    for path in files:
        try:
            html = path.read_bytes().decode("utf-8", errors="replace")
        except OSError as exc:
            console.print(f"defwatch: {path}: cannot read: {exc.strerror}", markup=False)
            failures += 1
            continue
        result = clean_html(html, None)
        if isinstance(result, Skipped):
            console.print(f"defwatch: {path}: skipped: {result.reason}", markup=False)
            if fmt == "json":
                stdout.write(json.dumps({"file": str(path), "skipped": result.reason}) + "\n")
            continue
        if fmt == "text":
            stdout.write(result.text.rstrip() + "\n\n")
            continue
        stdout.write(json.dumps({
            "file": str(path), "url": result.canonical_url, "title": result.title,
            "author": result.author, "date": result.date.date().isoformat() if result.date else None,
            "language": result.language, "sitename": result.sitename, "text": result.text,
        }, ensure_ascii=False) + "\n")
    return 1 if failures and failures == len(files) else 0


def cmd_extract(globals_: Any, source: str | None, html: list[Path], *, explain: bool) -> int:
    """`defwatch extract`: JSON lines in, one JSON line out per input line."""
    from monitor.extract.command import run_extract, run_extract_html

    settings = _extract_settings(globals_)
    kwargs = {"explain": explain, "model": settings.model, "gazetteer_dir": settings.gazetteer_dir}
    if html:
        bad = run_extract_html(html, sys.stdout, **kwargs)
    elif source in (None, "-"):
        bad = run_extract(sys.stdin, sys.stdout, **kwargs)
    else:
        path = Path(str(source))
        try:
            with path.open(encoding="utf-8", errors="replace") as fh:
                bad = run_extract(fh, sys.stdout, **kwargs)
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from exc
    # Unusable lines were reported one by one on stderr; the others were processed.
    return 1 if bad else 0


def _extract_settings(globals_: Any) -> Any:
    """The extractor settings: from watch.yaml when a config exists, else the defaults."""
    from monitor.config import ExtractSettings, load_config

    cdir = globals_.config_dir
    if cdir is None and not Path("config").is_dir():
        return ExtractSettings()
    return load_config(cdir, globals_.db).watch.extract


def cmd_reextract(config: AppConfig, *, console: Console) -> int:
    from monitor.matches import reextract_all

    archive = open_archive(config)
    try:
        summary = reextract_all(config, archive, progress_console=console)
    finally:
        archive.close()
    console.print(
        f"Re-extracted {summary['articles']} articles: {summary['matches']} matches "
        f"({summary['added']} new, {summary['removed']} no longer match; "
        f"{summary['withdrawn']} events withdrawn)"
    )
    return 0
