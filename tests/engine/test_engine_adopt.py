"""Adopting what exists, through the real engine: a domain the org already has (made in the
Admin Console, by Terraform, or by a run that was killed) taken over with ``adopt: true``.

Each test has its own lab (knotd, one fake Okta org, the plugin doubles, a fresh backend). The
live domain is made the way a person makes it: created through the Okta API, its records
entered at the DNS host, verified, certificate issued (or uploaded, for MANUAL). The stack then
adopts it: no write at Okta, the existing id and status as outputs, a second ``up`` that
changes nothing, and a ``destroy`` that leaves the domain and its records serving.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.testing.certs import GeneratedCertificate, make_certificate
from okta_custom_domain.testing.engine import OutputLog, flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab, certificate_config
from okta_custom_domain.testing.plugins.base import read_request_log
from okta_custom_domain.testing.plugins.cloudflare import writes as cloudflare_writes
from pulumi import automation as auto

ZONE = "example.test"
DOMAIN = f"login.{ZONE}"
OKTA_DOMAIN = "acme-login-example-test-domain"

pytestmark = pytest.mark.timeout(600)


def adopting_stack(
    lab: EngineLab,
    dns: dict[str, Any],
    *,
    domain: str = DOMAIN,
    certificate: GeneratedCertificate | None = None,
    **flags: Any,
) -> auto.Stack:
    """Stack ``dev``: tenant ``acme`` with one domain and ``adopt: true`` (plus ``flags``)."""
    entry: dict[str, Any] = {
        "domain": domain, "dns": dns, "readiness": lab.readiness(), "adopt": True, **flags
    }  # fmt: skip
    if certificate is not None:
        entry["certificateSourceType"] = "MANUAL"
        entry["certificate"] = certificate_config(certificate)
    tenants = [{"name": "acme", "okta": lab.okta_with_token("acme"), "domains": [entry]}]
    return lab.engine.stack("dev", flatten_config("okta-custom-domain:tenants", tenants))


def live_domain(
    lab: EngineLab, source: str = "OKTA_MANAGED", certificate: GeneratedCertificate | None = None
) -> str:
    """A COMPLETED domain made outside the stack, its records served by knotd; its id."""
    fake = lab.okta["acme"]
    with OktaDomainsClient(fake.url, ApiToken(fake.api_token)) as client:
        created = client.create_domain(DOMAIN, source)
        for record in created.dns_records:
            assert record.value is not None
            lab.save_as_registrar(ZONE, record.fqdn, record.record_type, record.value, 60)
        assert client.verify_domain(created.id).validation_status in ("VERIFIED", "COMPLETED")
        if certificate is not None:
            client.upload_certificate(
                created.id,
                certificate.certificate_pem,
                certificate.chain_pem,
                certificate.private_key_pem,
            )
        assert client.get_domain(created.id).validation_status == "COMPLETED"
    return created.id


def okta_writes(lab: EngineLab, since: int = 0) -> list[tuple[str, str]]:
    requests = lab.okta["acme"].requests[since:]
    return [(r.method, r.path) for r in requests if r.method in ("POST", "PUT", "DELETE")]


class Run:
    """One CLI operation: the printed lines and each resource's step."""

    def __init__(self) -> None:
        self.log = OutputLog()
        self.steps: dict[str, str] = {}
        self.types: dict[str, str] = {}

    def on_event(self, event: auto.EngineEvent) -> None:
        for step in (event.resource_pre_event, event.res_outputs_event):
            if step is not None:
                name = step.metadata.urn.split("::")[-1]
                self.steps[name] = str(step.metadata.op.value)
                self.types[name] = step.metadata.type

    def changed(self) -> dict[str, str]:
        return {
            name: op
            for name, op in self.steps.items()
            if op != "same" and self.types[name] != "pulumi:pulumi:Stack"
        }

    def up(self, stack: auto.Stack) -> auto.UpResult:
        return stack.up(on_output=self.log, on_event=self.on_event, color="never")

    def destroy(self, stack: auto.Stack) -> auto.DestroyResult:
        return stack.destroy(on_output=self.log, on_event=self.on_event, color="never")


