"""The component's resource graph under Pulumi mocks, at preview and at update."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_okta as okta
import pytest
from okta_custom_domain import (
    CloudflareDns,
    ManualCertificate,
    ManualDns,
    OktaCustomDomain,
    OktaCustomDomainArgs,
    OktaOrg,
    ReadinessOptions,
    Rfc2136Dns,
    VerificationOptions,
)
from okta_custom_domain.component import TYPE_TOKEN
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.pulumi_mocks import (
    DNS_READINESS_TYPE,
    OKTA_CNAME_TARGET,
    OKTA_TXT_VALUE,
    VERIFICATION_TYPE,
    OktaMocks,
    ProgramRun,
    Registration,
    okta_dns_records,
    run_program,
)

DOMAIN_TYPE = "okta:index/domain:Domain"
CF_RECORD_TYPE = "cloudflare:index/dnsRecord:DnsRecord"
ZONE_ID = "0123456789abcdef0123456789abcdef"


def one_domain(args: OktaCustomDomainArgs, mocks: OktaMocks | None = None) -> ProgramRun:
    def program() -> dict[str, Any]:
        component = OktaCustomDomain("acme", args)
        return {
            "domain_id": component.domain_id,
            "dns_records": component.dns_records,
            "registrar_rows": component.registrar_rows,
            "cname_target": component.cname_target,
            "validation_status": component.validation_status,
        }

    return run_program(program, mocks)


def cloudflare_args(**overrides: Any) -> OktaCustomDomainArgs:
    values: dict[str, Any] = {
        "domain": "Login.Example.com",
        "dns": CloudflareDns(zone_id=ZONE_ID),
        "okta_org": OktaOrg(org_url="https://acme.okta.com", credentials_tenant="acme"),
    }
    values.update(overrides)
    return OktaCustomDomainArgs(**values)


def test_component_type_token_and_children_parented() -> None:
    run = one_domain(cloudflare_args())
    component = run.one(TYPE_TOKEN)
    assert component.name == "acme"
    children = [r for r in run.registrations if r.type != TYPE_TOKEN]
    assert children, "the component created no children"
    assert all(r.parent == component.urn for r in children)


def test_domain_is_created_lower_cased_with_certificate_source_type() -> None:
    run = one_domain(cloudflare_args(brand_id="bnd123"))
    domain = run.one(DOMAIN_TYPE)
    assert domain.inputs["name"] == "login.example.com"
    assert domain.inputs["certificateSourceType"] == "OKTA_MANAGED"
    assert domain.inputs["brandId"] == "bnd123"


@pytest.mark.parametrize(
    ("certificate_source_type", "txt_name"),
    [
        ("OKTA_MANAGED", "_acme-challenge.login.example.com"),
        ("MANUAL", "_oktaverification.login.example.com"),
    ],
)
def test_cloudflare_records_names_values_and_dependency(
    certificate_source_type: str, txt_name: str
) -> None:
    extra: dict[str, Any] = {"certificate_source_type": certificate_source_type}
    if certificate_source_type == "MANUAL":
        extra["certificate"] = manual_certificate()
    run = one_domain(cloudflare_args(**extra))
    domain = run.one(DOMAIN_TYPE)
    cname = run.one(CF_RECORD_TYPE, "-cname")
    txt = run.one(CF_RECORD_TYPE, "-txt")
    assert (cname.inputs["name"], cname.inputs["type"]) == ("login.example.com", "CNAME")
    assert (txt.inputs["name"], txt.inputs["type"]) == (txt_name, "TXT")
    assert cname.inputs["content"] == OKTA_CNAME_TARGET
    assert txt.inputs["content"] == OKTA_TXT_VALUE
    for record in (cname, txt):
        assert domain.urn in record.dependencies, "record does not depend on the Okta domain"
        assert domain.urn in record.property_dependencies["content"]
        assert record.inputs["zoneId"] == ZONE_ID


def test_cloudflare_records_are_dns_only_with_explicit_ttl_and_comment() -> None:
    run = one_domain(cloudflare_args(dns=CloudflareDns(zone_id=ZONE_ID, ttl=120)))
    records = run.of_type(CF_RECORD_TYPE)
    assert len(records) == 2
    for record in records:
        assert record.inputs.get("proxied") is False, "proxying breaks Okta verification"
        assert record.inputs["ttl"] == 120
        assert "okta-custom-domain" in record.inputs["comment"]
        assert "acme" in record.inputs["comment"]


def test_cloudflare_zone_name_is_looked_up() -> None:
    run = one_domain(cloudflare_args(dns=CloudflareDns(zone_name="Example.com")))
    lookups = [c for c in run.mocks.calls if c.token == "cloudflare:index/getZone:getZone"]
    assert len(lookups) == 1
    assert lookups[0].args["filter"]["name"] == "example.com"
    for record in run.of_type(CF_RECORD_TYPE):
        assert record.inputs["zoneId"] == run.mocks.zone_id


def test_outputs_after_update() -> None:
    run = one_domain(cloudflare_args())
    assert run.outputs["domain_id"] == "OcDacme-domain"
    assert run.outputs["cname_target"] == OKTA_CNAME_TARGET
    assert run.outputs["registrar_rows"] == []
    assert run.outputs["dns_records"] == [
        {
            "type": "CNAME",
            "fqdn": "login.example.com",
            "name": "login.example.com",
            "value": OKTA_CNAME_TARGET,
        },
        {
            "type": "TXT",
            "fqdn": "_acme-challenge.login.example.com",
            "name": "_acme-challenge.login.example.com",
            "value": OKTA_TXT_VALUE,
        },
    ]


@pytest.mark.parametrize(
    ("style", "cname_name", "txt_name"),
    [
        ("label", "login", "_acme-challenge.login"),
        ("fqdn", "login.example.com", "_acme-challenge.login.example.com"),
        ("fqdn-dot", "login.example.com.", "_acme-challenge.login.example.com."),
    ],
)
def test_manual_dns_writes_nothing_and_gives_paste_ready_rows(
    style: str, cname_name: str, txt_name: str
) -> None:
    run = one_domain(cloudflare_args(dns=ManualDns(zone="example.com", style=style, ttl=600)))
    assert run.of_type(CF_RECORD_TYPE) == []
    assert run.outputs["registrar_rows"] == [
        {"name": cname_name, "type": "CNAME", "value": OKTA_CNAME_TARGET, "ttl": 600},
        {"name": txt_name, "type": "TXT", "value": OKTA_TXT_VALUE, "ttl": 600},
    ]
    assert [r["name"] for r in run.outputs["dns_records"]] == [cname_name, txt_name]


def test_preview_knows_record_names_but_not_values() -> None:
    run = one_domain(cloudflare_args(), OktaMocks(preview=True))
    cname = run.one(CF_RECORD_TYPE, "-cname")
    txt = run.one(CF_RECORD_TYPE, "-txt")
    assert cname.inputs["name"] == "login.example.com"
    assert txt.inputs["name"] == "_acme-challenge.login.example.com"
    assert not isinstance(cname.inputs.get("content"), str), "value must be unknown at preview"
    assert not isinstance(txt.inputs.get("content"), str), "value must be unknown at preview"
    assert run.outputs == {}, "outputs that depend on Okta must be unknown at preview"


def test_update_fails_clearly_when_okta_names_a_record_differently() -> None:
    def odd_records(domain: str, certificate_source_type: str) -> list[dict[str, Any]]:
        records = okta_dns_records(domain, "MANUAL")  # _oktaverification where we expect ACME
        return records

    with pytest.raises(Exception, match=r"Okta asks for the TXT record at '_oktaverification"):
        one_domain(cloudflare_args(), OktaMocks(record_override=odd_records))


def test_update_fails_clearly_when_okta_omits_a_record() -> None:
    def txt_only(domain: str, certificate_source_type: str) -> list[dict[str, Any]]:
        return okta_dns_records(domain, certificate_source_type)[:1]

    with pytest.raises(Exception, match=r"no CNAME record for 'login\.example\.com'"):
        one_domain(cloudflare_args(), OktaMocks(record_override=txt_only))


def test_callers_providers_reach_every_child() -> None:
    def program() -> dict[str, Any]:
        okta_provider = okta.Provider("org-a", org_name="a", base_url="okta.com", api_token="t")
        cf_provider = cloudflare.Provider("cf-a", api_token="c" * 40)
        OktaCustomDomain(
            "acme",
            cloudflare_args(),
            opts=pulumi.ResourceOptions(providers=[okta_provider, cf_provider]),
        )
        return {}

    run = run_program(program)
    okta_urn = run.by_name("org-a").urn
    cf_urn = run.by_name("cf-a").urn
    assert run.one(DOMAIN_TYPE).provider.startswith(okta_urn + "::")
    for record in run.of_type(CF_RECORD_TYPE):
        assert record.provider.startswith(cf_urn + "::")


def test_two_components_in_one_program_do_not_collide() -> None:
    def program() -> dict[str, Any]:
        OktaCustomDomain("a", cloudflare_args(domain="a.example.com"))
        OktaCustomDomain("b", cloudflare_args(domain="b.example.com"))
        return {}

    run = run_program(program)
    assert sorted(r.inputs["name"] for r in run.of_type(DOMAIN_TYPE)) == [
        "a.example.com",
        "b.example.com",
    ]
    assert len(run.of_type(CF_RECORD_TYPE)) == 4


READINESS = "okta-custom-domain-dns-ready"


def dynamic(run: ProgramRun, suffix: str) -> Registration:
    """The component's ``DnsReadiness`` (``-dns-ready``) or one ``OktaDomainVerification``."""
    return run.one(DNS_READINESS_TYPE if suffix == "-dns-ready" else VERIFICATION_TYPE, suffix)


