"""Query commands on the defwatch app: search, events (and analyst feedback), show, export, serve.

JSON output is JSON Lines: one object per line (search hits, events, exports), so it streams
into `jq`, pandas or a file. `show --format json` prints one indented object.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from monitor.cli import app, err, out
from monitor.errors import UsageError

logger = logging.getLogger(__name__)

Since = Annotated[str | None, typer.Option("--since", help="From this day (YYYY-MM-DD).")]
Until = Annotated[str | None, typer.Option("--until", help="Up to this day, inclusive.")]
Limit = Annotated[str | None, typer.Option("--limit", help="At most N rows (1-1000).")]

SEARCH_HELP = """Full-text search of the archive, best matches first, with highlighted snippets.

QUERY syntax: words (all must appear, matched as typed, no stemming); "exact phrase";
-word or -"a phrase" to leave out; a OR b for either. Everything else, NOT, NEAR, *, col:x,
is an ordinary word. An empty query finds nothing. JSON output is JSON Lines; snippets mark
hits as **word**.
"""


def _settings(ctx: typer.Context) -> tuple[str, str | None]:
    """(archive URL, gazetteer dir): config files are read only when there are some."""
    from monitor.archive import DEFAULT_URL
    from monitor.config import load_config

    g = ctx.obj
    if g.config_dir is None and not Path("config").is_dir():
        return g.db or DEFAULT_URL, None
    config = load_config(g.config_dir, g.db)
    return config.db_url, config.watch.extract.gazetteer_dir


@contextmanager
def _archive(ctx: typer.Context) -> Iterator[tuple[Any, str | None]]:
    from monitor.archive import Archive

    url, gazetteer_dir = _settings(ctx)
    with Archive(url) as archive:
        yield archive, gazetteer_dir


def _fmt(value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise UsageError(f"--format must be one of {', '.join(choices)}, not {value[:20]!r}")
    return value


@app.command(help=SEARCH_HELP)
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for (see above).")],
    since: Since = None,
    until: Until = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language (en, fa, ur).")] = None,
    matches_only: Annotated[bool, typer.Option("--matches-only", help="Only articles flagged as visits.")] = False,
    limit: Limit = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json (JSON Lines) or csv")] = "table",
) -> None:
    from monitor.query.render import print_search
    from monitor.query.search import search as run_search

    fmt = _fmt(fmt, ("table", "json", "csv"))
    with _archive(ctx) as (archive, _):
        result = run_search(archive, query, since=since, until=until, source=source, lang=lang,
                            matches_only=matches_only, limit=limit)
    print_search(result, fmt, out, err, sys.stdout)


events_app = typer.Typer(help="Visits found so far, and analyst feedback on them.",
                         invoke_without_command=True, no_args_is_help=False)
app.add_typer(events_app, name="events")


@events_app.callback()
def events(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table or json (JSON Lines)")] = "table",
    since: Since = None,
    until: Until = None,
    direction: Annotated[str | None, typer.Option("--direction", help="PK-IR (Pakistani visitor in Iran) or IR-PK.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="visit, hosting, delegation or port_call.")] = None,
    official: Annotated[str | None, typer.Option("--official", help="A name or any alias in the gazetteer.")] = None,
    location: Annotated[str | None, typer.Option("--location", help="City or place (aliases too).")] = None,
    limit: Limit = None,
) -> None:
    """List events, newest first (without a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    from monitor.query.events import check_event_filters, list_events
    from monitor.query.render import print_events

    fmt = _fmt(fmt, ("table", "json"))
    with _archive(ctx) as (archive, gazetteer_dir):
        filters = check_event_filters(since=since, until=until, direction=direction, kind=kind,
                                      official=official, location=location, limit=limit,
                                      gazetteer_dir=gazetteer_dir)
        rows = list_events(archive, filters)
    print_events(rows, fmt, out, sys.stdout)


def _event_id(value: str, what: str = "event") -> int:
    from monitor.query.show import parse_ref

    kind, number = parse_ref(value, what)
    if kind != what:
        raise UsageError(f"{value!r} is not an {what} id")
    return number


@events_app.command("mark")
def events_mark(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="Event id.")],
    false_positive: Annotated[bool, typer.Option("--false-positive", help="Not a visit: never alert on it again.")] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Undo a false-positive mark.")] = False,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept and shown).")] = None,
) -> None:
    """Mark an event a false positive (its pending alerts are suppressed), or --clear it."""
    from monitor.query.feedback import mark_event

    with _archive(ctx) as (archive, _):
        done = mark_event(archive, _event_id(event_id), false_positive=false_positive,
                          clear=clear, note=note)
    out.print(f"event {done['event_id']}: {done['action']} (status {done['status']}, "
              f"{done['alerts_changed']} alert(s) changed)", markup=False)


