"""Real protocol peers on 127.0.0.1 for the alert channels, as fixtures (the peers themselves
live in tests/peers.py, shared with the delivery and daemon tests)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alerts import Alert
from tests.peers import (  # noqa: F401 - re-exported for the channel tests
    Delivered,
    HttpReceiver,
    Received,
    ScriptedSmtpHandler,
    SmtpServer,
    free_port,
    http_peer,
    http_receiver,
    silent_tcp_peer,
    silent_tcp_port,
    smtp_peer,
    smtp_server,
)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (cert path, key path)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key



@pytest.fixture
def tls_smtp_server(tls_files: tuple[str, str]) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 offering STARTTLS with a self-signed certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_files)
    with smtp_peer(tls_context=context, require_starttls=True, authenticator=None) as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused)."""
    return free_port()



HOSTILE_TITLE = "Iran <script>alert(1)</script> & AT&T <b> <!channel> <@U123> <http://evil|click>"


@pytest.fixture
def make_alert() -> Callable[..., Alert]:
    """An Iran→Pakistan visit alert; keyword arguments override fields."""

    def make(**overrides: Any) -> Alert:
        fields: dict[str, Any] = {
            "alert_id": "outbox-17.desk",
            "kind": "visit",
            "event_id": 17,
            "headline": "Iranian navy commander arrives in Karachi",
            "visitor_country": "IR",
            "host_country": "PK",
            "event_kind": "visit",
            "officials": [
                {"name": "Shahram Irani", "title": "Commander of the Navy", "country": "IR"},
                {"name": "Naveed Ashraf", "title": "Chief of the Naval Staff", "country": "PK"},
            ],
            "location": "Karachi",
            "event_date": "2025-01-12",
            "score": 0.91,
            "evidence": "Rear Admiral Shahram Irani arrived in Karachi on Sunday.",
            "reports": [
                {
                    "url": "https://news.example.pk/iran-navy?id=1&src=rss",
                    "title": "Iran navy chief in Karachi",
                    "source": "example-pk",
                    "published": "2025-01-12T08:30:00+00:00",
                },
                {
                    "url": "https://news.example.ir/en/2",
                    "title": "Commander Irani visits Pakistan",
                    "source": "example-ir",
                    "published": None,
                },
            ],
        }
        fields.update(overrides)
        return Alert(**fields)

    return make