def manual_certificate(domain: str = "login.example.com", **kwargs: Any) -> ManualCertificate:
    generated = make_certificate(domain, **kwargs)
    return ManualCertificate(
        certificate=generated.certificate_pem,
        certificate_chain=generated.chain_pem,
        private_key=generated.private_key_pem,
    )


def test_graph_is_domain_records_readiness_verification() -> None:
    run = one_domain(cloudflare_args())
    domain = run.one(DOMAIN_TYPE)
    records = run.of_type(CF_RECORD_TYPE)
    readiness = dynamic(run, "-dns-ready")
    verification = dynamic(run, "-verification")
    for record in records:
        assert record.urn in readiness.dependencies, "readiness must wait for the records"
    assert domain.urn in readiness.dependencies
    assert readiness.urn in verification.dependencies, "verification must wait for readiness"
    assert verification.inputs["domain_id"] == "OcDacme-domain"
    assert verification.inputs["org_url"] == "https://acme.okta.com"
    assert verification.inputs["credentials_tenant"] == "acme"
    assert verification.inputs["wait_for"] == "COMPLETED"


def test_readiness_gets_the_records_and_options() -> None:
    options = ReadinessOptions(
        timeout=60,
        interval=1,
        resolver="127.0.0.1:5353",
        dns_port=5353,
        nameservers=["127.0.0.2:5353"],
        validating_resolver="127.0.0.9",
    )
    run = one_domain(cloudflare_args(readiness=options))
    readiness = dynamic(run, "-dns-ready")
    assert readiness.inputs["records"] == [
        {"type": "CNAME", "fqdn": "login.example.com", "value": OKTA_CNAME_TARGET},
        {"type": "TXT", "fqdn": "_acme-challenge.login.example.com", "value": OKTA_TXT_VALUE},
    ]
    assert readiness.inputs["timeout"] == 60
    assert readiness.inputs["interval"] == 1
    assert readiness.inputs["resolver"] == "127.0.0.1:5353"
    assert readiness.inputs["dns_port"] == 5353
    assert readiness.inputs["nameservers"] == ["127.0.0.2:5353"]
    assert readiness.inputs["validating_resolver"] == "127.0.0.9"


