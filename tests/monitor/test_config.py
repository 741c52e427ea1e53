"""Config loading: typed values from files and env; every problem is one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import load_config, redact
from monitor.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]

GOOD_SOURCES = """
sources:
  - name: one
    kind: rss
    url: https://example.org/feed
    interval: 15m
    language: en
  - name: two
    kind: listing
    url: https://example.org/news/
    link_selector: "a.story"
    allow: '/news/\\d+'
"""


def write(cdir: Path, sources: str = GOOD_SOURCES, alerts: str | None = None,
          watch: str | None = None) -> Path:
    cdir.mkdir(parents=True, exist_ok=True)
    (cdir / "sources.yaml").write_text(sources)
    if alerts is not None:
        (cdir / "alerts.yaml").write_text(alerts)
    if watch is not None:
        (cdir / "watch.yaml").write_text(watch)
    return cdir


def test_loads_typed_config_with_env_expansion(tmp_path: Path) -> None:
    cdir = write(tmp_path / "c", alerts="""
channels:
  - name: hook
    kind: slack
    webhook_url: ${HOOK_URL}
""", watch="extract:\n  threshold: 0.7\n")
    env = {"HOOK_URL": "https://hooks.slack.com/services/T/B/canary-secret"}
    cfg = load_config(cdir, "sqlite:///x.db", env=env)
    assert [s.name for s in cfg.sources] == ["one", "two"]
    assert cfg.sources[0].interval.total_seconds() == 900
    assert cfg.watch.extract.threshold == 0.7
    assert cfg.channels[0].name == "hook"
    assert "canary-secret" not in repr(cfg.channels[0])
    assert cfg.allow_private_networks is False


def test_db_url_and_config_dir_come_from_env(tmp_path: Path) -> None:
    cdir = write(tmp_path / "c")
    env = {"DEFWATCH_CONFIG": str(cdir), "DEFWATCH_DB": "sqlite:///from-env.db",
           "DEFWATCH_ALLOW_PRIVATE_NETWORKS": "1"}
    cfg = load_config(env=env)
    assert cfg.config_dir == cdir and cfg.db_url == "sqlite:///from-env.db"
    assert cfg.allow_private_networks is True


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ("sources:\n  - name: a\n    kind: rss\n    url: https://e.org/f\n    colour: red\n",
         "colour"),
        ("sources:\n  - name: a\n    kind: rss\n    url: javascript:alert(1)\n", "url"),
        (("sources:\n  - name: a\n    kind: rss\n    url: https://e.org/f\n"
          "  - name: a\n    kind: rss\n    url: https://e.org/g\n"), "duplicate"),
        ("sources:\n  - name: a\n    kind: rss\n   url: [unclosed\n", "line"),
        ("sources:\n  - name: a\n    kind: rss\n    url: ${NOT_SET_ANYWHERE}\n", "NOT_SET_ANYWHERE"),
        ("sources:\n  - name: a\n    kind: listing\n    url: https://e.org/\n    allow: '(('\n",
         "allow"),
        ("sources:\n  - name: a\n    kind: rss\n    url: https://e.org/f\n    cron: 'not cron'\n",
         "cron"),
    ],
)
def test_bad_sources_file_is_one_line_naming_file_and_key(tmp_path: Path, sources: str,
                                                          expected: str) -> None:
    cdir = write(tmp_path / "c", sources)
    with pytest.raises(ConfigError) as info:
        load_config(cdir, "sqlite://", env={})
    message = str(info.value)
    assert "\n" not in message
    assert "sources.yaml" in message
    assert expected.lower() in message.lower()


def test_bad_watch_value_names_the_key(tmp_path: Path) -> None:
    cdir = write(tmp_path / "c", watch="crawl:\n  max_page_mib: 500\n")
    with pytest.raises(ConfigError, match=r"watch.yaml: crawl.max_page_mib"):
        load_config(cdir, "sqlite://", env={})


def test_redact_hides_secret_keys() -> None:
    shown = redact({"channels": [{"name": "x", "smtp_url": "smtp://u:pw@h", "to": ["a@b"]}],
                    "db_password": "pw"})
    assert shown["channels"][0]["smtp_url"] == "<redacted>"
    assert shown["db_password"] == "<redacted>"
    assert shown["channels"][0]["to"] == ["a@b"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DEFWATCH_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=ROOT, env=full_env, timeout=120, check=False)


def test_cli_config_error_is_one_line_exit_2_without_traceback(tmp_path: Path) -> None:
    cdir = write(tmp_path / "c", "sources:\n  - name: a\n    kind: gopher\n    url: https://e.org/\n")
    proc = run_cli("--config", str(cdir), "--db", f"sqlite:///{tmp_path}/a.db", "run")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "sources.yaml" in lines[0] and "kind" in lines[0]
    assert "Traceback" not in proc.stderr


def test_cli_missing_config_dir_is_exit_2(tmp_path: Path) -> None:
    proc = run_cli("--config", str(tmp_path / "nope"), "status")
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_shipped_config_is_valid_and_has_twenty_enabled_outlets() -> None:
    cfg = load_config(ROOT / "config", "sqlite://", env={})
    enabled = [s for s in cfg.sources if s.enabled]
    assert len(enabled) >= 20
    assert {s.kind for s in cfg.sources} >= {"rss", "sitemap", "listing"}


def test_reference_alerts_file_documents_every_channel_kind_and_parses() -> None:
    from alerts import parse_channels
    from monitor.config import read_yaml

    env = {"DEFWATCH_SMTP_URL": "smtp://u:p@127.0.0.1:25",
           "DEFWATCH_SLACK_WEBHOOK": "https://hooks.slack.com/services/T/B/X",
           "DEFWATCH_HOOK_TOKEN": "token"}
    data = read_yaml(ROOT / "config" / "examples" / "alerts.full.yaml", env, required=True)
    channels = parse_channels(data, "alerts.full.yaml")
    assert {c.kind for c in channels} == {"email", "slack", "webhook", "console"}


def test_a_broken_gazetteer_is_a_config_error_naming_the_setting(tmp_path: Path) -> None:
    from dataclasses import replace

    from monitor.matches import extractor_for

    gaz = tmp_path / "gaz"
    gaz.mkdir()
    (gaz / "officials.yaml").write_text("officials: [unclosed\n")
    cfg = load_config(write(tmp_path / "c"), "sqlite://", env={})
    watch = cfg.watch.model_copy(update={"extract": cfg.watch.extract.model_copy(
        update={"gazetteer_dir": str(gaz), "model": "blank"})})
    with pytest.raises(ConfigError, match="extract.gazetteer_dir"):
        extractor_for(replace(cfg, watch=watch))
