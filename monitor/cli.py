"""The `defwatch` command line: global options, error policy and one thin function per command.

Exit codes: 0 the work ran (per-source failures are reported, not fatal), 1 the work itself
failed, 2 a usage or configuration error. User errors are one line; `--debug` shows tracebacks.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from monitor.errors import ConfigError, MonitorError, UsageError

app = typer.Typer(
    help="Monitor regional defence news for Iran–Pakistan military visits.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Globals:
    config_dir: Path | None
    db: str | None
    debug: bool

    def config(self):  # type: ignore[no-untyped-def]
        from monitor.config import load_config

        return load_config(self.config_dir, self.db)


@app.callback()
def _global_options(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", envvar="DEFWATCH_CONFIG", help="Config directory [default: ./config]")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="DEFWATCH_DB",
        help="Archive SQLAlchemy URL [default: sqlite:///./data/defwatch.db]")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="More logging.")] = 0,
) -> None:
    ctx.obj = Globals(config, db, debug)
    level = logging.DEBUG if verbose > 1 or debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)


def _g(ctx: typer.Context) -> Globals:
    return ctx.obj  # type: ignore[no-any-return]


# --- crawl, clean, archive ---------------------------------------------------------------------

@app.command()
def run(
    ctx: typer.Context,
    all_sources: Annotated[bool, typer.Option("--all", help="Ignore intervals: crawl every enabled source.")] = False,
) -> None:
    """Run one monitoring cycle (safe under cron: a second run while one runs exits at once)."""
    from monitor.commands import cmd_run

    raise typer.Exit(cmd_run(_g(ctx).config(), all_sources=all_sources, console=out))


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Counts of sources, articles, matches, events and alerts in the archive."""
    from monitor.commands import cmd_stats

    cmd_stats(_g(ctx).config(), as_json=as_json, console=out)


@app.command()
def status(ctx: typer.Context) -> None:
    """Per source: last run, last success, consecutive failures, new articles last run."""
    from monitor.commands import cmd_status

    cmd_status(_g(ctx).config(), console=out)


@app.command()
def clean(
    files: Annotated[list[Path], typer.Argument(help="HTML files to clean.")],
    fmt: Annotated[str, typer.Option("--format", help="json or text")] = "json",
) -> None:
    """Show what the cleaner keeps of saved pages (one JSON line per page, or the text)."""
    from monitor.commands import cmd_clean

    if fmt not in ("json", "text"):
        raise UsageError(f"--format must be json or text, not {fmt!r}")
    raise typer.Exit(cmd_clean(files, fmt=fmt, stdout=sys.stdout, console=err))


# --- extraction ---------------------------------------------------------------------------------

@app.command()
def extract(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Argument(help="JSON Lines file, or - for stdin.")] = "-",
    html: Annotated[list[Path] | None, typer.Option("--html", help="Clean these HTML pages first.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the rules that fired.")] = False,
) -> None:
    """Flag Iran–Pakistan military visits in texts: one JSON line out per line in."""
    from monitor.commands import cmd_extract

    raise typer.Exit(cmd_extract(_g(ctx), source, html or [], explain=explain))


@app.command()
def reextract(ctx: typer.Context) -> None:
    """Re-run the extractor over every archived article (after the gazetteers change)."""
    from monitor.commands import cmd_reextract

    raise typer.Exit(cmd_reextract(_g(ctx).config(), console=out))


def main() -> None:
    """Console-script entry point: turns domain errors into one line and an exit code."""
    debug = "--debug" in sys.argv
    try:
        app(standalone_mode=True)
    except (ConfigError, UsageError) as exc:
        if debug:
            raise
        err.print(f"defwatch: error: {exc}", markup=False)
        sys.exit(2)
    except MonitorError as exc:
        if debug:
            raise
        err.print(f"defwatch: error: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("defwatch: interrupted", markup=False)
        sys.exit(130)


# Command groups owned by other modules register themselves on `app` when imported.
from monitor import cli_alerts as _cli_alerts  # noqa: F401
from monitor import cli_query as _cli_query  # noqa: F401
