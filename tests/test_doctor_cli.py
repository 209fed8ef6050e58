"""The doctor command end to end: --verify, --all, the --json schema, text output, credentials.

Against FakeOkta and two knotd servers; every run also checks that the API token never shows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from doctor_fixtures import DOMAIN, Lab, lab  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
from okta_custom_domain.cli import build_parser, main
from okta_custom_domain.cli.doctor import TENANTS_ENV
from okta_custom_domain.doctor.render import SCHEMA_VERSION
from okta_custom_domain.doctor.verdict import VERDICT_CODES
from okta_custom_domain.okta.org_settings import ENV_VARS

__all__ = ["lab"]  # fixture used by name below

FAST = ("--interval", "0.05", "--timeout", "5")


# -- --verify ------------------------------------------------------------------------------------


def test_verify_when_ready_verifies_once_and_ends_completed(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    run = lab.run("--domain", DOMAIN, "--verify", *FAST)
    assert run.code == 0, run.err
    entry = run.report["domains"][0]
    assert entry["verification"] == {"attempted": True, "outcome": "COMPLETED", "error": None}
    assert entry["verdict"]["code"] == "completed"
    assert len(lab.fake.requests_to("POST", "/verify")) == 1


def test_verify_waits_for_the_certificate(lab: Lab) -> None:
    lab.fake.set_completion_delay(0.3)
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    run = lab.run("--domain", DOMAIN, "--verify", *FAST)
    assert run.code == 0, run.err
    assert "waiting for the certificate" in run.err
    assert run.verdict["code"] == "completed"
    assert len(lab.fake.requests_to("POST", "/verify")) == 1


def test_verify_is_never_sent_before_the_records_are_ready(lab: Lab) -> None:
    domain_id = lab.add_domain()
    _, value_before, _ = lab.okta_records(domain_id)
    lab.zone.set_records_on(0, lab.correct_records(domain_id))  # ns2 lags
    run = lab.run("--domain", DOMAIN, "--verify", *FAST)
    assert run.code == 1
    assert lab.fake.requests_to("POST", "/verify") == []
    assert "not verifying (wait_for_server)" in run.err
    assert run.report["domains"][0]["verification"]["attempted"] is False
    assert run.verdict["code"] == "wait_for_server"
    assert lab.okta_records(domain_id)[1] == value_before  # no regenerated TXT value


def test_verify_timeout_ends_with_certificate_pending(lab: Lab) -> None:
    lab.fake.set_completion_delay(3600)
    domain_id = lab.add_domain()
    lab.zone.set_records(lab.correct_records(domain_id))
    run = lab.run("--domain", DOMAIN, "--verify", "--interval", "0.05", "--timeout", "0.3")
    assert run.code == 1
    verification = run.report["domains"][0]["verification"]
    assert verification["outcome"] == "timeout"
    assert "did not reach COMPLETED" in verification["error"]
    assert run.verdict["code"] == "certificate_pending"
    assert "certificate pending for 0 minutes" in run.verdict["summary"]


# -- --all ---------------------------------------------------------------------------------------


def test_all_checks_every_custom_domain(lab: Lab) -> None:
    done = lab.add_domain("login.example.test")
    lab.zone.set_records(lab.correct_records(done))
    lab.verify_at(done, seconds_ago=60)
    lab.add_domain("portal.example.test")  # nothing in DNS for this one
    run = lab.run("--all")
    assert run.code == 1
    verdicts = {d["domain"]: d["verdict"]["code"] for d in run.report["domains"]}
    assert verdicts == {"login.example.test": "completed", "portal.example.test": "record_missing"}
    assert run.report["exit_code"] == 1


def test_all_healthy_exits_zero_and_text_lists_each_domain(lab: Lab) -> None:
    first = lab.add_domain("login.example.test")
    second = lab.add_domain("portal.example.test")
    lab.zone.set_records([*lab.correct_records(first), *lab.correct_records(second)])
    lab.verify_at(first, seconds_ago=60)
    lab.verify_at(second, seconds_ago=60)
    run = lab.run("--all", json_out=False)
    assert run.code == 0, run.out
    assert run.out.count("Verdict [completed]") == 2
    assert "portal.example.test  Okta " in run.out


def test_all_without_custom_domains(lab: Lab) -> None:
    run = lab.run("--all", json_out=False)
    assert run.code == 0
    assert "has no custom domains" in run.out


# -- output --------------------------------------------------------------------------------------


def test_json_schema_is_stable(lab: Lab) -> None:
    domain_id = lab.add_domain()
    lab.zone.set_records_on(0, lab.correct_records(domain_id))
    lab.verify_at(domain_id, seconds_ago=30)  # Okta asks ns1, which has them: verified
    report = lab.run("--domain", DOMAIN).report
    assert report["schema_version"] == SCHEMA_VERSION == 1
    assert set(report) == {"schema_version", "org_url", "exit_code", "domains"}
    assert report["org_url"] == lab.fake.url
    entry = report["domains"][0]
    assert set(entry) == {
        "domain",
        "checked_at",
        "okta",
        "expected_records",
        "dns",
        "zone_timings",
        "system_log",
        "notes",
        "verdict",
        "verification",
        "exit_code",
    }
    assert set(entry["okta"]) == {
        "id",
        "validation_status",
        "certificate_source_type",
        "brand_id",
        "dns_records",
        "public_certificate",
    }
    assert entry["okta"]["id"] == domain_id
    assert set(entry["verdict"]) == {"code", "healthy", "summary", "next_step", "details"}
    assert entry["verdict"]["code"] in VERDICT_CODES
    assert [r["type"] for r in entry["expected_records"]] == ["TXT", "CNAME"]
    assert entry["dns"]["records"][0]["servers"][0]["nameserver"] == "ns1.example.test"
    assert entry["zone_timings"] == [
        {
            "zone": "example.test",
            "refresh": 3600,
            "retry": 600,
            "expire": 86400,
            "minimum": 60,
            "ttl": 300,
        }
    ]
    log = entry["system_log"]
    assert log["read"] is True and log["window_hours"] == 24
    assert log["events"][0]["event_type"] == "system.custom_url_domain.verify"
    assert log["events"][0]["outcome"] == "SUCCESS"
    assert entry["verification"] is None and entry["exit_code"] == 1


def test_text_output_has_a_records_by_servers_table(lab: Lab) -> None:
    domain_id = lab.add_domain()
    new = lab.zone.set_records_on(0, lab.correct_records(domain_id))
    run = lab.run("--domain", DOMAIN, json_out=False)
    assert run.code == 1
    lines = run.out.splitlines()
    header = next(line for line in lines if "ns1.example.test" in line)
    assert "ns2.example.test" in header
    assert any(f"serial {new}" in line and "serial 1" in line for line in lines)
    txt_row = next(line for line in lines if line.startswith("TXT _acme-challenge.login"))
    assert txt_row.split()[2:] == ["ok", "missing", "(NXDOMAIN)"]
    assert "Verdict [wait_for_server]:" in run.out
    assert "Next step: wait up to about 60 minutes" in run.out


def test_main_uses_the_process_environment(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("OKTA_ORG_NAME", "OKTA_BASE_URL", "OKTA_API_CLIENT_ID", "OKTA_API_PRIVATE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OKTA_API_TOKEN", lab.fake.api_token)
    lab.add_domain()
    code = main(["doctor", "--domain", DOMAIN, "--org-url", lab.fake.url, *lab.dns_args, "--json"])
    out = capsys.readouterr().out
    assert code == 1
    assert json.loads(out)["domains"][0]["verdict"]["code"] == "record_missing"
    assert lab.fake.api_token not in out


# -- usage and credentials -----------------------------------------------------------------------


def test_no_credentials_exit_2_and_name_the_settings(lab: Lab) -> None:
    run = lab.run("--domain", DOMAIN, env={})
    assert run.code == 2 and run.out == ""
    assert "OKTA_API_TOKEN" in run.err


def test_no_org_exit_2_and_name_the_setting(lab: Lab) -> None:
    run = lab.run("--domain", DOMAIN, env=lab.env(), with_org_url=False)
    assert run.code == 2
    assert "OKTA_ORG_NAME" in run.err


def doctor_reads() -> tuple[set[str], set[str]]:
    """The flags of ``doctor`` and the environment variables the CLI reads credentials from."""
    parser = build_parser("doctor")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    flags = {o for a in sub.choices["doctor"]._actions for o in a.option_strings}
    return flags, {*ENV_VARS.values(), TENANTS_ENV}


def names_it_does_not_read(message: str) -> list[str]:
    """Flags, variables and stack config the message names that the doctor CLI never reads."""
    flags, variables = doctor_reads()
    wrong = [f for f in re.findall(r"(?<![\w-])--[a-z][a-z-]*", message) if f not in flags]
    wrong += [v for v in re.findall(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", message) if v not in variables]
    wrong += re.findall(r"stack config|pulumi config|\bokta:\w+", message)
    return wrong


@pytest.mark.parametrize(
    ("args", "names"),
    [
        ((), ["--org-url", "OKTA_ORG_NAME", "--tenant", "OKTA_CUSTOM_DOMAIN_TENANTS"]),
        (
            ("--org-url", "https://acme.okta.com"),
            ["OKTA_API_TOKEN", "--token-env", "OKTA_API_CLIENT_ID", "OKTA_API_PRIVATE_KEY",
             "--tenant", "OKTA_CUSTOM_DOMAIN_TENANTS"],
        ),
    ],
)  # fmt: skip
def test_missing_credentials_name_only_what_the_cli_reads(
    args: tuple[str, ...],
    names: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Through ``main`` with no Okta setting in the environment: the fix names the doctor's
    flags and variables (--tenant with the variable it reads tenants from), never stack
    config, which the CLI does not read."""
    for name in [*os.environ]:
        if name.startswith("OKTA_"):
            monkeypatch.delenv(name)
    code = main(["doctor", "--domain", DOMAIN, *args])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.startswith("okta-custom-domain doctor: error: ")
    assert [name for name in names if name not in captured.err] == []
    assert names_it_does_not_read(captured.err) == []


