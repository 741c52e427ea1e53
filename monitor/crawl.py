"""Run one crawl in its own process and stream its JSON Lines records back.

Twisted's reactor cannot be restarted inside a process, so every cycle's crawl is a fresh
`python -m crawler run` subprocess; records are read while it runs, so cleaning and storing
overlap with fetching.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.sources import Source
from monitor.errors import MonitorError

logger = logging.getLogger(__name__)

_POLL_SECONDS = 0.05


class CrawlFailed(MonitorError):
    """The crawl process itself could not run (not a per-source failure)."""


@dataclass(frozen=True)
class CrawlJob:
    sources: tuple[Source, ...]
    feed_state: Mapping[str, Mapping[str, str | None]]
    known_urls: Iterable[str]
    settings: Mapping[str, Any]
    timeout_seconds: float


def run_crawl(job: CrawlJob, workdir: Path) -> Iterator[dict[str, Any]]:
    """Start the crawl subprocess and yield each record as soon as it is written."""
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="crawl-") as tmp:
        tmpdir = Path(tmp)
        job_path, out_path = _write_job(job, tmpdir)
        err_path = tmpdir / "crawl.log"
        cmd = [sys.executable, "-m", "crawler", "run", "--job", str(job_path), "--out", str(out_path)]
        with err_path.open("wb") as err:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=_child_env())
            try:
                yield from _follow(out_path, proc, job.timeout_seconds)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        if proc.returncode != 0:
            tail = _tail(err_path)
            raise CrawlFailed(f"crawl process exited with code {proc.returncode}: {tail}")


def _write_job(job: CrawlJob, tmpdir: Path) -> tuple[Path, Path]:
    known_path = tmpdir / "known.txt"
    with known_path.open("w", encoding="utf-8") as fh:
        for url in job.known_urls:
            fh.write(url + "\n")
    payload = {
        "sources": [s.model_dump(mode="json") for s in job.sources],
        "feed_state": {k: dict(v) for k, v in job.feed_state.items()},
        "known_urls_file": str(known_path),
        "settings": dict(job.settings),
    }
    job_path = tmpdir / "job.json"
    job_path.write_text(json.dumps(payload), encoding="utf-8")
    out_path = tmpdir / "out.jsonl"
    out_path.touch()
    return job_path, out_path


def _follow(path: Path, proc: subprocess.Popen[bytes], timeout: float) -> Iterator[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    buf = b""
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            if chunk:
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    record = _parse(line)
                    if record is not None:
                        yield record
                continue
            if proc.poll() is not None:
                # The process has exited: whatever is left in the file was read above.
                if fh.read(1) == b"":
                    break
                fh.seek(-1, os.SEEK_CUR)
                continue
            if time.monotonic() > deadline:
                proc.kill()
                raise CrawlFailed(f"crawl did not finish within {timeout:.0f} s and was stopped")
            time.sleep(_POLL_SECONDS)
    last = _parse(buf)
    if last is not None:
        yield last


def _parse(line: bytes) -> dict[str, Any] | None:
    line = line.strip()
    if not line:
        return None
    try:
        record = json.loads(line)
    except ValueError:
        logger.warning("crawl output: skipped a line that is not JSON (%d bytes)", len(line))
        return None
    return record if isinstance(record, dict) else None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The crawl subprocess must find our packages even when defwatch runs from a checkout.
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return " | ".join(text[-lines:]) or "no log"
