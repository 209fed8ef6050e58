"""``okta-custom-domain demo`` as a newcomer runs it: to COMPLETED, exit 0, nothing left running;
Ctrl-C stops everything it started; a missing knotd is a clear message and a non-zero exit."""

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
from okta_custom_domain import demo
from okta_custom_domain.testing import dns_server

SCRIPT = Path(sys.executable).with_name("okta-custom-domain")  # the console script
COMMAND = [str(SCRIPT), "demo"]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}
KNOTD_LINE = re.compile(r"knotd serving \S+ at 127\.0\.0\.1:(\d+)")


def answers_on(port: int) -> bool:
    """Whether anything still answers DNS on 127.0.0.1:``port``."""
    query = dns.message.make_query("demo.test", "SOA")
    try:
        dns.query.udp(query, "127.0.0.1", port=port, timeout=0.5)
    except (dns.exception.Timeout, OSError):
        return False
    return True


def test_demo_reaches_completed_shows_the_diagnosis_and_cleans_up() -> None:
    done = subprocess.run(
        COMMAND,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "validation_status: COMPLETED" in out
    assert "both domains reached COMPLETED" in out
    assert "zone_appended_twice" in out  # seen by the readiness wait
    assert "was appended to a full name" in out  # the diagnosis in words
    assert "enter 'portal'" in out
    assert "changed: nothing" in out  # the rerun
    assert "Traceback" not in done.stderr
    match = KNOTD_LINE.search(out)
    assert match is not None
    assert not answers_on(int(match.group(1)))


def test_demo_without_the_mistake() -> None:
    done = subprocess.run(
        [*COMMAND, "--no-mistake"], capture_output=True, text=True, timeout=120, env=ENV
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "zone_appended_twice" not in done.stdout
    assert "both domains reached COMPLETED" in done.stdout


def test_ctrl_c_stops_everything_the_demo_started() -> None:
    process = subprocess.Popen(
        COMMAND,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
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
    assert demo.run_demo(said.append) == 1
    assert any("apt-get install knot" in line for line in said)
