"""Stack locks left by killed runs: read as the CLI writes them, cleared only when the run is gone.

The lock files are written in the format of ``pkg/backend/diy/lock.go`` (Go's ``time.Time``
JSON: RFC 3339 with nanoseconds), at the path the CLI uses for a project-scoped stack. The
"holder" is a real process (``sleep``) that the test starts and kills.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from okta_custom_domain.fleet.killed_runs import (
    StackLock,
    backend_root,
    clear_gone_locks,
    holder_running,
    read_lock,
    why_gone,
)
from okta_custom_domain.parsers import InputError, duration

PROJECT, STACK = "okta-custom-domain", "tenant-t00"
HOST = socket.gethostname()


def go_time(moment: datetime) -> str:
    """``time.Time`` as Go's encoding/json writes it (nanoseconds, numeric offset)."""
    local = moment.astimezone(UTC)
    return local.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123+00:00"


def write_lock(root: Path, pid: int, created: datetime, host: str = HOST, name: str = "a") -> Path:
    directory = root / ".pulumi" / "locks" / "organization" / PROJECT / STACK
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(
        {"pid": pid, "username": "ci", "hostname": host, "timestamp": go_time(created)}
    ))  # fmt: skip
    return path


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def lock(pid: int, created: datetime, host: str = HOST) -> StackLock:
    return StackLock(Path("x.json"), pid, "ci", host, created)


def test_a_lock_file_in_the_clis_format_is_read(tmp_path: Path) -> None:
    created = datetime(2026, 12, 6, 18, 23, 48, 123456, tzinfo=UTC)
    read = read_lock(write_lock(tmp_path, 4242, created))
    assert read is not None
    assert (read.pid, read.username, read.hostname) == (4242, "ci", HOST)
    assert read.created == created


def test_a_file_that_is_not_a_lock_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json")
    assert read_lock(path) is None
    path.write_text(json.dumps({"pid": "many"}))
    assert read_lock(path) is None


def test_only_file_backends_are_read(tmp_path: Path) -> None:
    assert backend_root(f"file://{tmp_path}") == tmp_path.resolve()
    assert backend_root("file://~") == Path.home().resolve()
    for other in ("s3://bucket", "https://api.pulumi.com", "", None):
        assert backend_root(other) is None


def test_the_holder_runs_only_while_its_process_lives() -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        time.sleep(0.1)
        held = lock(sleeper.pid, datetime.now(UTC))
        assert holder_running(held)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert not holder_running(held)


def test_a_pid_reused_by_a_later_process_is_not_the_holder() -> None:
    """Our own pid, but the lock was written before this process started."""
    assert not holder_running(lock(os.getpid(), datetime(2000, 1, 1, tzinfo=UTC)))
    assert holder_running(lock(os.getpid(), datetime.now(UTC)))


def test_why_gone_same_host_dead_pid_other_host_and_age() -> None:
    now = datetime.now(UTC)
    fresh = now - timedelta(minutes=5)
    assert why_gone(lock(1, fresh), now=now, stale_after=None, hostname=HOST,
                    running=lambda _: False) == f"pid 1 no longer runs on {HOST}"  # fmt: skip
    assert why_gone(lock(1, fresh), now=now, stale_after=None, hostname=HOST,
                    running=lambda _: True) is None  # fmt: skip
    elsewhere = lock(1, fresh, host="runner-7")
    assert why_gone(elsewhere, now=now, stale_after=None, hostname=HOST) is None
    assert why_gone(elsewhere, now=now, stale_after=3600, hostname=HOST) is None
    old = lock(1, now - timedelta(hours=3), host="runner-7")
    reason = why_gone(old, now=now, stale_after=7200, hostname=HOST)
    assert reason == "it is 3.0 h old, past --stale-lock-after 2.0 h"


def test_clear_deletes_only_the_locks_of_runs_that_are_gone(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    gone = write_lock(tmp_path, dead_pid(), now, name="gone")
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        time.sleep(0.1)
        live = write_lock(tmp_path, sleeper.pid, datetime.now(UTC), name="live")
        other = write_lock(tmp_path, 77, now - timedelta(minutes=10), "runner-7", name="other")
        check = clear_gone_locks(f"file://{tmp_path}", PROJECT, STACK)
        assert not gone.exists()
        assert live.exists() and other.exists()
        assert len(check.cleared) == 1 and "no longer runs" in check.cleared[0]
        assert "up --refresh" in check.cleared[0]
        assert len(check.kept) == 2
        assert all("--stale-lock-after" in line for line in check.kept)

        older = clear_gone_locks(f"file://{tmp_path}", PROJECT, STACK, stale_after=300)
        assert not other.exists() and live.exists()
        assert len(older.cleared) == 1 and "past --stale-lock-after" in older.cleared[0]
    finally:
        sleeper.kill()
        sleeper.wait()


def sidecar(root: Path, content: str) -> Path:
    path = root / ".pulumi" / "stacks" / PROJECT / f"{STACK}.json.attrs"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


def test_an_empty_checkpoint_sidecar_is_removed_once_no_run_holds_the_stack(
    tmp_path: Path,
) -> None:
    torn = sidecar(tmp_path, "")
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        time.sleep(0.1)
        live = write_lock(tmp_path, sleeper.pid, datetime.now(UTC), name="live")
        clear_gone_locks(f"file://{tmp_path}", PROJECT, STACK)
        assert torn.exists(), "a run may be writing it"
        live.unlink()
    finally:
        sleeper.kill()
        sleeper.wait()
    write_lock(tmp_path, dead_pid(), datetime.now(UTC), name="gone")
    check = clear_gone_locks(f"file://{tmp_path}", PROJECT, STACK)
    assert not torn.exists()
    assert check.cleared[-1] == (
        f"{STACK}: removed {STACK}.json.attrs, left empty by a killed checkpoint write "
        "(the checkpoint itself is whole)"
    )


def test_a_whole_sidecar_is_never_touched(tmp_path: Path) -> None:
    whole = sidecar(tmp_path, '{"user.content_type":"application/octet-stream"}')
    write_lock(tmp_path, dead_pid(), datetime.now(UTC), name="gone")
    clear_gone_locks(f"file://{tmp_path}", PROJECT, STACK)
    assert whole.read_text().startswith("{")


def test_a_backend_that_is_not_a_directory_is_left_to_pulumi_cancel() -> None:
    check = clear_gone_locks("s3://bucket/state", PROJECT, STACK, stale_after=1)
    assert check.cleared == [] and check.kept == []


@pytest.mark.parametrize(
    ("text", "seconds"), [("2h", 7200.0), ("90m", 5400.0), ("45s", 45.0), ("1d", 86400.0),
                          ("600", 600.0), ("1.5h", 5400.0)],
)  # fmt: skip
def test_durations(text: str, seconds: float) -> None:
    assert duration(text, "--stale-lock-after") == seconds


@pytest.mark.parametrize("text", ["2 hours", "h", "-1h", "0"])
def test_bad_durations_name_the_flag(text: str) -> None:
    with pytest.raises(InputError) as caught:
        duration(text, "--stale-lock-after")
    assert caught.value.field == "--stale-lock-after"
