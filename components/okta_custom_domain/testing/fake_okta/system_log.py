"""The org's System Log: custom-domain events, and ``GET /api/v1/logs`` with its filters and paging.

Pipelines poll this log to explain a failed verification, so the fake keeps Okta's quirks:
``since``/``until`` windows, ``filter`` clauses, ``q`` keywords, ``limit`` 0 to 1000,
``sortOrder``, a polling request (no ``until``) that always gets a ``next`` link, and a reason
on every failed event.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from okta_custom_domain.testing.fake_okta.common import ApiError, Org, iso, one
from okta_custom_domain.testing.fake_okta.users import ADMIN_LOGIN, ADMIN_USER_ID

CUSTOM_DOMAIN_EVENTS = (
    "system.custom_url_domain.initiate",
    "system.custom_url_domain.verify",
    "system.custom_url_domain.cert_upload",
    "system.custom_url_domain.delete",
)

Matcher = Callable[[dict[str, Any]], bool]


class SystemLog:
    """Events in the order they happened; ``_ts`` (epoch seconds) is kept for the time window."""

    def __init__(self, org: Org, lock: threading.RLock) -> None:
        self._org = org
        self._lock = lock
        self._events: list[dict[str, Any]] = []

    def record(
        self, action: str, target_id: str, target_name: str, result: str, reason: str | None
    ) -> None:
        """Log ``system.custom_url_domain.<action>`` on a domain, as the admin did it."""
        now = self._org.now()
        if result != "SUCCESS" and not reason:
            reason = f"custom domain {action} failed"  # Okta always says why a failure failed
        target = {"id": target_id, "type": "Domain", "alternateId": target_name}
        with self._lock:
            self._events.append(
                {
                    "uuid": secrets.token_hex(16),
                    "published": iso(now),
                    "eventType": f"system.custom_url_domain.{action}",
                    "displayMessage": f"Custom domain {action}",
                    "severity": "INFO" if result == "SUCCESS" else "WARN",
                    "outcome": {"result": result, "reason": reason},
                    "actor": {"id": ADMIN_USER_ID, "type": "User", "alternateId": ADMIN_LOGIN},
                    "target": [{**target, "displayName": target_name}],
                    "_ts": now,
                }
            )

    def events(self) -> list[dict[str, Any]]:
        """A deep copy of every event (with ``_ts``)."""
        with self._lock:
            return [json.loads(json.dumps(e)) for e in self._events]

    def page(self, query: dict[str, list[str]]) -> tuple[list[dict[str, Any]], str | None]:
        """The events a ``GET /api/v1/logs`` query selects, and the query of its next page."""
        now = self._org.now()
        since = parse_time(one(query, "since"), default=now - 7 * 86400)
        until_text = one(query, "until")
        until = parse_time(until_text, default=now)
        limit = page_limit(one(query, "limit"))
        after = int(one(query, "after") or "0")
        matcher = log_filter(one(query, "filter"))
        words = keywords(one(query, "q"))
        with self._lock:
            selected = [
                e
                for e in self._events
                if since <= e["_ts"] <= until and matcher(e) and _has_words(e, words)
            ]
        if (one(query, "sortOrder") or "ASCENDING").upper() == "DESCENDING":
            selected.reverse()
        page = selected[after : after + limit]
        next_query: str | None = None
        # Like Okta: a polling request (no `until`) always carries a next link.
        if after + limit < len(selected) or until_text is None:
            params = {k: v[0] for k, v in query.items() if k != "after"}
            params["after"] = str(after + len(page))
            next_query = urlencode(params)
        return [{k: v for k, v in e.items() if k != "_ts"} for e in page], next_query


def page_limit(text: str | None) -> int:
    """``limit``: an integer from 0 to 1000 (the spec's range; 0 is an empty page), default 100.

    Above 1000 Okta answers at most 1000; a negative or non-integer value is 400 E0000001.
    """
    try:
        limit = int(text) if text else 100
    except ValueError:
        limit = -1
    if limit < 0:
        raise ApiError(
            400, "E0000001", "Api validation failed: limit", ("limit: an integer 0 to 1000",)
        )
    return min(limit, 1000)


def keywords(text: str | None) -> list[str]:
    """``q``: up to 10 case-insensitive keywords of at most 40 characters each."""
    words = (text or "").lower().split()
    if len(words) > 10 or any(len(w) > 40 for w in words):
        raise ApiError(
            400,
            "E0000001",
            "Api validation failed: q",
            ("q: at most 10 keywords of at most 40 characters each",),
        )
    return words


def _has_words(event: dict[str, Any], words: list[str]) -> bool:
    """Whether every keyword occurs (case-insensitively) somewhere in the event."""
    text = json.dumps({k: v for k, v in event.items() if k != "_ts"}).lower()
    return all(w in text for w in words)


def parse_time(text: str | None, *, default: float) -> float:
    """An ISO 8601 ``since``/``until`` as epoch seconds; 400 E0000001 when it is not one."""
    if not text:
        return default
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ApiError(
            400,
            "E0000001",
            "Api validation failed: since/until",
            (f"{text!r} is not an ISO 8601 time",),
        ) from None


_CLAUSE = re.compile(r'^\s*\(?\s*([A-Za-z_.]+)\s+(eq|sw|co)\s+"([^"]*)"\s*\)?\s*$')


def log_filter(expression: str | None) -> Matcher:
    """A matcher for Okta filter clauses ``field eq|sw|co "value"`` joined by ``or``/``and``."""
    if not expression:
        return lambda _event: True
    alternatives = []
    for group in re.split(r"\s+or\s+", expression):
        tests = [_clause_matcher(part) for part in re.split(r"\s+and\s+", group)]
        alternatives.append(tests)
    return lambda event: any(all(t(event) for t in tests) for tests in alternatives)


def _clause_matcher(text: str) -> Matcher:
    """One ``field op "value"`` clause; 400 E0000031 for anything else."""
    match = _CLAUSE.match(text)
    if match is None:
        raise ApiError(
            400,
            "E0000031",
            "Invalid search criteria.",
            (f"unsupported filter clause {text.strip()!r}",),
        )
    path, op, value = match.groups()

    def test(event: dict[str, Any]) -> bool:
        current: Any = event
        for key in path.split("."):
            current = current.get(key) if isinstance(current, dict) else None
        if not isinstance(current, str):
            return False
        if op == "eq":
            return current == value
        if op == "sw":
            return current.startswith(value)
        return value in current

    return test
