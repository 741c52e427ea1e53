"""`make demo`: one full, offline monitoring cycle against the bundled fixture news site.

Starts the fixture site (four invented outlets on 127.0.0.1) and a local SMTP server that
captures the demo's email alerts, writes a demo config that points at them, runs one cycle with
the normal CLI rendering, and shows the alerts raised. Nothing leaves this machine.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = Path("data/demo")
SITE_SCRIPT = ROOT / "tests" / "fixturesite" / "server.py"


def demo_sources(outlets: dict[str, str]) -> list[dict[str, Any]]:
    """A sources.yaml for the fixture outlets: one of each kind the crawler supports."""
    from tests.fixturesite._outlets import LISTING_ALLOW, LISTING_LINK_SELECTOR

    return [
        {"name": "karachi-ledger", "kind": "rss", "url": f"{outlets['karachi-ledger']}/rss/latest.xml",
         "interval": "10m", "language": "en"},
        {"name": "tehran-courier", "kind": "atom",
         "url": f"{outlets['tehran-courier']}/feeds/all.atom.xml", "interval": "10m", "language": "en"},
        {"name": "islamabad-wire", "kind": "sitemap",
         "url": f"{outlets['islamabad-wire']}/sitemap_index.xml", "interval": "10m", "language": "en"},
        {"name": "persian-gulf-times", "kind": "listing", "url": f"{outlets['persian-gulf-times']}/latest/",
         "interval": "10m", "language": "en", "link_selector": LISTING_LINK_SELECTOR,
         "allow": LISTING_ALLOW},
    ]


def write_demo_config(cdir: Path, outlets: dict[str, str], smtp_port: int | None) -> None:
    cdir.mkdir(parents=True, exist_ok=True)
    (cdir / "sources.yaml").write_text(yaml.safe_dump({"sources": demo_sources(outlets)}, sort_keys=False))
    (cdir / "watch.yaml").write_text(yaml.safe_dump({
        "crawl": {"download_delay": 0, "timeout_seconds": 10},
    }))
    channels: list[dict[str, Any]] = [{"name": "console", "kind": "console"}]
    if smtp_port:
        channels.append({"name": "desk-mail", "kind": "email",
                         "smtp_url": f"smtp://127.0.0.1:{smtp_port}",
                         "from": "defwatch@example.org", "to": ["desk@example.org"]})
    (cdir / "alerts.yaml").write_text(yaml.safe_dump({"channels": channels}, sort_keys=False))


@contextmanager
def fixture_site(state_dir: Path) -> Iterator[dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, str(SITE_SCRIPT), "--state-dir", str(state_dir)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            raise RuntimeError("the fixture news site did not start")
        yield json.loads(line)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def smtp_capture() -> Iterator[tuple[int | None, list[Any]]]:
    """A local SMTP server that keeps what it receives (the demo's 'mailbox')."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:  # dev extras not installed: the demo runs with the console channel only
        yield None, []
        return
    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope)
            return "250 OK"

    # aiosmtpd probes its own port after starting, so it needs a concrete free port.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def main() -> int:
    from monitor.commands import render_cycle
    from monitor.config import load_config
    from monitor.cycle import run_cycle
    from monitor.report import live_progress

    console = Console(highlight=False)
    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    DEMO_DIR.mkdir(parents=True)
    os.environ["DEFWATCH_ALLOW_PRIVATE_NETWORKS"] = "1"
    with fixture_site(DEMO_DIR / "site") as urls, smtp_capture() as (smtp_port, mailbox):
        console.print(f"Fixture news site: {', '.join(urls['outlets'].values())}")
        cdir = DEMO_DIR / "config"
        write_demo_config(cdir, urls["outlets"], smtp_port)
        db_url = f"sqlite:///{(DEMO_DIR / 'defwatch.db').resolve()}"
        config = load_config(cdir, db_url)
        with live_progress(console, [s.name for s in config.sources]) as hook:
            report = run_cycle(config, all_sources=True, progress=hook)
        render_cycle(console, report, config)
        if mailbox:
            console.print(f"Email alerts captured by the local SMTP server: {len(mailbox)}")
            for env in mailbox:
                subject = next((ln for ln in env.content.decode(errors="replace").splitlines()
                                if ln.lower().startswith("subject:")), "Subject: ?")
                console.print(f"  to {', '.join(env.rcpt_tos)}: {subject[9:].strip()}", markup=False)
    console.print(f"Try: .venv/bin/defwatch --config {cdir} --db {db_url} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
