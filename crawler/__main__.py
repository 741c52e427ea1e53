"""Command line: ``python -m crawler run --job JOB.json --out OUT.jsonl``."""

from __future__ import annotations

import argparse
import sys

from crawler.errors import CrawlerError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="crawl the sources of a job file")
    run.add_argument("--job", required=True, help="job JSON written by monitor")
    run.add_argument("--out", required=True, help="JSONL file to write records to")
    args = parser.parse_args(argv)

    from crawler.run import run_job

    try:
        return run_job(args.job, args.out)
    except CrawlerError as exc:
        print(f"crawler: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
