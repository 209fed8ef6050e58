"""What the engine tests share: the project's own program, the usual one-org lab, and the wheel
built from this checkout installed in a clean virtualenv."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ci_runner import checkout  # type: ignore[import-not-found]
from okta_custom_domain.testing.engine_lab import EngineLab

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def program() -> Path:
    """The project's ``__main__.py``: the program users run, run here by the real engine."""
    return Path(__file__).resolve().parents[2] / "__main__.py"


@pytest.fixture
def lab(pulumi_bin: Path, program: Path, tmp_path: Path) -> Iterator[EngineLab]:
    """knotd serving ``example.test`` and one fake Okta org, ``acme`` (a module may override)."""
    with EngineLab(tmp_path, pulumi_bin, program, zones=["example.test"], orgs=["acme"]) as running:
        yield running


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


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    """Built once per session, out of tree (a copy of the checkout, so no build/ or
    *.egg-info lands in the repository), installed with the SDK pin of .ci/constraints.txt
    into a virtualenv under the session's temp dir; the wheel and runner tests share it."""
    root = tmp_path_factory.mktemp("wheel")
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
    for label, seconds in timings:
        print(f"installed_wheel: {seconds:6.1f} s  {label}")
    return InstalledWheel(wheel, venv, tuple(timings))