def test_the_names_check_can_fail() -> None:
    program = (
        "okta:orgName: no Okta org found: set stack config okta:orgName (+ okta:baseUrl) "
        "(`pulumi config set okta:orgName ...`) or the environment variables OKTA_ORG_NAME"
    )
    assert sorted(names_it_does_not_read(program)) == [
        "okta:baseUrl", "okta:orgName", "okta:orgName", "okta:orgName", "pulumi config",
        "stack config",
    ]  # fmt: skip
    assert names_it_does_not_read("give --api-token or OKTA_TOKEN") == ["--api-token", "OKTA_TOKEN"]


def test_invalid_token_exit_2_without_printing_it(lab: Lab) -> None:
    secret = "00bogus-token-that-must-never-be-printed"
    run = lab.run("--domain", DOMAIN, env={"OKTA_API_TOKEN": secret})
    assert run.code == 2
    assert "refused the credentials" in run.err and "E0000011" in run.err
    assert secret not in run.out + run.err


def test_token_env_names_the_missing_variable(lab: Lab) -> None:
    run = lab.run("--domain", DOMAIN, "--token-env", "ACME_OKTA_TOKEN", env={})
    assert run.code == 2
    assert "ACME_OKTA_TOKEN" in run.err


def test_tenant_settings_from_the_tenants_json(lab: Lab) -> None:
    lab.add_domain()
    tenants = json.dumps(
        [{"name": "acme", "okta": {"orgUrl": lab.fake.url, "apiToken": lab.fake.api_token}}]
    )
    env = {"OKTA_CUSTOM_DOMAIN_TENANTS": tenants}
    run = lab.run("--domain", DOMAIN, "--tenant", "acme", env=env, with_org_url=False)
    assert run.code == 1, run.err
    assert run.verdict["code"] == "record_missing"
    unknown = lab.run("--domain", DOMAIN, "--tenant", "globex", env=env, with_org_url=False)
    assert unknown.code == 2
    assert "'globex' is not in environment variable OKTA_CUSTOM_DOMAIN_TENANTS" in unknown.err


