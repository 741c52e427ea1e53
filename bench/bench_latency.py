"""Benchmark: seconds from an article appearing in a feed to its alert reaching a webhook.

    .venv/bin/python bench/bench_latency.py [--interval 10] [--publishes 6]

`defwatch daemon` runs against the fixture news site (four outlets, every source polled every
--interval seconds) with a webhook channel (updates: notify) pointed at a local receiver that
timestamps each POST. After the first crawl settles, hidden visit reports are published one by
one at random moments of the polling cycle; latency = receiver timestamp - publish time.
Target: median <= interval + 5 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _daemonkit import cycles_done, daemon, stamped_receiver

from tests.fixturesite.server import FixtureSite


def wait_alert(receiver, url: str, since: int, timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for req, stamp in list(zip(receiver.requests, receiver.stamps))[since:]:
            body = req.json()
            if any(r["url"].split("?")[0] == url for r in body["reports"]):
                return stamp
        time.sleep(0.05)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--publishes", type=int, default=6)
    args = parser.parse_args()
    site = FixtureSite().start()
    hidden = [a["id"] for a in site.manifest() if not a["visible"] and a["label"]]
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, stamped_receiver() as receiver:
        channel = {"name": "hook", "kind": "webhook", "url": receiver.url("/hook"),
                   "updates": "notify", "timeout": 5}
        with daemon(Path(tmp), site.urls["outlets"], [channel], args.interval):
            start = time.monotonic()
            while cycles_done(Path(tmp)) < 4 or time.monotonic() - start < 3 * args.interval:
                time.sleep(1)
            print(f"first crawl settled after {time.monotonic() - start:.0f} s, "
                  f"{len(receiver.requests)} alerts")
            rng = random.Random(4)
            for article_id in hidden[: args.publishes]:
                time.sleep(rng.uniform(0, args.interval))
                seen = len(receiver.requests)
                published = site.publish(article_id)
                t0 = time.monotonic()
                got = wait_alert(receiver, published["url"].split("?")[0], seen,
                                 6 * args.interval + 60)
                if got is None:
                    print(f"{article_id}: no alert within the timeout")
                    continue
                latencies.append(got - t0)
                print(f"{article_id} ({published['outlet']}): alert after {got - t0:.1f} s")
    site.stop()
    if not latencies:
        print("no latency measured")
        return 1
    median = statistics.median(latencies)
    target = args.interval + 5
    print(f"latency over {len(latencies)} publishes: median {median:.1f} s, "
          f"min {min(latencies):.1f} s, max {max(latencies):.1f} s "
          f"(target median <= {target:.0f} s: {'met' if median <= target else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
