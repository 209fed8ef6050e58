"""One stack operation in its own process: ``python -m okta_custom_domain.fleet.worker``.

Why a process per stack, not a thread per stack in the fleet's process. Measured: two inline
programs on two stacks in threads of one interpreter both reached COMPLETED (the SDK keeps its
settings and config in ContextVars since pulumi/pulumi#6052 was fixed). But not everything
is per-context: ``pulumi.dynamic.serialize_provider`` swaps ``pickle.Pickler`` and wraps
``pickle._Pickler._batch_setitems`` for the whole interpreter on every dynamic resource, and
our ``pulumi_internals.unwrap_pickler`` peels those wrappers off; two programs doing that at
once race on the ``pickle`` module. A process also keeps a hung or crashing program (and its
memory) to its own stack, lets Ctrl-C and ``--parallel`` act per stack, and spreads the
programs' Python work over every core instead of one GIL. The price: about 2 s of imports per
stack operation, of the 7 s a stack costs on top of its own work (``benchmarks/fleet.py``).

The job arrives on stdin (it holds secrets); events go to stdout as JSON lines (``protocol``).
The program is ``okta_custom_domain.program.main``, the one ``__main__.py`` runs: the
component stays the only description of the graph. It runs as an inline program, so no
``pulumi-language-python`` host is needed; the dynamic-provider host comes with the CLI.
"""

from __future__ import annotations

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
from okta_custom_domain.fleet.stack_config import write_tenants
from okta_custom_domain.program import main as program_main

Emit = Callable[[str], None]


def _command(pulumi: str) -> auto.PulumiCommand:
    """The CLI at ``pulumi`` (``PulumiCommand`` wants the directory above ``bin``)."""
    path = Path(pulumi)
    if path.parent.name == "bin":
        return auto.PulumiCommand(root=str(path.parent.parent), skip_version_check=True)
    return auto.PulumiCommand(skip_version_check=True)


def open_stack(job: Job, pulumi: str, env: dict[str, str]) -> auto.Stack:
    """Create or select the stack in its own project dir; write its config from its tenants."""
    opts = auto.LocalWorkspaceOptions(
        work_dir=job.stack_dir,
        pulumi_command=_command(pulumi),
        secrets_provider=job.secrets_provider,
    )
    stack = auto.create_or_select_stack(
        stack_name=job.stack, project_name=PROJECT_NAME, program=program_main, opts=opts
    )
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


def clear_locks(stack: auto.Stack, job: Job, env: Mapping[str, str], say: Emit) -> bool:
    """Clear the stack's locks left by runs that are gone (file backends); True if any was."""
    backend = env.get("PULUMI_BACKEND_URL") or stack.workspace.who_am_i().url
    check = clear_gone_locks(backend, PROJECT_NAME, job.stack, stale_after=job.stale_lock_after)
    for line in [*check.cleared, *check.kept]:
        say(line)
    return bool(check.cleared)


def operate(
    stack: auto.Stack, job: Job, on_output: Emit, *, refresh: bool = False
) -> tuple[dict[str, int], dict[str, str]]:
    """Run the operation (refreshing first after a killed run); its change counts and, after
    ``up``, the domains' statuses."""
    kwargs: dict[str, Any] = {"on_output": on_output, "color": "never"}
    if refresh and job.operation != "refresh":
        kwargs["refresh"] = True
    if job.operation == "preview":
        return _counts(stack.preview(**kwargs).change_summary), {}
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
    """Read the job, run it, print the events and the result; exit 0 (the result says how)."""
    job = Job.from_json(sys.stdin.read())

    def emit(line: str) -> None:
        print(line, flush=True)

    with open(job.log_path, "w") as log:
        result = run(job, emit, log)
    emit(event("done", result=result.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
