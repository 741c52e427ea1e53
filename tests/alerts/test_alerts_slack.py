"""Slack channel against a local receiver that checks payloads the way Slack would."""

from __future__ import annotations

import json
import logging
import re

import pytest

from alerts import Alert, DeliveryError, build_channel, parse_channels

HOOK_PATH = "/services/T000/B000/XXXX"
HOSTILE = "AT&T <b> <!channel> <@U123> <!subteam^S1> <http://evil.example|click> *x*"
BLOCK_TYPES = {"header", "section", "context", "divider", "actions", "image", "rich_text"}
OWN_LINK = re.compile(r"<https://news\.example\.(pk|ir)/[^|<>\s]*\|[^<>]*>")


def _texts(blocks: list[dict]) -> list[str]:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e["text"] for e in block.get("elements", []) if "text" in e)
        out.extend(f["text"] for f in block.get("fields", []))
    return out


def slack_check(received) -> list[str]:
    """What Slack (and our policy) would reject in a webhook POST."""
    problems = []
    if received.path != HOOK_PATH:
        problems.append(f"path {received.path}")
    try:
        payload = json.loads(received.body)
    except ValueError:
        return ["invalid_payload: not JSON"]
    blocks = payload.get("blocks")
    if not isinstance(payload.get("text"), str) or not payload["text"]:
        problems.append("no text fallback")
    if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
        return problems + ["invalid_blocks: blocks must be a list of 1..50"]
    for block in blocks:
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            problems.append(f"invalid_blocks: type {kind}")
        if kind == "header" and (
            block["text"]["type"] != "plain_text" or len(block["text"]["text"]) > 150
        ):
            problems.append("invalid_blocks: header must be plain_text <= 150")
        if kind == "section" and not 0 < len(block["text"]["text"]) <= 3000:
            problems.append("invalid_blocks: section text must be 1..3000")
        if kind == "context" and not 0 < len(block["elements"]) <= 10:
            problems.append("invalid_blocks: context needs 1..10 elements")
    for text in [payload["text"], *_texts(blocks)]:
        # Every '<' must open one of our own report links: anything else came from scraped
        # text and would ping (<!channel>, <@U…>) or link (<http…>) for real.
        # A '>' opening a line is our quote marker for the evidence.
        stripped = re.sub(r"(?m)^> ", "", OWN_LINK.sub("", text))
        if "<" in stripped or ">" in stripped:
            problems.append(f"unescaped control characters in {stripped[:80]!r}")
    return problems


@pytest.fixture
def slack(http_receiver):
    http_receiver.check = slack_check
    cfg = parse_channels(
        [
            {
                "name": "desk-slack",
                "kind": "slack",
                "timeout": 5,
                "webhook_url": http_receiver.url(HOOK_PATH),
            }
        ],
        "alerts.yaml",
    )[0]
    return build_channel(cfg), http_receiver


def test_posts_block_kit_message_with_every_report_linked(slack, make_alert):
    channel, receiver = slack
    channel.send(make_alert())

    [received] = receiver.requests
    payload = received.json()
    blocks = payload["blocks"]
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "Visit: Iranian navy commander arrives in Karachi"
    joined = "\n".join(_texts(blocks))
    assert "Iran 🇮🇷 → Pakistan 🇵🇰" in joined
    assert "Shahram Irani" in joined and "Commander of the Navy" in joined
    assert "*Location:* Karachi" in joined and "*Date:* 2025-01-12" in joined
    assert "> Rear Admiral Shahram Irani arrived in Karachi on Sunday." in joined
    assert (
        "<https://news.example.pk/iran-navy?id=1&amp;src=rss|Iran navy chief in Karachi>" in joined
    )
    assert "<https://news.example.ir/en/2|Commander Irani visits Pakistan>" in joined
    assert blocks[-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "event 17  ·  alert outbox-17.desk"}],
    }
    assert "Iranian navy commander arrives in Karachi" in payload["text"]


