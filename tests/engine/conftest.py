"""What the engine tests share: the project's own program, and the usual one-org lab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
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