def test_manual_dns_waits_hours_by_default_cloudflare_thirty_minutes() -> None:
    manual = one_domain(cloudflare_args(dns=ManualDns(zone="example.com")))
    assert dynamic(manual, "-dns-ready").inputs["timeout"] == 4 * 3600
    cloud = one_domain(cloudflare_args())
    assert dynamic(cloud, "-dns-ready").inputs["timeout"] == 1800


def test_verification_inputs_change_when_a_record_value_changes() -> None:
    def regenerated(domain: str, certificate_source_type: str) -> list[dict[str, Any]]:
        records = okta_dns_records(domain, certificate_source_type)
        records[0]["values"] = ["a-regenerated-txt-value"]
        return records

    first = dynamic(one_domain(cloudflare_args()), "-verification").inputs["records"]
    second = dynamic(
        one_domain(cloudflare_args(), OktaMocks(record_override=regenerated)), "-verification"
    ).inputs["records"]
    assert first != second
    assert {
        "type": "TXT",
        "fqdn": "_acme-challenge.login.example.com",
        "value": "a-regenerated-txt-value",
    } in second


def test_verification_options_pass_through() -> None:
    options = VerificationOptions(wait_for="VERIFIED", timeout=99, poll_interval=3)
    verification = dynamic(one_domain(cloudflare_args(verification=options)), "-verification")
    assert (verification.inputs["wait_for"], verification.inputs["timeout"]) == ("VERIFIED", 99)
    assert verification.inputs["poll_interval"] == 3


def test_no_credential_reaches_verification_inputs() -> None:
    run = one_domain(cloudflare_args())
    verification = dynamic(run, "-verification")
    assert set(verification.inputs) - {"__provider"} <= {
        "domain_id",
        "domain",
        "org_url",
        "credentials_tenant",
        "records",
        "wait_for",
        "timeout",
        "poll_interval",
        "validation_status",
        "verified_at",
        "certificate_expiration",
        "elapsed_seconds",
    }


def test_org_url_defaults_to_okta_config() -> None:
    def program() -> dict[str, Any]:
        OktaCustomDomain("acme", cloudflare_args(okta_org=OktaOrg()))
        return {}

    run = run_program(program, config={"okta:orgName": "acme", "okta:baseUrl": "oktapreview.com"})
    assert dynamic(run, "-verification").inputs["org_url"] == "https://acme.oktapreview.com"


