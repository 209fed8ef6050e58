"""Shared test hygiene: no Pulumi runtime state leaks from one test into the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pulumi.runtime
import pytest
from okta_custom_domain.testing.engine import build_toolchain, toolchain_report
from pulumi.runtime import settings


def pytest_report_header() -> str:
    """Which Pulumi CLI the engine tests run, and where its version is pinned."""
    return toolchain_report()


@pytest.fixture(autouse=True)
def _fresh_pulumi_runtime() -> Iterator[None]:
    """Reset Pulumi's process-global settings after each test.

    ``set_mocks`` installs a mock engine in a module-level settings object; left in place,
    ``pulumi.log`` in later tests would talk to that engine instead of printing, as it does in
    a dynamic provider's plugin process.
    """
    yield
    settings.reset_options()
    pulumi.runtime.set_all_config({})


@pytest.fixture(scope="session")
def pulumi_bin() -> Path:
    """The real Pulumi CLI's directory (``scripts/pulumi-toolchain``; ``.ci/run`` builds it
    before pytest, so here it is only looked up in the cache)."""
    return build_toolchain()
