"""config/sources.yaml schema: every mistake is one line naming file, key path and problem."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.errors import SourcesError
from crawler.sources import Source, load_sources, parse_sources


def _one(**entry: Any) -> dict[str, Any]:
    return {"sources": [{"name": "s", "kind": "rss", "url": "https://example.org/feed", **entry}]}


def test_valid_entries_and_defaults() -> None:
    data = {"sources": [
        {"name": "dawn-home", "kind": "rss", "url": "https://example.org/feed", "language": "en"},
        {"name": "ispr", "kind": "listing", "url": "http://example.org/press",
         "link_selector": "a.press", "allow": r"/press/\d+", "interval": "2h"},
        {"name": "map", "kind": "sitemap", "url": "https://example.org/news.xml",
         "cron": "*/15 * * * *", "enabled": False},
        {"name": "xp", "kind": "listing", "url": "https://example.org/", "link_selector": "//h2/a"},
    ]}
    dawn, ispr, smap, xpath = parse_sources(data, "sources.yaml")
    assert dawn.interval == timedelta(minutes=30) and dawn.enabled and dawn.cron is None
    assert ispr.interval == timedelta(hours=2)
    assert smap.cron == "*/15 * * * *" and smap.interval is None and not smap.enabled
    assert isinstance(xpath, Source) and xpath.link_selector == "//h2/a"
    assert parse_sources([data["sources"][0]], "f") == [dawn]  # a bare list is accepted too


@pytest.mark.parametrize(("entry", "expected"), [
    ({"url": "javascript:alert(1)"}, "sources[0].url: only http and https URLs are allowed"),
    ({"url": "  javascript:alert(1)"}, "sources[0].url: URL contains whitespace"),
    ({"url": "%20javascript:alert(1)"}, "sources[0].url: only http and https"),
    ({"url": "file:///etc/passwd"}, "sources[0].url: only http and https"),
    ({"url": "ftp://example.org/feed"}, "sources[0].url: only http and https"),
    ({"url": "http://127.0.0.1:8888\\@example.com/"}, "sources[0].url: backslash"),
    ({"colour": "red"}, "sources[0].colour: unknown key"),
    ({"kind": "json"}, "sources[0].kind: Input should be"),
    ({"name": "Not A Slug"}, "sources[0].name: String should match pattern"),
    ({"interval": "5 parsecs"}, "sources[0].interval: interval must look like 15m, 2h or 1d"),
    ({"interval": "10s"}, "sources[0].interval: interval must be at least 60s"),
    ({"cron": "99 * * * *"}, "sources[0].cron: invalid cron expression"),
    ({"cron": "0 * * * *", "interval": "1h"}, "sources[0]: set either interval or cron"),
    ({"kind": "listing"}, "sources[0]: a listing source needs link_selector and/or allow"),
    ({"kind": "listing", "allow": "(unclosed"}, "sources[0].allow: invalid regex"),
    ({"kind": "listing", "link_selector": "a[[["}, "sources[0].link_selector: invalid CSS"),
    ({"kind": "listing", "link_selector": "//a[@"}, "sources[0].link_selector: invalid XPath"),
    ({"link_selector": "a"}, "sources[0]: link_selector is only valid for kind listing"),
])
def test_invalid_entries(entry: dict[str, Any], expected: str) -> None:
    with pytest.raises(SourcesError) as info:
        parse_sources(_one(**entry), "config/sources.yaml")
    message = str(info.value)
    assert message.startswith(f"config/sources.yaml: {expected}"), message
    assert "\n" not in message


def test_duplicate_names_point_at_both() -> None:
    data = {"sources": [{"name": "a", "kind": "rss", "url": "http://x.org/1"},
                        {"name": "a", "kind": "rss", "url": "http://x.org/2"}]}
    with pytest.raises(SourcesError, match=r"^f.yaml: sources\[1\]\.name: duplicate source name "
                                           r"'a' \(first at sources\[0\]\)$"):
        parse_sources(data, "f.yaml")


def test_file_errors_carry_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: ok\n    kind: rss\n    url: https://x.org/f\n"
                    "  - name: bad\n    kind: rss\n    url: file:///etc/passwd\n")
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}:7: sources[1].url: only http and https")

    path.write_text("sources:\n  - name: a\n   kind: [rss\n")
    with pytest.raises(SourcesError, match=rf"^{path}:3:\d+: malformed YAML: "):
        load_sources(path)

    path.write_text("")
    with pytest.raises(SourcesError, match="empty file"):
        load_sources(path)
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")


def test_load_sources_reads_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: feed\n    kind: atom\n    url: https://x.org/atom\n"
                    "    interval: 15m\n    language: ur\n")
    (source,) = load_sources(path)
    assert (source.kind, source.language, source.interval) == ("atom", "ur", timedelta(minutes=15))
