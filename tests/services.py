"""Make sure the services the test suite talks to are up: PostgreSQL and Redis on 127.0.0.1.

`python tests/services.py ensure` is run by `make test`. On the project's machines both
services are started before a session; this starts them again if they were stopped, and says
plainly when they cannot be had (their tests then skip, or fail where CI requires them).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time

SERVICES = {"postgresql": ("127.0.0.1", 5432), "redis": ("127.0.0.1", 6379)}


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _start_postgresql() -> None:
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if versions and shutil.which("pg_ctlcluster"):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=False, capture_output=True, timeout=60,
        )


def _start_redis() -> None:
    if shutil.which("redis-server"):
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
             "--save", "", "--appendonly", "no"],
            check=False, capture_output=True, timeout=60,
        )


def ensure() -> int:
    starters = {"postgresql": _start_postgresql, "redis": _start_redis}
    for name, (host, port) in SERVICES.items():
        if reachable(host, port):
            continue
        print(f"services: {name} not reachable on {host}:{port}; trying to start it")
        starters[name]()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not reachable(host, port):
            time.sleep(0.5)
        state = "up" if reachable(host, port) else "NOT available (its tests will skip or fail)"
        print(f"services: {name} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(ensure() if sys.argv[1:] == ["ensure"] else 2)