@events_app.command("merge")
def events_merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(metavar="ID", help="Event to keep.")],
    other: Annotated[str, typer.Argument(metavar="ID", help="Event merged into it and removed.")],
) -> None:
    """Merge two events of one visit: every report of the second moves into the first."""
    from monitor.query.feedback import merge_events

    with _archive(ctx) as (archive, _):
        done = merge_events(archive, _event_id(keep), _event_id(other))
    out.print(f"event {done['merged']} merged into event {done['event_id']} "
              f"({done['moved_reports']} report(s) moved)", markup=False)


@events_app.command("split")
def events_split(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="Event id.")],
    article_id: Annotated[str, typer.Argument(metavar="ARTICLE_ID", help="Report to move out.")],
) -> None:
    """Move one report out of an event into a new event of its own (no alert is sent)."""
    from monitor.query.feedback import split_event

    with _archive(ctx) as (archive, _):
        done = split_event(archive, _event_id(event_id), _event_id(article_id, "article"))
    out.print(f"article {done['article_id']} moved from event {done['event_id']} "
              f"to new event {done['new_event_id']}", markup=False)


@events_app.command("labels")
def events_labels(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default stdout).")] = None,
) -> None:
    """Export the marks as labelled examples (devset JSON Lines; `python -m monitor.evaluate FILE`)."""
    _export(ctx, "labels", "jsonl", None, None, output)


@app.command()
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="ID", help="event:N, article:N, or N (an event).")],
    article: Annotated[bool, typer.Option("--article", help="A plain number is an article id.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """One event (fields, every report, evidence, marks) or one article (text, match)."""
    from monitor.query.render import print_detail
    from monitor.query.show import show as run_show

    fmt = _fmt(fmt, ("text", "json"))
    with _archive(ctx) as (archive, _):
        kind, detail = run_show(archive, ref, default="article" if article else "event")
    print_detail(kind, detail, fmt, out, sys.stdout)


def _export(ctx: typer.Context, what: str, fmt: str, since: str | None, until: str | None,
            output: Path | None) -> None:
    from monitor.query.export import export as run_export

    with _archive(ctx) as (archive, gazetteer_dir):
        if output is None:
            count = run_export(archive, what, fmt, sys.stdout, since=since, until=until,
                               gazetteer_dir=gazetteer_dir)
        else:
            try:
                fh = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise UsageError(f"--output {output}: cannot write: {exc.strerror}") from exc
            with fh:
                count = run_export(archive, what, fmt, fh, since=since, until=until,
                                   gazetteer_dir=gazetteer_dir)
    err.print(f"defwatch: exported {count} {what}", markup=False)


@app.command()
def export(
    ctx: typer.Context,
    what: Annotated[str, typer.Option("--what", help="articles, events or labels")] = "articles",
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "jsonl",
    since: Since = None,
    until: Until = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default stdout).")] = None,
) -> None:
    """Stream articles, events or analyst labels as CSV or JSON Lines (constant memory)."""
    _export(ctx, what, fmt, since, until, output)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[str, typer.Option("--port", help="Port to listen on.")] = "8642",
) -> None:
    """Read-only web view: search, visit timeline, events, archived pages, JSON API."""
    import uvicorn

    from monitor.query.params import parse_int
    from monitor.web import create_app

    url, gazetteer_dir = _settings(ctx)
    number = parse_int(port, "port", 8642, 1, 65535)
    err.print(f"defwatch: serving on http://{host}:{number}/ (Ctrl-C to stop)", markup=False)
    uvicorn.run(create_app(url, gazetteer_dir=gazetteer_dir), host=host, port=number,
                log_level="warning")
