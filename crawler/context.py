"""State shared by all crawlers of one ``python -m crawler run`` process."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)


class JsonlWriter:
    """Append-only JSONL output. One process, one reactor thread: no locking needed."""

    def __init__(self, path: str | Path) -> None:
        self._file: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1

    def close(self) -> None:
        self._file.close()


@dataclass
class RunContext:
    """What every spider of the run needs besides its own Source.

    ``seen`` holds the canonical URLs already requested in this run, across sources, so one
    article listed by two feeds is fetched once.
    """

    writer: JsonlWriter
    known_urls: frozenset[str] = frozenset()
    feed_state: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)
