"""The fleet against one stack: ``up`` to COMPLETED for 1, 12 and 48 tenants.

Each tenant has its own fake Okta org and one RFC 2136 domain (certificate delay 0), as in
``benchmarks/engine.py``. For each count: the same tenants in ONE stack (the Automation API,
as the engine benchmark), then ``okta-custom-domain fleet up`` with one stack per tenant at
``--parallel 1``, 2 and 4, each from a fresh lab (new orgs, new state). Printed: wall time, the
ratio to the single stack, the peak resident memory of the whole process tree (fleet, workers,
CLIs, plugins) and the processes seen by kind. Nothing is asserted.

    .venv/bin/python benchmarks/fleet.py [TENANTS ...]     (default: 1 12 48)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from engine import TreeSampler, _kind, tenants  # type: ignore[import-not-found]
from okta_custom_domain.testing.engine import build_toolchain, flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab

REPO = Path(__file__).resolve().parents[1]
ZONE = "bench.test"
FLEET = str(Path(sys.executable).parent / "okta-custom-domain")
PARALLEL = (1, 2, 4)


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
    peak_rss: int
    processes: dict[str, int]
    outcome: str


@contextmanager
def lab_for(count: int, bin_dir: Path) -> Iterator[EngineLab]:
    with tempfile.TemporaryDirectory() as tmp:
        lab = EngineLab(
            Path(tmp), bin_dir, REPO / "__main__.py",
            zones=[ZONE], orgs=[f"org{i}" for i in range(count)],
        )  # fmt: skip
        with lab:
            yield lab


def single_stack(lab: EngineLab, count: int) -> Figure:
    stack = lab.engine.stack("all", flatten_config("okta-custom-domain:tenants",
                                                   tenants(lab, count)))  # fmt: skip
    started = time.monotonic()
    with TreeSampler(classify=kind).running() as sampler:
        result = stack.up(color="never")
    seconds = time.monotonic() - started
    statuses = {d["validation_status"] for t in result.outputs.values() for d in t.value.values()}
    return Figure("one stack", seconds, sampler.peak_rss, sampler.counts(), ",".join(statuses))


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
    return Figure(f"fleet --parallel {parallel}", seconds, sampler.peak_rss, sampler.counts(),
                  ",".join(results))  # fmt: skip


def show(count: int, figure: Figure, base: float) -> None:
    print(f"{count:>3} tenants | {figure.label:<20} | {figure.seconds:6.1f} s "
          f"(x{figure.seconds / base:4.2f}) | peak RSS {figure.peak_rss / 2**20:6.0f} MiB | "
          f"{figure.outcome}")  # fmt: skip
    print(f"      processes: {figure.processes}")
    sys.stdout.flush()


def measure(count: int, bin_dir: Path, parallels: tuple[int, ...]) -> None:
    runs: list[tuple[str, Callable[[EngineLab], Figure]]] = [
        ("one", lambda lab: single_stack(lab, count))
    ]
    runs += [(f"p{p}", lambda lab, p=p: fleet(lab, count, p)) for p in parallels]  # type: ignore[misc]
    base = 0.0
    for _name, run in runs:
        with lab_for(count, bin_dir) as lab:
            figure = run(lab)
        base = base or figure.seconds
        show(count, figure, base)


def main(argv: list[str]) -> None:
    counts = [int(a) for a in argv] or [1, 12, 48]
    bin_dir = build_toolchain()
    print(f"pulumi from {bin_dir}; {os.cpu_count()} cores; ratio = time / one stack's time")
    for count in counts:
        measure(count, bin_dir, PARALLEL)


if __name__ == "__main__":
    main(sys.argv[1:])
