"""Analyst feedback: false-positive marks suppress alerts now and later, merges, splits, and
the labelled export scored by `monitor.evaluate` — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from monitor.archive import Archive
from monitor.archive.models import Event, EventArticle, Outbox
from monitor.evaluate import evaluate
from monitor.outbox import dispatch_pending
from monitor.query.export import export
from monitor.query.labels import LABEL_FIELDS
from monitor.query.show import NotFound, show
from tests.query.archive_data import add_records, demo_config, records
from tests.query.cli import defwatch

GROUP = "raza-tehran-2022-06"  # four reports, every one matched by the extractor
OTHER = "vahedi-pakistan-2022-02"


def _event_of(archive: Archive, article_id: int) -> int:
    with archive.read() as s:
        link = s.exec(select(EventArticle).where(EventArticle.article_id == article_id)).one()
    return link.event_id


def _outbox(archive: Archive, event_id: int) -> list[Outbox]:
    with archive.read() as s:
        return list(s.exec(select(Outbox).where(Outbox.event_id == event_id)
                           .order_by(col(Outbox.id))).all())


@pytest.fixture
def world(archive_url: str, extractor: Any, tmp_path: Path) -> Any:
    config = demo_config(tmp_path, archive_url)
    recs = records((GROUP, OTHER), negatives=0)
    held_back = [r for r in recs if r["event_group"] == GROUP][-1]
    with Archive(archive_url) as archive:
        ids = add_records(archive, config, extractor, [r for r in recs if r is not held_back])
    return archive_url, config, ids, held_back


def test_false_positive_suppresses_pending_and_future_alerts(world: Any, extractor: Any,
                                                             capsys: Any,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    url, config, ids, held_back = world
    monkeypatch.chdir(tmp_path)
    with Archive(url) as archive:
        event_id = _event_of(archive, ids[records((GROUP,), 0)[0]["id"]])
        assert any(o.status == "pending" for o in _outbox(archive, event_id))
    run = defwatch(capsys, monkeypatch, url, "events", "mark", str(event_id), "--false-positive",
                   "--note", "phone call, nobody travelled")
    assert run.code == 0, run.err
    with Archive(url) as archive:
        rows = _outbox(archive, event_id)
        assert rows and all(o.status == "failed" and o.last_error.startswith("suppressed:")
                            for o in rows)
        sent = dispatch_pending(config, archive)
        assert all(d["row_id"] not in {o.id for o in rows} for d in sent)
        # Another report of the same visit arrives: it joins the marked event, silently.
        before = {o.id for o in _outbox(archive, event_id)}
        new_ids = add_records(archive, config, extractor, [held_back])
        assert _event_of(archive, new_ids[held_back["id"]]) == event_id
        after = _outbox(archive, event_id)
        assert {o.id for o in after} == before
        assert not [o for o in after if o.status == "pending"]
        _, detail = show(archive, f"event:{event_id}")
        assert detail["status"] == "false_positive" and "phone call" in detail["note"]
        assert [f["action"] for f in detail["feedback"]] == ["false_positive"]
    listed = defwatch(capsys, monkeypatch, url, "events", "--format", "json")
    marked = [json.loads(x) for x in listed.lines() if json.loads(x)["id"] == event_id]
    assert marked[0]["status"] == "false_positive" and marked[0]["note"]
    cleared = defwatch(capsys, monkeypatch, url, "events", "mark", str(event_id), "--clear")
    assert cleared.code == 0
    with Archive(url) as archive:
        assert any(o.status == "pending" for o in _outbox(archive, event_id))
        with archive.read() as s:
            assert s.get(Event, event_id).status == "active"


def test_merge_moves_reports_and_removes_the_second_event(world: Any, capsys: Any,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    url, _, _, _ = world
    monkeypatch.chdir(tmp_path)
    with Archive(url) as archive, archive.read() as s:
        events = s.exec(select(Event).order_by(col(Event.id))).all()
        assert len(events) == 2
        keep, other = int(events[0].id), int(events[1].id)
        n_reports = len(s.exec(select(EventArticle)).all())
    run = defwatch(capsys, monkeypatch, url, "events", "merge", str(keep), str(other))
    assert run.code == 0, run.err
    with Archive(url) as archive:
        with archive.read() as s:
            assert s.get(Event, other) is None
            links = s.exec(select(EventArticle)).all()
        assert len(links) == n_reports and {x.event_id for x in links} == {keep}
        assert not [o for o in _outbox(archive, keep) if o.status == "pending"
                    and o.dedup_key.startswith(f"visit-{other}-")]
        with pytest.raises(NotFound, match=f"merged into event {keep}"):
            show(archive, str(other))
    gone = defwatch(capsys, monkeypatch, url, "show", str(other))
    assert gone.code == 2 and f"merged into event {keep}" in gone.err


def test_split_moves_one_report_without_alerting(world: Any, capsys: Any,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    url, _, ids, _ = world
    monkeypatch.chdir(tmp_path)
    with Archive(url) as archive:
        article_id = ids[records((GROUP,), 0)[0]["id"]]
        event_id = _event_of(archive, article_id)
        with archive.read() as s:
            outbox_before = len(s.exec(select(Outbox)).all())
            reports_before = len(s.exec(select(EventArticle).where(
                EventArticle.event_id == event_id)).all())
    run = defwatch(capsys, monkeypatch, url, "events", "split", str(event_id), str(article_id))
    assert run.code == 0, run.err
    with Archive(url) as archive:
        new_id = _event_of(archive, article_id)
        assert new_id != event_id
        with archive.read() as s:
            assert len(s.exec(select(Outbox)).all()) == outbox_before
            assert len(s.exec(select(EventArticle).where(
                EventArticle.event_id == event_id)).all()) == reports_before - 1
            assert s.get(Event, new_id).visitor_country == "PK"
    lone = defwatch(capsys, monkeypatch, url, "events", "split", str(new_id), str(article_id))
    assert lone.code == 2 and "only one report" in lone.err
    wrong = defwatch(capsys, monkeypatch, url, "events", "split", str(event_id), str(article_id))
    assert wrong.code == 2 and "is not a report of event" in wrong.err


def test_labels_export_is_scored_by_the_evaluator(world: Any, extractor: Any,
                                                  tmp_path: Path) -> None:
    url, _, ids, _ = world
    with Archive(url) as archive:
        with archive.read() as s:
            events = [int(e.id) for e in s.exec(select(Event).order_by(col(Event.id))).all()]
        from monitor.query.feedback import mark_event, split_event

        some = ids[records((GROUP,), 0)[0]["id"]]
        group_event = _event_of(archive, some)
        mark_event(archive, next(e for e in events if e != group_event), false_positive=True,
                   note="not a visit")
        split_event(archive, group_event, some)
        out = tmp_path / "labels.jsonl"
        with out.open("w", encoding="utf-8") as fh:
            count = export(archive, "labels", "jsonl", fh)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert count == len(lines) >= 3
    assert all(tuple(x) == LABEL_FIELDS for x in lines)
    assert {x["label"] for x in lines} == {True, False}
    report = evaluate([out], extractor=extractor)
    overall = report["overall"]
    assert overall["n"] == len(lines)
    assert overall["tp"] + overall["fn"] == sum(x["label"] for x in lines)
