"""Real protocol peers on 127.0.0.1 for the alert channels: SMTP (aiosmtpd), HTTP receivers,
and a TCP server that never speaks."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from alerts import Alert, parse_channels


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes


@dataclass
class ScriptedSmtpHandler:
    """Accepts mail, unless told to answer chosen replies to the next RCPT or DATA commands."""

    messages: list[Delivered] = field(default_factory=list)
    rcpt_replies: deque[str] = field(default_factory=deque)
    data_replies: deque[str] = field(default_factory=deque)
    data_delay: float = 0.0  # seconds to stall before answering DATA

    def fail_next(self, reply: str, times: int = 1, stage: str = "DATA") -> None:
        queue = self.data_replies if stage == "DATA" else self.rcpt_replies
        queue.extend([reply] * times)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.data_delay)
        if self.data_replies:
            return self.data_replies.popleft()
        self.messages.append(
            Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    handler: ScriptedSmtpHandler
    port: int

    def channel_config(self, **overrides: Any) -> Any:
        entry = {
            "name": "desk-mail",
            "kind": "email",
            "smtp_url": f"smtp://127.0.0.1:{self.port}",
            "from": "defwatch@example.org",
            "to": ["desk@example.org", "ops@example.org"],
            "timeout": 5,
            **overrides,
        }
        return parse_channels({"channels": [entry]}, "alerts.yaml")[0]


def _reject_all(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    return AuthResult(success=False, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = ScriptedSmtpHandler()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_reject_all,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield SmtpServer(handler, controller.port)
    finally:
        controller.stop()


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
    handler = ScriptedSmtpHandler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        yield SmtpServer(handler, controller.port)
    finally:
        controller.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused)."""
    return free_port()


@pytest.fixture
def silent_tcp_port() -> Iterator[int]:
    """A server that accepts connections and never sends the SMTP banner."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """Records POSTs; answers queued (status, body, headers), else 200 "ok".

    ``check`` inspects each request the way the real service would and returns a list of
    problems; any problem is answered 400 with the problems in the body.
    """

    port: int
    requests: list[Received] = field(default_factory=list)
    replies: deque[tuple[int, str, dict[str, str]]] = field(default_factory=deque)
    check: Callable[[Received], list[str]] | None = None
    problems: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def respond(
        self, status: int, body: str = "", headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        self.replies.extend([(status, body, headers or {})] * times)

    def answer(self, received: Received) -> tuple[int, str, dict[str, str]]:
        self.requests.append(received)
        problems = self.check(received) if self.check else []
        if problems:
            self.problems.extend(problems)
            return 400, "invalid_payload: " + "; ".join(problems), {}
        return self.replies.popleft() if self.replies else (200, "ok", {})


def _handler_class(receiver: HttpReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, text, headers = receiver.answer(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            data = text.encode()
            self.send_response(status)
            for name, value in {"Content-Type": "text/plain", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(receiver := HttpReceiver(0)))
    receiver.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


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
