"""Faults a test asks for: the next N matching requests get a 429, a 5xx, or a slow answer.

Clients must survive Okta's rate limits and outages; a queue of counted faults, matched by path
prefix, lets a test script exactly which requests fail.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class Fault:
    """``remaining`` more requests under ``path_prefix`` get this fault."""

    kind: str  # "rate_limit" | "server_error" | "delay"
    remaining: int
    path_prefix: str
    status: int = 500
    reset_after: int = 2
    limit: int = 600
    seconds: float = 0.0


class Faults:
    """The pending faults, first added first served."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._pending.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take(self, path: str) -> Fault | None:
        """The fault for a request to ``path``, counted down (and dropped when spent)."""
        with self._lock:
            for fault in self._pending:
                if fault.remaining > 0 and path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._pending.remove(fault)
                    return fault
        return None
