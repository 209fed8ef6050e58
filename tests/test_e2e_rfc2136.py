"""End to end, offline: fake Okta + a real knotd + the real RFC 2136 writer, readiness and
verification, driven through ``flow.CustomDomainFlow`` as ``pulumi up`` would drive them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from okta_custom_domain.args import ManualCertificate
from okta_custom_domain.certificates import CertificateError
from okta_custom_domain.demo import OfflineLab, new_tsig_secret
from okta_custom_domain.flow import CustomDomainFlow, FlowError, FlowEvent, FlowState
from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.client import OktaDomainsClient
from okta_custom_domain.okta.verification import TxtValueRegenerated
from okta_custom_domain.rfc2136.writer import Rfc2136Error
from okta_custom_domain.testing.certs import make_certificate

ZONE = "e2e.test"
DOMAIN = f"login.{ZONE}"
ACME = f"_acme-challenge.{DOMAIN}"
OKTAVERIFICATION = f"_oktaverification.{DOMAIN}"


@pytest.fixture
def lab() -> Iterator[OfflineLab]:
    with OfflineLab(ZONE, completion_delay=0.3) as running:
        yield running


def manual_certificate(domain: str = DOMAIN) -> ManualCertificate:
    bundle = make_certificate(domain)
    return ManualCertificate(
        certificate=bundle.certificate_pem,
        certificate_chain=bundle.chain_pem,
        private_key=bundle.private_key_pem,
    )


def writes_and_calls(lab: OfflineLab) -> tuple[int | None, int, int, int]:
    """SOA serial, POST verify, POST domains and PUT certificate counts: what a rerun must not move."""
    return (
        lab.serial(),
        len(lab.okta.requests_to("POST", "/verify")),
        len(lab.okta.requests_to("POST", "/api/v1/domains")),
        len(lab.okta.requests_to("PUT", "/certificate")),
    )


def test_okta_managed_reaches_completed_and_a_second_up_changes_nothing(lab: OfflineLab) -> None:
    flow = CustomDomainFlow("login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config)
    first = flow.up()
    assert first.outputs["validation_status"] == "COMPLETED"
    assert set(first.actions.values()) == {"create"}
    domain = lab.okta.domain(first.outputs["domain_id"])
    txt = next(r for r in domain["dnsRecords"] if r["recordType"] == "TXT")
    assert lab.served(ACME, "TXT") == txt["values"]
    assert lab.served(DOMAIN, "CNAME") == [lab.okta.cname_target]
    assert len(lab.okta.requests_to("POST", "/verify")) == 1

    before = writes_and_calls(lab)
    second = flow.up()
    assert second.actions == dict.fromkeys(first.actions, "same")
    assert second.changed == []
    assert second.outputs == first.outputs
    assert writes_and_calls(lab) == before


def test_manual_certificate_is_uploaded_after_verification_then_completes(lab: OfflineLab) -> None:
    events: list[FlowEvent] = []
    args = lab.args(DOMAIN, lab.rfc2136_target(), certificate=manual_certificate())
    flow = CustomDomainFlow("login", args, lab.config, on_event=events.append)
    result = flow.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert list(result.actions) == [
        "login-dns-preflight",
        "login-domain",
        "login-cname",
        "login-txt",
        "login-dns-ready",
        "login-verification",
        "login-certificate",
        "login-certificate-issued",
    ]
    assert lab.served(OKTAVERIFICATION, "TXT") != []
    assert len(lab.okta.requests_to("PUT", "/certificate")) == 1
    done = [e.resource for e in events if e.action == "done"]
    assert done.index("login-verification") < done.index("login-certificate")
    state = flow.state.resources
    assert state["login-verification"].outputs["validation_status"] in ("VERIFIED", "COMPLETED")
    assert state["login-certificate-issued"].outputs["validation_status"] == "COMPLETED"
    assert lab.okta.domain(result.outputs["domain_id"])["publicCertificate"]["subject"].endswith(
        DOMAIN
    )

    before = writes_and_calls(lab)
    again = flow.up()
    assert again.changed == []
    assert writes_and_calls(lab) == before


def test_renewed_certificate_is_uploaded_again_and_nothing_else_changes(lab: OfflineLab) -> None:
    state = FlowState()
    args = lab.args(DOMAIN, lab.rfc2136_target(), certificate=manual_certificate())
    CustomDomainFlow("login", args, lab.config, state=state).up()
    renewed = lab.args(DOMAIN, lab.rfc2136_target(), certificate=manual_certificate())
    result = CustomDomainFlow("login", renewed, lab.config, state=state).up()
    assert result.changed == ["login-certificate"]
    assert result.actions["login-certificate"] == "update"
    assert len(lab.okta.requests_to("PUT", "/certificate")) == 2


def test_txt_regenerated_by_a_premature_verify_converges_after_refresh(lab: OfflineLab) -> None:
    """Someone verifies before the records exist: Okta fails and issues a new TXT value."""

    def verify_too_early(event: FlowEvent) -> None:
        if event.resource == "login-domain" and event.action == "done":
            domain_id = flow.state.resources["login-domain"].id
            with OktaDomainsClient(lab.okta.url, ApiToken(lab.okta.api_token)) as client:
                assert client.verify_domain(domain_id).validation_status == "FAILED_TO_VERIFY"

    flow = CustomDomainFlow(
        "login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config, on_event=verify_too_early
    )
    with pytest.raises(FlowError) as failed:
        flow.up()
    assert failed.value.resource == "login-verification"
    assert isinstance(failed.value.cause, TxtValueRegenerated)
    assert "pulumi up --refresh" in str(failed.value)
    assert "login-verification" not in flow.state.resources  # a failed create leaves no state
    domain_id = flow.state.resources["login-domain"].id
    new_value = next(
        r["values"][0] for r in lab.okta.domain(domain_id)["dnsRecords"] if r["recordType"] == "TXT"
    )
    assert lab.served(ACME, "TXT") != [new_value]  # DNS still has the old value

    refreshed = flow.refresh()
    assert refreshed.actions["login-domain"] == "update"
    flow.engine.on_event = lambda _event: None  # the person who verified early stops
    result = flow.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert result.actions == {
        "login-dns-preflight": "same",
        "login-domain": "same",
        "login-cname": "same",
        "login-txt": "update",
        "login-dns-ready": "update",
        "login-verification": "create",
    }
    assert lab.served(ACME, "TXT") == [new_value]
    assert result.outputs["domain_id"] == domain_id


def test_refresh_of_a_completed_stack_changes_nothing(lab: OfflineLab) -> None:
    flow = CustomDomainFlow("login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config)
    flow.up()
    before = writes_and_calls(lab)
    refreshed = flow.refresh()
    # okta.Domain's validation_status was NOT_STARTED when it was created; refresh reads COMPLETED
    assert refreshed.changed == ["login-domain"]
    assert flow.state.resources["login-domain"].outputs["validation_status"] == "COMPLETED"
    assert flow.refresh().changed == []
    assert flow.up().changed == []
    assert writes_and_calls(lab) == before


def test_domain_deleted_out_of_band_is_created_again_after_refresh(lab: OfflineLab) -> None:
    flow = CustomDomainFlow("login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config)
    old_id = flow.up().outputs["domain_id"]
    lab.okta.delete_out_of_band(old_id)
    assert flow.refresh().actions["login-domain"] == "gone"
    result = flow.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert result.outputs["domain_id"] != old_id
    assert result.actions["login-domain"] == "create"
    assert result.actions["login-txt"] == "update"  # the new domain has a new TXT value


def test_destroy_removes_the_records_and_the_domain(lab: OfflineLab) -> None:
    flow = CustomDomainFlow("login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config)
    flow.up()
    assert lab.okta_domains() == [DOMAIN]
    result = flow.destroy()
    assert list(result.actions) == [
        "login-verification",
        "login-dns-ready",
        "login-txt",
        "login-cname",
        "login-domain",
        "login-dns-preflight",
    ]
    assert lab.served(ACME, "TXT") == []
    assert lab.served(DOMAIN, "CNAME") == []
    assert lab.okta_domains() == []
    assert flow.state.resources == {}
    assert lab.okta.requests_to("DELETE", "")[-1].status == 204


@pytest.mark.parametrize("problem", ["wrong secret", "unknown key name", "zone not served"])
def test_rejected_key_or_zone_fails_before_the_okta_domain_exists(
    lab: OfflineLab, problem: str
) -> None:
    """The preflight (a signed update that changes nothing) runs before the domain: the
    server's refusal stops the flow with no Okta domain, nothing in DNS, nothing in state."""
    secret = new_tsig_secret()
    overrides = {
        "wrong secret": {"key_secret": secret},
        "unknown key name": {"key_name": "nobody-key"},
        "zone not served": {"zone": "other.test"},
    }[problem]
    domain = "login.other.test" if problem == "zone not served" else DOMAIN
    serial = lab.serial()
    flow = CustomDomainFlow("login", lab.args(domain, lab.rfc2136_target(**overrides)), lab.config)
    with pytest.raises(FlowError) as failed:
        flow.up()
    error = failed.value
    assert error.resource == "login-dns-preflight"
    assert isinstance(error.cause, Rfc2136Error)
    text = str(error)
    assert "preflight" in text
    assert f"127.0.0.1:{lab.dns.port}" in text
    assert ("other.test" if problem == "zone not served" else ZONE) in text
    assert overrides.get("key_name", lab.key_name) in text
    expected = {
        "wrong secret": "BADSIG",
        "unknown key name": "BADKEY",
        "zone not served": "server does not serve zone other.test",
    }[problem]
    assert expected in text
    assert secret not in text and lab.key_secret not in text
    assert lab.okta.requests_to("POST", "/api/v1/domains") == []
    assert lab.okta_domains() == []
    assert lab.serial() == serial  # nothing written
    assert (
        lab.served(domain, "CNAME") == [] and lab.served(f"_acme-challenge.{domain}", "TXT") == []
    )
    assert flow.state.resources == {}
    assert flow.destroy().actions == {}


