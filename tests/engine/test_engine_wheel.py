"""The wheel a pipeline installs: built from this checkout, installed into a clean virtualenv
outside the repository (``installed_wheel``), its console script runs ``check`` against a real
DNS server, ``doctor --help`` and the offline demo to COMPLETED, importing only the wheel."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dns_fixtures import (  # type: ignore[import-not-found]
    CNAME_TARGET,
    DOMAIN,
    TXT_NAME,
    TXT_VALUE,
    correct_zone_records,
    dns_zone,
)
from installed_wheel import REPOSITORY, InstalledWheel  # type: ignore[import-not-found]
from okta_custom_domain.testing.dns_server import TwoServerZone
from okta_custom_domain.toolchain import pinned_cli_version

__all__ = ["dns_zone"]
pytestmark = pytest.mark.timeout(600)


def cli(installed: InstalledWheel, *args: str, cwd: Path, path: str = "") -> subprocess.CompletedProcess[str]:
    env = installed.environment()
    if path:
        env["PATH"] = f"{path}:{env['PATH']}"
    return subprocess.run([str(installed.bin / "okta-custom-domain"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=500, check=False)  # fmt: skip


def test_the_installed_package_is_the_wheel_not_the_checkout(installed_wheel: InstalledWheel, tmp_path: Path) -> None:
    code = "import okta_custom_domain, okta_custom_domain.toolchain as t; print(okta_custom_domain.__file__); print(t.pinned_cli_version())"
    done = subprocess.run([str(installed_wheel.bin / "python"), "-c", code], cwd=tmp_path,
                          env=installed_wheel.environment(), capture_output=True, text=True, check=True)  # fmt: skip
    where, pin = done.stdout.split()
    assert Path(where).is_relative_to(installed_wheel.venv / "lib"), where
    assert not Path(where).is_relative_to(REPOSITORY)
    assert pin == pinned_cli_version(), "the toolchain script ships in the wheel, executable"


def test_help_of_every_command_and_doctor_help(installed_wheel: InstalledWheel, tmp_path: Path) -> None:
    for args in (["--help"], ["check", "--help"], ["doctor", "--help"], ["fleet", "--help"], ["demo", "--help"]):
        done = cli(installed_wheel, *args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("usage: okta-custom-domain"), done.stdout[:200]


def test_check_against_a_real_dns_server(installed_wheel: InstalledWheel, dns_zone: TwoServerZone, tmp_path: Path) -> None:
    args = ["check", "--cname", f"{DOMAIN}={CNAME_TARGET}", "--txt", f"{TXT_NAME}={TXT_VALUE}",
            "--resolver", f"127.0.0.2:{dns_zone.port}", "--dns-port", str(dns_zone.port), "--query-timeout", "0.5"]  # fmt: skip
    dns_zone.set_records(correct_zone_records())
    ready = cli(installed_wheel, *args, cwd=tmp_path)
    assert ready.returncode == 0 and ready.stdout.startswith("READY"), ready.stdout + ready.stderr
    dns_zone.set_records(correct_zone_records("stale"))
    stale = cli(installed_wheel, *args, cwd=tmp_path)
    assert stale.returncode == 1 and stale.stdout.startswith("NOT READY"), stale.stdout + stale.stderr


def test_the_demo_reaches_completed_from_outside_the_repository(
    installed_wheel: InstalledWheel, pulumi_bin: Path, tmp_path: Path
) -> None:
    done = cli(installed_wheel, "demo", cwd=tmp_path, path=str(pulumi_bin))
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert done.stdout.count("COMPLETED") >= 2, done.stdout[-3000:]
