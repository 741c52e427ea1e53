"""`make bench`: run every benchmark in turn and print their reports.

Each benchmark measures its own bare baseline in the same run (plain Scrapy, bare
`trafilatura.extract`, bare `nlp.pipe`, a LIKE scan) and prints the ratio; the figures of a
quiet run are copied into BENCHMARKS.md by hand, with the date and machine.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.monotonic()
        proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, check=False)
        print(f"--- {script.stem}: exit {proc.returncode}, {time.monotonic() - started:.0f} s",
              flush=True)
        failed += proc.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
