"""The component's resource graph under Pulumi mocks, at preview and at update."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_okta as okta
import pytest
from okta_custom_domain import (
    CloudflareDns,
    ManualDns,
    OktaCustomDomain,
    OktaCustomDomainArgs,
)
from okta_custom_domain.component import TYPE_TOKEN
from okta_custom_domain.testing.pulumi_mocks import (
    OKTA_CNAME_TARGET,
    OKTA_TXT_VALUE,
    OktaMocks,
    ProgramRun,
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
    values: dict[str, Any] = {"domain": "Login.Example.com", "dns": CloudflareDns(zone_id=ZONE_ID)}
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
        from okta_custom_domain import ManualCertificate

        extra["certificate"] = ManualCertificate(certificate="cert", private_key="key")
    try:
        args = cloudflare_args(**extra)
    except ValueError:
        pytest.fail("valid MANUAL args refused")
    run = one_domain(args)
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
