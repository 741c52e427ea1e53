"""Outbox → dispatcher → real SMTP (aiosmtpd) and Slack-like HTTP peers on 127.0.0.1."""

from __future__ import annotations

import email
import logging
import time
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from monitor.archive import Archive
from monitor.outbox import dispatch_pending
from tests.delivery.conftest import SLACK_PATH
from tests.delivery.kit import app_config, outbox_rows, seed_report
from tests.peers import HttpReceiver, SmtpServer

HOSTILE = "Iran <script>alert(1)</script> & AT&T <!channel> <@U123> chief\r\nBcc: x@evil.org"


def email_channel(port: int, **extra: Any) -> dict[str, Any]:
    return {"name": "desk-mail", "kind": "email", "smtp_url": f"smtp://127.0.0.1:{port}",
            "from": "defwatch@example.org", "to": ["desk@example.org"], "timeout": 5, **extra}


def slack_channel(receiver: HttpReceiver) -> dict[str, Any]:
    return {"name": "desk-slack", "kind": "slack", "webhook_url": receiver.url(SLACK_PATH),
            "timeout": 5}


def later(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def test_email_goes_through_outbox_and_dispatcher_with_both_parts_escaped(
        tmp_path: Path, smtp_server: SmtpServer, archive_url: str) -> None:
    config = app_config(tmp_path, archive_url, [email_channel(smtp_server.port)])
    with Archive(archive_url) as archive:
        seed_report(config, archive, title=HOSTILE)
        [row] = outbox_rows(archive)
        assert row.status == "pending" and row.kind == "visit"
        done = dispatch_pending(config, archive)
        again = dispatch_pending(config, archive, later(1))
        [row] = outbox_rows(archive)
    assert [d["status"] for d in done] == ["sent"] and again == []
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    [mail] = smtp_server.handler.messages
    assert mail.rcpt_tos == ["desk@example.org"]
    msg = email.message_from_bytes(mail.raw, policy=default_policy)
    assert msg.get_all("Subject") and len(msg.get_all("Subject")) == 1
    assert msg["Bcc"] is None and "x@evil.org" not in str(msg["To"])
    assert msg["Message-ID"] == f"<defwatch-alert-{row.id}@defwatch>"
    assert msg["X-Defwatch-Alert-Id"] == f"defwatch-alert-{row.id}"
    parts = {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Mohammad Bagheri" in parts["text/plain"] and "Rawalpindi" in parts["text/plain"]
    assert "<script>" not in parts["text/html"] and "&lt;script&gt;" in parts["text/html"]


def test_smtp_450_then_421_then_success_is_delivered_once(
        tmp_path: Path, smtp_server: SmtpServer) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [email_channel(smtp_server.port)])
    smtp_server.handler.fail_next("421 4.3.2 Service shutting down", stage="DATA")
    smtp_server.handler.fail_next("450 4.2.1 Mailbox busy", stage="RCPT")
    with Archive(url) as archive:
        seed_report(config, archive)
        first = dispatch_pending(config, archive)
        [row] = outbox_rows(archive)
        assert first[0]["status"] == "pending" and "450" in row.last_error  # RCPT comes first
        assert row.next_attempt_at > datetime.now(UTC)  # backoff, not a hot loop
        assert dispatch_pending(config, archive) == []  # not due yet
        second = dispatch_pending(config, archive, later(1))
        [row] = outbox_rows(archive)
        assert second[0]["status"] == "pending" and "421" in row.last_error
        third = dispatch_pending(config, archive, later(2))
        [row] = outbox_rows(archive)
    assert third[0]["status"] == "sent" and row.status == "sent" and row.attempts == 3
    assert len(smtp_server.handler.messages) == 1


def test_smtp_550_fails_permanently_with_the_code_and_is_not_retried(
        tmp_path: Path, smtp_server: SmtpServer) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [email_channel(smtp_server.port)])
    smtp_server.handler.fail_next("550 5.1.1 No such user", stage="RCPT")
    with Archive(url) as archive:
        seed_report(config, archive)
        dispatch_pending(config, archive)
        assert dispatch_pending(config, archive, later(24)) == []
        [row] = outbox_rows(archive)
    assert row.status == "failed" and row.attempts == 1
    assert "550" in row.last_error and "No such user" in row.last_error
    assert smtp_server.handler.messages == []


def test_smtp_server_without_banner_times_out_instead_of_hanging(
        tmp_path: Path, silent_tcp_port: int) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [email_channel(silent_tcp_port, timeout=1)])
    with Archive(url) as archive:
        seed_report(config, archive)
        started = time.monotonic()
        done = dispatch_pending(config, archive)
        elapsed = time.monotonic() - started
        [row] = outbox_rows(archive)
    assert elapsed < 10
    assert done[0]["status"] == "pending" and row.status == "pending"
    assert "timeout" in row.last_error


def test_slack_429_with_retry_after_is_honoured_and_posted_once(
        tmp_path: Path, slack_receiver: HttpReceiver, smtp_server: SmtpServer) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [slack_channel(slack_receiver),
                                        email_channel(smtp_server.port)])
    slack_receiver.respond(429, "rate_limited", {"Retry-After": "2"})
    with Archive(url) as archive:
        seed_report(config, archive, title=HOSTILE)
        started = time.monotonic()
        done = dispatch_pending(config, archive)
        elapsed = time.monotonic() - started
        rows = {r.channel: r for r in outbox_rows(archive)}
    assert elapsed >= 2, "Retry-After was not waited for"
    assert slack_receiver.problems == []
    assert slack_receiver.requests[0].body == slack_receiver.requests[1].body
    accepted = len(slack_receiver.requests) - 1  # the first one got the 429
    assert accepted == 1 and rows["desk-slack"].status == "sent"
    assert rows["desk-slack"].attempts == 2
    # Email went first, in the first pass, without waiting for Slack's Retry-After.
    assert [d["channel"] for d in done][:2] == ["desk-slack", "desk-mail"]
    assert done[1]["status"] == "sent" and len(smtp_server.handler.messages) == 1


def test_slack_500s_keep_the_alert_pending_with_backoff(
        tmp_path: Path, slack_receiver: HttpReceiver) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [slack_channel(slack_receiver)])
    slack_receiver.respond(500, "server_error", times=3)
    with Archive(url) as archive:
        seed_report(config, archive)
        waits = []
        for hours in (0, 1, 2):
            dispatch_pending(config, archive, later(hours))
            [row] = outbox_rows(archive)
            assert row.status == "pending" and "500" in row.last_error
            waits.append(row.next_attempt_at - later(hours))
        dispatch_pending(config, archive, later(3))
        [row] = outbox_rows(archive)
    assert waits[0] < waits[1] < waits[2] + timedelta(seconds=1)  # exponential, with jitter
    assert row.status == "sent" and row.attempts == 4
    assert len(slack_receiver.requests) == 4


def test_slack_404_revoked_webhook_fails_permanently_without_logging_the_url(
        tmp_path: Path, slack_receiver: HttpReceiver, caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    config = app_config(tmp_path, url, [slack_channel(slack_receiver)])
    slack_receiver.respond(404, "no_service")
    caplog.set_level(logging.DEBUG)
    with Archive(url) as archive:
        seed_report(config, archive)
        dispatch_pending(config, archive)
        assert dispatch_pending(config, archive, later(24)) == []
        [row] = outbox_rows(archive)
    assert row.status == "failed" and "404" in row.last_error
    assert len(slack_receiver.requests) == 1
    assert "secretXXXX" not in caplog.text and "secretXXXX" not in row.last_error
    assert "failed" in caplog.text and "404" in caplog.text
