"""The `defwatch` commands of the foundation, run as a user would: run, stats, status, clean, demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.demo import write_demo_config
from tests.fixturesite.server import FixtureSite

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def defwatch(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("DEFWATCH_")}
    full.update({"PYTHONPATH": str(ROOT), "COLUMNS": "200"}, **(env or {}))
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=timeout, check=False)



@pytest.fixture()
def cfg(tmp_path: Path, site: FixtureSite) -> list[str]:
    site.reset()
    write_demo_config(tmp_path / "config", site.urls["outlets"], None)
    (tmp_path / "config" / "alerts.yaml").write_text("channels: []\n")
    return ["--config", str(tmp_path / "config"), "--db", f"sqlite:///{tmp_path}/a.db"]


ENV = {"DEFWATCH_ALLOW_PRIVATE_NETWORKS": "1"}


def test_run_then_stats_and_status(tmp_path: Path, cfg: list[str]) -> None:
    run = defwatch(*cfg, "run", "--all", env={**ENV, "DEFWATCH_DATA": str(tmp_path / "d")})
    assert run.returncode == 0, run.stderr
    for name in ("karachi-ledger", "tehran-courier", "islamabad-wire", "persian-gulf-times"):
        assert name in run.stdout
    assert "Archive: sqlite:///" in run.stdout

    stats = defwatch(*cfg, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert counts["sources"] == 4 and counts["articles"] >= 60 and counts["matches"] >= 10

    status = defwatch(*cfg, "status")
    assert status.returncode == 0
    assert "karachi-ledger" in status.stdout and "never" not in status.stdout


def test_run_with_nothing_due_says_so(tmp_path: Path, cfg: list[str]) -> None:
    env = {**ENV, "DEFWATCH_DATA": str(tmp_path / "d")}
    assert defwatch(*cfg, "run", "--all", env=env).returncode == 0
    again = defwatch(*cfg, "run", env=env)
    assert again.returncode == 0
    assert "No source was due" in again.stdout


def test_clean_prints_one_json_line_per_page_and_reports_unreadable_files(
        tmp_path: Path, site: FixtureSite) -> None:
    import urllib.request

    article = next(a for a in site.manifest() if a["visible"] and a["encoding"] == "utf-8")
    page = tmp_path / "page.html"
    page.write_bytes(urllib.request.urlopen(article["url"], timeout=10).read())
    out = defwatch("clean", str(page), str(tmp_path / "missing.html"))
    assert out.returncode == 0
    (line,) = out.stdout.strip().splitlines()
    row = json.loads(line)
    assert set(row) == {"file", "url", "title", "author", "date", "language", "sitename", "text"}
    assert row["date"] == article["published"][:10]
    assert "cookie" not in row["text"].lower() and "most read" not in row["text"].lower()
    assert "missing.html: cannot read" in out.stderr and "Traceback" not in out.stderr

    text = defwatch("clean", "--format", "text", str(page))
    assert text.stdout.strip() == row["text"].strip()
    bad = defwatch("clean", "--format", "xml", str(page))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_make_demo_entry_point_runs_one_offline_cycle(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "monitor.demo"], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "Fixture news site: http://127.0.0.1:" in out
    assert "Iran–Pakistan military visits found" in out
    assert "Email alerts captured by the local SMTP server:" in out
    assert (tmp_path / "data" / "demo" / "defwatch.db").exists()
