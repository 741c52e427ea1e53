"""Shared extractors: loading spaCy once per session keeps the suite fast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from monitor.extract import Extractor

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def blank_extractor() -> Extractor:
    return Extractor(model="blank")


@pytest.fixture(scope="session")
def labelled() -> dict[str, dict[str, Any]]:
    rows = {}
    for name in ("devset.jsonl", "extra.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            rows[record["id"]] = record
    return rows
