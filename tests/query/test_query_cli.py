"""`defwatch search / events / show / export` end to end through the CLI entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from monitor.archive import Archive
from monitor.archive.models import Event
from monitor.query.events import EVENT_FIELDS
from monitor.query.export import ARTICLE_FIELDS
from monitor.query.search import SEARCH_FIELDS
from tests.query.archive_data import Loaded
from tests.query.cli import Run, defwatch


@pytest.fixture
def cli(loaded: Loaded, capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.chdir(tmp_path)  # no ./config: the archive URL comes from --db only

    def run(*args: str) -> Run:
        return defwatch(capsys, monkeypatch, loaded.url, *args)

    return run


def _events(run: Run) -> list[dict[str, Any]]:
    assert run.code == 0, run.err
    return [json.loads(line) for line in run.lines()]


def test_search_formats(cli: Any) -> None:
    as_json = cli("search", "Munir Tehran", "--format", "json")
    rows = [json.loads(line) for line in as_json.lines()]
    assert as_json.code == 0 and rows and all(tuple(r) == SEARCH_FIELDS for r in rows)
    assert any("**" in r["snippet"] for r in rows)
    as_csv = cli("search", "Munir Tehran", "--format", "csv", "--limit", "3")
    table = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert as_csv.code == 0 and len(table) == min(3, len(rows))
    assert [int(r["id"]) for r in table] == [r["id"] for r in rows[:3]]
    as_table = cli("search", "Munir Tehran")
    assert as_table.code == 0 and f"{len(rows)} result(s)" in as_table.out
    empty = cli("search", "")
    assert empty.code == 0 and empty.lines() == [] and "nothing to search for" in empty.err


def test_events_json_lines_have_the_issue_4_shape(cli: Any) -> None:
    events = _events(cli("events", "--format", "json"))
    assert len(events) >= 4
    for event in events:
        assert tuple(event) == EVENT_FIELDS
        assert event["reports"] == len(event["articles"]) >= 1
        assert all(set(a) == {"url", "title", "source"} for a in event["articles"])
    dates = [e["event_date"] for e in events if e["event_date"]]
    assert dates == sorted(dates, reverse=True)


def test_events_filters(cli: Any) -> None:
    pk_ir = _events(cli("events", "--format", "json", "--direction", "PK-IR"))
    ir_pk = _events(cli("events", "--format", "json", "--direction", "IR-PK"))
    assert pk_ir and ir_pk
    assert all((e["visitor_country"], e["host_country"]) == ("PK", "IR") for e in pk_ir)
    assert all((e["visitor_country"], e["host_country"]) == ("IR", "PK") for e in ir_pk)
    munir = _events(cli("events", "--format", "json", "--official", "Munir"))  # an alias
    assert munir and all("Syed Asim Munir" in {o["name"] for o in e["officials"]} for e in munir)
    bajwa = _events(cli("events", "--format", "json", "--official", "qamar bajwa"))
    assert [e["location"] for e in bajwa] == ["Islamabad"]
    teheran = _events(cli("events", "--format", "json", "--location", "Teheran"))  # alias
    assert teheran and all(e["location"] == "Tehran" for e in teheran)
    ports = _events(cli("events", "--format", "json", "--kind", "port_call"))
    assert ports and all(e["kind"] == "port_call" for e in ports)
    in_2022 = _events(cli("events", "--format", "json", "--since", "2022-01-01",
                          "--until", "2022-12-31"))
    assert in_2022 and all(e["event_date"].startswith("2022") for e in in_2022)
    one = _events(cli("events", "--format", "json", "--limit", "1"))
    assert len(one) == 1
    nobody = _events(cli("events", "--format", "json", "--official", "Nobody Known"))
    assert nobody == []
    table = cli("events")
    assert table.code == 0 and "event(s)" in table.out


def test_show_event_and_article(cli: Any, loaded: Loaded) -> None:
    with Archive(loaded.url) as archive, archive.read() as s:
        event_id = s.exec(select(Event.id).order_by(Event.id)).first()
    as_json = cli("show", f"event:{event_id}", "--format", "json")
    detail = json.loads(as_json.out)
    assert detail["id"] == event_id and detail["reports_detail"] and detail["evidence"]
    assert detail["alerts"] and {"channel", "kind", "status"} <= set(detail["alerts"][0])
    plain = cli("show", str(event_id))
    assert plain.code == 0 and f"article:{detail['reports_detail'][0]['article_id']}" in plain.out
    aid = detail["reports_detail"][0]["article_id"]
    article = json.loads(cli("show", f"article:{aid}", "--format", "json").out)
    assert article["id"] == aid and article["match"]["evidence"] and article["text"]
    assert article["event"]["id"] == event_id
    flag = cli("show", "--article", str(aid))
    assert flag.code == 0 and article["title"] in flag.out


def test_export_articles_and_events(cli: Any, loaded: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    run = cli("export", "--what", "articles", "--format", "csv", "--output", str(out))
    assert run.code == 0 and "exported" in run.err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(loaded.ids) and tuple(rows[0]) == ARTICLE_FIELDS
    events = [json.loads(line) for line in cli("export", "--what", "events").lines()]
    assert events and all(tuple(e) == EVENT_FIELDS for e in events)
    listed = _events(cli("events", "--format", "json"))
    assert sorted(e["id"] for e in events) == sorted(e["id"] for e in listed)
    dated = cli("export", "--what", "articles", "--since", "2023-01-01", "--until", "2023-12-31")
    assert all(json.loads(line)["published"].startswith("2023") for line in dated.lines())


BAD = [
    ("search", "x", "--since", "2024-13-01"),
    ("search", "x", "--until", "2024-01-01; DROP TABLE article"),
    ("search", "x", "--source", "x' OR 1=1 --"),
    ("search", "x", "--limit", str(10**9)),
    ("search", "x", "--limit", "-1"),
    ("search", "x", "--format", "xml"),
    ("events", "--direction", "PK-XX"),
    ("events", "--kind", "picnic"),
    ("events", "--official", "x' OR 1=1 --"),
    ("events", "--location", "Tehran; DROP TABLE event"),
    ("events", "--since", "yesterday"),
    ("events", "--limit", "0"),
    ("show", "event:999999"),
    ("show", "article:999999"),
    ("show", "99999999999"),
    ("show", "drop table"),
    ("export", "--what", "passwords"),
    ("export", "--format", "xlsx"),
    ("events", "mark", "999999", "--false-positive"),
    ("events", "merge", "1", "1"),
    ("events", "split", "999999", "1"),
]


@pytest.mark.parametrize("args", BAD, ids=lambda a: " ".join(a)[:40])
def test_bad_input_is_one_line_and_exit_2(cli: Any, loaded: Loaded, args: tuple[str, ...]) -> None:
    with Archive(loaded.url) as archive:
        before = archive.stats()
    run = cli(*args)
    assert run.code == 2, (run.out, run.err)
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("defwatch: error:"), run.err
    assert "Traceback" not in run.err
    with Archive(loaded.url) as archive:
        assert archive.stats() == before
