"""``fleet preview|up|refresh|destroy``: everything is checked, then the stacks run.

Order: the CLI is found, the tenants list is read and validated, placed into shards, the
shard selection (``--shard``, ``--only-failed``) is resolved, the project's stacks are listed
to find orphans; only then does any stack change. With ``--prune``, orphans are destroyed
first, so a tenant that moved to another stack has released its domain before it is created
again (Okta refuses a second domain of the same name).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live

from okta_custom_domain.fleet import placement, results, source
from okta_custom_domain.fleet.orphans import existing_stacks, orphaned
from okta_custom_domain.fleet.placement import Shard
from okta_custom_domain.fleet.project import FleetProject, pulumi_path
from okta_custom_domain.fleet.protocol import Job, StackResult
from okta_custom_domain.fleet.render import Progress, document, exit_code, print_json, summary
from okta_custom_domain.fleet.runner import run_all


class UsageError(ValueError):
    """Flags that do not go together; the message names them and the fix."""


@dataclass(frozen=True)
class FleetOptions:
    """The parsed command line (``cli/fleet.py``)."""

    operation: str
    project: FleetProject
    tenants_file: Path | None = None
    from_stack: str | None = None
    from_stack_dir: Path = Path(".")
    shards: int | None = None
    shard: int | None = None
    parallel: int = 4
    only_failed: bool = False
    prune: bool = False
    remove: bool = False
    json: bool = False
    stale_lock_after: float | None = None


def check_flags(options: FleetOptions) -> None:
    """Combinations refused before anything runs."""
    if (options.tenants_file is None) == (options.from_stack is None):
        raise UsageError("give the tenants list: --tenants FILE or --from-stack STACK (one)")
    if options.parallel < 1:
        raise UsageError(f"--parallel {options.parallel}: give 1 or more stacks at a time")
    if options.prune and options.operation not in ("up", "destroy"):
        raise UsageError(f"--prune destroys orphaned stacks: use it with up or destroy, "
                         f"not {options.operation}")  # fmt: skip
    if options.prune and options.shard is not None:
        raise UsageError("--prune with --shard: prune from one place (a run without --shard), "
                         "not from every CI job")  # fmt: skip
    if options.remove and options.operation != "destroy":
        raise UsageError("--remove deletes a stack after its destroy: use it with destroy")


def load_tenants(options: FleetOptions, env: dict[str, str]) -> list[dict[str, Any]]:
    """The validated tenants list, from the file (no CLI needed) or the stack."""
    if options.tenants_file is not None:
        return source.from_file(options.tenants_file)
    assert options.from_stack is not None
    return source.from_stack(options.from_stack, pulumi_path(env), options.from_stack_dir, env)


def selected_shards(options: FleetOptions, shards: Sequence[Shard]) -> list[Shard]:
    """``--shard`` and ``--only-failed`` applied (both may be given: the intersection)."""
    chosen = placement.select(shards, options.shard)
    if options.only_failed:
        failed = results.failed_stacks(options.project.results_path)
        chosen = [shard for shard in chosen if shard.stack in failed]
    return chosen


def _job(
    options: FleetOptions, stack: str, operation: str, tenants: Any, remove: bool, exists: bool
) -> Job:
    project = options.project
    return Job(
        stack=stack, operation=operation, stack_dir=str(project.stack_dir(stack)),
        log_path=str(project.log_path(stack)), tenants=tenants,
        secrets_provider=project.secrets_provider, remove=remove, exists=exists,
        stale_lock_after=options.stale_lock_after,
    )  # fmt: skip


def build_jobs(
    options: FleetOptions,
    chosen: Sequence[Shard],
    orphans: Sequence[str],
    existing: Collection[str] = (),
) -> tuple[list[Job], list[Job]]:
    """The prune jobs (destroy + remove of each orphan, with ``--prune``) and the main jobs;
    ``existing``: the stacks the backend listed (no ``stack init`` for those)."""
    listed = {name.rsplit("/", 1)[-1] for name in existing}
    prune = (
        [_job(options, s, "destroy", None, True, True) for s in orphans] if options.prune else []
    )
    main = [
        _job(options, s.stack, options.operation, [dict(t) for t in s.tenants], options.remove,
             s.stack.rsplit("/", 1)[-1] in listed)
        for s in chosen
    ]  # fmt: skip
    return prune, main


def execute(
    options: FleetOptions, jobs: tuple[list[Job], list[Job]], progress: Progress
) -> list[StackResult]:
    """Prune jobs first, then the main jobs, each batch ``--parallel`` at a time."""
    env = options.project.environment()
    for job in [*jobs[0], *jobs[1]]:
        progress.add(job.stack, [str(t.get("name")) for t in job.tenants or []])
    live = Live(progress.table(), console=progress.console, refresh_per_second=4)
    use_live = progress.console.is_terminal and not options.json
    with live if use_live else nullcontext():
        progress.live = live if use_live else None
        pruned = run_all(jobs[0], options.parallel, env, progress)
        for result in pruned:
            result.pruned = True
        ran = run_all(jobs[1], options.parallel, env, progress)
        progress.live = None
    return [*pruned, *ran]


def run_fleet(options: FleetOptions, out: Console, err: Console) -> int:
    """Exit 0 when every stack succeeded, 1 when any failed; raises on bad input first."""
    check_flags(options)
    env = options.project.environment()
    shards = placement.place(load_tenants(options, env), options.shards)
    chosen = selected_shards(options, shards)
    placed = [shard.stack for shard in shards if shard.tenants]
    existing = existing_stacks(options.project, pulumi_path(env), env)
    orphans = orphaned(existing, placed)
    jobs = build_jobs(options, chosen, orphans, existing)
    if options.only_failed and not chosen:
        (err if options.json else out).print("--only-failed: no stack failed last time")
    progress = Progress(err if options.json else out)
    done = execute(options, jobs, progress)
    results.save(options.project.results_path, done)
    left = [s for s in orphans if not any(r.pruned and r.ok and r.stack == s for r in done)]
    if options.json:
        print_json(document(options.operation, options.parallel, done, left,
                            str(options.project.results_path)))  # fmt: skip
    else:
        out.print(summary(done, left))
        out.print(f"logs: {options.project.work_dir / 'logs'}; "
                  f"results: {options.project.results_path}")  # fmt: skip
    return exit_code(done)
