"""The real engine when things go wrong: a registrar mistake, a renamed domain, Ctrl-C.

Each test has its own lab (knotd, one fake Okta org, a fresh Pulumi home and backend) and a
one-tenant stack of the project's own program.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest
from okta_custom_domain.testing.engine import OutputLog, pulumi_children
from okta_custom_domain.testing.engine_lab import EngineLab, RegistrarPerson
from pulumi import automation as auto

ZONE = "example.test"

pytestmark = pytest.mark.timeout(600)


def test_rows_typed_with_the_zone_twice_fail_with_the_diagnosis_and_no_verify(
    lab: EngineLab,
) -> None:
    stack = lab.one_domain_stack(f"id.{ZONE}", lab.manual_dns(ZONE), timeout=8)
    person = RegistrarPerson(lab, ZONE, types_full_names=True)
    log = OutputLog()

    def on_output(line: str) -> None:
        log(line)
        person(line)

    with pytest.raises(auto.CommandError):
        stack.up(on_output=on_output, color="never")
    assert (f"id.{ZONE}.{ZONE}", "CNAME") in {(fqdn, rtype) for fqdn, rtype, _ in person.entered}
    assert "id.example.test.example.test exists" in log.text, log.text
    assert "was appended to a full name" in log.text
    assert "enter 'id'" in log.text  # the label to type instead
    assert lab.okta["acme"].requests_to("POST", "/verify") == []


def test_renaming_a_domain_creates_the_new_one_before_deleting_the_old(lab: EngineLab) -> None:
    """The program names resources after the domain, so a rename is a new component and the
    old one deleted at the end: the old domain keeps serving until the new one is COMPLETED."""
    first = lab.one_domain_stack(f"login.{ZONE}", lab.rfc2136_dns(ZONE))
    first.up(color="never")
    fake = lab.okta["acme"]
    old_id = fake.domain_id_of(f"login.{ZONE}")
    renamed = lab.one_domain_stack(f"sso.{ZONE}", lab.rfc2136_dns(ZONE))
    log = OutputLog()
    result = renamed.up(on_output=log, color="never")
    assert result.outputs["acme"].value[f"sso.{ZONE}"]["validation_status"] == "COMPLETED"
    assert lab.okta_domains("acme") == [f"sso.{ZONE}"]
    writes = [(r.method, r.path) for r in fake.requests if r.method in ("POST", "DELETE")]
    delete = writes.index(("DELETE", f"/api/v1/domains/{old_id}"))
    new_id = fake.domain_id_of(f"sso.{ZONE}")
    verify_new = writes.index(("POST", f"/api/v1/domains/{new_id}/verify"))
    assert verify_new < delete, writes
    assert "deleted" in log.text
    assert lab.served(f"login.{ZONE}", "CNAME") == []
    assert lab.served(f"_acme-challenge.login.{ZONE}", "TXT") == []
    assert lab.served(f"sso.{ZONE}", "CNAME") == ["acme.customdomains.okta.com"]


def test_ctrl_c_during_the_readiness_wait_stops_and_the_next_up_finishes(
    lab: EngineLab,
) -> None:
    stack = lab.one_domain_stack(f"id.{ZONE}", lab.manual_dns(ZONE), timeout=300)
    log = OutputLog()
    waiting = threading.Event()

    def on_output(line: str) -> None:
        log(line)
        if "DNS readiness:" in line:
            waiting.set()

    outcome: dict[str, Any] = {}

    def run_up() -> None:
        try:
            outcome["result"] = stack.up(on_output=on_output, color="never")
        except auto.CommandError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run_up)
    thread.start()
    assert waiting.wait(60), log.text
    started = time.monotonic()
    pids = pulumi_children()
    assert pids, "no pulumi process found"
    for pid in pids:
        os.kill(pid, signal.SIGINT)  # what Ctrl-C (or a CI cancel) sends to the CLI
    thread.join(120)
    stopped_after = time.monotonic() - started
    assert not thread.is_alive(), f"up still running after Ctrl-C: {log.text[-2000:]}"
    assert "error" in outcome, "an interrupted up must not report success"
    print(f"up stopped {stopped_after:.1f} s after SIGINT")

    person = RegistrarPerson(lab, ZONE)
    log_after = OutputLog()

    def on_output_after(line: str) -> None:
        log_after(line)
        person(line)

    result = stack.up(on_output=on_output_after, color="never")
    assert result.outputs["acme"].value[f"id.{ZONE}"]["validation_status"] == "COMPLETED"
    assert lab.okta_domains("acme") == [f"id.{ZONE}"]
