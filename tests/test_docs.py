"""The README and the commented example configs are the reference: they must not fall behind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from typer.main import get_command

from alerts.config import (
    ConsoleChannelConfig,
    EmailChannelConfig,
    SlackChannelConfig,
    WebhookChannelConfig,
)
from crawler.sources import Source
from monitor.cli import app
from monitor.config import WatchSettings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: Any, prefix: str = "") -> list[str]:
    found = []
    for name, sub in group.commands.items():
        found.append(prefix + name)
        if hasattr(sub, "commands"):
            found += commands(sub, prefix + name + " ")
    return found


def test_every_cli_command_is_in_the_readme() -> None:
    block = README[README.index("defwatch [--config DIR]"):]
    block = block[:block.index("```")]
    missing = []
    for path in commands(get_command(app)):
        if " " in path:  # a subcommand: named with its group somewhere in the README
            found = path in README
        else:  # a command: a line of its own in the command list
            found = re.search(rf"^\s+{path}\b", block, re.MULTILINE) is not None
        if not found:
            missing.append(path)
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_starts_with_demo_and_test() -> None:
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block


def keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += keys(ann, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def test_every_watch_setting_is_documented_in_watch_yaml() -> None:
    text = (ROOT / "config" / "watch.yaml").read_text()
    missing = [k for k in keys(WatchSettings) if not re.search(rf"\b{k.split('.')[-1]}\b", text)]
    assert not missing, f"watch.yaml does not document: {missing}"


def test_every_source_key_is_documented_in_sources_yaml() -> None:
    text = (ROOT / "config" / "sources.yaml").read_text()
    missing = [k for k in Source.model_fields if not re.search(rf"#\s+{k}\b", text)]
    assert not missing, f"sources.yaml header does not document: {missing}"


def test_every_channel_key_is_documented_in_the_reference_alerts_file() -> None:
    text = (ROOT / "config" / "examples" / "alerts.full.yaml").read_text()
    fields: set[str] = set()
    for model in (EmailChannelConfig, SlackChannelConfig, WebhookChannelConfig,
                  ConsoleChannelConfig):
        fields |= {f.alias or name for name, f in model.model_fields.items()}
    missing = sorted(k for k in fields if not re.search(rf"\b{k}:", text))
    assert not missing, f"alerts.full.yaml does not document: {missing}"
