"""Cleaning quality on 151 real pages: ours must keep and drop at least as well as bare trafilatura.

Reads /work/shared/realpages (truth.json: `with` snippets belong to the main text, `without`
snippets are boilerplate); skips when the folder is absent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import trafilatura

from monitor.clean import Cleaner, CleanResult

REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "realpages"
if not (REALPAGES / "truth.json").is_file():
    REALPAGES = Path("/work/shared/realpages")

pytestmark = pytest.mark.skipif(
    not (REALPAGES / "truth.json").is_file(), reason=f"real pages not found at {REALPAGES}"
)


def _norm(text: str) -> str:
    return " ".join(text.split())


def score(texts: dict[str, str], truth: dict[str, dict[str, list[str]]]) -> tuple[float, float]:
    """(share of `with` snippets kept, share of `without` snippets dropped)."""
    kept = dropped = n_with = n_without = 0
    for name, snippets in truth.items():
        out = _norm(texts.get(name, ""))
        n_with += len(snippets["with"])
        n_without += len(snippets["without"])
        kept += sum(_norm(s) in out for s in snippets["with"])
        dropped += sum(_norm(s) not in out for s in snippets["without"])
    return kept / n_with, dropped / n_without


def _run(fn: Callable[[str, str], str]) -> dict[str, str]:
    truth = json.loads((REALPAGES / "truth.json").read_text())
    return {
        name: fn((REALPAGES / "pages" / name).read_bytes().decode("utf-8", "replace"), entry["url"])
        for name, entry in truth.items()
    }


def test_our_cleaning_keeps_and_drops_at_least_as_well_as_bare_trafilatura(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.CRITICAL)
    truth = json.loads((REALPAGES / "truth.json").read_text())
    assert len(truth) == 151
    bare = _run(lambda html, url: trafilatura.extract(html) or "")
    with Cleaner(workers=2) as cleaner:
        names = list(truth)
        jobs = [
            ((REALPAGES / "pages" / n).read_bytes().decode("utf-8", "replace"), truth[n]["url"])
            for n in names
        ]
        ours = {
            n: r.text if isinstance(r, CleanResult) else ""
            for n, r in zip(names, cleaner.clean_many(jobs), strict=True)
        }
    bare_kept, bare_dropped = score(bare, truth)
    our_kept, our_dropped = score(ours, truth)
    print(f"\nbare trafilatura: kept {bare_kept:.1%}, dropped {bare_dropped:.1%}")
    print(f"defwatch clean:   kept {our_kept:.1%}, dropped {our_dropped:.1%}")
    assert our_kept >= bare_kept
    assert our_dropped >= bare_dropped
    assert our_kept >= 0.95 and our_dropped >= 0.88  # floors near today's figures
