"""``okta-custom-domain demo`` as a newcomer runs it: a real ``pulumi up`` to COMPLETED, exit 0,
nothing left running; Ctrl-C stops everything it started; a missing knotd or Pulumi CLI is a
clear message and a non-zero exit."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import pytest
from okta_custom_domain.demo import runner
from okta_custom_domain.testing import dns_server

SCRIPT = Path(sys.executable).with_name("okta-custom-domain")  # the console script
COMMAND = [str(SCRIPT), "demo"]
KNOTD_LINE = re.compile(r"knotd serving \S+ at 127\.0\.0\.1:(\d+)")


def answers_on(port: int) -> bool:
    """Whether anything still answers DNS on 127.0.0.1:``port``."""
    query = dns.message.make_query("demo.test", "SOA")
    try:
        dns.query.udp(query, "127.0.0.1", port=port, timeout=0.5)
    except (dns.exception.Timeout, OSError):
        return False
    return True


@pytest.fixture
def env(pulumi_bin: Path) -> dict[str, str]:
    """The demo's environment: the real Pulumi CLI on PATH, as a user would have it."""
    path = os.pathsep.join([str(pulumi_bin), os.environ.get("PATH", "")])
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PATH": path}


def test_demo_reaches_completed_shows_the_diagnosis_and_cleans_up(env: dict[str, str]) -> None:
    done = subprocess.run(
        COMMAND,
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "validation_status: COMPLETED" in out
    assert "both URL domains reached COMPLETED, the email domain VERIFIED" in out
    assert "email:demo.test: validation_status: VERIFIED" in out
    assert "zone_appended_twice" in out  # seen by the readiness wait
    assert "was appended to a full name" in out  # the diagnosis in words
    assert "enter 'portal'" in out
    assert "changed: nothing" in out  # the rerun
    assert "domains left at Okta: none" in out  # destroy
    assert "email domains left at Okta: none" in out
    assert "Traceback" not in done.stderr
    match = KNOTD_LINE.search(out)
    assert match is not None
    assert not answers_on(int(match.group(1)))


def test_demo_without_the_mistake(env: dict[str, str]) -> None:
    done = subprocess.run(
        [*COMMAND, "--no-mistake"], capture_output=True, text=True, timeout=240, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "zone_appended_twice" not in done.stdout
    assert "both URL domains reached COMPLETED, the email domain VERIFIED" in done.stdout


def test_ctrl_c_stops_everything_the_demo_started(env: dict[str, str]) -> None:
    process = subprocess.Popen(
        COMMAND,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            match = KNOTD_LINE.search(line)
            if match:
                port = int(match.group(1))
        assert port is not None
        process.send_signal(signal.SIGINT)
        out, _err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert "Interrupted" in out
    assert not answers_on(port)


def test_missing_knotd_is_a_clear_message_and_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_knotd() -> str:
        raise RuntimeError(
            f"knotd was not found on PATH or in /usr/sbin: {dns_server.KNOT_INSTALL_HINT}"
        )

    monkeypatch.setattr(dns_server, "find_knotd", no_knotd)
    said: list[str] = []
    assert runner.run_demo(said.append) == 1
    assert any("apt-get install knot" in line for line in said)


def test_without_a_pulumi_cli_it_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner.shutil, "which", lambda name: None)
    said: list[str] = []
    assert runner.run_demo(said.append) == 1
    assert any("--build-pulumi" in line and "pulumi.com/docs/install" in line for line in said)
