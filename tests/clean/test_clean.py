"""Cleaning: metadata of a normal article, date and language fallbacks, hostile HTML bounds."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.clean import MAX_HTML_CHARS, Cleaner, CleanResult, Skipped, clean_html

PARAS = [
    (
        "The chief of staff of the Pakistan Navy arrived in Bandar Abbas on Tuesday for a three-day "
        "visit, the navy's media office said in a statement issued in the evening."
    ),
    (
        "During the visit he is expected to meet the commander of the Iranian navy and tour the "
        "port's dockyard, where joint exercises were planned for later in the year."
    ),
    (
        "Officials from both countries described the trip as part of regular contacts between the "
        "two services, which have held staff talks every year since the border agreement."
    ),
    (
        "A second round of talks is scheduled for the spring in Karachi, the statement added, "
        "without giving a date or naming the delegation that would attend."
    ),
]


def page(
    *,
    date: str | None = "2025-02-11T09:30:00+05:00",
    lang: str | None = "en-GB",
    body: list[str] = PARAS,
) -> str:
    head = [
        "<title>Navy chief visits Bandar Abbas | Harbour Times</title>",
        '<meta property="og:title" content="Navy chief visits Bandar Abbas">',
        '<meta name="author" content="Amina Qureshi">',
        '<meta property="og:site_name" content="Harbour Times">',
        '<link rel="canonical" href="https://harbour.example/news/navy-chief-visit">',
    ]
    if date:
        head.append(f'<meta property="article:published_time" content="{date}">')
    paras = "".join(f"<p>{p}</p>" for p in body)
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head>{''.join(head)}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Navy chief visits Bandar Abbas</h1>{paras}</article>"
        "<footer>Copyright Harbour Times. All rights reserved.</footer></body></html>"
    )


def test_metadata_of_a_normal_article() -> None:
    result = clean_html(page(), "https://harbour.example/news/navy-chief-visit?utm=x")
    assert isinstance(result, CleanResult)
    assert result.title == "Navy chief visits Bandar Abbas"
    assert result.author == "Amina Qureshi"
    assert result.sitename == "Harbour Times"
    assert result.canonical_url == "https://harbour.example/news/navy-chief-visit"
    assert result.hostname == "harbour.example"
    assert result.language == "en"
    assert result.date is not None and result.date.date().isoformat() == "2025-02-11"
    assert result.date_source == "page"
    assert all(p in result.text for p in PARAS)
    assert "All rights reserved" not in result.text and "Home" not in result.text


def test_hint_date_fills_in_when_the_page_has_none() -> None:
    hint = datetime(2025, 2, 12, 7, 15, tzinfo=UTC)
    result = clean_html(page(date=None), "https://harbour.example/n/1", hint_date=hint)
    assert isinstance(result, CleanResult)
    assert (result.date, result.date_source) == (hint, "hint")
    from_text = clean_html(page(date=None), None, hint_date="Wed, 12 Feb 2025 07:15:00 GMT")
    assert isinstance(from_text, CleanResult) and from_text.date == hint
    undated = clean_html(page(date=None), None)
    assert isinstance(undated, CleanResult) and undated.date is None


def test_language_falls_back_to_the_source_setting() -> None:
    result = clean_html(page(lang=None), None, fallback_language="EN")
    assert isinstance(result, CleanResult) and result.language == "en"
    assert clean_html(page(lang=None), None).language is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><head><title>Gallery</title></head><body><img src='a.jpg'></body></html>",
    ],
)
def test_no_article_body_is_skipped(html: str) -> None:
    assert clean_html(html, "https://a.example/x") == Skipped("no article body")


HOSTILE = {
    "100k nested elements": "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000,
    "10 MB text node": "<html><body><p>" + "a" * 10_000_000 + "</p></body></html>",
    "1M paragraphs": "<html><body>" + "<p>x</p>" * 1_000_000 + "</body></html>",
    "50k bare paragraphs": "<html><body>" + "<p>" * 50_000 + "</body></html>",
    "deep inline nesting": "<html><body><article>" + "<span><b>" * 20_000 + "w " * 400,
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_html_in_a_worker_is_skipped_in_time(name: str) -> None:
    timeout = 3.0
    with Cleaner(workers=1, timeout=timeout) as cleaner:
        started = time.monotonic()
        result = cleaner.clean(HOSTILE[name], "https://evil.example/")
        assert time.monotonic() - started < timeout + 3
        assert isinstance(result, Skipped) and result.reason
        assert "\n" not in result.reason
        # The pool still works afterwards.
        assert isinstance(cleaner.clean(page(), None), CleanResult)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_html_in_process_is_skipped_in_time(name: str) -> None:
    started = time.monotonic()
    result = clean_html(HOSTILE[name], None, timeout=3.0)
    # The bound is the 3 s timeout; the slack covers a machine busy with other test workers.
    assert time.monotonic() - started < 3.0 + 6
    assert isinstance(result, Skipped)


def test_size_cap_reason() -> None:
    result = clean_html("<p>" + "x" * MAX_HTML_CHARS + "</p>")
    assert isinstance(result, Skipped) and result.reason.startswith("too large: ")


def test_timeout_replaces_the_worker_and_keeps_order() -> None:
    slow = "<html><body>" + "<p>" * 50_000 + "</body></html>"  # several seconds of trafilatura
    with Cleaner(workers=2, timeout=0.5) as cleaner:
        before = set(cleaner.worker_pids)
        results = list(
            cleaner.clean_many([page(), slow, (page(date=None), None, "2025-01-02"), {"html": ""}])
        )
        assert isinstance(results[0], CleanResult)
        assert results[1] == Skipped("extraction timed out after 0.5 s")
        assert isinstance(results[2], CleanResult) and results[2].date_source == "hint"
        assert results[3] == Skipped("no article body")
        assert len(cleaner.worker_pids) == 2 and set(cleaner.worker_pids) != before


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _kill_once_busy(pid: int) -> None:
    """SIGKILL `pid` after it has spent 0.1 s of CPU, i.e. while it works on a page.

    clean_many is lazy: a page reaches the worker only at the first next(), so a kill
    timed from before that call could land on an idle worker.
    """
    start = _cpu_ticks(pid)
    give_up = time.monotonic() + 30
    while _cpu_ticks(pid) - start < os.sysconf("SC_CLK_TCK") // 10:
        if time.monotonic() > give_up:
            return
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)


def test_a_killed_worker_costs_one_page_only() -> None:
    slow = "<html><body>" + "<p>" * 50_000 + "</body></html>"  # about 1 s of trafilatura
    with Cleaner(workers=1, timeout=60) as cleaner:
        victim = cleaner.worker_pids[0]
        killer = threading.Thread(target=_kill_once_busy, args=(victim,))
        killer.start()
        results = cleaner.clean_many([slow, page()])
        first, second = next(results), next(results)
        killer.join()
        assert isinstance(first, Skipped) and first.reason.startswith(
            "extraction failed: worker died"
        )
        assert isinstance(second, CleanResult)
        assert victim not in cleaner.worker_pids


def test_memory_limit_turns_a_huge_page_into_a_skip() -> None:
    # 4.4 MB and 50,000 tags pass the pre-checks; parsing them needs more than 64 MB of
    # address space, while a worker idles at about 50 MB.
    para = "<p>" + "wordy words here " * 10 + "</p>"
    big = "<html><body><article>" + para * 25_000 + "</article></body></html>"
    with Cleaner(workers=1, timeout=60, memory_limit=64 * 1024 * 1024) as cleaner:
        result = cleaner.clean(big)
        after = cleaner.clean(page())
    # Near the limit the MemoryError may surface inside a library (lxml then reports its own
    # error, or no text); either way the page is skipped and the pool carries on.
    assert isinstance(result, Skipped)
    assert result.reason == "no article body" or result.reason.startswith("extraction failed: ")
    assert isinstance(after, CleanResult)
    with Cleaner(workers=1, timeout=60, memory_limit=None) as cleaner:
        assert isinstance(cleaner.clean(big), CleanResult)  # the limit made the difference
