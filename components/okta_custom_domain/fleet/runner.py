"""Run jobs over stacks, at most ``parallel`` at a time, one worker process each.

Threads only wait here (on a worker's output pipe); the work happens in the worker processes
(see ``worker`` for why processes). Each event a worker prints is handed to ``on_event`` as it
arrives, so the progress display is live.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from okta_custom_domain.fleet.protocol import FAILED, Job, StackResult, parse_event

OnEvent = Callable[[str, dict[str, Any]], None]
"""Called with the stack name and each event (``start``, ``phase``, ``line``, ``done``)."""

WORKER = [sys.executable, "-u", "-m", "okta_custom_domain.fleet.worker"]


def _crashed(job: Job, started: float, last_lines: Sequence[str], code: int) -> StackResult:
    """The result of a worker that ended without reporting one (killed, or a crash)."""
    reason = next((line for line in reversed(last_lines) if line.strip()), "no output")
    now = time.time()
    return StackResult(
        job.stack, job.operation, [str(t.get("name")) for t in job.tenants or []], FAILED,
        round(now - started, 1), started_at=started, finished_at=now,
        error=f"worker exited with {code}: {reason.strip()}",
    )  # fmt: skip


def run_one(job: Job, env: Mapping[str, str], on_event: OnEvent) -> StackResult:
    """Start a worker for ``job``, relay its events, return its result."""
    started = time.time()
    on_event(job.stack, {"event": "start", "at": started})
    worker = subprocess.Popen(
        WORKER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env=dict(env), text=True, bufsize=1,
    )  # fmt: skip
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(job.to_json())
    worker.stdin.close()
    result: StackResult | None = None
    tail: list[str] = []
    for line in worker.stdout:
        parsed = parse_event(line)
        if parsed["event"] == "done":
            result = StackResult.from_dict(parsed["result"])
            continue
        if parsed["event"] == "line":
            tail = [*tail[-4:], str(parsed.get("text", ""))]
        on_event(job.stack, parsed)
    code = worker.wait()
    if result is None:
        result = _crashed(job, started, tail, code)
    else:  # the time a person waits: from the worker's start, its imports included
        result.started_at, result.duration = started, round(result.finished_at - started, 1)
    on_event(job.stack, {"event": "done", "result": result.to_dict()})
    return result


def run_all(
    jobs: Sequence[Job], parallel: int, env: Mapping[str, str], on_event: OnEvent
) -> list[StackResult]:
    """Every job, ``parallel`` at a time; results in the order of ``jobs``."""
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        futures = [pool.submit(run_one, job, env, on_event) for job in jobs]
        return [future.result() for future in futures]
