"""Email channel against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import logging
import ssl
import time
from email import message_from_bytes, policy

import pytest

from alerts import DeliveryError, build_channel, parse_channels
from alerts.smtp import SmtpChannel

PASSWORD = "hunter2-s3cret"


def _parsed(raw: bytes):  # type: ignore[no-untyped-def]
    return message_from_bytes(raw, policy=policy.default)


def _header_lines(raw: bytes) -> list[str]:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    return [line for line in head.splitlines() if line and not line[0].isspace()]


def test_delivers_text_and_html_with_stable_ids(smtp_server, make_alert):
    cfg = smtp_server.channel_config()
    build_channel(cfg).send(make_alert())

    [delivered] = smtp_server.handler.messages
    assert delivered.mail_from == "defwatch@example.org"
    assert delivered.rcpt_tos == ["desk@example.org", "ops@example.org"]
    msg = _parsed(delivered.raw)
    assert msg["Subject"] == "[defwatch] Visit: Iranian navy commander arrives in Karachi"
    assert msg["Message-ID"] == "<outbox-17.desk@defwatch>"
    assert msg["X-Defwatch-Alert-Id"] == "outbox-17.desk"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert "defwatch alert outbox-17.desk, event 17" in body
        assert "Shahram Irani" in body and "Karachi" in body
        assert "Iran 🇮🇷 → Pakistan 🇵🇰" in body
    assert "https://news.example.pk/iran-navy?id=1&src=rss" in text
    assert '<a href="https://news.example.pk/iran-navy?id=1&amp;src=rss">' in html


def test_html_part_escapes_scraped_text(smtp_server, make_alert):
    alert = make_alert(
        headline="Visit <script>alert(1)</script> {{ 7*7 }}",
        reports=[{"url": "javascript:alert(1)", "title": "<img src=x onerror=y>"}],
    )
    build_channel(smtp_server.channel_config()).send(alert)

    html = _parsed(smtp_server.handler.messages[0].raw).get_body(("html",)).get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "{{ 7*7 }}" in html and "49" not in html


@pytest.mark.parametrize(
    "title",
    [
        "Visit\r\nBcc: x@evil.example",
        "Visit with a trailing newline\n",
        "=?UTF-8?Q?=0A?=Bcc: x@evil.example",
        "long " * 30 + "=?UTF-8?Q?=0A?=Bcc: x@evil.example",
        "Visit\u2028Bcc: x@evil.example\x00\x1b",
    ],
)
def test_header_injection_gives_one_subject_and_no_bcc(smtp_server, make_alert, title):
    cfg = smtp_server.channel_config()
    build_channel(cfg).send(make_alert(headline=title))

    [delivered] = smtp_server.handler.messages
    names = [line.split(":", 1)[0].lower() for line in _header_lines(delivered.raw)]
    assert names.count("subject") == 1
    assert "bcc" not in names
    assert delivered.rcpt_tos == cfg.to
    subject = _parsed(delivered.raw)["Subject"]
    assert "\n" not in subject and "\r" not in subject
    assert "Visit" in subject or "Bcc" in subject


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("DATA", "421 4.3.0 Service shutting down"),
        ("DATA", "450 4.2.0 Mailbox busy"),
        ("DATA", "451 4.3.0 Local error in processing"),
        ("RCPT", "452 4.2.2 Insufficient storage"),
    ],
)
def test_transient_reply_is_retryable_and_a_retry_delivers(smtp_server, make_alert, stage, reply):
    channel = build_channel(smtp_server.channel_config())
    times = 2 if stage == "RCPT" else 1  # one reply per recipient
    smtp_server.handler.fail_next(reply, times=times, stage=stage)

    with pytest.raises(DeliveryError) as info:
        channel.send(make_alert())
    assert info.value.retryable is True
    assert reply.split()[0] in info.value.reason
    assert smtp_server.handler.messages == []

    channel.send(make_alert())
    assert len(smtp_server.handler.messages) == 1


@pytest.mark.parametrize(
    "reply",
    [
        "550 5.1.1 Mailbox unavailable",
        "553 5.1.3 Bad destination syntax",
        "554 5.7.1 Message rejected as spam",
    ],
)
def test_permanent_reply_is_not_retryable_and_names_code_and_text(smtp_server, make_alert, reply):
    smtp_server.handler.fail_next(reply)
    with pytest.raises(DeliveryError) as info:
        build_channel(smtp_server.channel_config()).send(make_alert())
    code, text = reply.split(" ", 1)
    assert info.value.retryable is False
    assert code in info.value.reason and text in info.value.reason
    assert info.value.channel == "desk-mail"


def test_recipient_refused_permanently(smtp_server, make_alert):
    smtp_server.handler.fail_next("550 5.1.1 No such user", times=2, stage="RCPT")
    with pytest.raises(DeliveryError) as info:
        build_channel(smtp_server.channel_config()).send(make_alert())
    assert info.value.retryable is False and "550" in info.value.reason


def test_server_that_never_sends_a_banner_times_out(silent_tcp_port, smtp_server, make_alert):
    cfg = parse_channels(
        [
            {
                "name": "stalled",
                "kind": "email",
                "timeout": 1,
                "smtp_url": f"smtp://127.0.0.1:{silent_tcp_port}",
                "from": "defwatch@example.org",
                "to": ["desk@example.org"],
            }
        ],
        "a.yaml",
    )[0]
    started = time.monotonic()
    with pytest.raises(DeliveryError) as info:
        build_channel(cfg).send(make_alert())
    assert time.monotonic() - started < 3
    assert info.value.retryable is True
    assert "timeout" in info.value.reason


def test_connection_refused_is_retryable(closed_port, make_alert):
    cfg = parse_channels(
        [
            {
                "name": "down",
                "kind": "email",
                "timeout": 2,
                "smtp_url": f"smtp://127.0.0.1:{closed_port}",
                "from": "defwatch@example.org",
                "to": ["desk@example.org"],
            }
        ],
        "a.yaml",
    )[0]
    with pytest.raises(DeliveryError) as info:
        build_channel(cfg).send(make_alert())
    assert info.value.retryable is True
    assert f"127.0.0.1:{closed_port}" in info.value.reason


def test_bad_password_is_permanent_and_never_shown(smtp_server, make_alert, caplog):
    caplog.set_level(logging.DEBUG)
    url = f"smtp://analyst:{PASSWORD}@127.0.0.1:{smtp_server.port}"
    channel = build_channel(smtp_server.channel_config(smtp_url=url))
    with pytest.raises(DeliveryError) as info:
        channel.send(make_alert())
    assert info.value.retryable is False
    assert "535" in info.value.reason
    for shown in (str(info.value), repr(info.value), repr(channel), repr(channel.cfg), caplog.text):
        assert PASSWORD not in shown
    assert smtp_server.handler.messages == []


def test_stall_after_data_times_out(smtp_server, make_alert):
    smtp_server.handler.data_delay = 3
    started = time.monotonic()
    with pytest.raises(DeliveryError) as info:
        build_channel(smtp_server.channel_config(timeout=1)).send(make_alert())
    assert time.monotonic() - started < 2.5
    assert info.value.retryable is True and "timeout" in info.value.reason


def test_starttls_verifies_the_certificate(tls_smtp_server, tls_files, make_alert):
    cfg = tls_smtp_server.channel_config(
        smtp_url=f"smtp://127.0.0.1:{tls_smtp_server.port}?starttls=true"
    )
    with pytest.raises(DeliveryError) as info:
        build_channel(cfg).send(make_alert())  # self-signed: not trusted by default
    assert info.value.retryable is False and "certificate" in info.value.reason
    assert tls_smtp_server.handler.messages == []

    trusting = ssl.create_default_context(cafile=tls_files[0])
    SmtpChannel(cfg, ssl_context=trusting).send(make_alert())
    assert len(tls_smtp_server.handler.messages) == 1


def test_plain_smtp_to_a_starttls_only_server_is_refused(tls_smtp_server, make_alert):
    with pytest.raises(DeliveryError) as info:
        build_channel(tls_smtp_server.channel_config()).send(make_alert())
    assert info.value.retryable is False and "530" in info.value.reason
