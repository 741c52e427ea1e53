"""Benchmark: RSS of the `defwatch daemon` process over many cycles (target growth <= 10%).

    .venv/bin/python bench/bench_daemon_memory.py [--cycles 200] [--max-minutes 10]

The daemon polls one fixture-site outlet (karachi-ledger, RSS) every 2 s with a webhook
channel. The first cycles archive and extract the outlet (spaCy loads, alerts go out); after
that every cycle is a nothing-new cycle (conditional GET, 304). The baseline RSS is taken
after cycle 10, when everything has been loaded once; the last sample after the final cycle.
Crawls run in subprocesses, so the daemon's own memory is what is measured.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _daemonkit import cycles_done, daemon, stamped_receiver

from tests.fixturesite.server import FixtureSite

WARMUP_CYCLES = 10


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--max-minutes", type=float, default=10.0)
    args = parser.parse_args()
    site = FixtureSite().start()
    samples: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp, stamped_receiver() as receiver:
        channel = {"name": "hook", "kind": "webhook", "url": receiver.url("/hook")}
        work = Path(tmp)
        with daemon(work, site.urls["outlets"], [channel], 2.0, only={"karachi-ledger"}) as proc:
            deadline = time.monotonic() + args.max_minutes * 60
            last = -1
            while time.monotonic() < deadline:
                n = cycles_done(work)
                if n != last and n >= WARMUP_CYCLES:
                    samples.append((n, rss_mib(proc.pid)))
                    last = n
                if n >= args.cycles or proc.poll() is not None:
                    break
                time.sleep(0.5)
            alerts = len(receiver.requests)
    site.stop()
    if len(samples) < 2:
        print("not enough cycles ran to measure")
        return 1
    (n0, base), (n1, end) = samples[0], samples[-1]
    peak = max(r for _, r in samples)
    growth = (end - base) / base * 100
    print(f"daemon RSS: {base:.1f} MiB after cycle {n0}, {end:.1f} MiB after cycle {n1} "
          f"(peak {peak:.1f} MiB); growth {growth:+.1f}% over {n1 - n0} cycles; "
          f"{alerts} alerts sent (target growth <= 10%: {'met' if growth <= 10 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
