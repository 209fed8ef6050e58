"""What the runner sends a worker (a ``Job``, JSON on stdin) and what comes back (events,
JSON lines on stdout, the last one carrying the ``StackResult``).

stdin, not argv: a job holds the tenants' secrets, and a command line is readable by every
local user in ``/proc/PID/cmdline``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

OPERATIONS = ("preview", "up", "refresh", "destroy")
SUCCEEDED, FAILED = "succeeded", "failed"


@dataclass(frozen=True)
class Job:
    """One operation on one stack. ``tenants`` None: leave the stack's config alone (a pruned
    stack, whose tenants are no longer in the list; ``destroy`` needs only its state)."""

    stack: str
    operation: str
    stack_dir: str
    log_path: str
    tenants: list[dict[str, Any]] | None = None
    secrets_provider: str | None = None
    remove: bool = False
    """After a successful destroy, remove the stack and its config (``pulumi stack rm``)."""
    stale_lock_after: float | None = None
    """Seconds after which a lock is taken as left by a run that is gone (``locks``)."""
    exists: bool = False
    """The backend listed this stack when the run began: use it as it is (no ``stack init``)."""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Job:
        return cls(**json.loads(text))


@dataclass
class StackResult:
    """How one stack's operation ended, as the summary, ``--json`` and the results file show it."""

    stack: str
    operation: str
    tenants: list[str]
    result: str
    duration: float
    started_at: float = 0.0
    finished_at: float = 0.0
    changes: dict[str, int] = field(default_factory=dict)
    error: str = ""
    """The first line that says what went wrong; the whole output is in the stack's log."""
    statuses: dict[str, str] = field(default_factory=dict)
    """After ``up``: each domain's ``validation_status``."""
    pruned: bool = False

    @property
    def ok(self) -> bool:
        return self.result == SUCCEEDED

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StackResult:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def event(kind: str, **fields: Any) -> str:
    """One event line: ``phase`` (text), ``line`` (text: a line the CLI printed), ``note``
    (text: something the fleet did that a person must read, e.g. a cleared lock), ``done``."""
    return json.dumps({"event": kind, **fields})


def parse_event(line: str) -> dict[str, Any]:
    """An event; any other line the worker printed (a warning, a traceback) as a ``line``."""
    try:
        parsed = json.loads(line)
    except ValueError:
        return {"event": "line", "text": line.rstrip()}
    if not isinstance(parsed, dict) or "event" not in parsed:
        return {"event": "line", "text": line.rstrip()}
    return parsed