def config_get_json(value: Any, *, with_object: bool = True) -> str:
    """What ``pulumi config get --json okta-custom-domain:tenants`` prints (Pulumi 3.277: the
    value as JSON text, the value itself for a list or object, and whether it is secret)."""
    answer: dict[str, Any] = {"value": json.dumps(value, separators=(",", ":"))}
    if with_object:
        answer["objectValue"] = value
    answer["secret"] = True
    return json.dumps(answer, indent=2)


@pytest.mark.parametrize("with_object", [True, False])
def test_tenant_settings_from_what_pulumi_config_get_json_prints(
    lab: Lab, with_object: bool
) -> None:
    lab.add_domain()
    tenants = [{"name": "acme", "okta": {"orgUrl": lab.fake.url, "apiToken": lab.fake.api_token}}]
    env = {"OKTA_CUSTOM_DOMAIN_TENANTS": config_get_json(tenants, with_object=with_object)}
    run = lab.run("--domain", DOMAIN, "--tenant", "acme", env=env, with_org_url=False)
    assert run.code == 1, run.err
    assert run.verdict["code"] == "record_missing"
    unknown = lab.run("--domain", DOMAIN, "--tenant", "globex", env=env, with_org_url=False)
    assert "'globex' is not in environment variable OKTA_CUSTOM_DOMAIN_TENANTS (tenants: 'acme')" in unknown.err


