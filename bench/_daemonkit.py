"""Shared by the daemon benchmarks: the fixture site, a timestamping webhook receiver and a
`defwatch daemon` subprocess with scaled intervals."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.demo import demo_sources
from tests.delivery.kit import write_config
from tests.peers import HttpReceiver, Received, _handler_class


@dataclass
class StampedReceiver(HttpReceiver):
    """An HttpReceiver that also notes when each request arrived (time.monotonic())."""

    stamps: list[float] = field(default_factory=list)

    def answer(self, received: Received) -> tuple[int, str, dict[str, str]]:
        self.stamps.append(time.monotonic())
        return super().answer(received)


@contextmanager
def stamped_receiver() -> Iterator[StampedReceiver]:
    receiver = StampedReceiver(0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(receiver))
    receiver.port = int(server.server_address[1])
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def daemon(workdir: Path, outlets: dict[str, str], channels: list[dict[str, Any]],
           interval_seconds: float, only: set[str] | None = None) -> Iterator[subprocess.Popen]:
    """Run `defwatch daemon` on a fresh SQLite archive; every source polled each interval."""
    sources = [dict(s, interval="1m") for s in demo_sources(outlets)
               if only is None or s["name"] in only]
    cdir = write_config(workdir / "config", sources=sources, channels=channels, watch={
        "daemon": {"interval_scale": interval_seconds / 60, "dispatch_seconds": 2}})
    env = {**os.environ, "DEFWATCH_ALLOW_PRIVATE_NETWORKS": "1",
           "DEFWATCH_DATA": str(workdir / "data")}
    log = (workdir / "daemon.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "-v", "--config", str(cdir),
         "--db", f"sqlite:///{workdir / 'bench.db'}", "daemon"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def cycles_done(workdir: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(workdir / "bench.db") as conn:
            return int(conn.execute(
                "SELECT count(*) FROM cycle WHERE status != 'running'").fetchone()[0])
    except sqlite3.Error:
        return 0
