"""The real engine runs ``__main__.py`` for two tenants on two fake Okta orgs.

acme (API token): an RFC 2136 domain and a Cloudflare domain. globex (OAuth service app): a
registrar (ManualDns) domain whose rows a person reads in the CLI output and types in, and a
MANUAL-certificate domain on RFC 2136. One stack goes through preview, up, a second up, a
regenerated TXT value, and destroy; each test is one step and relies on the ones before it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain.testing.certs import make_certificate
from okta_custom_domain.testing.engine import OutputLog, flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab, RegistrarPerson, certificate_config
from okta_fixtures import pem_pair  # type: ignore[import-not-found]
from pulumi import automation as auto

CF_TOKEN = "cf-token-ENGINE-TEST-0123456789abcdef-0123456789"  # 48: the shape Cloudflare takes
CLIENT_ID = "0oa-engine-test-app"
DOMAINS = {
    "acme": ["login.acme.test", "portal.cf.test"],
    "globex": ["id.globex.test", "sso.globex.test"],
}
ALL_DOMAINS = [d for names in DOMAINS.values() for d in names]

pytestmark = pytest.mark.timeout(600)


class Scenario:
    """The lab, the stack, and what each step left behind for the next."""

    def __init__(self, lab: EngineLab, stack: auto.Stack, secrets: list[str]) -> None:
        self.lab = lab
        self.stack = stack
        self.secrets = secrets
        self.person = RegistrarPerson(lab, "globex.test")
        self.logs: dict[str, OutputLog] = {}

    def run(self, step: str, operation: str, **kwargs: Any) -> Any:
        log = OutputLog()
        self.logs[step] = log
        feed = self.person if operation == "up" else None

        def on_output(line: str) -> None:
            log(line)
            if feed is not None:
                feed(line)

        return getattr(self.stack, operation)(on_output=on_output, color="never", **kwargs)

    def okta_writes(self) -> int:
        return sum(
            1
            for fake in self.lab.okta.values()
            for r in fake.requests
            if r.method in ("POST", "PUT", "DELETE")
        )


def tenants_config(lab: EngineLab, private_key: str) -> list[dict[str, Any]]:
    bundle = make_certificate("sso.globex.test")
    readiness = lab.readiness(timeout=90)
    return [
        {
            "name": "acme",
            "okta": lab.okta_with_token("acme"),
            "cloudflare": {"apiToken": CF_TOKEN},
            "domains": [
                {"domain": "login.acme.test", "dns": lab.rfc2136_dns("acme.test"),
                 "readiness": readiness},
                {"domain": "portal.cf.test", "dns": lab.cloudflare_dns("cf.test"),
                 "readiness": readiness},
            ],
        },
        {
            "name": "globex",
            "okta": lab.okta_with_service_app("globex", CLIENT_ID, private_key),
            "domains": [
                {"domain": "id.globex.test", "dns": lab.manual_dns("globex.test"),
                 "readiness": readiness},
                {
                    "domain": "sso.globex.test",
                    "certificateSourceType": "MANUAL",
                    "certificate": certificate_config(bundle),
                    "dns": lab.rfc2136_dns("globex.test"),
                    "readiness": readiness,
                },
            ],
        },
    ]


@pytest.fixture(scope="module")
def scenario(
    pulumi_bin: Path, program: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("engine")
    lab = EngineLab(
        root, pulumi_bin, program,
        zones=["acme.test", "cf.test", "globex.test"], orgs=["acme", "globex"],
    )
    with lab:
        private_key, public_key = pem_pair()
        lab.okta["globex"].register_service_app(CLIENT_ID, public_key)
        tenants = tenants_config(lab, private_key)
        stack = lab.engine.stack("dev", flatten_config("okta-custom-domain:tenants", tenants))
        secrets = [
            lab.okta["acme"].api_token, CF_TOKEN, lab.key_secret, private_key,
            tenants[1]["domains"][1]["certificate"]["privateKey"],
        ]
        yield Scenario(lab, stack, secrets)


def test_preview_shows_the_whole_graph_and_changes_nothing(scenario: Scenario) -> None:
    result = scenario.run("preview", "preview", diff=False)
    text = scenario.logs["preview"].text
    for name in ("acme-login-acme-test", "acme-portal-cf-test", "globex-id-globex-test",
                 "globex-sso-globex-test"):
        assert f"{name}-domain" in text, text
        assert f"{name}-dns-ready" in text
        assert f"{name}-verification" in text
    assert "globex-sso-globex-test-certificate" in text
    assert result.change_summary.get("create", 0) >= 4 * 5
    assert scenario.okta_writes() == 0
    assert all(scenario.lab.okta_domains(org) == [] for org in scenario.lab.okta)
    assert scenario.lab.served("login.acme.test", "CNAME") == []


def test_up_takes_every_domain_to_completed(scenario: Scenario) -> None:
    result = scenario.run("up", "up")
    outputs = result.outputs
    for tenant, names in DOMAINS.items():
        exported = outputs[tenant].value
        for name in names:
            assert set(exported[name]) == {
                "domain_id", "validation_status", "cname_target", "dns_records", "registrar_rows",
                "certificate_expiration",
            }
            assert exported[name]["validation_status"] == "COMPLETED", exported[name]
            fake = scenario.lab.okta[tenant]
            live = fake.domain(exported[name]["domain_id"])
            assert live["validationStatus"] == "COMPLETED"
            assert exported[name]["certificate_expiration"] == live["publicCertificate"]["expiration"]
    text = scenario.logs["up"].text
    assert "Enter these records at your registrar for id.globex.test" in text
    assert "DNS readiness:" in text, "the readiness progress must reach the CLI output"
    for name in ALL_DOMAINS:
        assert f"okta-custom-domain: {name}: validation status COMPLETED" in text
    assert {entry[0] for entry in scenario.person.entered} == {
        "id.globex.test", "_acme-challenge.id.globex.test"
    }


def test_records_are_written_as_each_target_wants(scenario: Scenario) -> None:
    lab = scenario.lab
    assert lab.served("login.acme.test", "CNAME") == ["acme.customdomains.okta.com"]
    assert lab.served("portal.cf.test", "CNAME") == ["acme.customdomains.okta.com"]
    writes = [r for r in read_jsonl(lab.cloudflare_requests) if r["method"] == "Create"]
    assert {(w["type"], w["name"], w["proxied"]) for w in writes} == {
        ("CNAME", "portal.cf.test", False), ("TXT", "_acme-challenge.portal.cf.test", False)
    }
    fake = lab.okta["globex"]
    sso = fake.domain(fake.domain_id_of("sso.globex.test"))
    assert sso["certificateSourceType"] == "MANUAL"
    assert len(fake.requests_to("PUT", "/certificate")) == 1


def test_state_and_output_hold_no_secret_in_plain_text(scenario: Scenario) -> None:
    # `pulumi stack export` as a user runs it (the Automation API's export shows secrets)
    state = scenario.lab.engine.cli("stack", "export", "--stack", "dev").stdout
    assert '"ciphertext"' in state
    printed = "\n".join(log.text for log in scenario.logs.values())
    for secret in scenario.secrets:
        needle = secret_needle(secret)
        assert needle not in state, f"a secret in state: {where(state, needle)}"
        assert needle not in printed, f"a secret in the CLI output: {where(printed, needle)}"


def test_a_second_up_changes_nothing_and_writes_nothing(scenario: Scenario) -> None:
    okta_before = scenario.okta_writes()
    serials = {zone: scenario.lab.dns.serial(zone) for zone in scenario.lab.zones}
    cloudflare_before = len(read_jsonl(scenario.lab.cloudflare_requests))
    result = scenario.run("second up", "up")
    assert set(result.summary.resource_changes or {}) <= {"same"}, result.summary.resource_changes
    assert scenario.okta_writes() == okta_before
    assert {zone: scenario.lab.dns.serial(zone) for zone in scenario.lab.zones} == serials
    new = read_jsonl(scenario.lab.cloudflare_requests)[cloudflare_before:]
    assert not [r for r in new if r["method"] in ("Create", "Update", "Delete")]


def test_a_regenerated_txt_value_converges_with_up_refresh(scenario: Scenario) -> None:
    fake = scenario.lab.okta["acme"]
    domain_id = fake.domain_id_of("login.acme.test")
    fake.set_status(domain_id, "FAILED_TO_VERIFY")
    new_value = fake.regenerate_txt(domain_id)
    result = scenario.run("refresh up", "up", refresh=True)
    assert result.outputs["acme"].value["login.acme.test"]["validation_status"] == "COMPLETED"
    assert scenario.lab.served("_acme-challenge.login.acme.test", "TXT") == [new_value]


def test_destroy_leaves_nothing_at_okta_or_in_dns(scenario: Scenario) -> None:
    scenario.run("destroy", "destroy")
    for org in scenario.lab.okta:
        assert scenario.lab.okta_domains(org) == []
    assert scenario.lab.served("login.acme.test", "CNAME") == []
    assert scenario.lab.served("_acme-challenge.portal.cf.test", "TXT") == []
    assert scenario.lab.served("sso.globex.test", "CNAME") == []


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def secret_needle(secret: str) -> str:
    """A secret's tell-tale part: a PEM's first base64 line, else the whole value."""
    lines = secret.strip().splitlines()
    return lines[1] if len(lines) > 2 else secret


def where(text: str, needle: str) -> str:
    """The text around ``needle`` with the needle masked, to say where a secret leaked."""
    at = text.find(needle)
    return text[max(0, at - 300) : at].replace(needle, "<secret>") + "<secret>"
