"""Exceptions of the alerts package: one root, one class per thing a caller decides on."""

from __future__ import annotations

__all__ = ["AlertError", "ChannelConfigError", "DeliveryError"]


class AlertError(Exception):
    """Root of every error raised by ``alerts``."""


class ChannelConfigError(AlertError):
    """The channel configuration is invalid; the message is one line naming file, key and problem."""

    def __init__(self, filename: str, path: str, problem: str) -> None:
        self.filename = filename
        self.path = path
        self.problem = problem
        where = f"{filename}: {path}" if path else filename
        super().__init__(f"{where}: {problem}")


class DeliveryError(AlertError):
    """A channel could not deliver an alert.

    Args:
        channel: the channel name from the config.
        reason: one line for the operator; never contains a secret (password, webhook URL).
        retryable: True when sending the same alert later may succeed (timeouts, 4xx SMTP
            replies, HTTP 429/5xx); False when it will fail again until someone changes
            something (5xx SMTP replies, HTTP 400/403/404/410).
        retry_after: seconds the peer asked us to wait (HTTP ``Retry-After``), if it did.
    """

    def __init__(
        self, channel: str, reason: str, retryable: bool, retry_after: float | None = None
    ) -> None:
        self.channel = channel
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(f"{channel}: {reason}")

    def __repr__(self) -> str:
        return (
            f"DeliveryError(channel={self.channel!r}, reason={self.reason!r}, "
            f"retryable={self.retryable!r}, retry_after={self.retry_after!r})"
        )
