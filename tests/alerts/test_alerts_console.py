"""Console channel output."""

from __future__ import annotations

import io

from alerts import Alert, build_channel, parse_channels
from alerts.console import ConsoleChannel


def _cfg():
    return parse_channels([{"name": "demo", "kind": "console"}], "alerts.yaml")[0]


def test_prints_readable_block_to_stdout(capsys, make_alert):
    build_channel(_cfg()).send(make_alert())
    out = capsys.readouterr().out
    assert "Visit: Iranian navy commander arrives in Karachi" in out
    assert "Iran 🇮🇷 → Pakistan 🇵🇰 · visit · confidence 0.91" in out
    assert "  - Shahram Irani, Commander of the Navy (Iran 🇮🇷)" in out
    assert "https://news.example.pk/iran-navy?id=1&src=rss" in out
    assert "defwatch alert outbox-17.desk, event 17" in out


def test_writes_to_given_stream_and_renders_update_and_health(make_alert):
    stream = io.StringIO()
    channel = ConsoleChannel(_cfg(), stream=stream)
    channel.send(
        make_alert(
            kind="update",
            new_reports=[{"url": "https://news.example.ir/3", "title": "Second day of talks"}],
        )
    )
    channel.send(Alert(alert_id="health-2", kind="health", text="source example-pk: 3 failures"))
    out = stream.getvalue()
    assert "Update: Iranian navy commander" in out
    assert "New reports:\n  - Second day of talks" in out
    assert "Health: defwatch health" in out and "source example-pk: 3 failures" in out
