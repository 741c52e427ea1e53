"""Benchmark: defwatch cleaning against bare ``trafilatura.extract`` on the same real pages.

Usage: .venv/bin/python bench/bench_clean.py [--pages N] [--workers W] [--dir PATH]

The 151 pages of ../shared/realpages are repeated until at least N (default 500) have
been cleaned. Prints wall seconds, pages per second and the ratio to bare trafilatura for:
our in-process clean_html (same work per page plus metadata, date and language), and our
Cleaner pool. The target is a ratio of at most 1.2 in-process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from monitor.clean import Cleaner, clean_html

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "realpages"


def load(folder: Path, count: int) -> list[tuple[str, str]]:
    truth = json.loads((folder / "truth.json").read_text())
    pages = [
        ((folder / "pages" / name).read_bytes().decode("utf-8", "replace"), entry["url"])
        for name, entry in truth.items()
    ]
    return list(itertools.islice(itertools.cycle(pages), max(count, len(pages))))


def timed(label: str, run: Callable[[], int], baseline: float | None) -> float:
    wall, cpu = time.perf_counter(), time.process_time()
    done = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ratio = f"  ratio {wall / baseline:.2f}x" if baseline else ""
    print(
        f"{label:<34} {done:>5} pages  {wall:7.2f} s wall  {cpu:7.2f} s cpu  "
        f"{done / wall:6.1f} pages/s{ratio}"
    )
    return wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    if not (args.dir / "truth.json").is_file():
        print(f"bench_clean: no real pages at {args.dir}", file=sys.stderr)
        return 2
    logging.disable(logging.CRITICAL)  # trafilatura warns on every page it discards
    pages = load(args.dir, args.pages)
    for html, url in pages[:20]:  # warm caches and lazy imports on both sides
        trafilatura.extract(html)
        clean_html(html, url)

    def bare() -> int:
        return sum(1 for html, _ in pages if trafilatura.extract(html) is not None or True)

    def ours() -> int:
        return sum(1 for html, url in pages if clean_html(html, url) is not None)

    def pool() -> int:
        with Cleaner(workers=args.workers) as cleaner:
            return sum(1 for _ in cleaner.clean_many(pages))

    base = timed("bare trafilatura.extract", bare, None)
    timed("defwatch clean_html (in-process)", ours, base)
    timed(f"defwatch Cleaner ({args.workers} workers)", pool, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