def test_pulumi_config_get_json_with_a_value_that_is_not_a_list_is_refused(lab: Lab) -> None:
    env = {"OKTA_CUSTOM_DOMAIN_TENANTS": json.dumps({"value": "acme", "secret": False})}
    run = lab.run("--domain", DOMAIN, "--tenant", "acme", env=env, with_org_url=False)
    assert run.code == 2
    assert 'OKTA_CUSTOM_DOMAIN_TENANTS: the "value" in the environment variable is not valid JSON' in run.err
    assert "give a JSON list such as" in run.err


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--domain", "https://login.example.test/"), "--domain"),
        (("--domain", DOMAIN, "--nameserver", "127.0.0.2:99999"), "--nameserver"),
        (("--domain", DOMAIN, "--verify", "--timeout", "0"), "--timeout"),
    ],
)
def test_bad_input_exit_2_naming_the_field(lab: Lab, args: tuple[str, ...], field: str) -> None:
    run = lab.run(*args)
    assert run.code == 2
    assert run.err.startswith(f"okta-custom-domain doctor: error: {field}")


def test_domain_and_all_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["doctor", "--domain", DOMAIN, "--all"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def _service_app(lab: Lab, scopes: tuple[str, ...]) -> dict[str, str]:
    """Register an OAuth service app at the fake; the env that selects it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    lab.fake.register_service_app("0oadoctor", public_pem, scopes=scopes)
    return {"OKTA_API_CLIENT_ID": "0oadoctor", "OKTA_API_PRIVATE_KEY": private_pem}


def test_service_app_reads_the_system_log(lab: Lab) -> None:
    env = _service_app(lab, ("okta.domains.read", "okta.domains.manage", "okta.logs.read"))
    domain_id = lab.add_domain()
    lab.verify_at(domain_id, seconds_ago=60)  # premature: a FAILURE event in the log
    run = lab.run("--domain", DOMAIN, env=env)
    assert run.code == 1, run.err
    entry = run.report["domains"][0]
    assert entry["system_log"]["read"] is True
    assert entry["system_log"]["events"][0]["outcome"] == "FAILURE"
    assert "PRIVATE KEY" not in run.out + run.err


def test_service_app_without_the_logs_scope_still_diagnoses(lab: Lab) -> None:
    env = _service_app(lab, ("okta.domains.read", "okta.domains.manage"))
    lab.add_domain()
    run = lab.run("--domain", DOMAIN, env=env)
    assert run.code == 1, run.err
    assert "not granted okta.logs.read" in run.err
    entry = run.report["domains"][0]
    assert entry["system_log"]["read"] is False
    assert any("okta.logs.read" in note for note in entry["notes"])
    assert entry["verdict"]["code"] == "record_missing"
