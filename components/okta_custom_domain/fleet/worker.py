"""Stack operations in a process of their own: ``python -m okta_custom_domain.fleet.worker``.

Why processes, not threads in the fleet's process. Measured: two inline programs on two
stacks in threads of one interpreter both reached COMPLETED (the SDK keeps its settings and
config in ContextVars since pulumi/pulumi#6052 was fixed). But not everything is per-context:
``pulumi.dynamic.serialize_provider`` swaps ``pickle.Pickler`` and wraps
``pickle._Pickler._batch_setitems`` for the whole interpreter on every dynamic resource, and
our ``pulumi_internals.unwrap_pickler`` peels those wrappers off; two programs doing that at
once race on the ``pickle`` module. A process also keeps a hung or crashing program (and its
memory) to its own lane, lets Ctrl-C act on the stacks running, and spreads the programs'
Python work over every core instead of one GIL.

A worker runs one job at a time and then the next one the runner sends (``runner``): its
imports and ``pulumi version`` (0.6 s) are paid once per worker, not once per stack. Each
job still has its own stack, project dir, state, log and result; a failing job becomes a
result and the worker goes on to the next.

Jobs arrive on stdin, one JSON line each (they hold secrets); events go to stdout as JSON
lines (``protocol``), each job's ending with ``done``. The program is
``okta_custom_domain.program.main``, the one ``__main__.py`` runs: the component stays the
only description of the graph. It runs as an inline program, so no ``pulumi-language-python``
host is needed; the dynamic-provider host comes with the CLI.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from pulumi import automation as auto

from okta_custom_domain.fleet.killed_runs import clear_gone_locks
from okta_custom_domain.fleet.project import PROJECT_NAME, pulumi_path
from okta_custom_domain.fleet.protocol import FAILED, SUCCEEDED, Job, StackResult, event
from okta_custom_domain.fleet.results import first_error_line
from okta_custom_domain.fleet.stack import FleetStack, FleetWorkspace
from okta_custom_domain.fleet.stack_config import write_tenants
from okta_custom_domain.program import main as program_main
from okta_custom_domain.pulumi_internals import StackInitMode

Emit = Callable[[str], None]


@functools.cache
def _command(pulumi: str) -> auto.PulumiCommand:
    """The CLI at ``pulumi`` (``PulumiCommand`` wants the directory above ``bin``); built once
    per worker, as building it runs ``pulumi version``."""
    path = Path(pulumi)
    if path.parent.name == "bin":
        return auto.PulumiCommand(root=str(path.parent.parent), skip_version_check=True)
    return auto.PulumiCommand(skip_version_check=True)


def open_stack(job: Job, pulumi: str, env: dict[str, str]) -> FleetStack:
    """The stack in its own project dir (created when the backend does not have it yet); its
    config written from its tenants."""
    workspace = FleetWorkspace(
        work_dir=job.stack_dir, program=program_main, pulumi_command=_command(pulumi),
        secrets_provider=job.secrets_provider,
    )  # fmt: skip
    stack: FleetStack | None = None
    if not job.exists:
        try:
            stack = FleetStack(job.stack, workspace, StackInitMode.CREATE)
        except auto.StackAlreadyExistsError:  # created since the fleet listed the backend
            stack = None
    stack = stack or FleetStack(job.stack, workspace, StackInitMode.SELECT)
    if job.tenants is not None:
        write_tenants(job.stack, job.tenants, pulumi, job.stack_dir, env)
    return stack


def _statuses(outputs: auto.OutputMap) -> dict[str, str]:
    """``domain -> validation_status`` from the program's exports (one per tenant)."""
    found: dict[str, str] = {}
    for value in outputs.values():
        if isinstance(value.value, dict):
            for domain, exported in value.value.items():
                if isinstance(exported, dict) and "validation_status" in exported:
                    found[domain] = str(exported["validation_status"])
    return found


def _counts(changes: Mapping[Any, int] | None) -> dict[str, int]:
    """``{OpType.CREATE: 5}`` (preview) or ``{"create": 5}`` (update) as ``{"create": 5}``."""
    return {str(getattr(op, "value", op)): count for op, count in (changes or {}).items()}


def clear_locks(stack: FleetStack, job: Job, env: Mapping[str, str], say: Emit) -> bool:
    """Clear the stack's locks left by runs that are gone (file backends); True if any was."""
    backend = env.get("PULUMI_BACKEND_URL") or stack.workspace.who_am_i().url
    check = clear_gone_locks(backend, PROJECT_NAME, job.stack, stale_after=job.stale_lock_after)
    for line in [*check.cleared, *check.kept]:
        say(line)
    return bool(check.cleared)


def operate(
    stack: FleetStack, job: Job, on_output: Emit, *, refresh: bool = False
) -> tuple[dict[str, int], dict[str, str]]:
    """Run the operation (refreshing first after a killed run); its change counts and, after
    ``up``, the domains' statuses."""
    kwargs: dict[str, Any] = {"on_output": on_output, "color": "never"}
    if refresh and job.operation != "refresh":
        kwargs["refresh"] = True
    if job.operation == "preview":
        return _counts(stack.preview(**kwargs).change_summary), {}
    kwargs["on_event"] = stack.recorder()
    if job.operation == "up":
        result = stack.up(**kwargs)
        return _counts(result.summary.resource_changes), _statuses(result.outputs)
    if job.operation == "refresh":
        return _counts(stack.refresh(**kwargs).summary.resource_changes), {}
    destroyed = stack.destroy(**kwargs)
    if job.remove:
        stack.workspace.remove_stack(job.stack)
    summary = destroyed.summary
    return _counts(summary.resource_changes if summary else None), {}


def run(job: Job, emit: Emit, log: TextIO) -> StackResult:
    """The whole job; a failure becomes a result (with its first error line), never a raise."""
    started = time.time()
    names = [str(t.get("name")) for t in job.tenants or []]
    result = StackResult(job.stack, job.operation, names, FAILED, 0.0, started_at=started)
    seen: list[str] = []

    def on_output(line: str) -> None:
        seen.append(line)
        log.write(line + "\n")
        emit(event("line", text=line))

    def note(line: str) -> None:
        log.write(line + "\n")
        emit(event("note", text=line))

    env = dict(os.environ)
    try:
        emit(event("phase", text="config" if job.tenants is not None else "opening"))
        stack = open_stack(job, pulumi_path(env), env)
        refresh = clear_locks(stack, job, env, note)
        emit(event("phase", text=job.operation))
        result.changes, result.statuses = operate(stack, job, on_output, refresh=refresh)
        result.result = SUCCEEDED
    except Exception as exc:  # the stack failed: say why in one line, the log has the rest
        text = str(exc) if isinstance(exc, auto.CommandError) else f"{type(exc).__name__}: {exc}"
        log.write(text + "\n")
        result.error = first_error_line(text) or first_error_line("\n".join(seen))
    result.finished_at = time.time()
    result.duration = round(result.finished_at - started, 1)
    return result


def main() -> int:
    """Run each job read from stdin, print its events and its result; exit 0 when stdin ends
    (each result says how its job went)."""

    def emit(line: str) -> None:
        print(line, flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        job = Job.from_json(line)
        with open(job.log_path, "w") as log:
            result = run(job, emit, log)
        emit(event("done", result=result.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
