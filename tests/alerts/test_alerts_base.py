"""Alert values, build_channel, retry delays, and what ``import alerts`` loads."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alerts import Alert, Channel, Official, Report, backoff, build_channel, parse_channels

ROOT = Path(__file__).resolve().parents[2]


def test_alert_coerces_dicts_and_round_trips_through_json(make_alert):
    alert = make_alert(kind="update", new_reports=[{"url": "https://news.example.ir/3"}])
    assert alert.officials[0] == Official("Shahram Irani", "Commander of the Navy", "IR")
    assert alert.reports[0].published == datetime(2025, 1, 12, 8, 30, tzinfo=UTC)
    assert alert.new_reports == (Report("https://news.example.ir/3"),)
    assert alert.event_date == date(2025, 1, 12)
    digest = Alert(alert_id="d1", kind="digest", items=[alert, alert.to_dict()])
    assert Alert.from_dict(json.loads(json.dumps(digest.to_dict()))) == digest
    assert digest.items[1] == alert


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("alert_id", ""),
        ("alert_id", "a b"),
        ("alert_id", "x>@evil"),
        ("kind", "page"),
    ],
)
def test_alert_rejects_ids_and_kinds_that_would_break_delivery(make_alert, field, value):
    with pytest.raises(ValueError):
        make_alert(**{field: value})


def test_build_channel_gives_a_channel_per_kind():
    cfgs = parse_channels(
        [
            {
                "name": "m",
                "kind": "email",
                "smtp_url": "smtp://127.0.0.1:25",
                "from": "a@b.org",
                "to": ["c@d.org"],
            },
            {"name": "s", "kind": "slack", "webhook_url": "http://127.0.0.1:9/services/T/B/X"},
            {"name": "w", "kind": "webhook", "url": "http://127.0.0.1:9/w"},
            {"name": "c", "kind": "console"},
        ],
        "a.yaml",
    )
    channels = [build_channel(cfg) for cfg in cfgs]
    assert [type(c).__name__ for c in channels] == [
        "SmtpChannel",
        "SlackChannel",
        "WebhookChannel",
        "ConsoleChannel",
    ]
    assert [c.name for c in channels] == ["m", "s", "w", "c"]
    assert all(isinstance(c, Channel) for c in channels)


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    low = [backoff(n, rand=lambda: 0.0) for n in range(1, 6)]
    high = [backoff(n, rand=lambda: 0.999999) for n in range(1, 6)]
    assert low == [15.0, 30.0, 60.0, 120.0, 240.0]
    assert all(h > lo for h, lo in zip(high, low)) and high[0] == pytest.approx(30.0)
    assert backoff(200, rand=lambda: 0.999999) == pytest.approx(6 * 3600.0)
    assert len({backoff(3) for _ in range(50)}) > 1


def test_backoff_honours_retry_after():
    assert backoff(1, retry_after=120.0, rand=lambda: 0.0) == 120.0
    assert backoff(1, retry_after=2.0, rand=lambda: 0.0) == 15.0  # never earlier than backoff
    assert backoff(1, retry_after=50000.0) == 50000.0  # the peer's wish is not capped
    with pytest.raises(ValueError):
        backoff(0)


def test_import_alerts_loads_no_crawler_monitor_or_scrapy():
    code = (
        "import sys, alerts, alerts.smtp, alerts.slack, alerts.webhook, alerts.console; "
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    for forbidden in ("scrapy", "twisted", "monitor", "crawler", "spacy", "sqlmodel"):
        assert f"'{forbidden}'" not in loaded
    assert "'alerts'" in loaded and "'slack_sdk'" in loaded  # the probe did import them


def test_import_alerts_alone_defers_channel_libraries():
    code = "import sys, alerts; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert "'slack_sdk'" not in loaded and "'jinja2'" not in loaded and "'smtplib'" not in loaded