def test_a_corrected_key_then_creates_everything(lab: OfflineLab) -> None:
    state = FlowState()
    wrong = lab.args(DOMAIN, lab.rfc2136_target(key_secret=new_tsig_secret()))
    with pytest.raises(FlowError):
        CustomDomainFlow("login", wrong, lab.config, state=state).up()
    assert state.resources == {} and lab.okta_domains() == []
    fixed = CustomDomainFlow(
        "login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config, state=state
    )
    result = fixed.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert set(result.actions.values()) == {"create"}
    assert lab.okta_domains() == [DOMAIN]
    assert len(lab.okta.requests_to("POST", "/api/v1/domains")) == 1


def test_the_preflight_runs_again_only_when_server_zone_or_key_change(lab: OfflineLab) -> None:
    """A TTL change updates the records without a new preflight; a new secret is checked
    again before the records would be rewritten with it (the server rejects it: nothing moves)."""
    state = FlowState()
    CustomDomainFlow("login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config, state=state).up()
    ttl = lab.args(DOMAIN, lab.rfc2136_target(ttl=120))
    changed = CustomDomainFlow("login", ttl, lab.config, state=state).up()
    assert changed.actions["login-dns-preflight"] == "same"
    assert changed.changed == ["login-cname", "login-txt"]
    before = writes_and_calls(lab)
    rotated = lab.args(DOMAIN, lab.rfc2136_target(key_secret=new_tsig_secret(), ttl=120))
    with pytest.raises(FlowError) as failed:
        CustomDomainFlow("login", rotated, lab.config, state=state).up()
    assert failed.value.resource == "login-dns-preflight"
    assert failed.value.action == "update"
    assert "BADSIG" in str(failed.value)
    assert writes_and_calls(lab) == before
    assert lab.okta_domains() == [DOMAIN]


@pytest.mark.parametrize(
    ("problem", "field", "words"),
    [
        ("for another domain", "certificate", "does not cover"),
        ("expired", "certificate", "expired"),
        ("key not matching", "private_key", "does not belong"),
    ],
)
def test_bad_certificates_fail_before_anything_is_created(
    lab: OfflineLab, problem: str, field: str, words: str
) -> None:
    good = make_certificate(DOMAIN)
    if problem == "for another domain":
        bundle = make_certificate(f"other.{ZONE}")
        cert = ManualCertificate(bundle.certificate_pem, bundle.chain_pem, bundle.private_key_pem)
    elif problem == "expired":
        past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=30)
        bundle = make_certificate(DOMAIN, not_before=past, days=10)
        cert = ManualCertificate(bundle.certificate_pem, bundle.chain_pem, bundle.private_key_pem)
    else:
        other = make_certificate(DOMAIN)
        cert = ManualCertificate(good.certificate_pem, good.chain_pem, other.private_key_pem)
    with pytest.raises(CertificateError) as failed:
        CustomDomainFlow(
            "login", lab.args(DOMAIN, lab.rfc2136_target(), certificate=cert), lab.config
        ).up()
    assert failed.value.field == field
    assert words in str(failed.value)
    assert "PRIVATE KEY" not in str(failed.value)
    assert lab.okta.requests == []
    assert lab.okta_domains() == []


def test_renaming_the_domain_replaces_domain_and_records(lab: OfflineLab) -> None:
    state = FlowState()
    CustomDomainFlow("login", lab.args(DOMAIN, lab.rfc2136_target()), lab.config, state=state).up()
    renamed = f"sso.{ZONE}"
    flow = CustomDomainFlow(
        "login", lab.args(renamed, lab.rfc2136_target()), lab.config, state=state
    )
    result = flow.up()
    assert result.outputs["validation_status"] == "COMPLETED"
    assert result.actions == {
        "login-dns-preflight": "same",
        "login-domain": "replace",
        "login-cname": "replace",
        "login-txt": "replace",
        "login-dns-ready": "update",
        "login-verification": "replace",
    }
    assert lab.okta_domains() == [renamed]
    assert lab.served(DOMAIN, "CNAME") == [] and lab.served(ACME, "TXT") == []
    assert lab.served(renamed, "CNAME") == [lab.okta.cname_target]
