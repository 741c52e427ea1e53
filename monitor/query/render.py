"""Terminal output of the query commands: JSON Lines, CSV, or Rich tables.

Scraped text never reaches Rich as markup: every cell is a `rich.text.Text`.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from monitor.query.search import SEARCH_FIELDS, SearchResult, mark_snippet, snippet_parts

logger = logging.getLogger(__name__)


def _t(value: Any, limit: int | None = None) -> Text:
    text = "" if value is None else str(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return Text(text)


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def print_search(result: SearchResult, fmt: str, console: Console, err: Console,
                 out: IO[str]) -> None:
    if result.hint:
        err.print(f"defwatch: {result.hint}", markup=False)
    rows = [{**r, "snippet": mark_snippet(r["snippet"])} for r in result.rows]
    if fmt == "json":
        write_jsonl(rows, out)
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(SEARCH_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif rows or not result.hint:
        _search_table(result, console)


def _search_table(result: SearchResult, console: Console) -> None:
    table = Table(show_lines=True)
    for name in ("id", "published", "source", "title / snippet", "score"):
        table.add_column(name)
    for r in result.rows:
        cell = _t(r["title"], 120)
        cell.stylize("bold")
        cell.append("\n")
        for piece, hit in snippet_parts(r["snippet"]):
            cell.append(piece, style="reverse" if hit else None)
        table.add_row(_t(r["id"]), _t((r["published"] or "")[:10]), _t(r["source"]), cell,
                      _t(f"{r['score']:.3f}"))
    console.print(table)
    console.print(f"{len(result.rows)} result(s)", markup=False)


def _officials(officials: list[dict[str, Any]]) -> str:
    return ", ".join(str(o.get("name")) for o in officials if o.get("name"))


def print_events(events: list[dict[str, Any]], fmt: str, console: Console, out: IO[str]) -> None:
    if fmt == "json":
        write_jsonl(events, out)
        return
    table = Table()
    for name in ("id", "date", "direction", "kind", "officials", "location", "reports",
                 "confidence", "status"):
        table.add_column(name)
    for e in events:
        status = e["status"] + (f" ({e['note']})" if e["note"] else "")
        table.add_row(_t(e["id"]), _t(e["event_date"] or (e["first_seen"] or "")[:10]),
                      _t(f"{e['visitor_country'] or '?'}→{e['host_country'] or '?'}"),
                      _t(e["kind"]), _t(_officials(e["officials"]), 60), _t(e["location"]),
                      _t(e["reports"]), _t(f"{e['confidence']:.2f}"), _t(status, 60),
                      style="dim" if e["status"] == "false_positive" else None)
    console.print(table)
    console.print(f"{len(events)} event(s)", markup=False)


def print_detail(kind: str, detail: dict[str, Any], fmt: str, console: Console,
                 out: IO[str]) -> None:
    if fmt == "json":
        out.write(json.dumps(detail, ensure_ascii=False, indent=2) + "\n")
    elif kind == "article":
        _article_text(detail, console)
    else:
        _event_text(detail, console)


def _field_table(pairs: list[tuple[str, Any]]) -> Table:
    table = Table(show_header=False, box=None)
    for key, value in pairs:
        table.add_row(_t(key), _t(value))
    return table


def _event_text(d: dict[str, Any], console: Console) -> None:
    console.print(_field_table([
        ("event", d["id"]), ("status", d["status"]), ("note", d["note"]),
        ("direction", f"{d['visitor_country']} → {d['host_country']}"), ("kind", d["kind"]),
        ("officials", _officials(d["officials"])), ("location", d["location"]),
        ("event date", d["event_date"]), ("first seen", d["first_seen"]),
        ("confidence", d["confidence"]), ("reports", d["reports"])]))
    for r in d["reports_detail"]:
        console.print(Text(f"\narticle:{r['article_id']}  {r['source']}  "
                           f"{(r['published'] or '')[:10]}  {r['title'] or ''}", style="bold"))
        console.print(Text(r["url"] or ""))
        for quote in r["match"]["evidence"]:
            console.print(Text(f"  “{quote}”"))
    for f in d["feedback"]:
        console.print(Text(f"mark: {f['action']} {f['at'][:16]} {f['note'] or ''}".rstrip()))
    for a in d["alerts"]:
        console.print(Text(f"alert: {a['channel']} {a['kind']} {a['status']}"))


def _article_text(d: dict[str, Any], console: Console) -> None:
    pairs: list[tuple[str, Any]] = [
        ("article", d["id"]), ("title", d["title"]), ("url", d["url"]), ("source", d["source"]),
        ("published", d["published"]), ("fetched", d["fetched_at"]),
        ("language", d["language"]), ("author", d["author"])]
    if d["event"]:
        pairs.append(("event", f"{d['event']['id']} ({d['event']['status']})"))
    match = d["match"]
    if match:
        summary = (f"score {match['score']} {match['kind']} "
                   f"{match['visitor_country']}→{match['host_country']}")
        pairs += [("match", summary),
                  ("officials", _officials(match["officials"])), ("location", match["location"])]
    console.print(_field_table(pairs))
    for quote in (match or {}).get("evidence", []):
        console.print(Text(f"  “{quote}”"))
    console.print(Text("\n" + d["text"]))
