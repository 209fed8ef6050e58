"""``okta-custom-domain check``: exit codes 0/1/2, diagnosis text, --json, --wait progress."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dns.rcode
import pytest
from dns_fixtures import (  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
    CNAME_TARGET,
    DOMAIN,
    TXT_NAME,
    TXT_VALUE,
    correct_zone_records,
    dns_zone,
)
from okta_custom_domain.cli import main
from okta_custom_domain.readiness.discovery import BROKEN_RESOLVER_NEXT_STEP
from okta_custom_domain.testing.dns_server import LyingResolver, TwoServerZone

__all__ = ["dns_zone"]


def argv(zone: TwoServerZone, *extra: str) -> list[str]:
    return [
        "check",
        "--cname",
        f"{DOMAIN}={CNAME_TARGET}",
        "--txt",
        f"{TXT_NAME}={TXT_VALUE}",
        "--resolver",
        f"127.0.0.2:{zone.port}",
        "--dns-port",
        str(zone.port),
        "--query-timeout",
        "0.5",
        *extra,
    ]


def test_ready_exits_0(dns_zone: TwoServerZone, capsys: pytest.CaptureFixture[str]) -> None:
    dns_zone.set_records(correct_zone_records())
    assert main(argv(dns_zone)) == 0
    out = capsys.readouterr().out
    assert out.startswith("READY")
    assert f"ns2.example.test 127.0.0.3:{dns_zone.port}" in out


def test_not_ready_exits_1_with_diagnosis(
    dns_zone: TwoServerZone, capsys: pytest.CaptureFixture[str]
) -> None:
    dns_zone.set_records(correct_zone_records("stale"))
    assert main(argv(dns_zone)) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT READY")
    assert "Diagnosis:" in out and "stale" in out and repr(TXT_VALUE) in out


def test_a_resolver_answering_nxdomain_for_everything_is_blamed_not_the_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real loopback resolver that says NXDOMAIN even for the root: the diagnosis names the
    resolver and asks for a working one, instead of "no zone holds example.com"."""
    with LyingResolver("127.0.0.9") as lying:
        check = ["check", "--cname", "login.example.com=acme.customdomains.okta.com"]
        options = ["--resolver", lying.endpoint, "--query-timeout", "0.5"]
        assert main([*check, *options]) == 1
        out = capsys.readouterr().out
        assert main([*check, *options, "--json"]) == 1
        report = json.loads(capsys.readouterr().out)
    assert (".", "SOA") in lying.questions
    assert "no zone holds" not in out
    assert (
        f"the resolver {lying.endpoint} answers NXDOMAIN even for the root zone, which always "
        "exists: it is not a working recursive resolver" in out
    )
    assert "--resolver HOST[:PORT]" in out
    [cause] = report["causes"]
    assert cause["code"] == "discovery_failed"
    assert cause["message"].endswith(f"{BROKEN_RESOLVER_NEXT_STEP[0].upper()}{BROKEN_RESOLVER_NEXT_STEP[1:]}.")


def test_a_resolver_with_empty_answers_even_for_the_root_is_blamed_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LyingResolver("127.0.0.9", rcode=dns.rcode.NOERROR) as empty:
        check = ["check", "--cname", "login.example.com=acme.customdomains.okta.com"]
        assert main([*check, "--resolver", empty.endpoint, "--query-timeout", "0.5"]) == 1
    out = capsys.readouterr().out
    assert f"the resolver {empty.endpoint} answers no SOA (an empty answer) even for the root" in out
    assert "--resolver HOST[:PORT]" in out


def test_json_report(dns_zone: TwoServerZone, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv(dns_zone, "--json")) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ready"] is False
    assert [cause["code"] for cause in report["causes"]] == ["missing_everywhere"] * 2
    assert report["negative_cache_seconds"] == 60


def test_wait_prints_progress_on_stderr_and_times_out(
    dns_zone: TwoServerZone, capsys: pytest.CaptureFixture[str]
) -> None:
    # A timeout several checks long: on a loaded CI machine one check can take over half a second.
    code = main(argv(dns_zone, "--wait", "--timeout", "2", "--interval", "0.2", "--json"))
    assert code == 1
    captured = capsys.readouterr()
    progress = [line for line in captured.err.splitlines() if "check " in line]
    assert len(progress) >= 2 and "not yet on" in progress[0]
    assert "timed out after 2 s" in captured.err
    assert json.loads(captured.out)["ready"] is False


def test_wait_until_ready_exits_0(
    dns_zone: TwoServerZone, capsys: pytest.CaptureFixture[str]
) -> None:
    dns_zone.set_records(correct_zone_records())
    assert main(argv(dns_zone, "--wait", "--timeout", "5", "--interval", "0.2")) == 0
    assert "ready: 2/2" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["check"], "at least one --cname"),
        (["check", "--cname", "login.example.test"], "NAME=VALUE"),
        (["check", "--txt", 'a.example.test="quoted"'], "quote"),
        (["check", "--cname", "a.example.test=x.test", "--resolver", "name.test"], "resolver"),
        (["check", "--cname", "a.example.test=x.test", "--dns-port", "0"], "--dns-port"),
        (["check", "--cname", "a.example.test=x.test", "--wait", "--timeout", "0"], "timeout"),
        (
            ["check", "--cname", "a.example.test=x.test", "--cname", "a.example.test=y.test"],
            "two different CNAME",
        ),
    ],
)
def test_bad_input_exits_2(
    args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert fragment in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--timeout", "-1", "timeout: -1.0 must be a positive number of seconds"),
        ("--timeout", "0", "timeout: 0.0 must be a positive number of seconds"),
        ("--interval", "-2", "interval: -2.0 must be a positive number of seconds"),
        ("--interval", "0", "interval: 0.0 must be a positive number of seconds"),
        ("--timeout", "inf", "timeout: inf must be a positive number of seconds"),
        ("--timeout", "nan", "timeout: nan must be a positive number of seconds"),
    ],
)
@pytest.mark.parametrize("wait", [["--wait"], []], ids=["with --wait", "without --wait"])
def test_bad_timing_exits_2_with_or_without_wait(
    wait: list[str], flag: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad --timeout/--interval is a usage error even when it would not be used."""
    dead = ["--resolver", "127.0.0.1:1", "--query-timeout", "0.1"]  # never asked when valid
    assert main(["check", "--cname", "a.example.test=x.test", *dead, *wait, flag, value]) == 2
    assert capsys.readouterr().err == f"okta-custom-domain check: error: {message}\n"


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check", "--dns-port", "fifty"])
    assert caught.value.code == 2
    assert "--dns-port" in capsys.readouterr().err


def test_console_script(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    script = Path(sys.executable).with_name("okta-custom-domain")
    done = subprocess.run(
        [str(script), *argv(dns_zone, "--json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["ready"] is True
