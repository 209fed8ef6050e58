"""Day two through the real engine: the certificate's expiry, read again by refresh, and a
record deleted out of band, seen by ``health --from-stack`` and by refresh, and put back by
the next ``up``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain.testing.engine import OutputLog
from okta_custom_domain.testing.engine_lab import EngineLab
from pulumi import automation as auto

ZONE = "example.test"
DOMAIN = f"login.{ZONE}"
CLI = str(Path(sys.executable).parent / "okta-custom-domain")

pytestmark = pytest.mark.timeout(600)


def changes(summary: auto.UpdateSummary) -> dict[str, int]:
    """``{"delete": 1}``: the counts by operation name (the SDK types the keys as ``OpType``)."""
    return {str(getattr(op, "value", op)): n for op, n in (summary.resource_changes or {}).items()}


def health(lab: EngineLab) -> tuple[int, dict[str, Any]]:
    """``okta-custom-domain health --from-stack dev --json`` as a user runs it, in the project."""
    done = subprocess.run(
        [CLI, "health", "--from-stack", "dev", "--json", "--query-timeout", "0.5"],
        cwd=lab.engine.root / "project", env={**os.environ, **lab.engine.environment()},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert lab.okta["acme"].api_token not in done.stdout + done.stderr
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def exported(stack: auto.Stack) -> dict[str, Any]:
    return dict(stack.outputs()["acme"].value[DOMAIN])


def verification_state(stack: auto.Stack) -> dict[str, Any]:
    resources = (stack.export_stack().deployment or {}).get("resources") or []
    [found] = [r for r in resources if str(r["urn"]).endswith("-verification")]
    return dict(found.get("outputs") or {})


def test_certificate_expiration_is_exported_and_read_again_by_refresh(lab: EngineLab) -> None:
    stack = lab.one_domain_stack(DOMAIN, lab.rfc2136_dns(ZONE))
    stack.up(color="never")
    fake = lab.okta["acme"]
    domain_id = fake.domain_id_of(DOMAIN)
    issued = fake.domain(domain_id)["publicCertificate"]["expiration"]
    assert exported(stack)["certificate_expiration"] == issued

    fake.set_certificate_days_left(domain_id, 10)
    soon = fake.domain(domain_id)["publicCertificate"]["expiration"]
    assert soon != issued
    stack.refresh(color="never")  # the resource's state: read again from Okta
    assert verification_state(stack)["certificate_expiration"] == soon
    stack.refresh(color="never", run_program=True)  # the stack's outputs too
    assert exported(stack)["certificate_expiration"] == soon


def test_a_record_deleted_out_of_band_is_drift_on_refresh_and_up_puts_it_back(
    lab: EngineLab,
) -> None:
    stack = lab.one_domain_stack(DOMAIN, lab.rfc2136_dns(ZONE))
    stack.up(color="never")
    target = lab.served(DOMAIN, "CNAME")
    assert target == ["acme.customdomains.okta.com"]
    okta_writes = len([r for r in lab.okta["acme"].requests if r.method != "GET"])
    assert health(lab)[0] == 0
    lab.delete_as_registrar(ZONE, DOMAIN, "CNAME")
    assert lab.served(DOMAIN, "CNAME") == []
    code, report = health(lab)
    assert code == 2
    assert report["domains"][0]["checks"]["cname"]["level"] == "failing"

    log = OutputLog()
    refreshed = stack.refresh(color="never", on_output=log)
    assert changes(refreshed.summary).get("delete") == 1, log.text
    assert lab.served(DOMAIN, "CNAME") == [], "refresh only reads"

    up_log = OutputLog()
    repaired = stack.up(color="never", on_output=up_log)
    assert changes(repaired.summary).get("create") == 1, up_log.text
    assert lab.served(DOMAIN, "CNAME") == target
    assert exported(stack)["validation_status"] == "COMPLETED"
    assert len([r for r in lab.okta["acme"].requests if r.method != "GET"]) == okta_writes
    assert health(lab)[0] == 0
