"""What every part of the fake shares: the org settings it reads, its API error, Okta's formats.

The parts read the settings through ``Org`` on every call, so a test that changes an attribute
of ``FakeOkta`` (``domain_limit``, ``cname_target``, the clock) changes what every part does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Org(Protocol):
    """The settings of the fake org, as the parts see them (``FakeOkta`` is one)."""

    url: str
    org_name: str
    api_token: str
    cname_target: str
    dns_server: tuple[str, int] | None
    domain_limit: int
    completion_delay: float
    dns_timeout: float
    email_polling_window: float
    email_verify_delay: float

    @property
    def org_host(self) -> str: ...

    def now(self) -> float: ...


class ApiError(Exception):
    """An answer other than success: HTTP status, Okta error code, summary and causes."""

    def __init__(self, status: int, code: str, summary: str, causes: tuple[str, ...] = ()) -> None:
        super().__init__(summary)
        self.status = status
        self.code = code
        self.summary = summary
        self.causes = causes


def iso(ts: float) -> str:
    """``ts`` the way Okta writes times: UTC, milliseconds, ``Z``."""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def one(query: dict[str, list[str]], key: str) -> str | None:
    """The first value of ``key`` in a parsed query or form (None when absent)."""
    values = query.get(key)
    return values[0] if values else None
