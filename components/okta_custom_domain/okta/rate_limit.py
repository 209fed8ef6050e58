"""How long to wait before retrying Okta: rate-limit resets and exponential backoff.

Okta's ``X-Rate-Limit-Reset`` is in epoch seconds and must be compared with the response's
``Date``, not the local clock, which may be off.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

#: Margin added to the rate-limit reset: Date and Reset have one-second resolution.
RATE_LIMIT_MARGIN = 1.0
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0


def backoff_delay(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with jitter: half fixed, half random."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def rate_limit_wait(headers: Mapping[str, str], *, fallback_now: float) -> float:
    """Seconds to wait after a 429: ``X-Rate-Limit-Reset`` minus the response's ``Date``.

    The local clock is used only when Okta sent no ``Date``; the result is never negative.
    """
    reset_text = headers.get("X-Rate-Limit-Reset")
    try:
        reset = float(reset_text) if reset_text is not None else None
    except ValueError:
        reset = None
    if reset is None:
        return BACKOFF_CAP / 2
    now = fallback_now
    date_text = headers.get("Date")
    if date_text:
        try:
            now = parsedate_to_datetime(date_text).timestamp()
        except (TypeError, ValueError, IndexError):
            now = fallback_now
    return max(0.0, reset - now) + RATE_LIMIT_MARGIN


__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "RATE_LIMIT_MARGIN",
    "backoff_delay",
    "rate_limit_wait",
]
