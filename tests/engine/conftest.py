"""What the engine tests share: the project's own program, the usual one-org lab, and the wheel
built from this checkout installed in a clean virtualenv."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from installed_wheel import InstalledWheel, build_and_install  # type: ignore[import-not-found]
from okta_custom_domain.testing.engine_lab import EngineLab


@pytest.fixture(scope="session")
def program() -> Path:
    """The project's ``__main__.py``: the program users run, run here by the real engine."""
    return Path(__file__).resolve().parents[2] / "__main__.py"


@pytest.fixture
def lab(pulumi_bin: Path, program: Path, tmp_path: Path) -> Iterator[EngineLab]:
    """knotd serving ``example.test`` and one fake Okta org, ``acme`` (a module may override)."""
    with EngineLab(tmp_path, pulumi_bin, program, zones=["example.test"], orgs=["acme"]) as running:
        yield running


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    """Built and installed once per session under the session's temp dir; the wheel and the
    CI-runner tests share it."""
    installed = build_and_install(tmp_path_factory.mktemp("wheel"))
    for label, seconds in installed.timings:
        print(f"installed_wheel: {seconds:6.1f} s  {label}")
    return installed