def served(lab: EngineLab, domain_id: str) -> dict[str, list[str]]:
    """What knotd serves at the names of the domain's records."""
    records = lab.okta["acme"].domain(domain_id)["dnsRecords"]
    return {r["recordType"]: lab.served(r["fqdn"], r["recordType"]) for r in records}


def test_adopting_a_live_domain_writes_nothing_and_destroy_leaves_it_serving(
    lab: EngineLab,
) -> None:
    domain_id = live_domain(lab)
    before_up = len(lab.okta["acme"].requests)
    serving = served(lab, domain_id)
    serial = lab.dns.serial(ZONE)

    preview = adopting_stack(lab, lab.rfc2136_dns(ZONE)).preview(color="never")
    assert preview.change_summary.get(auto.OpType.IMPORT) == 1, preview.change_summary
    assert okta_writes(lab, before_up) == []

    first = Run()
    result = first.up(adopting_stack(lab, lab.rfc2136_dns(ZONE)))
    outputs = result.outputs["acme"].value[DOMAIN]
    assert (outputs["domain_id"], outputs["validation_status"]) == (domain_id, "COMPLETED")
    assert okta_writes(lab, before_up) == []  # no create, no verify, no brand
    assert first.steps[OKTA_DOMAIN] == "import", first.steps
    assert lab.dns.serial(ZONE) == serial  # the records already held the values: not rewritten
    assert lab.okta_domains("acme") == [DOMAIN]

    second = Run()
    again = second.up(adopting_stack(lab, lab.rfc2136_dns(ZONE)))
    assert second.changed() == {}, second.changed()
    assert again.outputs["acme"].value[DOMAIN]["domain_id"] == domain_id
    assert okta_writes(lab, before_up) == []

    gone = Run()
    gone.destroy(adopting_stack(lab, lab.rfc2136_dns(ZONE)))
    assert okta_writes(lab, before_up) == []
    assert lab.okta["acme"].domain(domain_id)["validationStatus"] == "COMPLETED"
    assert served(lab, domain_id) == serving
    assert f"{DOMAIN} was adopted: left in place the Okta domain {domain_id}" in gone.log.text
    assert f"CNAME {DOMAIN}" in gone.log.text and "deleteOnDestroy: true" in gone.log.text


def test_adopted_cloudflare_records_are_imported_not_doubled(lab: EngineLab) -> None:
    """The records were entered in the dashboard: getDnsRecords finds their ids, the stack
    imports them by ``zoneId/recordId``. Nothing is created at Cloudflare or Okta; the records
    only gain the component's comment (their content stays)."""
    domain_id = live_domain(lab)
    before_up = len(lab.okta["acme"].requests)
    serving = served(lab, domain_id)
    dns = lab.cloudflare_dns(ZONE)
    run = Run()
    result = run.up(adopting_stack(lab, dns))
    assert result.outputs["acme"].value[DOMAIN]["domain_id"] == domain_id
    assert okta_writes(lab, before_up) == []
    assert "= 3 imported" in run.log.text, run.log.text  # the domain and both records
    entries = cloudflare_writes(read_request_log(lab.cloudflare_requests))
    assert [e["method"] for e in entries] == ["Update", "Update"], entries
    assert {e["type"]: e["content"] for e in entries} == {
        rtype: values[0] for rtype, values in serving.items()
    }
    assert served(lab, domain_id) == serving

    second = Run()
    second.up(adopting_stack(lab, dns))
    assert second.changed() == {}, second.changed()
    assert cloudflare_writes(read_request_log(lab.cloudflare_requests)) == entries

    gone = Run()
    gone.destroy(adopting_stack(lab, dns))
    assert cloudflare_writes(read_request_log(lab.cloudflare_requests)) == entries
    assert served(lab, domain_id) == serving
    assert okta_writes(lab, before_up) == []


