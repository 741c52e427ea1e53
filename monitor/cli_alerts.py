"""`defwatch daemon` and the `defwatch alerts` group (list, test, retry), registered on the app.

Channel secrets never reach the output: rows carry channel names and one-line reasons only,
and the channel classes keep webhook URLs and passwords out of their error reasons.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from sqlmodel import col, select

from monitor.cli import _g, app, err, out
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.config import AppConfig

logger = logging.getLogger(__name__)

alerts_app = typer.Typer(help="Inspect, test and retry alert delivery.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")

LIST_FIELDS = ("id", "event_id", "channel", "kind", "status", "attempts", "last_error",
               "created_at", "sent_at")


@app.command()
def daemon(
    ctx: typer.Context,
    crash_after_commit: Annotated[bool, typer.Option(
        "--test-crash-after-commit", envvar="DEFWATCH_TEST_CRASH_AFTER_COMMIT", hidden=True,
        help="Test hook: SIGKILL the daemon right after the first alert is committed.")] = False,
) -> None:
    """Run the scheduler: each source on its own interval, alerts delivered as they come."""
    from monitor.daemon import run_daemon

    raise typer.Exit(run_daemon(_g(ctx).config(), crash_after_commit=crash_after_commit))


@alerts_app.command("list")
def alerts_list(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    status: Annotated[str | None, typer.Option(help="Only pending, sent or failed.")] = None,
    limit: Annotated[int, typer.Option(help="Newest N rows.")] = 200,
) -> None:
    """Alert outbox rows, newest first."""
    if fmt not in ("json", "table"):
        raise UsageError(f"--format must be json or table, not {fmt!r}")
    if status not in (None, "pending", "sent", "failed"):
        raise UsageError(f"--status must be pending, sent or failed, not {status!r}")
    rows = list_alerts(_g(ctx).config(), status=status, limit=limit)
    if fmt == "json":
        out.print_json(json.dumps(rows))
        return
    table = Table(title="Alerts")
    for name in LIST_FIELDS:
        table.add_column(name)
    for row in rows:
        table.add_row(*("" if row[k] is None else str(row[k]) for k in LIST_FIELDS),
                      style="red" if row["status"] == "failed" else None)
    out.print(table)


@alerts_app.command("test")
def alerts_test(
    ctx: typer.Context,
    channel: Annotated[str, typer.Argument(help="Channel name from alerts.yaml.")],
) -> None:
    """Send a clearly marked test alert through CHANNEL (exit 1 when it fails)."""
    config = _g(ctx).config()
    error = send_test(config, channel)
    if error is None:
        out.print(f"test alert sent through {channel}", markup=False)
        return
    err.print(f"defwatch: test alert through {channel} failed: {error}", markup=False)
    raise typer.Exit(1)


@alerts_app.command("retry")
def alerts_retry(
    ctx: typer.Context,
    row_id: Annotated[int | None, typer.Option("--id", help="Only this outbox row.")] = None,
) -> None:
    """Put failed alerts back to pending and deliver them now."""
    from monitor.commands import open_archive
    from monitor.outbox import dispatch_pending

    config = _g(ctx).config()
    archive = open_archive(config)
    try:
        count = requeue(archive, row_id)
        done = dispatch_pending(config, archive)
    finally:
        archive.close()
    sent = sum(1 for d in done if d["status"] == "sent")
    failed = [d for d in done if d["status"] != "sent"]
    out.print(f"{count} alert(s) put back to pending; {sent} sent now, {len(failed)} not sent",
              markup=False)
    for d in failed:
        out.print(f"  row {d['row_id']} ({d['channel']}): {d['status']}: {d['error']}",
                  markup=False)
    raise typer.Exit(1 if failed else 0)


# --- the work (plain functions, also used by tests) ---------------------------------------------

def list_alerts(config: AppConfig, *, status: str | None = None,
                limit: int = 200) -> list[dict[str, Any]]:
    """Outbox rows as dicts with LIST_FIELDS, newest first; times as ISO 8601 UTC."""
    from monitor.archive.models import Outbox
    from monitor.commands import open_archive

    archive = open_archive(config)
    try:
        with archive.read() as session:
            query = select(Outbox).order_by(col(Outbox.id).desc()).limit(limit)
            if status:
                query = query.where(Outbox.status == status)
            rows = session.exec(query).all()
    finally:
        archive.close()
    return [{k: _plain(getattr(r, k)) for k in LIST_FIELDS} for r in rows]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def requeue(archive: Any, row_id: int | None) -> int:
    """Failed rows (or row `row_id`) back to pending, due now; returns how many."""
    from monitor.archive.models import Outbox

    now = datetime.now(UTC)
    with archive.write() as session:
        if row_id is not None:
            row = session.get(Outbox, row_id)
            if row is None:
                raise UsageError(f"no alert with id {row_id} (see `defwatch alerts list`)")
            if row.status == "sent":
                raise UsageError(f"alert {row_id} was already sent at {row.sent_at}")
            rows = [row]
        else:
            rows = list(session.exec(select(Outbox).where(Outbox.status == "failed")).all())
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = "pending", 0, now
            session.add(row)
    return len(rows)


def send_test(config: AppConfig, name: str) -> str | None:
    """Send a test alert through channel `name`; None on success, else the one-line reason."""
    from alerts import Alert, DeliveryError, build_channel

    cfg = next((c for c in config.channels if c.name == name), None)
    if cfg is None:
        known = ", ".join(c.name for c in config.channels) or "none"
        raise UsageError(f"unknown channel {name!r} in {config.config_dir / 'alerts.yaml'} "
                         f"(channels: {known})")
    stamp = datetime.now(UTC)
    alert = Alert(
        alert_id=f"defwatch-test-{stamp:%Y%m%dT%H%M%S}", kind="health",
        headline="[TEST] defwatch test alert - no action needed",
        text=f"This is a test of the '{name}' channel sent by `defwatch alerts test` at "
             f"{stamp:%Y-%m-%d %H:%M:%S} UTC. It is not a visit report.",
    )
    try:
        build_channel(cfg).send(alert)
    except DeliveryError as exc:
        return exc.reason
    return None
