"""Run `defwatch` in-process through its real entry point (error policy and exit codes)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import pytest

from monitor.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]


def defwatch(capsys: Any, monkeypatch: pytest.MonkeyPatch, db_url: str, *args: str) -> Run:
    monkeypatch.setattr(sys, "argv", ["defwatch", "--db", db_url, *args])
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
