"""Realistic archives for the query and web tests, built through the real components.

Articles are stored with `Archive.add_article` (triggers keep the search index current) and run
through the real spaCy extractor and `monitor.matches.store_extractions`, which clusters them
into events and queues alerts for the demo config's console channel. Texts are the project's
labelled devset (written for this project), grouped by the visit they report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from monitor.archive import Archive, ArticleIn
from monitor.config import AppConfig, load_config
from monitor.demo import write_demo_config
from monitor.matches import store_extractions

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "tests" / "data" / "devset.jsonl"

# Visits with several reports each (both directions), and hard negatives.
GROUPS = ("munir-tehran-2023-07", "bagheri-pakistan-2021-10", "raza-tehran-2022-06",
          "vahedi-pakistan-2022-02", "aman25-jamaran-karachi-2025-02")
NEGATIVES = 6
SCRIPT_MARKER = "defwatchPwned"
HOSTILE_TITLE = "Hostile <script>window.defwatchTitlePwned=1</script> {{ 7*7 }} [bold]x[/bold]"


def records(groups: tuple[str, ...] = GROUPS, negatives: int = NEGATIVES) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line]
    chosen = [r for r in rows if r["event_group"] in groups]
    chosen += [r for r in rows if not r["label"]][:negatives]
    return chosen


def source_of(record: dict[str, Any]) -> str:
    return record["outlet_style"].lower() + "-news"


def page_html(title: str, text: str) -> str:
    """An archived page carrying a script that would leave a marker if it ever ran."""
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    script = (f"<script>document.documentElement.setAttribute('data-{SCRIPT_MARKER.lower()}','1');"
              f"try {{ parent.document.body.setAttribute('data-{SCRIPT_MARKER.lower()}','1'); }}"
              f" catch (e) {{}} window.{SCRIPT_MARKER} = 1;</script>")
    return f"<html><head><title>{title}</title>{script}</head><body><h1>{title}</h1>{paras}</body></html>"


def demo_config(tmp: Path, db_url: str) -> AppConfig:
    cdir = tmp / "config"
    write_demo_config(cdir, {k: "http://127.0.0.1:9" for k in (
        "karachi-ledger", "tehran-courier", "islamabad-wire", "persian-gulf-times")}, None)
    return load_config(cdir, db_url, env={"DEFWATCH_DATA": str(tmp / "data")})


@dataclass
class Loaded:
    url: str
    config: AppConfig
    ids: dict[str, int]  # devset id → article id
    groups: dict[str, str]  # devset id → event group


def add_records(archive: Archive, config: AppConfig, extractor: Any,
                recs: list[dict[str, Any]]) -> dict[str, int]:
    """Archive the records and run them through extraction and clustering, like a cycle."""
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    new: list[tuple[int, Any]] = []
    ids: dict[str, int] = {}
    for n, r in enumerate(recs):
        published = datetime.fromisoformat(r["date"]).replace(hour=6, tzinfo=UTC)
        url = f"https://{source_of(r)}.example/{r['date'][:4]}/{r['id']}"
        added = archive.add_article(ArticleIn(
            canonical_url=url, url=url, source=source_of(r), text=r["text"], title=r["title"],
            fetched_at=fetched + timedelta(minutes=n), published=published,
            language=r.get("lang", "en"), html=page_html(r["title"], r["text"])))
        ids[r["id"]] = added.article_id
        if added.new:
            new.append((added.article_id, SimpleNamespace(
                text=r["text"], title=r["title"], date=published, language=r.get("lang"))))
    store_extractions(config, archive, new, extractor)
    return ids


def add_plain(archive: Archive, url: str, title: str, text: str, source: str = "misc-news",
              language: str = "en", published: datetime | None = None,
              html: str | None = None) -> int:
    """An article that is only archived (not extracted): hostile titles, other languages."""
    return archive.add_article(ArticleIn(
        canonical_url=url, url=url, source=source, text=text, title=title,
        fetched_at=datetime(2026, 1, 2, tzinfo=UTC),
        published=published or datetime(2025, 6, 1, tzinfo=UTC), language=language,
        html=html)).article_id
