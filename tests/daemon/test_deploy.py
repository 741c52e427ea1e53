"""The deployment examples parse: the crontab line's schedule and the systemd unit."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def cron_jobs() -> list[str]:
    lines = (DEPLOY / "crontab.example").read_text().splitlines()
    return [ln for ln in lines if ln.strip() and not ln.startswith("#") and "=" not in ln.split()[0]]


def test_crontab_line_has_a_valid_schedule_and_runs_defwatch_run() -> None:
    [line] = cron_jobs()
    fields = line.split(None, 5)
    trigger = CronTrigger.from_crontab(" ".join(fields[:5]), timezone="UTC")
    assert trigger.fields[6].name == "minute" and str(trigger.fields[6]) == "*/10"
    words = shlex.split(fields[5])
    assert "run" in words and any(w.endswith("/defwatch") for w in words)


def test_systemd_unit_has_the_required_keys() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    unit.read(DEPLOY / "defwatch.service")
    assert unit["Unit"]["Description"]
    service = unit["Service"]
    assert service["Type"] == "simple" and service["KillSignal"] == "SIGTERM"
    assert shlex.split(service["ExecStart"])[-1] == "daemon"
    assert int(service["TimeoutStopSec"]) >= 60 and service["Restart"] == "on-failure"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    venv_bin = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "defwatch"
    text = (DEPLOY / "defwatch.service").read_text()
    # verify checks that ExecStart exists: point it at this checkout's entry point.
    copy = tmp_path / "defwatch.service"
    copy.write_text(text.replace("/opt/defwatch/.venv/bin/defwatch", str(venv_bin)))
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "defwatch.service" not in result.stderr, result.stderr
