"""The wheel built from this checkout, installed into a clean virtualenv outside it: what the
wheel and CI-runner engine tests install and run (``installed_wheel`` in tests/engine/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ci_runner import checkout  # type: ignore[import-not-found]

REPOSITORY = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class InstalledWheel:
    """The wheel built from this checkout, installed into a clean virtualenv outside it."""

    wheel: Path
    venv: Path
    timings: tuple[tuple[str, float], ...]

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def environment(self, **extra: str) -> dict[str, str]:
        """Ours without what would make Python import this checkout instead of the wheel."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["PATH"] = os.pathsep.join([str(self.bin), env.get("PATH", "")])
        return {**env, **extra}


def _timed(label: str, timings: list[tuple[str, float]], argv: list[str], cwd: Path) -> None:
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_NO_COMPILE"] = "1"  # .pyc files come with the first import; not worth CI minutes
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{label} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    timings.append((label, time.monotonic() - started))




def build_and_install(root: Path) -> InstalledWheel:
    """Build the wheel from a copy of the checkout (so no build/ or *.egg-info lands in the
    repository) and install it, with the SDK pin of .ci/constraints.txt, into ``root/venv``."""
    timings: list[tuple[str, float]] = []
    source = checkout(REPOSITORY, root / "source")
    dist = root / "dist"
    _timed("build the wheel (pip wheel, out of tree)", timings,
           [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)], root)  # fmt: skip
    (wheel,) = dist.glob("okta_custom_domain-*.whl")
    venv = root / "venv"
    _timed("python -m venv", timings, [sys.executable, "-m", "venv", str(venv)], root)
    _timed("pip install the wheel", timings,
           [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
            "-c", str(REPOSITORY / ".ci" / "constraints.txt"), str(wheel)], root)  # fmt: skip
    return InstalledWheel(wheel, venv, tuple(timings))
