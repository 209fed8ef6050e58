"""What a ``pulumi`` run killed mid-operation (SIGKILL, a CI timeout, a preempted VM) leaves
in a file backend, and clearing it only when that run is known to be gone.

**Its lock.** A file backend (``file://``, what ``pulumi login --local`` uses) keeps one lock
file per running operation under ``.pulumi/locks/organization/PROJECT/STACK/ID.json``
(``.pulumi/locks/STACK/`` for a backend made before projects), written by the CLI as JSON
(``pkg/backend/diy/lock.go``)::

    {"pid": 4242, "username": "ci", "hostname": "runner-7", "timestamp": "2026-12-06T18:23:48Z"}

A killed run leaves its file behind and every later operation fails with "the stack is
currently locked". ``pulumi cancel`` would delete EVERY lock of the stack, a live run's too;
here only a lock whose run is gone is deleted: written on this host by a pid that no longer
runs (or that now belongs to a process started after the lock was written), or older than a
bound the user gives (``--stale-lock-after``).

**A torn checkpoint sidecar.** The file backend (gocloud's fileblob) writes a checkpoint to a
temporary file and renames it, atomically, but writes its attributes sidecar
(``STACK.json.attrs``) in place first: a kill at that moment leaves it empty, and every later
operation fails with "failed to load checkpoint: EOF" (seen in 3 of 4 kills of the CLI right
after it recorded the Okta domain; the next checkpoint write was under way). The checkpoint
itself is intact; fileblob reads a missing sidecar as "no attributes", so an EMPTY one is
removed once no run holds the stack.

Other backends (S3, Azure Blob, GCS, Pulumi Cloud) are left to ``pulumi cancel``.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

FILE_SCHEME = "file"
#: Slack between a lock's timestamp and its process's start time (the CLI starts, then locks).
START_SLACK = timedelta(seconds=2)


@dataclass(frozen=True)
class StackLock:
    """One lock file and what the CLI wrote into it."""

    path: Path
    pid: int
    username: str
    hostname: str
    created: datetime

    def describe(self) -> str:
        return (
            f"pid {self.pid} on {self.hostname} (user {self.username}, "
            f"since {self.created.isoformat(timespec='seconds')})"
        )


def backend_root(backend_url: str | None) -> Path | None:
    """The directory of a ``file://`` backend (``~`` expanded as the CLI does); None otherwise."""
    if not backend_url:
        return None
    parsed = urlparse(backend_url)
    if parsed.scheme != FILE_SCHEME:
        return None
    path = unquote(parsed.netloc + parsed.path)
    return Path(os.path.expanduser(path)).resolve()


def lock_dirs(root: Path, project: str, stack: str) -> list[Path]:
    """Where the CLI puts the stack's locks: project-scoped, and the older unscoped layout."""
    locks = root / ".pulumi" / "locks"
    return [locks / "organization" / project / stack, locks / stack]


def read_lock(path: Path) -> StackLock | None:
    """The lock in ``path``; None when it is not one the CLI wrote (then it is left alone)."""
    try:
        data = json.loads(path.read_text())
        created = datetime.fromisoformat(str(data["timestamp"]).replace("Z", "+00:00"))
        pid = int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return StackLock(
        path, pid, str(data.get("username", "")), str(data.get("hostname", "")), created
    )


def stack_locks(root: Path, project: str, stack: str) -> list[StackLock]:
    """Every readable lock of the stack."""
    found = []
    for directory in lock_dirs(root, project, stack):
        for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
            lock = read_lock(path)
            if lock is not None:
                found.append(lock)
    return found


def _boot_time() -> datetime | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return datetime.fromtimestamp(int(line.split()[1]), UTC)
    except OSError:
        return None
    return None


def process_started(pid: int) -> datetime | None:
    """When process ``pid`` started (Linux ``/proc``); None when it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    boot = _boot_time()
    ticks = int(stat[stat.rindex(")") + 2 :].split()[19])  # field 22: starttime
    if boot is None:
        return datetime.fromtimestamp(0, UTC)  # exists, start unknown: count it as old
    return boot + timedelta(seconds=ticks / os.sysconf("SC_CLK_TCK"))


def holder_running(lock: StackLock) -> bool:
    """Whether the process that wrote ``lock`` still runs on this host: its pid exists and
    started before the lock was written (a pid reused since belongs to someone else)."""
    started = process_started(lock.pid)
    return started is not None and started <= lock.created + START_SLACK


def why_gone(
    lock: StackLock,
    *,
    now: datetime,
    stale_after: float | None,
    hostname: str,
    running: Callable[[StackLock], bool] = holder_running,
) -> str | None:
    """Why the run that holds ``lock`` is gone (the reason clearing it is safe), or None."""
    if lock.hostname == hostname and not running(lock):
        return f"pid {lock.pid} no longer runs on {hostname}"
    age = (now - lock.created).total_seconds()
    if stale_after is not None and age > stale_after:
        return f"it is {_age(age)} old, past --stale-lock-after {_age(stale_after)}"
    return None


def _age(seconds: float) -> str:
    if seconds >= 5400:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 90:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def torn_sidecars(root: Path, project: str, stack: str) -> list[Path]:
    """The stack's checkpoint sidecars left empty by a write that was killed."""
    found = []
    for directory in (root / ".pulumi" / "stacks" / project, root / ".pulumi" / "stacks"):
        for name in (f"{stack}.json.attrs", f"{stack}.json.gz.attrs"):
            path = directory / name
            if path.is_file() and path.stat().st_size == 0:
                found.append(path)
    return found


@dataclass(frozen=True)
class LockCheck:
    """What was done about the stack's locks: lines to show, and whether any was cleared."""

    cleared: list[str]
    kept: list[str]


def clear_gone_locks(
    backend_url: str | None,
    project: str,
    stack: str,
    *,
    stale_after: float | None = None,
    now: datetime | None = None,
    hostname: str | None = None,
) -> LockCheck:
    """Delete the stack's locks whose run is gone and then, when no run holds the stack, an
    empty checkpoint sidecar; say what was cleared and which locks were kept."""
    root = backend_root(backend_url)
    if root is None:
        return LockCheck([], [])
    now = now or datetime.now(UTC)
    host = hostname or socket.gethostname()
    cleared, kept = [], []
    for lock in stack_locks(root, project, stack):
        reason = why_gone(lock, now=now, stale_after=stale_after, hostname=host)
        if reason is None:
            kept.append(
                f"{stack}: locked by {lock.describe()}, which may still be running: left in "
                "place (if that run is gone, pass --stale-lock-after, or `pulumi cancel`)"
            )
            continue
        lock.path.unlink(missing_ok=True)
        cleared.append(
            f"{stack}: cleared the lock left by {lock.describe()}: {reason}; "
            "this run refreshes first (up --refresh)"
        )
    for sidecar in torn_sidecars(root, project, stack) if not kept else []:
        sidecar.unlink(missing_ok=True)
        cleared.append(
            f"{stack}: removed {sidecar.name}, left empty by a killed checkpoint write "
            "(the checkpoint itself is whole)"
        )
    return LockCheck(cleared, kept)


__all__ = [
    "LockCheck",
    "StackLock",
    "backend_root",
    "clear_gone_locks",
    "holder_running",
    "lock_dirs",
    "read_lock",
    "stack_locks",
    "torn_sidecars",
    "why_gone",
]
