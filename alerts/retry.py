"""Retry delays for monitor's outbox dispatcher; ``alerts`` itself never sleeps or retries."""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["backoff"]

BASE_SECONDS = 30.0
CAP_SECONDS = 6 * 3600.0


def backoff(
    attempt: int,
    *,
    retry_after: float | None = None,
    base: float = BASE_SECONDS,
    cap: float = CAP_SECONDS,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number ``attempt`` (1 = the first retry).

    Exponential (``base * 2**(attempt-1)``, capped at ``cap``) with "equal jitter": a random
    point in the upper half, so retries of many alerts spread out yet never come early.
    A peer's ``retry_after`` (HTTP ``Retry-After``) wins when it asks for longer, and is
    not capped: Slack may disable a webhook that keeps posting while rate-limited.

    Args:
        attempt: how many deliveries have failed so far (>= 1).
        retry_after: ``DeliveryError.retry_after``, if the peer sent one.
        rand: a [0, 1) source, injectable for tests.
    """
    if attempt < 1:
        raise ValueError("attempt counts failed deliveries and starts at 1")
    ceiling = min(cap, base * 2.0 ** min(attempt - 1, 60))
    delay = ceiling / 2 + rand() * ceiling / 2
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay
