"""The scenarios of the retired ``flow.py`` end-to-end tests, through the real engine.

Each test has its own lab (knotd, one fake Okta org, a fresh Pulumi home and backend) and a
one-tenant stack of the project's own program, driven as a user drives the CLI: ``up``,
``refresh``, ``up --refresh``, config changes between runs, and a registrar person who reads
the rows (and the readiness progress) in the CLI output.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.engine import OutputLog
from okta_custom_domain.testing.engine_lab import EngineLab, RegistrarPerson
from pulumi import automation as auto

ZONE = "example.test"
OKTA_DOMAIN_TYPE = "okta:index/domain:Domain"

pytestmark = pytest.mark.timeout(600)


@dataclasses.dataclass
class Run:
    """One CLI operation as a user sees it: the printed lines and each resource's step."""

    log: OutputLog = dataclasses.field(default_factory=OutputLog)
    steps: dict[str, str] = dataclasses.field(default_factory=dict)
    """Resource name -> the engine's op (``same``, ``create``, ``update``...)."""
    types: dict[str, str] = dataclasses.field(default_factory=dict)
    """Resource name -> its type token."""
    diffs: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    """Resource name -> the properties the engine reported as changed."""
    feed: Callable[[str], None] | None = None

    def on_output(self, line: str) -> None:
        self.log(line)
        if self.feed is not None:
            self.feed(line)

    def on_event(self, event: auto.EngineEvent) -> None:
        for step in (event.resource_pre_event, event.res_outputs_event):
            if step is not None:
                meta = step.metadata
                name = meta.urn.split("::")[-1]
                self.steps[name] = str(meta.op.value)
                self.types[name] = meta.type
                if meta.diffs:
                    self.diffs[name] = list(meta.diffs)

    def changed(self) -> dict[str, str]:
        """Every step that was not ``same`` (the stack itself left out)."""
        return {
            name: op
            for name, op in self.steps.items()
            if op != "same" and self.types[name] != "pulumi:pulumi:Stack"
        }

    def up(self, stack: auto.Stack, **kwargs: Any) -> auto.UpResult:
        return stack.up(on_output=self.on_output, on_event=self.on_event, color="never", **kwargs)

    def refresh(self, stack: auto.Stack) -> auto.RefreshResult:
        return stack.refresh(on_output=self.on_output, on_event=self.on_event, color="never")


def status(result: auto.UpResult, domain: str) -> str:
    return str(result.outputs["acme"].value[domain]["validation_status"])


def okta_writes(lab: EngineLab) -> list[tuple[str, str]]:
    return [
        (r.method, r.path) for r in lab.okta["acme"].requests if r.method in ("POST", "PUT", "DELETE")
    ]


def state_types(stack: auto.Stack) -> list[str]:
    resources = (stack.export_stack().deployment or {}).get("resources") or []
    return [str(r["type"]) for r in resources]


def resource_state(stack: auto.Stack) -> dict[str, Any]:
    """Each resource's inputs and outputs in state, by URN. The inputs leave out the SDK's
    ``__defaults`` bookkeeping (a read drops it; it is not a value of the resource)."""
    resources = (stack.export_stack().deployment or {}).get("resources") or []
    return {
        str(r["urn"]): {
            "inputs": {k: v for k, v in (r.get("inputs") or {}).items() if k != "__defaults"},
            "outputs": r.get("outputs") or {},
        }
        for r in resources
    }


def state_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Resource name -> the input and output keys whose values differ between two states."""
    changes: dict[str, Any] = {}
    for urn in sorted(set(before) | set(after)):
        old, new = before.get(urn) or {}, after.get(urn) or {}
        if old == new:
            continue
        changes[urn.split("::")[-1]] = {
            part: sorted(
                key
                for key in set(old.get(part) or {}) | set(new.get(part) or {})
                if (old.get(part) or {}).get(key) != (new.get(part) or {}).get(key)
            )
            for part in ("inputs", "outputs")
        }
    return changes


# -- 1. MANUAL certificate: uploaded after DNS verification; a renewal uploads only ------------


def test_manual_certificate_is_uploaded_after_dns_verification_and_a_renewal_only_uploads(
    lab: EngineLab,
) -> None:
    domain = f"login.{ZONE}"
    stack = lab.one_domain_stack(domain, lab.rfc2136_dns(ZONE), certificate=make_certificate(domain))
    first = Run()
    result = first.up(stack)
    assert status(result, domain) == "COMPLETED"
    fake = lab.okta["acme"]
    domain_id = fake.domain_id_of(domain)
    writes = okta_writes(lab)
    verify = writes.index(("POST", f"/api/v1/domains/{domain_id}/verify"))
    upload = writes.index(("PUT", f"/api/v1/domains/{domain_id}/certificate"))
    assert verify < upload, writes
    assert writes.count(("PUT", f"/api/v1/domains/{domain_id}/certificate")) == 1
    assert lab.served(f"_oktaverification.{domain}", "TXT") != []
    uploaded = fake.domain(domain_id)["publicCertificate"]
    assert uploaded["subject"].endswith(domain)

    serial = lab.dns.serial(ZONE)
    renewed = make_certificate(domain)
    stack = lab.one_domain_stack(domain, lab.rfc2136_dns(ZONE), certificate=renewed)
    second = Run()
    result = second.up(stack)
    assert status(result, domain) == "COMPLETED"
    # The okta provider and every other resource stay as they are. (The engine also records
    # an update of the default ``pulumi-python`` provider, the dynamic resources' provider,
    # whenever stack config changes; it carries no property diff and re-runs nothing.)
    resources = {
        name: op for name, op in second.changed().items()
        if not second.types[name].startswith("pulumi:providers:pulumi-python")
    }
    assert resources == {"acme-login-example-test-certificate": "update"}, (
        second.changed(), second.diffs
    )
    assert second.diffs["acme-login-example-test-certificate"] == [
        "certificate", "certificateChain", "privateKey"
    ]
    new_writes = okta_writes(lab)[len(writes) :]
    assert new_writes == [("PUT", f"/api/v1/domains/{domain_id}/certificate")]
    assert fake.domain(domain_id)["publicCertificate"]["fingerprint"] != uploaded["fingerprint"]
    assert lab.dns.serial(ZONE) == serial


# -- 2. refresh of a completed stack ------------------------------------------------------------


def test_refresh_of_a_completed_stack_changes_nothing(lab: EngineLab) -> None:
    """Nothing is written and no step changes; the only news refresh brings into state is
    the domain's ``validationStatus``, stored as NOT_STARTED when it was created."""
    domain = f"login.{ZONE}"
    stack = lab.one_domain_stack(domain, lab.rfc2136_dns(ZONE))
    assert status(Run().up(stack), domain) == "COMPLETED"
    writes = okta_writes(lab)
    serial = lab.dns.serial(ZONE)
    before = resource_state(stack)

    refresh = Run()
    refreshed = refresh.refresh(stack)
    assert set(refreshed.summary.resource_changes or {}) <= {"same"}, (
        refreshed.summary.resource_changes, refresh.changed()
    )
    after = resource_state(stack)
    assert state_changes(before, after) == {
        "acme-login-example-test-domain": {"inputs": [], "outputs": ["validationStatus"]}
    }
    urn = next(u for u in after if u.endswith("::acme-login-example-test-domain"))
    assert before[urn]["outputs"]["validationStatus"] == "NOT_STARTED"
    assert after[urn]["outputs"]["validationStatus"] == "COMPLETED"

    assert set(Run().refresh(stack).summary.resource_changes or {}) <= {"same"}
    assert resource_state(stack) == after
    up = Run()
    again = up.up(stack)
    assert set(again.summary.resource_changes or {}) <= {"same"}, up.changed()
    assert status(again, domain) == "COMPLETED"
    assert okta_writes(lab) == writes
    assert lab.dns.serial(ZONE) == serial


# -- 3. a domain deleted at Okta out of band ----------------------------------------------------


def test_a_domain_deleted_out_of_band_is_created_again_by_up_refresh(lab: EngineLab) -> None:
    domain = f"login.{ZONE}"
    stack = lab.one_domain_stack(domain, lab.rfc2136_dns(ZONE))
    assert status(Run().up(stack), domain) == "COMPLETED"
    fake = lab.okta["acme"]
    old_id = fake.domain_id_of(domain)
    old_txt = lab.served(f"_acme-challenge.{domain}", "TXT")
    fake.delete_out_of_band(old_id)

    run = Run()
    result = run.up(stack, refresh=True)
    assert status(result, domain) == "COMPLETED"
    new_id = fake.domain_id_of(domain)
    assert new_id != old_id
    assert result.outputs["acme"].value[domain]["domain_id"] == new_id
    assert lab.okta_domains("acme") == [domain]
    assert run.steps["acme-login-example-test-domain"] == "create", run.steps
    assert run.steps["acme-login-example-test-txt"] == "update", run.steps
    new_txt = [
        r["values"][0] for r in fake.domain(new_id)["dnsRecords"] if r["recordType"] == "TXT"
    ]
    assert lab.served(f"_acme-challenge.{domain}", "TXT") == new_txt != old_txt
    assert fake.domain(new_id)["validationStatus"] == "COMPLETED"


# -- 4. a rejected TSIG key or an unserved zone -------------------------------------------------


def new_tsig_secret() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.mark.parametrize("problem", ["wrong secret", "unknown key name", "zone not served"])
def test_rejected_key_or_zone_fails_before_the_okta_domain_exists(
    lab: EngineLab, problem: str
) -> None:
    zone = "other.test" if problem == "zone not served" else ZONE
    domain = f"login.{zone}"
    dns = lab.rfc2136_dns(zone)
    wrong_secret = new_tsig_secret()
    if problem == "wrong secret":
        dns["keySecret"] = wrong_secret
    elif problem == "unknown key name":
        dns["keyName"] = "nobody-key"
    serial = lab.dns.serial(ZONE)
    stack = lab.one_domain_stack(domain, dns)
    run = Run()
    with pytest.raises(auto.CommandError) as failed:
        run.up(stack)
    text = f"{run.log.text}\n{failed.value}"
    expected = {
        "wrong secret": "BADSIG",
        "unknown key name": "BADKEY",
        "zone not served": "does not serve zone other.test",
    }[problem]
    assert expected in text, text
    assert "acme-login-" in text and "-dns-preflight" in text
    assert f"127.0.0.1:{lab.dns.port}" in text
    assert wrong_secret not in text and lab.key_secret not in text
    fake = lab.okta["acme"]
    assert fake.requests_to("POST", "/api/v1/domains") == []
    assert OKTA_DOMAIN_TYPE not in state_types(stack)
    assert lab.dns.serial(ZONE) == serial
    assert lab.served(domain, "CNAME") == []
    assert lab.served(f"_acme-challenge.{domain}", "TXT") == []
    assert lab.okta_domains("acme") == []
    if problem == "zone not served":
        return

    fixed = lab.one_domain_stack(domain, lab.rfc2136_dns(ZONE))
    result = Run().up(fixed)
    assert status(result, domain) == "COMPLETED"
    assert len(fake.requests_to("POST", "/api/v1/domains")) == 1
    assert lab.okta_domains("acme") == [domain]
    assert lab.served(domain, "CNAME") == ["acme.customdomains.okta.com"]


# -- 5. bad certificates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        ("for another domain", "certificate: does not cover"),
        ("expired", "expired"),
        ("key not matching", "does not belong to the certificate"),
    ],
)
def test_bad_certificates_fail_before_anything_is_created(
    lab: EngineLab, problem: str, words: str
) -> None:
    domain = f"login.{ZONE}"
    good = make_certificate(domain)
    if problem == "for another domain":
        bundle = make_certificate(f"other.{ZONE}")
    elif problem == "expired":
        past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
        bundle = make_certificate(domain, not_before=past, days=10)
    else:
        other = make_certificate(domain)
        bundle = dataclasses.replace(good, private_key_pem=other.private_key_pem)
    stack = lab.one_domain_stack(domain, lab.rfc2136_dns(ZONE), certificate=bundle)
    serial = lab.dns.serial(ZONE)
    run = Run()
    with pytest.raises(auto.CommandError) as failed:
        run.up(stack)
    text = f"{run.log.text}\n{failed.value}"
    assert words in text, text
    assert "PRIVATE KEY" not in text
    assert bundle.private_key_pem.splitlines()[1] not in text
    assert lab.okta["acme"].requests == []
    assert run.changed() == {}, run.steps
    assert state_types(stack) == ["pulumi:pulumi:Stack"]  # an empty stack, nothing in it
    assert lab.dns.serial(ZONE) == serial


