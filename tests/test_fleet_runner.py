"""The runner's lanes: workers reused across jobs, a crash kept to its job, Ctrl-C stops them.

A stand-in worker speaks the worker protocol (a job per stdin line, events and ``done`` on
stdout) and reports its process id as a status, so a test sees which process ran each job.
The real worker, its stacks and the real CLI are exercised by tests/engine/test_engine_fleet.py.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain.fleet import runner
from okta_custom_domain.fleet.protocol import Job, StackResult

FAKE_WORKER = """
import json, os, signal, sys, time
for line in sys.stdin:
    job = json.loads(line)
    print(json.dumps({"event": "phase", "text": job["operation"]}), flush=True)
    if job["stack"] == "boom":
        print("Traceback: the program crashed", flush=True)
        sys.exit(3)
    if job["stack"] == "interrupted":
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
    now = time.time()
    result = {"stack": job["stack"], "operation": job["operation"], "tenants": [],
              "result": "succeeded", "duration": 0.0, "started_at": now, "finished_at": now,
              "statuses": {"pid": str(os.getpid())}}
    print(json.dumps({"event": "done", "result": result}), flush=True)
"""


@pytest.fixture
def fake_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "fake_worker.py"
    script.write_text(FAKE_WORKER)
    monkeypatch.setattr(runner, "WORKER", [sys.executable, "-u", str(script)])


def job(stack: str, tmp_path: Path) -> Job:
    return Job(stack=stack, operation="up", stack_dir=str(tmp_path), log_path=str(tmp_path / stack))


def run(stacks: list[str], parallel: int, tmp_path: Path) -> tuple[list[StackResult], list[Any]]:
    events: list[Any] = []
    jobs = [job(stack, tmp_path) for stack in stacks]
    results = runner.run_all(jobs, parallel, {"PATH": "/usr/bin:/bin"}, lambda s, e: events.append((s, e)))
    return results, events


@pytest.mark.usefixtures("fake_worker")
def test_each_lane_reuses_one_worker_for_its_jobs(tmp_path: Path) -> None:
    results, events = run(["a", "b", "c", "d", "e"], 2, tmp_path)
    assert [r.stack for r in results] == ["a", "b", "c", "d", "e"]
    assert all(r.ok for r in results)
    assert len({r.statuses["pid"] for r in results}) == 2, "two lanes, two worker processes"
    assert [e["event"] for s, e in events if s == "c"] == ["start", "phase", "done"]


@pytest.mark.usefixtures("fake_worker")
def test_a_crashing_worker_fails_its_job_alone_and_the_next_job_gets_a_fresh_one(
    tmp_path: Path,
) -> None:
    results, _ = run(["a", "boom", "c"], 1, tmp_path)
    assert [(r.stack, r.result) for r in results] == [
        ("a", "succeeded"), ("boom", "failed"), ("c", "succeeded"),
    ]  # fmt: skip
    assert results[1].error == "worker exited with 3: Traceback: the program crashed"
    assert results[0].statuses["pid"] != results[2].statuses["pid"]


@pytest.mark.usefixtures("fake_worker")
def test_after_ctrl_c_no_lane_starts_another_job(tmp_path: Path) -> None:
    results, events = run(["a", "interrupted", "c", "d"], 1, tmp_path)
    assert [(r.stack, r.result) for r in results] == [
        ("a", "succeeded"), ("interrupted", "failed"), ("c", "failed"), ("d", "failed"),
    ]  # fmt: skip
    assert results[2].error == "not started: the run was interrupted (Ctrl-C)"
    assert not [e for s, e in events if s in ("c", "d")], "c and d never started"
