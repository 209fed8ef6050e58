"""A tenant's brand and email domains in the one stack-config schema, checked before anything
exists; the program that builds them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from okta_custom_domain.brand_config import PENDING_BRAND
from okta_custom_domain.program import build_program
from okta_custom_domain.tenants import TenantConfigError, parse_tenants
from okta_custom_domain.testing.pulumi_mocks import OktaMocks, run_program
from okta_fixtures import pem_pair  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "00SECRET-okta-token-value"
TSIG = "c2VjcmV0LXRzaWcta2V5LXZhbHVl"
RFC2136 = {"type": "rfc2136", "server": "127.0.0.1", "zone": "acme.test", "keyName": "k",
           "keySecret": TSIG}  # fmt: skip
PRIVATE_KEY = pem_pair("rsa")[0]


def tenant(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "acme",
        "okta": {"orgName": "acme", "apiToken": TOKEN},
        "brand": {"name": "Acme"},
        "domains": [{"domain": "login.acme.test", "dns": RFC2136}],
        "emailDomains": [
            {"domain": "acme.test", "displayName": "Acme", "userName": "noreply", "dns": RFC2136}
        ],
    }
    base.update(extra)
    return base


def service_app(scopes: list[str]) -> dict[str, Any]:
    return {"orgName": "acme", "clientId": "0oaapp", "privateKey": PRIVATE_KEY, "scopes": scopes}


def error_of(config: list[dict[str, Any]]) -> TenantConfigError:
    with pytest.raises(TenantConfigError) as caught:
        parse_tenants(config)
    return caught.value


def test_a_brand_and_an_email_domain_parse() -> None:
    (acme,) = parse_tenants([tenant()])
    assert acme.brand is not None and acme.brand.name == "Acme"
    (email,) = acme.email_domains
    assert email.resource_name == "acme-mail-acme-test"
    assert (email.args.domain, email.args.user_name) == ("acme.test", "noreply")
    assert email.args.brand_id == PENDING_BRAND  # the program puts the created brand's id in
    assert email.args.okta_org.credentials_tenant == "acme"


def test_email_domains_need_a_brand() -> None:
    error = error_of([tenant(brand=None)])
    assert error.field == "tenants[0] (acme).brand"
    assert "brand.id" in error.reason and "brand.name" in error.reason


def test_a_brand_is_an_id_or_a_name() -> None:
    error = error_of([tenant(brand={"id": "bnd1", "name": "Acme"})])
    assert error.field == "tenants[0] (acme).brand"
    assert error_of([tenant(brand={"nam": "Acme"})]).field.startswith("tenants[0] (acme).brand")


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("domain", "mail.other.test", "tenants[0] (acme).emailDomains[0].domain"),
        ("userName", "noreply@acme.test", "tenants[0] (acme).emailDomains[0].userName"),
        ("displayName", "", "tenants[0] (acme).emailDomains[0].displayName"),
        ("brandId", "bnd1", "tenants[0] (acme).emailDomains[0].brandId"),  # the tenant brand rules
    ],
)
def test_a_bad_email_domain_names_its_key(key: str, value: Any, field: str) -> None:
    config = tenant()
    config["emailDomains"][0][key] = value
    assert error_of([config]).field == field


def test_a_sender_domain_is_used_once() -> None:
    other = copy.deepcopy(tenant(name="acme-eu", domains=None))
    other["okta"] = {"orgName": "acme-eu", "apiToken": TOKEN}
    error = error_of([tenant(), other])
    assert error.field == "tenants[1] (acme-eu).emailDomains[0].domain"
    assert "once" in error.reason


@pytest.mark.parametrize(
    ("scopes", "missing"),
    [
        (["okta.domains.read", "okta.domains.manage"], "okta.brands.manage"),
        (["okta.domains.manage", "okta.brands.manage"], "okta.emailDomains.manage"),
    ],
)
def test_a_service_app_without_the_scopes_fails_naming_them(
    scopes: list[str], missing: str
) -> None:
    error = error_of([tenant(okta=service_app(scopes))])
    assert error.field == "tenants[0] (acme).okta.scopes"
    assert missing in error.reason and "Admin Console" in error.reason


def test_a_url_domain_brand_alone_needs_okta_brands_manage() -> None:
    config = tenant(okta=service_app(["okta.domains.manage"]), brand=None, emailDomains=None)
    config["domains"][0]["brandId"] = "bnd1"
    error = error_of([config])
    assert error.field == "tenants[0] (acme).okta.scopes" and "okta.brands.manage" in error.reason
    granted = ["okta.domains.manage", "okta.brands.manage"]
    parse_tenants([{**config, "okta": service_app(granted)}])  # no error with it


def test_an_api_token_is_not_checked_for_scopes() -> None:
    parse_tenants([tenant()])  # the admin's roles decide; nothing to check here


def test_the_example_parses() -> None:
    example = yaml.safe_load((ROOT / "Pulumi.example.yaml").read_text())
    raw = example["config"]["okta-custom-domain:tenants"]

    def fill(value: Any) -> Any:  # the secrets, as `pulumi config` would decrypt them
        if isinstance(value, dict) and set(value) == {"secure"}:
            return PRIVATE_KEY
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return [fill(v) for v in value] if isinstance(value, list) else value

    filled = fill(raw)
    filled[1]["emailDomains"][0]["dns"]["keySecret"] = TSIG
    filled[1]["domains"][1]["dns"]["keySecret"] = TSIG
    filled[0]["okta"]["apiToken"] = TOKEN
    filled[0]["cloudflare"]["apiToken"] = "Cf_scoped-token-" + "0123456789abcdef" * 2  # 48 chars
    filled[1]["domains"][1].pop("certificate")
    filled[1]["domains"][1].pop("certificateSourceType")
    tenants = parse_tenants(filled)
    assert [len(t.email_domains) for t in tenants] == [1, 3]


def test_the_program_creates_the_brand_and_gives_its_id_to_both_domains() -> None:
    mocks = OktaMocks()
    run = run_program(lambda: build_program(parse_tenants([tenant()])), mocks)
    (brand,) = run.of_type("okta:index/brand:Brand")
    assert brand.inputs["name"] == "Acme"
    brand_id = "acme-brand-id"
    (domain,) = run.of_type("okta:index/domain:Domain")
    (email,) = run.of_type("okta:index/emailDomain:EmailDomain")
    assert domain.inputs["brandId"] == brand_id == email.inputs["brandId"]
    records = run.outputs["acme"]["email:acme.test"]["dns_records"]
    assert [(r["type"], r["fqdn"]) for r in records] == [
        ("TXT", "_oktaverification.acme.test"),
        ("CNAME", "mail.acme.test"),
        ("CNAME", "oka._domainkey.acme.test"),
        ("CNAME", "oka2._domainkey.acme.test"),
    ]
    written = run.of_type("pulumi-python:dynamic/okta-custom-domain:Rfc2136Record")
    names = {r.name for r in written}
    assert {f"acme-mail-acme-test-{k}" for k in ("txt", "mail", "dkim1", "dkim2")} <= names
    (link,) = run.of_type("pulumi-python:dynamic/okta-custom-domain:OktaBrandEmailLink")
    assert link.inputs["brand_id"] == brand_id


# -- the Python API on the Okta provider's own config ----------------------------------------

NARROW_APP = {"okta:orgName": "acme", "okta:clientId": "0oaapp",
              "okta:scopes": '["okta.domains.read", "okta.domains.manage"]'}  # fmt: skip


def url_domain_with_brand() -> dict[str, Any]:
    from okta_custom_domain import OktaCustomDomain, OktaCustomDomainArgs, Rfc2136Dns

    dns = Rfc2136Dns(server="127.0.0.1", zone="acme.test", key_name="k", key_secret=TSIG)
    args = OktaCustomDomainArgs(domain="login.acme.test", dns=dns, brand_id="bnd1")
    return {"id": OktaCustomDomain("login", args).domain_id}


def test_the_python_api_names_the_scope_before_anything_registers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in ("OKTA_API_TOKEN", "OKTA_API_CLIENT_ID", "OKTA_API_SCOPES"):
        monkeypatch.delenv(key, raising=False)
    mocks = OktaMocks()
    with pytest.raises(Exception, match=r"okta:scopes: the service app must ask for okta\.brands"):
        run_program(url_domain_with_brand, mocks, config=NARROW_APP)
    assert mocks.created == []
    granted = {**NARROW_APP, "okta:scopes": '["okta.domains.manage", "okta.brands.manage"]'}
    run_program(url_domain_with_brand, OktaMocks(), config=granted)  # no error with the scope