def test_scraped_mentions_and_links_are_escaped(slack, make_alert):
    channel, receiver = slack
    alert = make_alert(
        headline=HOSTILE,
        location="<!here>",
        evidence=f"He said {HOSTILE}",
        officials=[{"name": "<@U999>", "title": "<!everyone>", "country": "IR"}],
        reports=[
            {"url": "https://news.example.pk/a", "title": HOSTILE},
            {"url": "javascript:alert(1)", "title": "not a link"},
            {"url": "https://news.example.ir/x|<!channel>", "title": "pipe in url"},
        ],
    )
    channel.send(alert)  # the receiver answers 400 if anything is left unescaped

    assert receiver.problems == []
    body = receiver.requests[0].body.decode()
    assert "AT&amp;T &lt;b&gt; &lt;!channel&gt; &lt;@U123&gt;" in body
    assert "&lt;http://evil.example|click&gt;" in body
    assert "javascript:" not in body


def test_sizes_stay_within_block_kit_limits(slack, make_alert):
    channel, receiver = slack
    long_title = "&<>" * 200
    item = make_alert(
        headline=long_title,
        evidence="<x> " * 2000,
        officials=[{"name": "<" * 120, "title": "&" * 160, "country": "IR"}] * 40,
        reports=[{"url": f"https://news.example.pk/{i}", "title": long_title} for i in range(60)]
        + [{"url": "https://news.example.pk/" + "a" * 5000, "title": "huge url"}],
    )
    channel.send(item)
    channel.send(Alert(alert_id="digest-1", kind="digest", items=[item] * 70))
    channel.send(Alert(alert_id="health-1", kind="health", text="<!channel> down\n" * 500))
    assert receiver.problems == [] and len(receiver.requests) == 3
    header = receiver.requests[0].json()["blocks"][0]["text"]["text"]
    assert len(header) <= 150 and not re.search(r"&(a|am|l|g)?$", header)


def test_rate_limit_is_retryable_with_retry_after(slack, make_alert):
    channel, receiver = slack
    receiver.respond(429, "rate_limited", {"Retry-After": "2"})
    with pytest.raises(DeliveryError) as info:
        channel.send(make_alert())
    assert info.value.retryable is True
    assert info.value.retry_after == 2.0
    assert len(receiver.requests) == 1  # no hidden retries inside the channel


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable(slack, make_alert, status):
    channel, receiver = slack
    receiver.respond(status, "internal_error")
    with pytest.raises(DeliveryError) as info:
        channel.send(make_alert())
    assert info.value.retryable is True and str(status) in info.value.reason
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, "invalid_blocks"),
        (403, "action_prohibited"),
        (404, "no_service"),
        (410, "channel_is_archived"),
    ],
)
def test_rejections_are_permanent_and_never_show_the_url(slack, make_alert, caplog, status, body):
    caplog.set_level(logging.DEBUG)
    channel, receiver = slack
    receiver.respond(status, body)
    with pytest.raises(DeliveryError) as info:
        channel.send(make_alert())
    assert info.value.retryable is False
    assert info.value.reason == f"slack webhook rejected the message: {status} {body}"
    url = receiver.url(HOOK_PATH)
    for shown in (str(info.value), repr(info.value), repr(channel), repr(channel.cfg), caplog.text):
        assert url not in shown and "XXXX" not in shown


def test_timeout_is_retryable(silent_tcp_port, make_alert, caplog):
    caplog.set_level(logging.DEBUG)
    url = f"http://127.0.0.1:{silent_tcp_port}{HOOK_PATH}"
    cfg = parse_channels(
        [{"name": "s", "kind": "slack", "timeout": 1, "webhook_url": url}], "a.yaml"
    )[0]
    with pytest.raises(DeliveryError) as info:
        build_channel(cfg).send(make_alert())
    assert info.value.retryable is True and "timeout" in info.value.reason
    assert "XXXX" not in caplog.text and "XXXX" not in str(info.value)
