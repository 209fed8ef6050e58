"""The fleet against the engine's own floor and against one stack, all measured in one run.

Each tenant has its own fake Okta org and one RFC 2136 domain (certificate delay 0), as in
``benchmarks/engine.py``. For N tenants (default 12), each figure from a fresh lab (new orgs,
new state):

- **floor**: the bare engine, per stack, through the Automation API: create the stack, set one
  config value, ``up`` an inline program that exports one value, read the outputs (N stacks,
  one after another; the mean).
- **direct**: the same lifecycle with our program and one tenant per stack, driven by the
  Automation API with nothing of the fleet (N stacks, one after another; the mean). ``direct -
  floor`` is one tenant's own work (its plugins, resources and waits), which no driver saves.
- **one stack**: the N tenants in ONE stack (the Automation API, ``up`` only, as the engine
  benchmark).
- **fleet --parallel P**: ``okta-custom-domain fleet up`` with one stack per tenant.

Printed: each wall time and CPU time (this process and every process it waited for: CLIs,
plugins, workers; the fake Okta orgs run in this process, so their share is in every figure),
the fleet's per-stack overhead at ``--parallel 1`` (its time per
stack minus one tenant's own work) as a ratio to the floor, and the fleet at ``--parallel 2``
as a ratio to one stack; peak resident memory of the whole process tree (fleet, workers, CLIs,
plugins) and the processes seen by kind. Nothing is asserted.

    .venv/bin/python benchmarks/fleet.py [TENANTS] [--parallel P ...]     (default: 12, 1 2)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pulumi
import yaml
from engine import TreeSampler, _kind, tenants  # type: ignore[import-not-found]
from okta_custom_domain.testing.engine import build_toolchain, flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab
from pulumi import automation as auto

REPO = Path(__file__).resolve().parents[1]
ZONE = "bench.test"
FLEET = str(Path(sys.executable).parent / "okta-custom-domain")


def kind(pid: int) -> str:
    """``engine._kind``, with the fleet's worker processes named."""
    try:
        if b"fleet.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return "fleet worker"
    except OSError:
        return "gone"
    name: str = _kind(pid)
    return name


@dataclass
class Figure:
    label: str
    seconds: float
    peak_rss: int = 0
    processes: dict[str, int] | None = None
    outcome: str = ""
    cpu: float = 0.0
    """CPU seconds of this process and every process it waited for (per stack for the means)."""