def test_org_url_missing_is_a_clear_error_before_anything_registers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OKTA_ORG_NAME", raising=False)
    monkeypatch.delenv("OKTA_HTTP_PROXY", raising=False)
    mocks = OktaMocks()
    with pytest.raises(
        Exception, match=r"okta_org\.org_url: the verification step needs the Okta org"
    ):
        run_program(
            lambda: {"c": OktaCustomDomain("a", cloudflare_args(okta_org=OktaOrg())).domain_id},
            mocks,
        )
    assert mocks.created == []  # not even the okta.Domain


def test_manual_certificate_uploaded_after_dns_verification_then_completed() -> None:
    bundle = manual_certificate()
    run = one_domain(cloudflare_args(certificate_source_type="MANUAL", certificate=bundle))
    verified = dynamic(run, "-verification")
    certificate = run.one("okta:index/domainCertificate:DomainCertificate")
    issued = dynamic(run, "-certificate-issued")
    assert verified.inputs["wait_for"] == "VERIFIED"
    assert verified.urn in certificate.dependencies
    assert certificate.urn in issued.dependencies
    assert issued.inputs["wait_for"] == "COMPLETED"
    assert certificate.inputs["domainId"] == "OcDacme-domain"
    assert certificate.inputs["certificate"] == bundle.certificate
    assert certificate.inputs["privateKey"] == bundle.private_key
    assert "privateKey" in certificate.secret_inputs, "the private key must be secret in state"
    assert "privateKey" in certificate.additional_secret_outputs


def test_manual_certificate_for_another_domain_fails_before_anything_is_created() -> None:
    with pytest.raises(ValueError, match=r"certificate"):
        cloudflare_args(
            certificate_source_type="MANUAL", certificate=manual_certificate("other.example.org")
        )


def test_rfc2136_records_keep_the_tsig_secret_secret() -> None:
    secret = "c2VjcmV0LXRzaWcta2V5LXZhbHVl"
    target = Rfc2136Dns(server="127.0.0.1", zone="example.com", key_name="okta", key_secret=secret)
    run = one_domain(cloudflare_args(dns=target))
    records = run.of_type("pulumi-python:dynamic/okta-custom-domain:Rfc2136Record")
    assert sorted((r.inputs["type"], r.inputs["fqdn"]) for r in records) == [
        ("CNAME", "login.example.com"),
        ("TXT", "_acme-challenge.login.example.com"),
    ]
    readiness = dynamic(run, "-dns-ready")
    for record in records:
        assert record.inputs["values"] in ([OKTA_CNAME_TARGET], [OKTA_TXT_VALUE])
        assert "key_secret" in record.secret_inputs
        assert record.urn in readiness.dependencies


PREFLIGHT_TYPE = "pulumi-python:dynamic/okta-custom-domain:Rfc2136Preflight"


def test_rfc2136_preflight_comes_before_the_okta_domain_and_keeps_the_secret_secret() -> None:
    secret = "c2VjcmV0LXRzaWcta2V5LXZhbHVl"
    target = Rfc2136Dns(
        server="127.0.0.1",
        zone="Example.com",
        key_name="Okta.",
        key_secret=secret,
        key_algorithm="hmac-sha512",
        port=5353,
    )
    run = one_domain(cloudflare_args(dns=target))
    preflight = run.one(PREFLIGHT_TYPE)
    domain = run.one(DOMAIN_TYPE)
    assert preflight.name == "acme-dns-preflight"
    assert preflight.parent == run.one(TYPE_TOKEN).urn
    assert preflight.urn in domain.dependencies, "the Okta domain must wait for the preflight"
    assert {k: v for k, v in preflight.inputs.items() if k != "__provider"} == {
        "server": "127.0.0.1",
        "port": 5353,
        "zone": "example.com",
        "key_name": "okta",
        "key_algorithm": "hmac-sha512",
        "key_secret": secret,
    }
    assert "key_secret" in preflight.secret_inputs
    assert preflight.additional_secret_outputs == ["key_secret"]
    order = [r.name for r in run.registrations]
    assert order.index("acme-dns-preflight") < order.index("acme-domain")


@pytest.mark.parametrize(
    "dns",
    [CloudflareDns(zone_id=ZONE_ID), ManualDns(zone="example.com")],
    ids=["cloudflare", "manual"],
)
def test_other_targets_have_no_preflight_and_the_domain_waits_for_nothing(dns: Any) -> None:
    run = one_domain(cloudflare_args(dns=dns))
    assert run.of_type(PREFLIGHT_TYPE) == []
    assert run.one(DOMAIN_TYPE).dependencies == []
