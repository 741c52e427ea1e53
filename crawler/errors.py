"""Exceptions raised by the crawler package.

User-fixable problems carry a one-line message meant to be printed as is.
"""

from __future__ import annotations

__all__ = ["CrawlerError", "JobError", "SourcesError"]


class CrawlerError(Exception):
    """Base for all errors the crawler package raises on purpose."""

    def __init__(self, message: str) -> None:
        # One line always: the CLI prints str(exc) and monitor stores it.
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return str(self.args[0])


class SourcesError(CrawlerError):
    """A sources file (or already-parsed sources data) is invalid."""


class JobError(CrawlerError):
    """A job file given to ``python -m crawler run`` cannot be used."""