def cpu_seconds() -> float:
    """User + system time of this process and of its waited-for children, so far."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN
    )
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def lab_for(count: int, bin_dir: Path) -> Iterator[EngineLab]:
    with tempfile.TemporaryDirectory() as tmp:
        lab = EngineLab(
            Path(tmp), bin_dir, REPO / "__main__.py",
            zones=[ZONE], orgs=[f"org{i}" for i in range(count)],
        )  # fmt: skip
        with lab:
            lab.engine.command  # noqa: B018  (`pulumi version`, once per engine, not per stack)
            yield lab


def _bare_program() -> None:
    pulumi.export("greeting", pulumi.Config().require("greeting"))


def floor(lab: EngineLab, count: int) -> Figure:
    """The bare engine: create, one config value, ``up`` of a one-export program, outputs."""
    started = time.monotonic()
    outcomes = set()
    for i in range(count):
        greeting = {"okta-custom-domain:greeting": auto.ConfigValue(f"hello {i}")}
        stack = lab.engine.stack(f"floor-{i}", greeting, program=_bare_program)
        outcomes.add(str(stack.up(color="never").outputs["greeting"].value).split()[0])
    return Figure("floor (per stack)", (time.monotonic() - started) / count,
                  outcome=",".join(sorted(outcomes)))  # fmt: skip


def _statuses(result: auto.UpResult) -> set[str]:
    return {d["validation_status"] for t in result.outputs.values() for d in t.value.values()}


def direct(lab: EngineLab, count: int) -> Figure:
    """One tenant per stack through the Automation API alone, one stack after another."""
    started = time.monotonic()
    outcomes: set[str] = set()
    for i, tenant in enumerate(tenants(lab, count)):
        config = flatten_config("okta-custom-domain:tenants", [tenant])
        outcomes |= _statuses(lab.engine.stack(f"direct-{i}", config).up(color="never"))
    return Figure("direct (per stack)", (time.monotonic() - started) / count,
                  outcome=",".join(sorted(outcomes)))  # fmt: skip


def single_stack(lab: EngineLab, count: int) -> Figure:
    config = flatten_config("okta-custom-domain:tenants", tenants(lab, count))
    stack = lab.engine.stack("all", config)
    started = time.monotonic()
    with TreeSampler(classify=kind).running() as sampler:
        result = stack.up(color="never")
    seconds = time.monotonic() - started
    return Figure("one stack", seconds, sampler.peak_rss, sampler.counts(),
                  ",".join(sorted(_statuses(result))))  # fmt: skip


def fleet(lab: EngineLab, count: int, parallel: int) -> Figure:
    root = lab.root / f"fleet-{parallel}"
    root.mkdir()
    (root / "tenants.yaml").write_text(yaml.safe_dump(tenants(lab, count)))
    args = [FLEET, "fleet", "up", "--tenants", str(root / "tenants.yaml"),
            "--work-dir", str(root / "work"), "--parallel", str(parallel), "--json"]  # fmt: skip
    env = {**os.environ, **lab.engine.environment()}
    started = time.monotonic()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    with TreeSampler(root=process.pid, classify=kind).running() as sampler:
        out, _ = process.communicate()
    seconds = time.monotonic() - started
    report: dict[str, Any] = yaml.safe_load(out)
    results = sorted({s["result"] for s in report["stacks"]})
    statuses = sorted({v for s in report["stacks"] for v in s["statuses"].values()})
    return Figure(f"fleet --parallel {parallel}", seconds, sampler.peak_rss, sampler.counts(),
                  ",".join(results + statuses))  # fmt: skip


def show(figure: Figure) -> None:
    memory = f" | peak RSS {figure.peak_rss / 2**20:6.0f} MiB" if figure.peak_rss else ""
    print(f"{figure.label:<20} | {figure.seconds:6.1f} s | CPU {figure.cpu:6.1f} s{memory} | "
          f"{figure.outcome}")  # fmt: skip
    if figure.processes:
        print(f"      processes: {figure.processes}")
    sys.stdout.flush()


def measure(count: int, bin_dir: Path, parallels: list[int]) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    runs: dict[str, Callable[[EngineLab], Figure]] = {
        "floor": lambda lab: floor(lab, count),
        "direct": lambda lab: direct(lab, count),
        "one": lambda lab: single_stack(lab, count),
    }
    for p in parallels:
        runs[f"p{p}"] = partial(fleet, count=count, parallel=p)
    for key, run in runs.items():
        with lab_for(count, bin_dir) as lab:
            before = cpu_seconds()
            figures[key] = run(lab)
            used = cpu_seconds() - before
        figures[key].cpu = used / count if key in ("floor", "direct") else used
        show(figures[key])
    return figures


def summarize(count: int, figures: dict[str, Figure]) -> None:
    floor_s, direct_s = figures["floor"].seconds, figures["direct"].seconds
    work = direct_s - floor_s
    print(f"\none tenant's own work (direct - floor): {work:.2f} s")
    if "p1" in figures:
        per_stack = figures["p1"].seconds / count
        overhead = per_stack - work
        print(f"fleet --parallel 1: {per_stack:.2f} s per stack; overhead {overhead:.2f} s "
              f"= x{overhead / floor_s:.2f} the engine floor ({floor_s:.2f} s)")  # fmt: skip
    one = figures["one"].seconds
    cores = os.cpu_count() or 1
    print(f"CPU: one stack {figures['one'].cpu:.1f} s; per stack: direct "
          f"{figures['direct'].cpu:.2f} s, floor {figures['floor'].cpu:.2f} s")  # fmt: skip
    for key, figure in figures.items():
        if key.startswith("p"):
            print(f"CPU: fleet --parallel {key[1:]} {figure.cpu / count:.2f} s per stack, "
                  f"{figure.cpu:.1f} s in all (at least {figure.cpu / cores:.1f} s of wall "
                  f"time on {cores} cores)")  # fmt: skip
    for key, figure in figures.items():
        if key.startswith("p") and key != "p1":
            ratio = figure.seconds / one
            print(f"fleet --parallel {key[1:]}: {figure.seconds:.1f} s = x{ratio:.2f} one stack "
                  f"of {count} tenants ({one:.1f} s)")  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("tenants", nargs="?", type=int, default=12)
    parser.add_argument("--parallel", type=int, action="append")
    options = parser.parse_args(argv)
    parallels = options.parallel or [1, 2]
    bin_dir = build_toolchain()
    print(f"pulumi from {bin_dir}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}; "
          f"{options.tenants} tenants")  # fmt: skip
    summarize(options.tenants, measure(options.tenants, bin_dir, parallels))


if __name__ == "__main__":
    main(sys.argv[1:])
