"""Run jobs over stacks, at most ``parallel`` at a time, in worker processes reused across jobs.

``parallel`` lanes each keep one worker process and hand it jobs one after another, so a
worker's imports and its ``pulumi version`` are paid once per lane, not once per stack. Each
stack still has its own project dir, state, log and result, and one job runs in a worker at a
time (see ``worker`` for why processes). A worker that dies takes only its current job with
it: that job fails with the worker's last lines and the lane starts a fresh worker for the
next one. After Ctrl-C (the terminal interrupts the workers and their ``pulumi`` too) no lane
starts another job.

Threads only wait here (on a worker's output pipe). Each event a worker prints is handed to
``on_event`` as it arrives, so the progress display is live.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from okta_custom_domain.fleet.protocol import FAILED, Job, StackResult, parse_event

OnEvent = Callable[[str, dict[str, Any]], None]
"""Called with the stack name and each event (``start``, ``phase``, ``line``, ``done``)."""

WORKER = [sys.executable, "-u", "-m", "okta_custom_domain.fleet.worker"]
INTERRUPTED = (-signal.SIGINT, 128 + signal.SIGINT)
"""A worker's exit status after Ctrl-C (killed by SIGINT, or exited as a shell reports it)."""


def _not_started(job: Job) -> StackResult:
    """The result of a job no lane started because the run was interrupted."""
    now = time.time()
    return StackResult(
        job.stack, job.operation, [str(t.get("name")) for t in job.tenants or []], FAILED, 0.0,
        started_at=now, finished_at=now, error="not started: the run was interrupted (Ctrl-C)",
    )  # fmt: skip


def _crashed(job: Job, started: float, last_lines: Sequence[str], code: int) -> StackResult:
    """The result of a worker that ended without reporting one (killed, or a crash)."""
    reason = next((line for line in reversed(last_lines) if line.strip()), "no output")
    now = time.time()
    return StackResult(
        job.stack, job.operation, [str(t.get("name")) for t in job.tenants or []], FAILED,
        round(now - started, 1), started_at=started, finished_at=now,
        error=f"worker exited with {code}: {reason.strip()}",
    )  # fmt: skip


class Worker:
    """One worker process; jobs go in one JSON line each, events come back until ``done``."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            WORKER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=dict(env), text=True, bufsize=1,
        )  # fmt: skip
        self.tail: list[str] = []
        """The last lines the worker printed for its current job (the reason, if it dies)."""

    def run(self, job: Job, on_event: OnEvent) -> StackResult | None:
        """Send ``job``, relay its events; its result, or None when the worker died first."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(job.to_json() + "\n")
            self.process.stdin.flush()
        except OSError:
            return None
        self.tail = []
        for line in self.process.stdout:
            parsed = parse_event(line)
            if parsed["event"] == "done":
                return StackResult.from_dict(parsed["result"])
            if parsed["event"] == "line":
                self.tail = [*self.tail[-4:], str(parsed.get("text", ""))]
            on_event(job.stack, parsed)
        return None

    def close(self) -> int:
        """No more jobs: let the worker end; its exit status."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        return self.process.wait()


def run_one(job: Job, worker: Worker, on_event: OnEvent) -> tuple[StackResult, bool]:
    """``job`` on ``worker``: its result, and whether the worker is still alive."""
    started = time.time()
    on_event(job.stack, {"event": "start", "at": started})
    result = worker.run(job, on_event)
    alive = result is not None
    if result is None:
        result = _crashed(job, started, worker.tail, worker.close())
    else:  # the time a person waits for this stack, from when its job was sent
        result.started_at, result.duration = started, round(result.finished_at - started, 1)
    on_event(job.stack, {"event": "done", "result": result.to_dict()})
    return result, alive


class _Lanes:
    """The queue of jobs, the results by position, and the stop flag every lane reads."""

    def __init__(self, jobs: Sequence[Job], env: Mapping[str, str], on_event: OnEvent) -> None:
        self.queue = deque(enumerate(jobs))
        self.results: list[StackResult | None] = [None] * len(jobs)
        self.env, self.on_event = env, on_event
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def next_job(self) -> tuple[int, Job] | None:
        with self.lock:
            return None if self.stop.is_set() or not self.queue else self.queue.popleft()

    def lane(self) -> None:
        """Jobs one after another on one worker; a fresh worker after a crash."""
        worker: Worker | None = None
        try:
            while (taken := self.next_job()) is not None:
                index, job = taken
                worker = worker or Worker(self.env)
                self.results[index], alive = run_one(job, worker, self.on_event)
                if not alive:
                    if worker.process.returncode in INTERRUPTED:
                        self.stop.set()
                    worker = None
        finally:
            if worker is not None:
                worker.close()


def run_all(
    jobs: Sequence[Job], parallel: int, env: Mapping[str, str], on_event: OnEvent
) -> list[StackResult]:
    """Every job, ``parallel`` at a time; results in the order of ``jobs``."""
    if not jobs:
        return []
    lanes = _Lanes(jobs, env, on_event)
    count = max(1, min(parallel, len(jobs)))
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(lanes.lane) for _ in range(count)]
        try:
            for future in futures:
                future.result()
        except KeyboardInterrupt:
            lanes.stop.set()  # the running jobs end (their workers were interrupted too)
            raise
    return [result or _not_started(job) for result, job in zip(lanes.results, jobs, strict=True)]
