"""One boundary for input: every mistake is caught before a resource exists, named as written.

Each test here is one class of issue 12: accepted silently, unknown keys, resources registered
before the error, a secret in a message, and messages that point the wrong way.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from okta_custom_domain import (
    CloudflareDns,
    OktaCustomDomain,
    OktaCustomDomainArgs,
    OktaOrg,
    parsers,
)
from okta_custom_domain.args import ReadinessOptions
from okta_custom_domain.cli import main as cli_main
from okta_custom_domain.okta.credentials import CredentialsError, resolve_credentials
from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets import Rfc2136Dns
from okta_custom_domain.tenants import TenantConfigError, parse_tenants
from okta_custom_domain.testing.pulumi_mocks import OktaMocks, run_program

TOKEN = "00SECRET-okta-token-value"
TSIG = "c2VjcmV0LXRzaWcta2V5LXZhbHVl"
ZONE_ID = "0123456789abcdef0123456789abcdef"
PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


def tenant(**okta: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": "acme",
            "okta": okta or {"orgName": "acme", "apiToken": TOKEN},
            "domains": [
                {
                    "domain": "login.acme.com",
                    "dns": {"type": "manual", "zone": "acme.com"},
                    "readiness": {"timeout": 60},
                }
            ],
        }
    ]


def with_domain(**changes: Any) -> list[dict[str, Any]]:
    config = tenant()
    config[0]["domains"][0].update(changes)
    return config


# Accepted silently, failing only at deploy


def test_org_name_and_org_url_naming_two_orgs_are_refused() -> None:
    config = tenant(orgName="acme", orgUrl="https://globex.okta.com", apiToken=TOKEN)
    with pytest.raises(TenantConfigError, match=r"tenants\[0\] \(acme\)\.okta: orgName/baseUrl"):
        parse_tenants(config)
    same = tenant(orgName="ACME", orgUrl="https://acme.okta.com/", apiToken=TOKEN)
    assert parse_tenants(same)[0].okta.org_url == "https://acme.okta.com"


@pytest.mark.parametrize(
    ("readiness", "field"),
    [
        ({"nameservers": ["bad host"]}, "readiness.nameservers[0]"),
        ({"nameservers": ["ns1.example.com:53:53"]}, "readiness.nameservers[0]"),
        ({"nameservers": ["1.2.3.4:"]}, "readiness.nameservers[0]"),
        ({"resolver": "999.1.1.1"}, "readiness.resolver"),
    ],
)
def test_readiness_strings_the_cli_refuses_are_refused_in_config_and_python(
    readiness: dict[str, Any], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = copy.deepcopy(with_domain(readiness=readiness))
    with pytest.raises(TenantConfigError, match=re.escape(f"domains[0].{field}: ")):
        parse_tenants(config)
    with pytest.raises(InputError):
        ReadinessOptions(**readiness)
    flag = ["--nameserver", readiness["nameservers"][0]] if "nameservers" in readiness else [
        "--resolver", readiness["resolver"]
    ]
    assert cli_main(["check", "--cname", "login.acme.com=x.okta.com", *flag]) == 2
    assert f"{flag[0]}: " in capsys.readouterr().err


def test_unusual_names_are_normalised() -> None:
    assert parsers.host_port("NS1.Example.COM.", "f") == ("ns1.example.com", 53)
    assert parsers.host_port("Bücher.de:5353", "f") == ("xn--bcher-kva.de", 5353)
    assert ReadinessOptions(nameservers=["NS1.Example.COM.", "[2001:db8::53]:5353"]).nameservers
    args = OktaCustomDomainArgs(domain="Login.Bücher.DE.", dns=CloudflareDns(zone_name="BÜCHER.de"))
    assert args.domain == "login.xn--bcher-kva.de"


@pytest.mark.parametrize("domain", ["*.acme.com", "192.0.2.10", "2001:db8::1", "localhost"])
def test_a_wildcard_or_an_ip_address_is_not_a_domain(domain: str) -> None:
    with pytest.raises(InputError, match=r"^domain: "):
        OktaCustomDomainArgs(domain=domain, dns=CloudflareDns(zone_id=ZONE_ID))
    with pytest.raises(TenantConfigError, match=r"domains\[0\]\.domain: "):
        parse_tenants(with_domain(domain=domain))


def test_api_token_with_private_key_is_refused() -> None:
    config = tenant(orgName="acme", apiToken=TOKEN, clientId="0oa1", privateKey=PEM_KEY)
    with pytest.raises(TenantConfigError, match=r"apiToken and clientId/privateKey are both set"):
        parse_tenants(config)


def test_a_private_key_that_is_not_pem_is_refused_without_echo() -> None:
    not_pem = "MIIEvQIBADANBgkqhkiG9w0-secret-key-material"
    config = tenant(orgName="acme", clientId="0oa1", privateKey=not_pem)
    with pytest.raises(TenantConfigError, match=r"okta\.privateKey: is not a PEM private key") as e:
        parse_tenants(config)
    assert not_pem not in str(e.value)
    good = parse_tenants(tenant(orgName="acme", clientId="0oa1", privateKey=PEM_KEY))
    assert good[0].okta.private_key == PEM_KEY


# Unknown keys ignored


@pytest.mark.parametrize(
    ("path", "key", "suggestion"),
    [
        ((), "oktta", "okta"),
        (("okta",), "apitoken", "apiToken"),
        (("domains", 0), "waitfor", "waitFor"),
        (("domains", 0, "readiness"), "timeOut", "timeout"),
        (("domains", 0, "dns"), "zon", "zone"),
    ],
)
def test_unknown_keys_are_refused_at_every_level_with_a_suggestion(
    path: tuple[Any, ...], key: str, suggestion: str
) -> None:
    config: Any = tenant()
    target = config[0]
    for step in path:
        target = target[step]
    target[key] = "x"
    with pytest.raises(TenantConfigError, match=rf"\.{key}: unknown key; did you mean `{suggestion}`\?"):
        parse_tenants(config)


# Resources registered before the error


def test_plain_http_org_url_fails_at_construction_naming_the_keyword() -> None:
    with pytest.raises(InputError, match=r"^okta_org\.org_url: .* plain http"):
        OktaOrg(org_url="http://acme.okta.com")


def test_a_dict_for_args_is_a_type_error_before_anything_registers() -> None:
    mocks = OktaMocks()
    values = {"domain": "login.acme.com", "dns": CloudflareDns(zone_id=ZONE_ID)}
    with pytest.raises(TypeError, match=r"args must be OktaCustomDomainArgs, got dict"):
        run_program(lambda: {"id": OktaCustomDomain("acme", values).domain_id}, mocks)  # type: ignore[arg-type]
    assert mocks.created == []


# A secret in a message


def test_a_tsig_secret_in_the_algorithm_field_is_not_echoed() -> None:
    with pytest.raises(InputError, match=r"key_algorithm: .*hmac-sha256") as e:
        Rfc2136Dns(server="127.0.0.1", zone="acme.com", key_name="k", key_secret=TSIG, key_algorithm=TSIG)
    assert TSIG not in str(e.value)
    config = with_domain(
        dns={"type": "rfc2136", "server": "127.0.0.1", "zone": "acme.com", "keyName": "k",
             "keySecret": TSIG, "keyAlgorithm": TSIG}
    )  # fmt: skip
    with pytest.raises(TenantConfigError, match=r"dns\.keyAlgorithm: .*keySecret") as e2:
        parse_tenants(config)
    assert TSIG not in str(e2.value)


@pytest.mark.parametrize(
    "argv",
    [
        ["doctor", "--domain", "login.acme.com", "--api-token", TOKEN],
        ["doctor", "--domain", "login.acme.com", f"--api-token={TOKEN}"],
        ["doctor", "--domain", "login.acme.com", "--token", TOKEN],
    ],
)
def test_a_token_on_the_command_line_is_not_printed(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OKTA_ORG_NAME", "OKTA_API_TOKEN", "OKTA_CUSTOM_DOMAIN_TENANTS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as exited:
        cli_main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "OKTA_API_TOKEN" in err


# Messages that point the wrong way


def test_a_bad_tenants_env_var_is_reported_as_that_env_var(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKTA_CUSTOM_DOMAIN_TENANTS", "[{not json")
    assert cli_main(["doctor", "--domain", "login.acme.com", "--tenant", "acme"]) == 2
    err = capsys.readouterr().err
    assert "OKTA_CUSTOM_DOMAIN_TENANTS: the environment variable is not valid JSON" in err
    assert "stack config" not in err and "pulumi config" not in err
    with pytest.raises(CredentialsError, match=r"^okta-custom-domain:tenants: the stack config") as e:
        resolve_credentials(lambda _key: "[{", {}, tenant="acme", org_url=None)
    assert e.value.field == "okta-custom-domain:tenants"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"dns": {"type": "rfc2136", "server": "127.0.0.1", "zone": "acme.com",
                     "keyName": "k", "keySecret": "not base64!"}},
            r"domains\[0\]\.dns\.keySecret: is not valid base64",
        ),
        ({"readiness": {"dnsPort": 0}}, r"domains\[0\]\.readiness\.dnsPort: 0 is out of range"),
        ({"waitFor": "DONE"}, r"domains\[0\]\.waitFor: 'DONE' is not known"),
        ({"dns": {"type": "cloudflare"}}, r"domains\[0\]\.dns: give exactly one of zoneId"),
    ],
)  # fmt: skip
def test_config_errors_name_config_keys_not_python_fields(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(TenantConfigError, match=message) as e:
        parse_tenants(with_domain(**changes))
    for python_name in ("key_secret", "dns_port", "wait_for", "zone_id", "Rfc2136Dns"):
        assert python_name not in str(e.value)


def test_an_empty_certificate_chain_is_refused_before_anything_exists() -> None:
    from okta_custom_domain import ManualCertificate
    from okta_custom_domain.certificates import CertificateError
    from okta_custom_domain.testing.certs import make_certificate

    made = make_certificate("sso.example.com")
    with pytest.raises(CertificateError, match=r"^certificate_chain: is empty; Okta requires"):
        ManualCertificate(
            certificate=made.certificate_pem, certificate_chain="  ", private_key="unused"
        )


def test_a_typo_in_the_tenants_env_var_is_refused_with_a_suggestion(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI reads the same list; a typo must not silently fall back to another credential."""
    tenants = [{"name": "acme", "okta": {"orgName": "acme", "apiTokn": "00SECRET-typo"}}]
    monkeypatch.setenv("OKTA_CUSTOM_DOMAIN_TENANTS", json.dumps(tenants))
    monkeypatch.setenv("OKTA_API_TOKEN", "00SECRET-from-env")
    assert cli_main(["doctor", "--domain", "login.acme.com", "--tenant", "acme"]) == 2
    err = capsys.readouterr().err
    assert (
        "OKTA_CUSTOM_DOMAIN_TENANTS[0] (acme).okta.apiTokn: unknown key; did you mean `apiToken`?"
        in err
    )
    assert "00SECRET" not in err
