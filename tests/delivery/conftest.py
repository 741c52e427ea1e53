"""Fixtures for the delivery tests: the local SMTP/HTTP peers and a Slack-like payload check."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.peers import (  # noqa: F401 - fixtures used by the tests here
    HttpReceiver,
    Received,
    http_peer,
    http_receiver,
    silent_tcp_port,
    smtp_server,
)

SLACK_PATH = "/services/T000/B000/XXXXsecretXXXX"


def slack_check(received: Received) -> list[str]:
    """What Slack would answer 400 to: not JSON, no text fallback, blocks out of range,
    and (our policy) any unescaped special sequence in the text."""
    try:
        payload = json.loads(received.body)
    except ValueError:
        return ["invalid_payload: not JSON"]
    problems = []
    if not isinstance(payload.get("text"), str) or not payload["text"]:
        problems.append("no text fallback")
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
        problems.append("invalid_blocks")
    raw = received.body.decode()
    for bad in ("<!", "<@", "<script"):
        if bad in raw:
            problems.append(f"unescaped {bad}")
    return problems


@pytest.fixture
def slack_receiver() -> Iterator[HttpReceiver]:
    with http_peer() as receiver:
        receiver.check = slack_check
        yield receiver
