"""The engine tests run the Pulumi toolchain pinned in ``pulumi-toolchain``, not another one.

The pin is one pair of lines at the top of the script; a cache dir, a ``pulumi`` on PATH or a
leftover build that is not that version fails here, naming both versions.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from okta_custom_domain.testing.engine import TOOLCHAIN_SCRIPT, cli_version, pinned_versions


@pytest.fixture(autouse=True)
def _no_override() -> None:
    for name in ("PULUMI_TOOLCHAIN_VERSION", "PULUMI_YAML_VERSION"):
        if os.environ.get(name):
            pytest.skip(f"{name}={os.environ[name]} overrides the pin on purpose")


def test_the_cli_is_the_pinned_version(pulumi_bin: Path) -> None:
    pin = pinned_versions()["PULUMI"]
    used = cli_version(pulumi_bin)
    assert used == pin, f"{pulumi_bin}/pulumi is v{used}; {TOOLCHAIN_SCRIPT} pins v{pin}"


def test_the_yaml_language_host_is_the_pinned_version(pulumi_bin: Path) -> None:
    host = pulumi_bin / "pulumi-language-yaml"
    go = shutil.which("go")
    if not host.exists() or go is None:
        pytest.skip("no pulumi-language-yaml next to the CLI, or no go to read its build info")
    info = subprocess.run(
        [go, "version", "-m", str(host)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    found = re.search(r"^\s+mod\s+github\.com/pulumi/pulumi-yaml\s+v(\S+)", info, re.MULTILINE)
    assert found, info
    pin = pinned_versions()["PULUMI_YAML"]
    assert found[1] == pin, f"{host} is v{found[1]}; {TOOLCHAIN_SCRIPT} pins v{pin}"
