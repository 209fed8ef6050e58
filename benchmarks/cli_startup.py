"""Benchmark (issue "Fast CLI"): wall time of ``okta-custom-domain check --help`` and
``doctor --help``, with ``python -c pass`` as the floor no import work can beat.

Each command runs 10 times in a fresh process; prints median and min. Asserts nothing.

    .venv/bin/python benchmarks/cli_startup.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 10


def console_script() -> list[str]:
    """The installed entry point next to this interpreter, else the module via ``-c``."""
    script = Path(sys.executable).with_name("okta-custom-domain")
    if script.exists():
        return [str(script)]
    found = shutil.which("okta-custom-domain")
    if found:
        return [found]
    return [
        sys.executable,
        "-c",
        "import sys; from okta_custom_domain.cli import main; sys.exit(main())",
    ]


def timings(argv: list[str], runs: int = RUNS) -> list[float]:
    """Wall seconds of ``runs`` fresh processes; a failing command stops the benchmark."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    """Time each command and print one line per command."""
    script = console_script()
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("okta-custom-domain check --help", [*script, "check", "--help"]),
        ("okta-custom-domain doctor --help", [*script, "doctor", "--help"]),
    ]
    print(f"{'command':<36} {'median':>9} {'min':>9}   ({RUNS} runs each)")
    for label, argv in cases:
        seconds = timings(argv)
        print(
            f"{label:<36} {statistics.median(seconds) * 1000:>7.0f}ms {min(seconds) * 1000:>7.0f}ms"
        )


if __name__ == "__main__":
    main()
