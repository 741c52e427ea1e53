"""alerts.yaml schema: parsing, one-line errors, secrets never shown, routing helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import yaml

from alerts import ChannelConfigError, parse_channels
from alerts.config import Secret

PASSWORD = "pa55:w/rd"
HOOK = "https://hooks.slack.com/services/T000/B000/XXXXsecret"

EXAMPLE = f"""
channels:
  - name: desk-mail
    kind: email
    smtp_url: smtps://alerts%40example.org:{PASSWORD.replace(":", "%3A").replace("/", "%2F")}@mail.example.org
    from: defwatch@example.org
    to: [desk@example.org]
    min_score: 0.8
    quiet_hours: "22:00-07:00"
    timezone: Asia/Karachi
  - name: desk-slack
    kind: slack
    webhook_url: {HOOK}
    mode: digest
    digest_hours: 12
    updates: silent
    timeout: 10
  - name: ops
    kind: webhook
    url: https://ops.example.org/in
    headers: {{X-Api-Key: k3y}}
    enabled: false
  - name: demo
    kind: console
"""


def _load(text: str = EXAMPLE):
    return parse_channels(yaml.safe_load(text), "config/alerts.yaml")


def test_parses_every_kind_with_defaults():
    mail, slack, ops, demo = _load()
    assert [c.kind for c in (mail, slack, ops, demo)] == ["email", "slack", "webhook", "console"]
    target = mail.smtp()
    assert (target.host, target.port, target.implicit_tls, target.starttls) == (
        "mail.example.org",
        465,
        True,
        False,
    )
    assert target.username == "alerts@example.org"
    assert target.password.get_secret_value() == PASSWORD
    assert (mail.from_, mail.to, mail.timeout, mail.updates) == (
        "defwatch@example.org",
        ["desk@example.org"],
        30.0,
        "notify",
    )
    assert (slack.mode, slack.digest_hours, slack.updates, slack.timeout) == (
        "digest",
        12,
        "silent",
        10.0,
    )
    assert ops.enabled is False and ops.headers["X-Api-Key"].get_secret_value() == "k3y"
    assert demo.enabled is True


def test_secrets_never_show():
    mail, slack, ops, _ = _load()
    for shown in (
        repr(mail),
        str(mail),
        json.dumps(mail.redacted()),
        mail.model_dump_json(),
        repr(mail.smtp()),
        repr(slack),
        json.dumps(slack.redacted()),
        repr(ops),
    ):
        assert "pa55" not in shown and "XXXXsecret" not in shown and "k3y" not in shown
    assert (
        mail.redacted()["smtp_url"] == "smtps://alerts@example.org:<redacted>@mail.example.org:465"
    )
    assert slack.redacted()["webhook_url"] == "https://hooks.slack.com/<redacted>"
    assert repr(Secret("x")) == "'<redacted>'" and str(Secret("x")) == "<redacted>"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("kind: console", "kind: pager"), "config/alerts.yaml: channels[3].kind: must be one of"),
        (("    updates: silent", "    updatez: silent"), "channels[1].updatez: unknown key"),
        (("smtps://", "http://"), "channels[0].smtp_url: must start with smtp:// or smtps://"),
        (("smtps://", "smtp://"), "channels[0].smtp_url: would send the password unencrypted"),
        (
            ("mail.example.org\n", "mail.example.org?starttls=maybe\n"),
            "channels[0].smtp_url: starttls must be true or false",
        ),
        (("digest_hours: 12", "digest_hours: 0"), "channels[1].digest_hours:"),
        (("min_score: 0.8", "min_score: 1.5"), "channels[0].min_score:"),
        (('"22:00-07:00"', '"10pm-7am"'), 'channels[0].quiet_hours: must look like "22:00-07:00"'),
        (("Asia/Karachi", "Asia/Nowhere"), "channels[0].timezone: unknown time zone"),
        (("to: [desk@example.org]", "to: []"), "channels[0].to:"),
        (
            ("to: [desk@example.org]", "to: [desk]"),
            "channels[0].to: 'desk' is not an email address",
        ),
        (("name: demo", "name: ops"), "channels: channel name 'ops' is used twice"),
        (
            (f"webhook_url: {HOOK}", "webhook_url: ${DEFWATCH_SLACK_WEBHOOK}"),
            "channels[1].webhook_url: environment variable DEFWATCH_SLACK_WEBHOOK is not set",
        ),
        (
            (f"webhook_url: {HOOK}", "webhook_url: ftp://XXXXsecret"),
            "channels[1].webhook_url: webhook_url must be an http:// or https:// URL",
        ),
        (("    from: defwatch@example.org\n", ""), "channels[0].from: is required"),
    ],
)
def test_errors_are_one_line_with_file_key_and_problem(change, expected):
    old, new = change
    assert old in EXAMPLE
    with pytest.raises(ChannelConfigError) as info:
        _load(EXAMPLE.replace(old, new, 1))
    message = str(info.value)
    assert expected in message
    assert message.startswith("config/alerts.yaml: ")
    assert "\n" not in message
    assert "pa55" not in message and "XXXXsecret" not in message


def test_empty_and_malformed_documents():
    assert parse_channels(None, "a.yaml") == []
    assert parse_channels({"channels": []}, "a.yaml") == []
    with pytest.raises(ChannelConfigError, match=r"^a.yaml: expected a mapping"):
        parse_channels("channels", "a.yaml")
    with pytest.raises(ChannelConfigError, match=r"^a.yaml: chanels: unknown key"):
        parse_channels({"chanels": []}, "a.yaml")


def test_configs_are_frozen():
    mail = _load()[0]
    with pytest.raises(ValueError):
        mail.timeout = 1  # type: ignore[misc]


def test_route_sends_confident_events_instantly_and_the_rest_to_the_digest():
    mail, slack, _, _ = _load()
    assert [mail.route(s) for s in (0.95, 0.8, 0.79, None)] == [
        "instant",
        "instant",
        "digest",
        "instant",
    ]
    assert slack.route(0.99) == "digest"


@pytest.mark.parametrize(
    ("utc", "until"),
    [
        ("2025-01-01T16:59", None),  # 21:59 in Karachi
        ("2025-01-01T17:00", "2025-01-02T02:00:00+00:00"),  # 22:00 starts the quiet hours
        ("2025-01-01T21:30", "2025-01-02T02:00:00+00:00"),  # 02:30 next day, still quiet
        ("2025-01-02T02:00", None),  # 07:00: quiet hours over
    ],
)
def test_quiet_hours_in_channel_timezone(utc, until):
    mail = _load()[0]
    now = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    result = mail.quiet_until(now)
    assert (result.isoformat() if result else None) == until
    assert _load()[1].quiet_until(now) is None
