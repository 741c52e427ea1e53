"""Exports stream: thousands of rows go out with memory that does not grow with the archive."""

from __future__ import annotations

import json
import random
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from monitor.archive import Archive
from monitor.archive.models import Article
from monitor.query.export import export

ROWS = 3000
WORDS = ["corps", "commander", "delegation", "harbour", "frigate", "border", "commission", "Quetta", "Zahedan", "visit", "talks", "defence", "cooperation", "training", "naval", "flotilla", "Karachi", "Bandar", "Abbas", "staff", "college", "minister", "general", "admiral", "joint", "exercise"]


class CountingSink:
    """A write-only stream that keeps nothing but counts (so only the exporter holds memory)."""

    def __init__(self) -> None:
        self.chars = 0
        self.lines = 0
        self.first: str | None = None

    def write(self, text: str) -> int:
        if self.first is None:
            self.first = text
        self.chars += len(text)
        self.lines += text.count("\n")
        return len(text)


def bulk_articles(archive: Archive, n: int, words_per_text: int = 300, first: int = 0) -> int:
    """Insert `n` generated articles with one executemany, bypassing cleaner and dedup."""
    rng = random.Random(7 + first)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for i in range(first, first + n):
        text = " ".join(rng.choices(WORDS, k=words_per_text))
        rows.append({"canonical_url": f"https://bulk.example/{i}", "url": f"https://bulk.example/{i}",
                     "source": "bulk", "title": f"Bulk {i}", "text": text, "content_hash": f"{i}",
                     "fetched_at": start, "published": start + timedelta(hours=i),
                     "language": "en"})
    with archive.write() as session:
        session.execute(sa.insert(Article), rows)
    return sum(len(r["text"]) for r in rows)


def _peak(archive: Archive, fmt: str) -> tuple[int, CountingSink]:
    sink = CountingSink()
    tracemalloc.start()
    try:
        count = export(archive, "articles", fmt, sink)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == sink.lines - (1 if fmt == "csv" else 0)
    return peak, sink


def test_export_streams_with_bounded_memory(archive: Archive) -> None:
    small_total = bulk_articles(archive, ROWS // 3)
    small_peak, _ = _peak(archive, "jsonl")
    total = small_total + bulk_articles(archive, ROWS - ROWS // 3, first=ROWS // 3)
    for fmt in ("jsonl", "csv"):
        peak, sink = _peak(archive, fmt)
        assert sink.chars > total
        # Loading everything would take more than `total`; streaming stays at a few batches,
        # and three times the rows must not mean (nearly) three times the memory.
        assert peak < total / 4, f"{fmt}: peak {peak} bytes for {total} bytes of text"
        assert peak < 1.5 * small_peak, f"{fmt}: peak grew from {small_peak} to {peak}"
    sink = CountingSink()
    assert export(archive, "articles", "jsonl", sink, since="2024-01-10", until="2024-01-19") == 240
    assert json.loads(sink.first or "{}")["published"].startswith("2024-01-10")
