"""A URL domain given a brand, under an OAuth service app, with and without okta.brands.manage.

The real okta provider moves a new domain to its brand and then deletes the brand Okta made for
it, which needs ``okta.brands.manage``: without it the run fails after the domain exists. The
stack config check names the missing scope before anything is created; with the scope, the
double makes the real provider's brand calls and the domain completes.
"""

from __future__ import annotations

from typing import Any

import pytest
from okta_custom_domain.testing.engine import OutputLog, flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab
from okta_custom_domain.testing.plugins.base import read_request_log
from okta_fixtures import pem_pair  # type: ignore[import-not-found]
from pulumi import automation as auto

CLIENT_ID = "0oa-brand-scope-app"
DOMAINS = ("okta.domains.read", "okta.domains.manage")

pytestmark = pytest.mark.timeout(600)


def stack_for(lab: EngineLab, scopes: list[str], private_key: str, brand_id: str) -> auto.Stack:
    okta = lab.okta_with_service_app("acme", CLIENT_ID, private_key)
    okta["scopes"] = scopes
    domain = {"domain": "login.example.test", "brandId": brand_id,
              "dns": lab.rfc2136_dns("example.test"), "readiness": lab.readiness()}  # fmt: skip
    tenants = [{"name": "acme", "okta": okta, "domains": [domain]}]
    return lab.engine.stack("dev", flatten_config("okta-custom-domain:tenants", tenants))


def brand_calls(lab: EngineLab) -> list[tuple[str, str]]:
    return [
        (h["method"], h["path"].rsplit("/", 1)[0])
        for entry in read_request_log(lab.okta_requests)
        if entry["method"] == "Create"
        for h in entry.get("http", [])
        if h["method"] in ("PUT", "DELETE")
    ]


def test_without_okta_brands_manage_the_config_check_names_it_before_anything_exists(
    lab: EngineLab,
) -> None:
    private_key, public_key = pem_pair()
    fake = lab.okta["acme"]
    fake.register_service_app(CLIENT_ID, public_key, scopes=DOMAINS)
    brand_id = fake.add_brand("Acme")
    stack = stack_for(lab, list(DOMAINS), private_key, brand_id)
    log = OutputLog()
    with pytest.raises(auto.CommandError):
        stack.up(on_output=log, color="never")
    assert "tenants[0] (acme).okta.scopes" in log.text and "okta.brands.manage" in log.text
    assert fake.requests == []  # nothing was asked of Okta, let alone created
    assert lab.served("login.example.test", "CNAME") == []


def test_with_okta_brands_manage_the_domain_moves_to_the_brand_and_okta_s_own_goes(
    lab: EngineLab,
) -> None:
    private_key, public_key = pem_pair()
    fake = lab.okta["acme"]
    scopes = [*DOMAINS, "okta.brands.manage"]
    fake.register_service_app(CLIENT_ID, public_key, scopes=tuple(scopes))
    brand_id = fake.add_brand("Acme")
    result = stack_for(lab, scopes, private_key, brand_id).up(color="never")
    exported: dict[str, Any] = result.outputs["acme"].value["login.example.test"]
    assert exported["validation_status"] == "COMPLETED"
    assert fake.domain(exported["domain_id"])["brandId"] == brand_id
    assert brand_calls(lab) == [
        ("PUT", "/api/v1/domains"),
        ("DELETE", "/api/v1/brands"),  # the brand Okta made for the new domain
    ]
    assert [b["name"] for b in fake.brands() if not b["isDefault"]] == ["Acme"]
    bearer_scopes = [r for r in fake.requests if r.path == "/oauth2/v1/token"]
    assert bearer_scopes and all(r.status == 200 for r in bearer_scopes)
