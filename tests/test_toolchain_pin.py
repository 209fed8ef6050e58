"""The Pulumi toolchain's versions are written in one place, and the script gives exactly those.

Fast: nothing is built, and a fake ``go`` first on PATH records any call (there must be none),
so neither Go nor the network is needed. The engine-side check, that the CLI the engine tests
run is the pinned one, is ``tests/engine/test_engine_toolchain.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from okta_custom_domain.testing import engine
from okta_custom_domain.testing.engine import TOOLCHAIN_SCRIPT, pinned_versions, toolchain_report

REPO_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pulumi-toolchain"
"""What the README and ``.ci/run`` call: a link to the package's ``TOOLCHAIN_SCRIPT``."""
OVERRIDES = ("PULUMI_TOOLCHAIN_VERSION", "PULUMI_YAML_VERSION")


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    """A dir for PATH's front: ``go`` that logs its arguments and fails, ``pulumi`` v0.0.1."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    log = tmp_path / "go-calls.log"
    write_executable(bin_dir / "go", f'#!/bin/sh\necho "$*" >>"{log}"\nexit 1\n')
    write_executable(bin_dir / "pulumi", "#!/bin/sh\necho v0.0.1\n")
    return bin_dir


def write_executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def run(script: Path, *args: str, fake_bin: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The script with ``fake_bin`` first on PATH, no override unless given, cache in tmp."""
    base = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    base["PATH"] = os.pathsep.join([str(fake_bin), base.get("PATH", "")])
    base["XDG_CACHE_HOME"] = str(fake_bin.parent / "cache")
    return subprocess.run(
        [str(script), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def go_calls(fake_bin: Path) -> str:
    log = fake_bin.parent / "go-calls.log"
    return log.read_text() if log.exists() else ""


def test_the_pin_parses_one_line_per_tool() -> None:
    text = TOOLCHAIN_SCRIPT.read_text()
    versions = pinned_versions()
    assert set(versions) == {"PULUMI", "PULUMI_YAML"}
    for name, version in versions.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"PINNED_{name}={version!r}"
        assert len(re.findall(rf"^PINNED_{name}=", text, re.MULTILINE)) == 1
    major, minor, _ = (int(part) for part in versions["PULUMI"].split("."))
    assert (major, minor) >= (3, 139), "Configure with stack config reaches dynamic providers"


def test_version_prints_exactly_the_pin_without_go(fake_bin: Path) -> None:
    assert REPO_SCRIPT.resolve() == TOOLCHAIN_SCRIPT
    done = run(REPO_SCRIPT, "--version", fake_bin=fake_bin)
    assert done.returncode == 0, done.stderr
    assert done.stdout == pinned_versions()["PULUMI"] + "\n"
    assert done.stderr == ""
    assert go_calls(fake_bin) == ""


def test_a_changed_pin_is_what_the_script_gives(tmp_path: Path, fake_bin: Path) -> None:
    """The pin line is read, not a copy of it: an upgrade is a change to that one line."""
    script = tmp_path / "pulumi-toolchain"
    pin = pinned_versions()["PULUMI"]
    script.write_text(
        TOOLCHAIN_SCRIPT.read_text().replace(f'PINNED_PULUMI="{pin}"', 'PINNED_PULUMI="3.999.0"')
    )
    script.chmod(0o755)
    assert pinned_versions(script)["PULUMI"] == "3.999.0"
    assert run(script, "--version", fake_bin=fake_bin).stdout == "3.999.0\n"


def test_an_override_wins_and_is_said_on_stderr(fake_bin: Path) -> None:
    done = run(TOOLCHAIN_SCRIPT, "--version", fake_bin=fake_bin, PULUMI_TOOLCHAIN_VERSION="v3.1.2")
    assert done.stdout == "3.1.2\n"
    pin = pinned_versions()["PULUMI"]
    assert f"WARNING: PULUMI_TOOLCHAIN_VERSION=v3.1.2 overrides the pinned {pin}" in done.stderr


def test_cached_finds_the_pinned_cli_and_never_builds(fake_bin: Path) -> None:
    missing = run(TOOLCHAIN_SCRIPT, "--cached", fake_bin=fake_bin)
    assert (missing.returncode, missing.stdout) == (1, "")
    assert "ignoring" in missing.stderr  # the pulumi v0.0.1 on PATH is not the pinned one

    pin = pinned_versions()["PULUMI"]
    built = fake_bin.parent / "cache" / "okta-custom-domain" / f"pulumi-v{pin}" / "bin"
    for name in ("pulumi", "pulumi-resource-pulumi-python"):
        write_executable(built / name, f"#!/bin/sh\necho v{pin}\n")
    found = run(TOOLCHAIN_SCRIPT, "--cached", fake_bin=fake_bin)
    assert (found.returncode, found.stdout) == (0, f"{built}\n")
    assert go_calls(fake_bin) == ""


def test_the_session_header_flags_a_cli_that_is_not_the_pinned_one(
    fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache dir holding another version (built by hand, or a broken build) is called out."""
    pin = pinned_versions()["PULUMI"]
    built = fake_bin.parent / "cache" / "okta-custom-domain" / f"pulumi-v{pin}" / "bin"
    write_executable(built / "pulumi", "#!/bin/sh\necho v3.276.0\n")
    write_executable(built / "pulumi-resource-pulumi-python", "#!/bin/sh\n")
    for name in OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(fake_bin.parent / "cache"))
    monkeypatch.setenv("PATH", os.pathsep.join([str(fake_bin), os.environ.get("PATH", "")]))
    report = toolchain_report()
    assert f"pulumi CLI v3.276.0 in {built}, NOT the v{pin} pinned in " in report

    write_executable(built / "pulumi", f"#!/bin/sh\necho v{pin}\n")
    assert toolchain_report().startswith(f"pulumi CLI v{pin} (pinned in ")
    assert shutil.which("go") == str(fake_bin / "go") and go_calls(fake_bin) == ""
    assert engine.cli_version(built) == pin