# -- 6. an FQDN-style registrar form with a MANUAL certificate ----------------------------------


def test_fqdn_form_rows_with_a_manual_certificate_reach_completed(lab: EngineLab) -> None:
    domain = f"id.{ZONE}"
    stack = lab.one_domain_stack(
        domain, lab.manual_dns(ZONE, style="fqdn"),
        certificate=make_certificate(domain),  # Okta takes RSA keys only
    )
    person = RegistrarPerson(lab, ZONE, form="fqdn")
    result = Run(feed=person).up(stack)
    assert status(result, domain) == "COMPLETED"
    rows = result.outputs["acme"].value[domain]["registrar_rows"]
    assert [row["name"] for row in rows] == [domain, f"_oktaverification.{domain}"]
    assert sorted(fqdn for fqdn, _, _ in person.entered) == [
        f"_oktaverification.{domain}", domain
    ]
    assert lab.served(domain, "CNAME") == ["acme.customdomains.okta.com"]
    assert lab.served(f"_oktaverification.{domain}", "TXT") != []
    assert len(lab.okta["acme"].requests_to("PUT", "/certificate")) == 1

    writes = okta_writes(lab)
    again = Run(feed=person)
    second = again.up(stack)
    assert set(second.summary.resource_changes or {}) <= {"same"}, again.changed()
    assert okta_writes(lab) == writes


# -- 7. the full name typed in a label form: timeout, correction, next up ------------------------


def test_full_name_in_a_label_form_times_out_with_the_diagnosis_then_the_next_up_completes(
    lab: EngineLab,
) -> None:
    domain = f"id.{ZONE}"
    stack = lab.one_domain_stack(domain, lab.manual_dns(ZONE), timeout=6)
    person = RegistrarPerson(lab, ZONE, types_full_names=True)
    first = Run(feed=person)
    with pytest.raises(auto.CommandError) as failed:
        first.up(stack)
    text = f"{first.log.text}\n{failed.value}"
    assert "DNS records not ready after 6 s" in text, text
    assert f"{domain}.{ZONE} exists" in text
    assert "was appended to a full name" in text
    assert "enter 'id'" in text
    assert "enter '_acme-challenge.id'" in text
    fake = lab.okta["acme"]
    assert fake.requests_to("POST", "/verify") == []  # never verified too early
    assert lab.served(f"{domain}.{ZONE}", "CNAME") == ["acme.customdomains.okta.com"]
    domain_id = fake.domain_id_of(domain)

    person.correct()
    assert lab.served(f"{domain}.{ZONE}", "CNAME") == []  # the doubled rows were deleted
    second = Run(feed=person)
    result = second.up(stack)
    assert status(result, domain) == "COMPLETED"
    assert result.outputs["acme"].value[domain]["domain_id"] == domain_id
    assert second.steps["acme-id-example-test-domain"] == "same", second.steps
    assert second.steps["acme-id-example-test-dns-ready"] == "create", second.steps
    assert lab.served(domain, "CNAME") == ["acme.customdomains.okta.com"]
    assert len(fake.requests_to("POST", "/api/v1/domains")) == 1


# -- 8. the person reads the diagnosis in the progress line and fixes it during the wait ---------


def test_a_person_who_reads_the_progress_line_fixes_the_rows_during_the_same_up(
    lab: EngineLab,
) -> None:
    domain = f"id.{ZONE}"
    stack = lab.one_domain_stack(domain, lab.manual_dns(ZONE), timeout=120)
    person = RegistrarPerson(lab, ZONE, types_full_names=True, fixes_when_diagnosed=True)
    run = Run(feed=person)
    result = run.up(stack)
    assert status(result, domain) == "COMPLETED"
    assert person.corrections == 1
    seen = person.diagnosis_lines[0]
    assert "DNS readiness:" in seen
    assert seen.rstrip().endswith("[zone_appended_twice]"), seen
    lines = run.log.lines
    fixed_at = lines.index(seen)
    completed = next(i for i, line in enumerate(lines) if "validation status COMPLETED" in line)
    assert fixed_at < completed
    assert lab.served(f"{domain}.{ZONE}", "CNAME") == []
    assert lab.served(domain, "CNAME") == ["acme.customdomains.okta.com"]
    assert len(lab.okta["acme"].requests_to("POST", "/verify")) >= 1
