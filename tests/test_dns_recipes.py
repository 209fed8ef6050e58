"""The README's "Any DNS host" recipes, run under mocks with each provider's real SDK class.

Each recipe must write both records in the host's name form, with Okta's value and the TTL,
and the readiness step must depend on what it wrote. The README must show the recipes
verbatim, so what is tested is what users copy.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from okta_custom_domain import (
    CustomDns,
    DnsRecord,
    OktaCustomDomain,
    OktaCustomDomainArgs,
    OktaOrg,
)
from okta_custom_domain import recipes as r
from okta_custom_domain.component import TYPE_TOKEN
from okta_custom_domain.parsers import InputError
from okta_custom_domain.testing.pulumi_mocks import (
    DNS_READINESS_TYPE,
    OKTA_CNAME_TARGET,
    OKTA_TXT_VALUE,
    VERIFICATION_TYPE,
    ProgramRun,
    run_program,
)

README = Path(__file__).resolve().parents[1] / "README.md"
DOMAIN = "login.example.com"
TXT_FQDN = f"_acme-challenge.{DOMAIN}"
TTL = 120


def deploy(dns: CustomDns) -> ProgramRun:
    def program() -> dict[str, Any]:
        args = OktaCustomDomainArgs(
            domain=DOMAIN, dns=dns, okta_org=OktaOrg(org_url="https://acme.okta.com")
        )
        component = OktaCustomDomain("acme", args)
        return {"dns_records": component.dns_records}

    return run_program(program)


# recipe, CNAME (type token, expected inputs), TXT (type token, expected inputs)
Case = tuple[Callable[[], CustomDns], tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]
CASES: dict[str, Case] = {
    "route53": (
        lambda: r.route53_dns("example.com", zone_id="Z0123", ttl=TTL),
        ("aws:route53/record:Record", {"zoneId": "Z0123", "name": DOMAIN, "type": "CNAME",
                                       "records": [OKTA_CNAME_TARGET], "ttl": TTL}),
        ("aws:route53/record:Record", {"zoneId": "Z0123", "name": TXT_FQDN, "type": "TXT",
                                       "records": [OKTA_TXT_VALUE], "ttl": TTL}),
    ),
    "azure": (
        lambda: r.azure_dns("example.com", resource_group="dns-rg", ttl=TTL),
        ("azure:dns/cNameRecord:CNameRecord", {"name": "login", "zoneName": "example.com",
                                               "resourceGroupName": "dns-rg",
                                               "record": OKTA_CNAME_TARGET, "ttl": TTL}),
        ("azure:dns/txtRecord:TxtRecord", {"name": "_acme-challenge.login",
                                           "zoneName": "example.com",
                                           "resourceGroupName": "dns-rg",
                                           "records": [{"value": OKTA_TXT_VALUE}], "ttl": TTL}),
    ),
    "gcp": (
        lambda: r.gcp_dns("example.com", managed_zone="example-com", ttl=TTL),
        ("gcp:dns/recordSet:RecordSet", {"managedZone": "example-com", "name": f"{DOMAIN}.",
                                         "type": "CNAME", "rrdatas": [f"{OKTA_CNAME_TARGET}."],
                                         "ttl": TTL}),
        ("gcp:dns/recordSet:RecordSet", {"managedZone": "example-com", "name": f"{TXT_FQDN}.",
                                         "type": "TXT", "rrdatas": [f'"{OKTA_TXT_VALUE}"'],
                                         "ttl": TTL}),
    ),
    "digitalocean": (
        lambda: r.digitalocean_dns("example.com", ttl=TTL),
        ("digitalocean:index/dnsRecord:DnsRecord", {"domain": "example.com", "name": "login",
                                                    "type": "CNAME",
                                                    "value": f"{OKTA_CNAME_TARGET}.", "ttl": TTL}),
        ("digitalocean:index/dnsRecord:DnsRecord", {"domain": "example.com",
                                                    "name": "_acme-challenge.login",
                                                    "type": "TXT", "value": OKTA_TXT_VALUE,
                                                    "ttl": TTL}),
    ),
}


@pytest.mark.parametrize("host", sorted(CASES))
def test_recipe_writes_both_records_and_readiness_waits_for_them(host: str) -> None:
    make, (cname_type, cname_inputs), (txt_type, txt_inputs) = CASES[host]
    run = deploy(make())
    component = run.one(TYPE_TOKEN)
    cname = run.one(cname_type, "acme-cname")
    txt = run.one(txt_type, "acme-txt")
    for written, expected in ((cname, cname_inputs), (txt, txt_inputs)):
        assert {key: written.inputs.get(key) for key in expected} == expected, written.inputs
        assert written.parent == component.urn
    ready = run.one(DNS_READINESS_TYPE, "acme-dns-ready")
    assert {cname.urn, txt.urn} <= set(ready.dependencies), ready.dependencies
    verification = run.one(VERIFICATION_TYPE, "acme-verification")
    assert ready.urn in verification.dependencies


@pytest.mark.parametrize("recipe", r.RECIPES, ids=lambda f: f.__name__)
def test_readme_shows_each_recipe_verbatim(recipe: Callable[..., CustomDns]) -> None:
    assert inspect.getsource(recipe) in README.read_text(), (
        f"README 'Any DNS host' must show recipes.{recipe.__name__} exactly as in recipes.py"
    )


def test_dns_records_output_uses_the_target_style() -> None:
    run = deploy(r.azure_dns("example.com", resource_group="dns-rg", ttl=TTL))
    names = {row["type"]: row["name"] for row in run.outputs["dns_records"]}
    assert names == {"CNAME": "login", "TXT": "_acme-challenge.login"}


def test_write_gets_the_record_with_options_parented_to_the_component() -> None:
    seen: list[DnsRecord] = []

    def write(record: DnsRecord) -> pulumi.Resource:
        seen.append(record)
        return pulumi.CustomResource("test:index:Rec", record.resource_name, {}, record.opts)

    run = deploy(CustomDns(zone="Example.COM", write=write, style="fqdn-dot", ttl=TTL))
    assert [(s.type, s.fqdn, s.name, s.ttl) for s in seen] == [
        ("CNAME", DOMAIN, f"{DOMAIN}.", TTL),
        ("TXT", TXT_FQDN, f"{TXT_FQDN}.", TTL),
    ]
    component = run.one(TYPE_TOKEN)
    assert all(r.parent == component.urn for r in run.of_type("test:index:Rec"))


def never_called(record: DnsRecord) -> pulumi.Resource:
    raise AssertionError(f"write called for {record.fqdn}; the target should have been refused")


@pytest.mark.parametrize(
    ("kwargs", "field", "fix"),
    [
        ({"zone": " ", "write": never_called}, "CustomDns.zone", "a domain name is required"),
        ({"zone": "example.com", "write": "route53"}, "CustomDns.write", "is not callable"),
        ({"zone": "example.com", "write": never_called, "style": "relative"}, "CustomDns.style",
         "use 'fqdn'"),
        ({"zone": "example.com", "write": never_called, "ttl": 0}, "CustomDns.ttl", ""),
    ],
)
def test_custom_dns_names_the_bad_field(kwargs: dict[str, Any], field: str, fix: str) -> None:
    with pytest.raises(InputError) as raised:
        CustomDns(**kwargs)
    assert raised.value.field == field
    assert fix in raised.value.reason


def test_domain_outside_the_custom_zone_is_refused() -> None:
    with pytest.raises(InputError, match="domain"):
        OktaCustomDomainArgs(
            domain="login.other.org", dns=CustomDns(zone="example.com", write=never_called)
        )


def test_write_returning_no_resource_fails_naming_the_field() -> None:
    with pytest.raises(Exception, match=r"CustomDns\.write: returned None for the CNAME record"):
        deploy(CustomDns(zone="example.com", write=lambda record: None))  # type: ignore[arg-type,return-value]