def test_adopting_a_manual_domain_uploads_only_a_different_certificate(lab: EngineLab) -> None:
    bundle = make_certificate(DOMAIN)
    domain_id = live_domain(lab, "MANUAL", bundle)
    before_up = len(lab.okta["acme"].requests)
    run = Run()
    result = run.up(adopting_stack(lab, lab.rfc2136_dns(ZONE), certificate=bundle))
    outputs = result.outputs["acme"].value[DOMAIN]
    assert (outputs["domain_id"], outputs["validation_status"]) == (domain_id, "COMPLETED")
    assert okta_writes(lab, before_up) == []  # the certificate Okta serves is the configured one
    assert run.steps[OKTA_DOMAIN] == "import"

    renewed = make_certificate(DOMAIN)
    later = Run()
    later.up(adopting_stack(lab, lab.rfc2136_dns(ZONE), certificate=renewed))
    assert okta_writes(lab, before_up) == [("PUT", f"/api/v1/domains/{domain_id}/certificate")]
    fingerprint = lab.okta["acme"].domain(domain_id)["publicCertificate"]["fingerprint"]
    leaf = x509.load_pem_x509_certificate(renewed.certificate_pem.encode())
    assert fingerprint.replace(":", "").lower() == leaf.fingerprint(hashes.SHA256()).hex()


def test_adopting_a_domain_the_org_does_not_have_fails_before_anything_is_created(
    lab: EngineLab,
) -> None:
    stack = adopting_stack(lab, lab.rfc2136_dns(ZONE))
    serial = lab.dns.serial(ZONE)
    run = Run()
    with pytest.raises(auto.CommandError) as failed:
        run.up(stack)
    text = f"{run.log.text}\n{failed.value}"
    assert f"adopt: {DOMAIN} does not exist in the Okta org" in text, text
    assert lab.okta["acme"].url in text  # the org asked (here the fake's URL)
    assert okta_writes(lab) == []
    assert lab.okta_domains("acme") == []
    assert lab.dns.serial(ZONE) == serial
    created = [n for n, op in run.steps.items() if op == "create" and "pulumi:" not in run.types[n]]
    assert created == [], run.steps


def test_a_domain_left_by_a_killed_run_is_finished_and_delete_on_destroy_deletes_it(
    lab: EngineLab,
) -> None:
    """A run killed right after the create leaves a NOT_STARTED domain and no records: adopting
    it writes the records, verifies once and waits; with ``deleteOnDestroy`` destroy deletes
    the domain and the records, and says nothing about leaving them."""
    fake = lab.okta["acme"]
    domain_id = fake.add_domain(DOMAIN)
    before_up = len(fake.requests)
    stack = adopting_stack(lab, lab.rfc2136_dns(ZONE), deleteOnDestroy=True)
    run = Run()
    result = run.up(stack)
    outputs = result.outputs["acme"].value[DOMAIN]
    assert (outputs["domain_id"], outputs["validation_status"]) == (domain_id, "COMPLETED")
    assert okta_writes(lab, before_up) == [("POST", f"/api/v1/domains/{domain_id}/verify")]
    assert served(lab, domain_id)["CNAME"] == ["acme.customdomains.okta.com"]
    assert "acme-login-example-test-adopted" not in run.steps

    gone = Run()
    gone.destroy(stack)
    assert okta_writes(lab, before_up)[-1] == ("DELETE", f"/api/v1/domains/{domain_id}")
    assert lab.okta_domains("acme") == []
    assert lab.served(DOMAIN, "CNAME") == []
    assert "left in place" not in gone.log.text


def test_a_missing_adopted_domain_stops_the_other_domains_of_the_stack_too(
    lab: EngineLab,
) -> None:
    """The program looks every adopted domain up before it declares anything: a domain listed
    before the missing one is not created either."""
    created_first = {"domain": f"sso.{ZONE}", "dns": lab.rfc2136_dns(ZONE), "readiness": lab.readiness()}
    adopted = {**created_first, "domain": DOMAIN, "adopt": True}
    tenants = [
        {"name": "acme", "okta": lab.okta_with_token("acme"), "domains": [created_first, adopted]}
    ]
    stack = lab.engine.stack("dev", flatten_config("okta-custom-domain:tenants", tenants))
    run = Run()
    with pytest.raises(auto.CommandError):
        run.up(stack)
    assert f"adopt: {DOMAIN} does not exist in the Okta org" in run.log.text
    assert okta_writes(lab) == []
    assert lab.okta_domains("acme") == []
    assert [n for n in run.steps if not run.types[n].startswith("pulumi:")] == []
