"""The web view in-process (Starlette TestClient): JSON API, OpenAPI, pages, escaping, errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from monitor.archive import Archive
from monitor.query.events import EVENT_FIELDS
from monitor.query.search import SEARCH_FIELDS
from monitor.web import create_app
from tests.query.archive_data import ROOT, SCRIPT_MARKER, Loaded


@pytest.fixture(scope="module")
def client(loaded: Loaded) -> Iterator[TestClient]:
    with TestClient(create_app(loaded.url)) as c:
        yield c


def test_api_search_mirrors_the_cli(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Munir Tehran", "limit": 5}).json()
    assert body["count"] == len(body["results"]) > 0
    assert all(tuple(r) == SEARCH_FIELDS for r in body["results"])
    empty = client.get("/api/search", params={"q": ""}).json()
    assert empty["results"] == [] and empty["hint"]


def test_api_events_and_one_event(client: TestClient) -> None:
    body = client.get("/api/events", params={"direction": "PK-IR"}).json()
    assert body["events"] and all(tuple(e) == EVENT_FIELDS for e in body["events"])
    assert all(e["visitor_country"] == "PK" for e in body["events"])
    first = body["events"][0]
    detail = client.get(f"/api/events/{first['id']}").json()
    assert detail["id"] == first["id"] and len(detail["reports_detail"]) == first["reports"]
    aid = detail["reports_detail"][0]["article_id"]
    assert client.get(f"/api/articles/{aid}").json()["event"]["id"] == first["id"]


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/events", "/api/events/{event_id}"} <= set(spec["paths"])


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/api/search", {"q": "x", "since": "2024-13-01"}, 400),
    ("/api/search", {"q": "x", "until": "2024-01-01; DROP TABLE article"}, 400),
    ("/api/search", {"q": "x", "source": "x' OR 1=1 --"}, 400),
    ("/api/search", {"q": "x", "limit": str(10**9)}, 400),
    ("/api/search", {"q": "x", "offset": "-1"}, 400),
    ("/api/search", {"q": "x", "matches_only": "maybe"}, 400),
    ("/api/events", {"limit": "-1"}, 400),
    ("/api/events", {"direction": "north"}, 400),
    ("/api/events", {"official": "x' OR 1=1 --"}, 400),
    ("/api/events/999999", {}, 404),
    ("/api/events/99999999999999", {}, 404),
    ("/api/events/abc", {}, 400),
    ("/api/articles/999999", {}, 404),
    ("/api/nothing", {}, 404),
])
def test_api_bad_input_is_a_json_4xx(client: TestClient, loaded: Loaded, path: str,
                                     params: dict[str, str], status: int) -> None:
    with Archive(loaded.url) as archive:
        before = archive.stats()
    response = client.get(path, params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error and "\n" not in error and "Traceback" not in error
    with Archive(loaded.url) as archive:
        assert archive.stats() == before


def test_api_is_read_only(client: TestClient) -> None:
    assert client.post("/api/events", json={}).status_code == 405
    assert client.delete("/api/events/1").status_code == 405


def test_pages_escape_scraped_text_and_send_a_strict_csp(client: TestClient,
                                                        loaded: Loaded) -> None:
    aid = loaded.ids["hostile"]
    for path in ("/", "/?q=hostile", "/events", f"/articles/{aid}"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert "<script>window.defwatchTitlePwned" not in response.text
    page = client.get(f"/articles/{aid}").text
    assert "&lt;script&gt;window.defwatchTitlePwned=1&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page and "49" not in page.split("<h1", 1)[1].split("</h1>")[0]
    assert '<iframe id="archived" sandbox srcdoc="' in page
    assert "allow-scripts" not in page and f"window.{SCRIPT_MARKER}" in page  # escaped copy
    assert "<script>document.documentElement" not in page
    raw = client.get(f"/articles/{aid}/raw")
    assert raw.headers["content-type"].startswith("text/plain")
    assert "sandbox" in raw.headers["content-security-policy"]


def test_timeline_chart_and_event_page(client: TestClient) -> None:
    page = client.get("/events").text
    assert '<svg id="timeline-chart"' in page and 'class="bar pk-ir"' in page
    assert 'class="bar ir-pk"' in page
    first = client.get("/api/events").json()["events"][0]
    event_page = client.get(f"/events/{first['id']}").text
    for article in first["articles"]:
        assert article["url"] in event_page
    missing = client.get("/events/999999")
    assert missing.status_code == 404 and "no event 999999" in missing.text


def test_html_bad_input_is_a_4xx_page(client: TestClient) -> None:
    response = client.get("/", params={"q": "x", "since": "<b>nope</b>"})
    assert response.status_code == 400
    assert "&lt;b&gt;nope&lt;/b&gt;" in response.text and "<b>nope</b>" not in response.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)
def test_defwatch_serve_answers_on_its_port(loaded: Loaded, tmp_path: Any) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--db", loaded.url, "serve",
                             "--port", str(port)], cwd=tmp_path, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "defwatch serve did not start"
                time.sleep(0.2)
        assert response.status_code == 200 and response.json()["events"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
