"""The web view in a real browser (Debian's chromium through Playwright, no downloads).

Loads every page, searches, follows an event to its reports, and checks that the script inside
an archived page never runs. Screenshots go to test-artifacts/ (gitignored). Without chromium
the tests skip, or fail when DEFWATCH_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from monitor.web import create_app
from tests.query.archive_data import ROOT, SCRIPT_MARKER, Loaded

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)]


def _unavailable(reason: str) -> None:
    if os.environ.get("DEFWATCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test cannot run: {reason} (DEFWATCH_REQUIRE_BROWSER=1)",
                    pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def _install_chromium() -> str | None:
    """apt-get the browser when it is missing; the reason it failed, or None."""
    if CHROMIUM.exists():
        return None
    if shutil.which("apt-get") is None:
        return "no /usr/bin/chromium and no apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            return f"`{' '.join(cmd)}` failed: {last}"
    return None if CHROMIUM.exists() else "chromium installed but /usr/bin/chromium is missing"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _install_chromium()
    if reason:
        _unavailable(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install 'playwright>=1.45')")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(loaded: Loaded) -> Iterator[str]:
    """The real app under uvicorn on a free 127.0.0.1 port, in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(loaded.url), log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    # Nothing may leave 127.0.0.1 (archived pages name other hosts).
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    tab = context.new_page()
    yield tab
    context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_search_then_event_then_reports(page: Any, server: str) -> None:
    page.goto(f"{server}/")
    page.fill("input[name=q]", "Bagheri Islamabad")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#results li")
    assert page.locator("#results mark").count() > 0
    _shot(page, "search")
    page.click("#results li a.title >> nth=0")
    page.wait_for_selector("#article-title")
    event_link = page.locator("a[href^='/events/']").first
    event_link.click()
    page.wait_for_selector("#reports li")
    reports = page.locator("#reports li")
    assert reports.count() >= 2
    _shot(page, "event")
    reports.nth(1).locator("a").first.click()
    page.wait_for_selector("#article-text")
    assert page.locator("#article-text p").count() >= 1


def test_timeline_draws_bars_per_direction(page: Any, server: str) -> None:
    page.goto(f"{server}/events")
    assert page.locator("#timeline-chart rect.pk-ir").count() > 0
    assert page.locator("#timeline-chart rect.ir-pk").count() > 0
    page.select_option("select[name=direction]", "IR-PK")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#events")
    rows = page.locator("#events tbody tr")
    assert rows.count() >= 1
    assert all("IR → PK" in rows.nth(i).inner_text() for i in range(rows.count()))
    _shot(page, "timeline")


def test_archived_page_scripts_never_run(page: Any, server: str, loaded: Loaded) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    aid = loaded.ids["hostile"]
    page.goto(f"{server}/articles/{aid}")
    frame_el = page.wait_for_selector("iframe#archived")
    frame = frame_el.content_frame()
    assert frame is not None
    frame.wait_for_selector("h1")
    marker = f"data-{SCRIPT_MARKER.lower()}"
    assert frame.locator(f"html[{marker}]").count() == 0
    assert page.locator(f"body[{marker}]").count() == 0
    assert page.evaluate(f"typeof window.{SCRIPT_MARKER}") == "undefined"
    assert page.evaluate("typeof window.defwatchTitlePwned") == "undefined"
    assert "<script>" in page.locator("#article-title").inner_text()  # shown, as text
    _shot(page, "article")
    # A devset article: the same script is in its archived copy, and must stay inert too.
    page.goto(f"{server}/articles/{next(v for k, v in loaded.ids.items() if k.startswith('d'))}")
    frame = page.wait_for_selector("iframe#archived").content_frame()
    frame.wait_for_selector("h1")
    assert frame.locator(f"html[{marker}]").count() == 0
    assert page.evaluate(f"typeof window.{SCRIPT_MARKER}") == "undefined"
