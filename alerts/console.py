"""Console channel: prints each alert as a readable text block (demo and dry runs)."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from alerts import _format
from alerts.base import Alert
from alerts.config import ConsoleChannelConfig
from alerts.errors import DeliveryError

__all__ = ["ConsoleChannel"]

logger = logging.getLogger(__name__)

RULE = "─" * 72


class ConsoleChannel:
    """Writes the plain-text rendering (the email's text part) to ``stream``.

    ``stream`` defaults to ``sys.stdout`` as it is at send time, so redirections made after
    the channel was built still apply.
    """

    def __init__(self, cfg: ConsoleChannelConfig, stream: TextIO | None = None) -> None:
        self.cfg = cfg
        self.name = cfg.name
        self._stream = stream

    def send(self, alert: Alert) -> None:
        stream = self._stream or sys.stdout
        block = f"{RULE}\n{_format.render(alert, 'txt').rstrip()}\n{RULE}\n"
        try:
            stream.write(block)
            stream.flush()
        except (OSError, ValueError) as exc:  # closed pipe or closed file
            raise DeliveryError(
                self.name, f"cannot write to the console: {exc}", retryable=False
            ) from None
