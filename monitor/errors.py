"""Exception hierarchy of the monitor package: one root, a message and an optional cause."""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "ConfigError",
    "ExtractionError",
    "MonitorError",
    "UsageError",
]


class MonitorError(Exception):
    """Root of every error `monitor` raises on purpose.

    Args:
        message: one line saying what went wrong and where; newlines are folded into spaces
            so the CLI can always print it as a single line.
        cause: the lower-level exception, if any (also chained as ``__cause__``).
    """

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        self.message = " ".join(str(message).split())
        self.cause = cause
        super().__init__(self.message)
        if cause is not None:
            self.__cause__ = cause

    def __str__(self) -> str:
        return self.message


class ConfigError(MonitorError):
    """A configuration file or environment value is invalid."""


class UsageError(MonitorError):
    """The user asked for something impossible (bad option, unknown id, ...)."""


class ArchiveError(MonitorError):
    """The archive cannot be opened, is busy, full, too new, or a query failed."""


class ExtractionError(MonitorError):
    """Text or event extraction could not run on an input."""
