"""Multi-tenant stack config: parsing, and errors that name the tenant and the field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from okta_custom_domain import CloudflareDns, ManualDns, Rfc2136Dns
from okta_custom_domain.program import build_program, main
from okta_custom_domain.tenants import TenantConfigError, parse_tenants
from okta_custom_domain.testing.pulumi_mocks import OktaMocks, run_program

TOKEN = "00SECRET-okta-token-value"
CF_TOKEN = "Cf_scoped-token-" + "0123456789abcdef" * 2  # 48 of [0-9A-Za-z-_], as Cloudflare issues
TSIG = "c2VjcmV0LXRzaWcta2V5LXZhbHVl"


def sample() -> list[dict[str, Any]]:
    return [
        {
            "name": "acme",
            "okta": {"orgName": "acme", "apiToken": TOKEN},
            "cloudflare": {"apiToken": CF_TOKEN},
            "domains": [
                {"domain": "Login.Acme.com", "dns": {"type": "cloudflare", "zoneName": "acme.com"}},
            ],
        },
        {
            "name": "globex",
            "okta": {"orgName": "globex", "baseUrl": "oktapreview.com", "apiToken": TOKEN},
            "domains": [
                {
                    "domain": "id.globex.example",
                    "dns": {"type": "manual", "zone": "globex.example", "style": "fqdn"},
                    "waitFor": "VERIFIED",
                },
                {
                    "domain": "sso.globex.example",
                    "dns": {
                        "type": "rfc2136",
                        "server": "127.0.0.1",
                        "zone": "globex.example",
                        "keyName": "okta-updates",
                        "keySecret": TSIG,
                    },
                },
            ],
        },
    ]


def test_parse_sample() -> None:
    tenants = parse_tenants(sample())
    assert [t.name for t in tenants] == ["acme", "globex"]
    acme, globex = tenants
    assert acme.okta.org_url == "https://acme.okta.com"
    assert globex.okta.org_url == "https://globex.oktapreview.com"
    assert acme.cloudflare_api_token == CF_TOKEN
    assert acme.domains[0].args.domain == "login.acme.com"
    assert acme.domains[0].resource_name == "acme-login-acme-com"
    assert type(acme.domains[0].args.dns) is CloudflareDns
    assert type(globex.domains[0].args.dns) is ManualDns
    assert globex.domains[0].args.dns.style == "fqdn"
    assert globex.domains[0].args.verification.wait_for == "VERIFIED"
    assert type(globex.domains[1].args.dns) is Rfc2136Dns
    assert globex.domains[1].args.okta_org.credentials_tenant == "globex"
    assert globex.domains[1].args.okta_org.org_url == "https://globex.oktapreview.com"


def test_secrets_are_not_in_reprs() -> None:
    text = repr(parse_tenants(sample()))
    for secret in (TOKEN, CF_TOKEN, TSIG):
        assert secret not in text


def mutate(path: str, value: Any) -> list[dict[str, Any]]:
    """``sample()`` with the value at a dotted path (``1.domains.0.dns.zone``) replaced or deleted."""
    data: Any = copy.deepcopy(sample())
    keys = path.split(".")
    target = data
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            mutate("1.domains.0.dns.zone", None),
            r"tenants\[1\] \(globex\)\.domains\[0\]\.dns\.zone: required",
        ),
        (
            mutate("1.domains.0.domain", "id.other.example"),
            r"tenants\[1\] \(globex\)\.domains\[0\]\.domain: 'id.other.example' is not inside zone 'globex.example'",
        ),
        (
            mutate("1.domains.1.domain", "ID.globex.example"),
            r"tenants\[1\] \(globex\)\.domains\[1\]\.domain: 'id.globex.example' is already configured by tenant 'globex'",
        ),
        (
            mutate("0.domains.0.dns.type", "route53"),
            r"tenants\[0\] \(acme\)\.domains\[0\]\.dns\.type: 'route53' is not a DNS target; use one of cloudflare, manual, rfc2136",
        ),
        (
            mutate("0.okta.apiToken", None),
            r"tenants\[0\] \(acme\)\.okta: set apiToken \(pulumi config set --path --secret 'tenants\[0\]\.okta\.apiToken'",
        ),
        (mutate("0.okta.orgName", None), r"tenants\[0\] \(acme\)\.okta\.orgName: required"),
        (mutate("1.name", "acme"), r"tenants\[1\] \(acme\)\.name: tenant 'acme' appears twice"),
        (mutate("0.name", "bad name"), r"tenants\[0\]\.name: 'bad name' may hold only"),
        (mutate("0.domains", []), r"tenants\[0\] \(acme\)\.domains: give a non-empty list"),
        (
            mutate("0.domains.0.dns.zoneName", None),
            r"tenants\[0\] \(acme\)\.domains\[0\]\.dns: give exactly one of zoneId",
        ),
        (
            mutate("1.domains.0.dns.style", "relative"),
            r"tenants\[1\] \(globex\)\.domains\[0\]\.dns\.style: 'relative' is not known",
        ),
        (
            mutate("1.domains.1.certificateSourceType", "MANUAL"),
            r"tenants\[1\] \(globex\)\.domains\[1\]\.certificate: certificateSourceType MANUAL needs",
        ),
        (mutate("0.domains.0.dns.ttl", "300"), r"dns\.ttl: expected a whole number"),
        (
            mutate("0.cloudflare.apiToken", "cf-token-short"),
            r"tenants\[0\] \(acme\)\.cloudflare\.apiToken: is not a Cloudflare API token \(14 "
            r"characters; a token is 40 to 80",
        ),
        (
            mutate("0.cloudflare.apiToken", CF_TOKEN + "\n"),
            r"cloudflare\.apiToken: is not a Cloudflare API token \(49 characters",
        ),
        ({}, r"tenants: give a non-empty list"),
        (None, r"tenants: give a non-empty list"),
    ],
)
def test_config_errors_name_tenant_and_field(config: Any, message: str) -> None:
    with pytest.raises(TenantConfigError, match=message):
        parse_tenants(config)


def test_program_creates_one_okta_provider_per_org_and_one_component_per_domain() -> None:
    config = sample()
    config.append(
        {
            "name": "acme-eu",
            "okta": {"orgName": "acme", "apiToken": TOKEN},
            "domains": [{"domain": "eu.acme.com", "dns": {"type": "manual", "zone": "acme.com"}}],
        }
    )
    tenants = parse_tenants(config)
    run = run_program(lambda: build_program(tenants))
    okta_providers = run.of_type("pulumi:providers:okta")
    assert sorted(p.inputs["orgName"] for p in okta_providers) == ["acme", "globex"]
    components = run.of_type("okta-custom-domain:index:OktaCustomDomain")
    assert len(components) == 4
    acme_provider = run.by_name("okta-acme").urn
    acme_domains = [
        r for r in run.of_type("okta:index/domain:Domain") if r.inputs["name"].endswith("acme.com")
    ]
    assert len(acme_domains) == 2
    assert all(d.provider.startswith(acme_provider + "::") for d in acme_domains)
    cf_provider = run.by_name("cloudflare-acme").urn
    for record in run.of_type("cloudflare:index/dnsRecord:DnsRecord"):
        assert record.provider.startswith(cf_provider + "::")


def test_main_reads_stack_config_and_exports_per_tenant() -> None:
    exports: dict[str, Any] = {}

    def program() -> dict[str, Any]:
        import pulumi

        real_export = pulumi.export
        pulumi.export = lambda name, value: exports.__setitem__(name, value)
        try:
            main()
        finally:
            pulumi.export = real_export
        return {"acme": exports["acme"], "globex": exports["globex"]}

    run = run_program(program, config={"project:tenants": json.dumps(sample())})
    assert set(run.outputs) == {"acme", "globex"}
    assert set(run.outputs["globex"]) == {"id.globex.example", "sso.globex.example"}
    rows = run.outputs["globex"]["id.globex.example"]["registrar_rows"]
    assert [r["name"] for r in rows] == ["id.globex.example", "_acme-challenge.id.globex.example"]


def test_main_fails_before_creating_anything_on_bad_config() -> None:
    bad = mutate("1.domains.0.dns.zone", None)
    mocks = OktaMocks()
    with pytest.raises(Exception, match=r"dns\.zone: required"):
        run_program(main, mocks, config={"project:tenants": json.dumps(bad)})
    assert mocks.created == []


def test_org_url_alone_gives_the_okta_provider_its_org_name_and_base_url() -> None:
    config = mutate("1.okta.orgName", None)
    config[1]["okta"]["orgUrl"] = "https://globex.okta-emea.com"
    globex = parse_tenants(config)[1].okta
    assert (globex.org_name, globex.base_url) == ("globex", "okta-emea.com")
    assert globex.org_url == "https://globex.okta-emea.com"


def test_http_proxy_reaches_the_okta_provider_and_the_verifier() -> None:
    config = mutate("0.okta.httpProxy", "http://127.0.0.1:8081")
    acme = parse_tenants(config)[0]
    assert acme.okta.org_url == "https://acme.okta.com"
    assert acme.okta.http_proxy == "http://127.0.0.1:8081"
    okta_org = acme.domains[0].args.okta_org
    assert okta_org is not None and okta_org.org_url == "http://127.0.0.1:8081"
    mocks = OktaMocks()
    run_program(lambda: build_program([acme]), mocks)
    assert mocks.inputs["pulumi:providers:okta::okta-acme"]["httpProxy"] == "http://127.0.0.1:8081"


def test_http_proxy_over_plain_http_off_loopback_is_refused_naming_the_field() -> None:
    config = mutate("0.okta.httpProxy", "http://10.1.2.3:3128")
    with pytest.raises(TenantConfigError, match=r"tenants\[0\] \(acme\)\.okta\.httpProxy: .* plain http"):
        parse_tenants(config)
