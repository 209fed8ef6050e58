"""Adoption: the live domain looked up by name (read-only), the settings it must agree with,
the flags in every input form, and what destroy says it left."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from okta_custom_domain import OktaCustomDomainArgs, Rfc2136Dns
from okta_custom_domain.adoption.lookup import (
    AdoptionError,
    check_source_type,
    find_adoption,
    forget_lookups,
)
from okta_custom_domain.adoption.notice import AdoptionNoticeProvider, left_in_place
from okta_custom_domain.parsers import InputError
from okta_custom_domain.tenants import TenantConfigError, parse_tenants
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.fake_okta import FakeOkta

TSIG = "c2VjcmV0LXRzaWcta2V5LXZhbHVl"


@pytest.fixture
def fake() -> Iterator[FakeOkta]:
    forget_lookups()
    with FakeOkta(org_name="acme") as running:
        yield running
    forget_lookups()


def tenants(fake: FakeOkta, **domain: Any) -> str:
    """The ``okta-custom-domain:tenants`` config value (JSON text) for one domain of ``fake``."""
    entry = {
        "domain": "login.example.test",
        "dns": {"type": "manual", "zone": "example.test"},
        **domain,
    }
    okta = {"orgName": "acme", "apiToken": fake.api_token, "httpProxy": fake.url}
    return json.dumps([{"name": "acme", "okta": okta, "domains": [entry]}])


class Run:
    """Stands for one program run's stack resource (the lookups' scope)."""


RUN = Run()


def lookup(fake: FakeOkta, name: str = "login.example.test", scope: object = RUN) -> Any:
    config = {"okta-custom-domain:tenants": tenants(fake)}
    return find_adoption(name, fake.url, "acme", config.get, environ={}, scope=scope)


def test_the_live_domain_is_found_by_name_with_reads_only(fake: FakeOkta) -> None:
    domain_id = fake.add_domain("login.example.test")
    fake.set_status(domain_id, "COMPLETED")
    adoption = lookup(fake, "Login.Example.Test")
    assert adoption.domain_id == domain_id
    assert adoption.domain.validation_status == "COMPLETED"
    assert adoption.record_value("CNAME") == "acme.customdomains.okta.com"
    assert adoption.record_value("TXT")
    assert {r.method for r in fake.requests} == {"GET"}
    seen = len(fake.requests)
    assert lookup(fake, "Login.Example.Test") is adoption  # asked once per program run
    assert len(fake.requests) == seen
    assert lookup(fake, "Login.Example.Test", Run()) is not adoption  # the next run asks again
    assert len(fake.requests) > seen


def test_a_missing_domain_is_an_input_error_naming_the_domain_and_the_org(
    fake: FakeOkta,
) -> None:
    fake.add_domain("other.example.test")
    with pytest.raises(AdoptionError) as failed:
        lookup(fake)
    error = failed.value
    assert isinstance(error, InputError) and error.field == "adopt"
    assert "login.example.test does not exist in the Okta org" in error.reason
    assert fake.url in error.reason and "other.example.test" in error.reason
    assert "remove adopt" in error.reason
    assert fake.api_token not in str(error)
    assert {r.method for r in fake.requests} == {"GET"}


def test_the_certificate_source_must_be_the_live_one(fake: FakeOkta) -> None:
    fake.add_domain("login.example.test", "MANUAL")
    adoption = lookup(fake)
    check_source_type(adoption, "MANUAL")
    with pytest.raises(AdoptionError) as failed:
        check_source_type(adoption, "OKTA_MANAGED")
    assert failed.value.field == "certificate_source_type"
    assert "is MANUAL, the config says OKTA_MANAGED" in failed.value.reason


def test_the_served_certificate_is_recognised_by_its_fingerprint(fake: FakeOkta) -> None:
    bundle = make_certificate("login.example.test")
    domain_id = fake.add_domain("login.example.test", "MANUAL")
    fake.set_status(domain_id, "VERIFIED")
    body = {
        "type": "PEM",
        "certificate": bundle.certificate_pem,
        "certificateChain": bundle.chain_pem,
        "privateKey": bundle.private_key_pem,
    }
    uploaded = requests.put(
        f"{fake.url}/api/v1/domains/{domain_id}/certificate",
        json=body,
        headers={"Authorization": f"SSWS {fake.api_token}"},
        timeout=10,
    )
    assert uploaded.status_code == 204, uploaded.text
    adoption = lookup(fake)
    assert adoption.certificate_matches(bundle.certificate_pem)
    assert not adoption.certificate_matches(make_certificate("login.example.test").certificate_pem)


def test_delete_on_destroy_means_nothing_without_adopt() -> None:
    dns = Rfc2136Dns(server="127.0.0.1", zone="example.test", key_name="k", key_secret=TSIG)
    args = OktaCustomDomainArgs(domain="login.example.test", dns=dns, adopt=True)
    assert args.adopt and not args.delete_on_destroy
    with pytest.raises(InputError) as failed:
        OktaCustomDomainArgs(domain="login.example.test", dns=dns, delete_on_destroy=True)
    assert failed.value.field == "delete_on_destroy" and "adopt" in failed.value.reason
    with pytest.raises(InputError, match="adopt: give True or False"):
        OktaCustomDomainArgs(domain="login.example.test", dns=dns, adopt="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"adopt": "true"}, r"domains\[0\]\.adopt: expected true or false, got 'true'"),
        ({"deleteOnDestroy": True}, r"domains\[0\]\.deleteOnDestroy: applies only to an adopted"),
    ],
)
def test_the_flags_in_stack_config(fake: FakeOkta, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(TenantConfigError, match=message):
        parse_tenants(json.loads(tenants(fake, **extra)))
    [tenant] = parse_tenants(json.loads(tenants(fake, adopt=True, deleteOnDestroy=True)))
    assert tenant.domains[0].args.adopt and tenant.domains[0].args.delete_on_destroy


def test_destroy_says_what_it_left() -> None:
    props = {
        "domain": "login.example.test",
        "domain_id": "OcDabc",
        "org_url": "https://acme.okta.com",
        "records": ["CNAME login.example.test", "TXT _acme-challenge.login.example.test"],
    }
    line = left_in_place(props)
    assert "login.example.test was adopted: left in place the Okta domain OcDabc" in line
    assert "https://acme.okta.com" in line and "TXT _acme-challenge.login.example.test" in line
    assert "deleteOnDestroy: true" in line
    by_hand = left_in_place({**props, "records": []})  # a registrar's records are not ours
    assert "records" not in by_hand and "left in place the Okta domain OcDabc in" in by_hand
    provider = AdoptionNoticeProvider()
    assert provider.create(props).outs == props
    assert not provider.diff("OcDabc", props, dict(props)).changes
