"""Generic webhook channel against a local HTTP receiver."""

from __future__ import annotations

import logging

import pytest

from alerts import Alert, DeliveryError, build_channel, parse_channels

TOKEN = "tok-9f8e7d"


@pytest.fixture
def hook(http_receiver):
    cfg = parse_channels(
        [
            {
                "name": "ops-hook",
                "kind": "webhook",
                "timeout": 5,
                "url": http_receiver.url(f"/hooks/defwatch?token={TOKEN}"),
                "headers": {"Authorization": "Bearer abc123"},
            }
        ],
        "alerts.yaml",
    )[0]
    return build_channel(cfg), http_receiver


def test_posts_documented_json_body(hook, make_alert):
    channel, receiver = hook
    channel.send(make_alert())

    [received] = receiver.requests
    assert received.path == f"/hooks/defwatch?token={TOKEN}"
    assert received.headers["content-type"] == "application/json; charset=utf-8"
    assert received.headers["authorization"] == "Bearer abc123"
    assert received.headers["idempotency-key"] == "outbox-17.desk"
    body = received.json()
    assert body["version"] == 1
    assert (body["alert_id"], body["kind"]) == ("outbox-17.desk", "visit")
    assert body["event"] == {
        "id": 17,
        "kind": "visit",
        "visitor_country": "IR",
        "host_country": "PK",
        "officials": [
            {"name": "Shahram Irani", "title": "Commander of the Navy", "country": "IR"},
            {"name": "Naveed Ashraf", "title": "Chief of the Naval Staff", "country": "PK"},
        ],
        "location": "Karachi",
        "event_date": "2025-01-12",
        "score": 0.91,
        "evidence": "Rear Admiral Shahram Irani arrived in Karachi on Sunday.",
    }
    assert body["reports"][0] == {
        "url": "https://news.example.pk/iran-navy?id=1&src=rss",
        "title": "Iran navy chief in Karachi",
        "source": "example-pk",
        "published": "2025-01-12T08:30:00+00:00",
    }
    assert body["items"] == [] and body["new_reports"] == []


def test_digest_body_nests_items(hook, make_alert):
    channel, receiver = hook
    channel.send(
        Alert(
            alert_id="digest-3",
            kind="digest",
            headline="2 visits",
            items=[make_alert(), make_alert(alert_id="x2", event_id=18)],
        )
    )
    body = receiver.requests[0].json()
    assert body["event"] is None
    assert [item["event"]["id"] for item in body["items"]] == [17, 18]


@pytest.mark.parametrize(
    ("status", "headers", "retryable", "retry_after"),
    [
        (429, {"Retry-After": "7"}, True, 7.0),
        (503, {}, True, None),
        (408, {}, True, None),
        (400, {}, False, None),
        (410, {}, False, None),
        (302, {"Location": "http://127.0.0.1:9/elsewhere"}, False, None),
    ],
)
def test_status_classification(hook, make_alert, caplog, status, headers, retryable, retry_after):
    caplog.set_level(logging.DEBUG)
    channel, receiver = hook
    receiver.respond(status, "nope", headers)
    with pytest.raises(DeliveryError) as info:
        channel.send(make_alert())
    assert (info.value.retryable, info.value.retry_after) == (retryable, retry_after)
    assert str(status) in info.value.reason
    assert len(receiver.requests) == 1  # no retry and no redirect followed
    for shown in (str(info.value), repr(channel), repr(channel.cfg), caplog.text):
        assert TOKEN not in shown and "abc123" not in shown


def test_connection_refused_is_retryable(closed_port, make_alert):
    cfg = parse_channels(
        [
            {
                "name": "h",
                "kind": "webhook",
                "timeout": 2,
                "url": f"http://127.0.0.1:{closed_port}/x?token={TOKEN}",
            }
        ],
        "a.yaml",
    )[0]
    with pytest.raises(DeliveryError) as info:
        build_channel(cfg).send(make_alert())
    assert info.value.retryable is True and TOKEN not in info.value.reason
