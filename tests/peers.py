"""Real protocol peers on 127.0.0.1, shared by the alert-channel and delivery tests: an SMTP
server (aiosmtpd) with scripted replies, an HTTP receiver with queued answers, and a TCP server
that never speaks. Each has a context manager; tests/alerts/conftest.py wraps them as fixtures."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from alerts import parse_channels


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



@contextmanager
def smtp_peer(**controller_options: Any) -> Iterator[SmtpServer]:
    """An SMTP server on a free loopback port; AUTH is offered and always refused."""
    handler = ScriptedSmtpHandler()
    options: dict[str, Any] = {"authenticator": _reject_all, "auth_require_tls": False}
    options.update(controller_options)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield SmtpServer(handler, controller.port)
    finally:
        controller.stop()


@contextmanager
def silent_tcp_peer() -> Iterator[int]:
    """A server that accepts connections and never sends the SMTP banner; yields its port."""
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




@contextmanager
def threaded_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """A ThreadingHTTPServer on a free loopback port, served from a thread for the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def http_peer() -> Iterator[HttpReceiver]:
    """An HTTP receiver on a free loopback port, served from a thread."""
    with threaded_http_server(_handler_class(receiver := HttpReceiver(0))) as server:
        receiver.port = int(server.server_address[1])
        yield receiver



# Fixtures over the peers, imported by the conftest.py files that want them.

@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with smtp_peer() as server:
        yield server


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    with http_peer() as receiver:
        yield receiver


@pytest.fixture
def silent_tcp_port() -> Iterator[int]:
    """A server that accepts connections and never sends the SMTP banner."""
    with silent_tcp_peer() as port:
        yield port
