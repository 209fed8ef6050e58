"""The real engine at scale: ``preview`` and ``up`` to COMPLETED for 1, 10 and 50 tenants.

Each tenant has its own fake Okta org (so its own explicit ``okta.Provider``, as in
production) and one RFC 2136 domain; the fake issues certificates at once (delay 0). Printed:
wall time of preview and up, the plugin processes the CLI started (by kind), and the peak
resident memory of the CLI's whole process tree. Nothing is asserted.

    .venv/bin/python benchmarks/engine.py [TENANTS ...]     (default: 1 10 50)
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okta_custom_domain.testing.engine import build_toolchain, flatten_config, processes
from okta_custom_domain.testing.engine_lab import EngineLab

REPO = Path(__file__).resolve().parents[1]
ZONE = "bench.test"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for pid, (_name, ppid) in processes().items():
        tree.setdefault(ppid, []).append(pid)
    return tree


def _descendants(root: int, tree: dict[int, list[int]]) -> list[int]:
    found, todo = [], list(tree.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def _kind(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    for marker, kind in (
        ("plugins.okta", "okta plugin"),
        ("plugins.cloudflare", "cloudflare plugin"),
        ("pulumi.dynamic", "dynamic-provider host"),
        ("pulumi-resource-", "plugin launcher (sh)"),
    ):
        if marker in cmd:
            return kind
    return Path(cmd.split(" ")[0]).name or "?"


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


@dataclass
class TreeSampler:
    """Every 0.1 s: the process tree under ``root`` (a pid, or this process's ``pulumi``
    children when None); peak summed RSS and every process seen, by ``classify``'s kind."""

    root: int | None = None
    classify: Callable[[int], str] = field(default=lambda pid: _kind(pid))
    seen: dict[int, str] = field(default_factory=dict)
    peak_rss: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        tree = _children()
        if self.root is None:
            tops = [p for p in tree.get(os.getpid(), []) if _kind(p) == "pulumi"]
        else:
            tops = [self.root]
        pids = tops + [d for p in tops for d in _descendants(p, tree)]
        for pid in pids:  # the last sighting: a fork shows its parent's cmdline until exec
            found = self.classify(pid)
            if found not in ("?", "gone"):  # an exiting process has no cmdline any more
                self.seen[pid] = found
        self.peak_rss = max(self.peak_rss, sum(_rss(p) for p in pids))

    def run(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    @contextmanager
    def running(self) -> Iterator[TreeSampler]:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind in self.seen.values():
            out[kind] = out.get(kind, 0) + 1
        return dict(sorted(out.items()))


def tenants(lab: EngineLab, count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"t{i}",
            "okta": lab.okta_with_token(f"org{i}"),
            "domains": [
                {
                    "domain": f"login{i}.{ZONE}",
                    "dns": lab.rfc2136_dns(ZONE),
                    "readiness": lab.readiness(timeout=600, interval=1),
                }
            ],
        }
        for i in range(count)
    ]


def measure(count: int, bin_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lab = EngineLab(
            Path(tmp), bin_dir, REPO / "__main__.py",
            zones=[ZONE], orgs=[f"org{i}" for i in range(count)],
        )
        with lab:
            stack = lab.engine.stack("bench", flatten_config("okta-custom-domain:tenants",
                                                             tenants(lab, count)))
            started = time.monotonic()
            with TreeSampler().running() as preview_tree:
                stack.preview(color="never")
            preview_s = time.monotonic() - started
            started = time.monotonic()
            with TreeSampler().running() as up_tree:
                result = stack.up(color="never")
            up_s = time.monotonic() - started
            statuses = {
                d["validation_status"]
                for t in result.outputs.values() for d in t.value.values()
            }
            stack.destroy(color="never")
        print(f"{count:>4} tenants | preview {preview_s:6.1f} s | up {up_s:6.1f} s "
              f"({', '.join(sorted(statuses))}) | peak RSS preview "
              f"{preview_tree.peak_rss / 2**20:6.0f} MiB, up {up_tree.peak_rss / 2**20:6.0f} MiB")
        print(f"      processes during up: {dict(sorted(up_tree.counts().items()))}")
        sys.stdout.flush()


def main(argv: list[str]) -> None:
    counts = [int(a) for a in argv] or [1, 10, 50]
    bin_dir = build_toolchain()
    print(f"pulumi from {bin_dir}; {os.cpu_count()} cores")
    for count in counts:
        measure(count, bin_dir)


if __name__ == "__main__":
    main(sys.argv[1:])
