"""Rich rendering of a cycle: live progress while it runs, and the per-source summary table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

if TYPE_CHECKING:
    from monitor.cycle import CycleReport, ProgressHook


@contextmanager
def live_progress(console: Console, source_names: list[str]) -> Iterator[ProgressHook]:
    """A progress display with one line per source, fed by the crawl's records."""
    progress = Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description:<24}"), BarColumn(),
        MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
        console=console, transient=False, disable=not console.is_terminal,
    )
    tasks: dict[str, Any] = {}
    counts: dict[str, dict[str, int]] = {}

    def hook(record: dict[str, Any]) -> None:
        name = str(record.get("source", "?"))
        if name not in tasks:
            tasks[name] = progress.add_task(name, total=None, note="")
            counts[name] = {"pages": 0, "errors": 0, "304": 0}
        c = counts[name]
        kind = record.get("type")
        if kind == "page":
            c["pages"] += 1
        elif kind == "error":
            c["errors"] += 1
        elif kind == "feed_state" and record.get("status") == 304:
            c["304"] += 1
        done = kind == "source_stats"
        note = f"{c['pages']} pages, {c['304']} not modified, {c['errors']} errors"
        progress.update(tasks[name], completed=c["pages"], note=note,
                        total=c["pages"] if done else None)

    with progress:
        for name in source_names:
            hook({"source": name, "type": "start"})
        yield hook


def cycle_table(report: CycleReport) -> Table:
    """One row per source: requests, 304s, new articles, skipped with reason, errors."""
    table = Table(title=f"Cycle {report.cycle_id}", show_lines=False)
    for col in ("source", "requests", "304s", "new", "skipped", "errors"):
        table.add_column(col, justify="right" if col in ("requests", "304s", "new") else "left")
    for name, rep in sorted(report.sources.items()):
        skipped = ", ".join(f"{n} {r}" for r, n in sorted(rep.skipped.items()) if n) or "-"
        errors = "-"
        if rep.error_count:
            errors = f"{rep.error_count}: {rep.errors[0]}" if rep.errors else str(rep.error_count)
        table.add_row(name, str(rep.requests), str(rep.not_modified), str(rep.new), skipped,
                      errors, style="red" if rep.failed else None)
    return table


def matches_table(matches: list[dict[str, Any]]) -> Table:
    """The visits flagged among this cycle's new articles."""
    table = Table(title="Iran–Pakistan military visits found")
    for col in ("score", "kind", "direction", "where", "when", "title"):
        table.add_column(col)
    for m in matches:
        direction = f"{m.get('visitor_country') or '?'} → {m.get('host_country') or '?'}"
        table.add_row(f"{m.get('score', 0):.2f}", str(m.get("kind") or "-"), direction,
                      str(m.get("location") or "-"), str(m.get("event_date") or "-"),
                      str(m.get("title") or m.get("url") or "-"))
    return table
