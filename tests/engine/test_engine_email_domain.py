"""The real engine takes a branded tenant's URL domain and email domain to COMPLETED / VERIFIED.

acme (API token, RFC 2136) and cfco (API token, Cloudflare) each declare a brand the stack
creates, a URL domain and an email domain; globex (an OAuth service app with the brand and
email-domain scopes) sends mail from an existing brand through a registrar's form, whose four
rows a person reads in the CLI output and types in. One stack goes through up, a second up and
destroy; each test is one step and relies on the ones before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain.testing.engine import OutputLog, flatten_config
from okta_custom_domain.testing.engine_lab import EngineLab, RegistrarPerson
from okta_fixtures import pem_pair  # type: ignore[import-not-found]
from pulumi import automation as auto

CF_TOKEN = "cfEMAILtest-0123456789abcdefghijklmnopqrstuvwxyzAB"  # 50 of [0-9A-Za-z-_]
CLIENT_ID = "0oa-email-engine-app"
SCOPES = ["okta.domains.read", "okta.domains.manage", "okta.brands.manage",
          "okta.emailDomains.manage"]  # fmt: skip
URL_DOMAINS = {"acme": "login.acme.test", "cfco": "login.cf.test"}
EMAIL_DOMAINS = {"acme": "acme.test", "cfco": "cf.test", "globex": "globex.test"}

pytestmark = pytest.mark.timeout(600)


class Scenario:
    def __init__(self, lab: EngineLab, stack: auto.Stack, secrets: list[str], brand: str) -> None:
        self.lab = lab
        self.stack = stack
        self.secrets = secrets
        self.globex_brand = brand
        self.person = RegistrarPerson(lab, "globex.test")
        self.logs: dict[str, OutputLog] = {}

    def run(self, step: str, operation: str, **kwargs: Any) -> Any:
        log = OutputLog()
        self.logs[step] = log

        def on_output(line: str) -> None:
            log(line)
            self.person(line)

        return getattr(self.stack, operation)(on_output=on_output, color="never", **kwargs)

    def okta_writes(self) -> int:
        return sum(
            1
            for fake in self.lab.okta.values()
            for r in fake.requests
            if r.method in ("POST", "PUT", "DELETE")
        )


def email_entry(lab: EngineLab, domain: str, dns: dict[str, Any]) -> dict[str, Any]:
    return {"domain": domain, "displayName": "IT", "userName": "noreply", "dns": dns,
            "readiness": lab.readiness(timeout=120),
            "verification": {"timeout": 60, "pollInterval": 1}}  # fmt: skip


def url_entry(domain: str, dns: dict[str, Any], readiness: dict[str, Any]) -> dict[str, Any]:
    return {"domain": domain, "dns": dns, "readiness": readiness}


def tenants_config(lab: EngineLab, private_key: str, brand_id: str) -> list[dict[str, Any]]:
    readiness = lab.readiness(timeout=90)
    globex_okta = lab.okta_with_service_app("globex", CLIENT_ID, private_key)
    globex_okta["scopes"] = SCOPES
    return [
        {
            "name": "acme",
            "okta": lab.okta_with_token("acme"),
            "brand": {"name": "Acme"},
            "domains": [url_entry("login.acme.test", lab.rfc2136_dns("acme.test"), readiness)],
            "emailDomains": [email_entry(lab, "acme.test", lab.rfc2136_dns("acme.test"))],
        },
        {
            "name": "cfco",
            "okta": lab.okta_with_token("cfco"),
            "cloudflare": {"apiToken": CF_TOKEN},
            "brand": {"name": "CF Co"},
            "domains": [url_entry("login.cf.test", lab.cloudflare_dns("cf.test"), readiness)],
            "emailDomains": [email_entry(lab, "cf.test", lab.cloudflare_dns("cf.test"))],
        },
        {
            "name": "globex",
            "okta": globex_okta,
            "brand": {"id": brand_id},
            "emailDomains": [email_entry(lab, "globex.test", lab.manual_dns("globex.test"))],
        },
    ]


@pytest.fixture(scope="module")
def scenario(
    pulumi_bin: Path, program: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("engine-email")
    lab = EngineLab(
        root, pulumi_bin, program,
        zones=["acme.test", "cf.test", "globex.test"], orgs=["acme", "cfco", "globex"],
    )  # fmt: skip
    with lab:
        private_key, public_key = pem_pair()
        lab.okta["globex"].register_service_app(CLIENT_ID, public_key, scopes=tuple(SCOPES))
        brand_id = lab.okta["globex"].add_brand("Globex")
        lab.okta["cfco"].email_verify_delay = 2  # Okta polls a while before it says VERIFIED
        tenants = tenants_config(lab, private_key, brand_id)
        stack = lab.engine.stack("dev", flatten_config("okta-custom-domain:tenants", tenants))
        secrets = [lab.okta["acme"].api_token, lab.okta["cfco"].api_token, CF_TOKEN,
                   lab.key_secret, private_key]  # fmt: skip
        yield Scenario(lab, stack, secrets, brand_id)


def email_of(fake: Any, domain: str) -> dict[str, Any]:
    (found,) = [e for e in fake.email_domains() if e["domain"] == domain]
    return dict(found)


def test_up_takes_the_url_domain_to_completed_and_the_email_domain_to_verified(
    scenario: Scenario,
) -> None:
    outputs = scenario.run("up", "up").outputs
    for tenant, domain in URL_DOMAINS.items():
        exported = outputs[tenant].value
        assert exported[domain]["validation_status"] == "COMPLETED", exported[domain]
        fake = scenario.lab.okta[tenant]
        (brand,) = [b for b in fake.brands() if b["name"] in ("Acme", "CF Co")]
        url = fake.domain(exported[domain]["domain_id"])
        assert url["brandId"] == brand["id"]  # the URL domain belongs to the tenant's brand
        email = email_of(fake, EMAIL_DOMAINS[tenant])
        assert email["validationStatus"] == "VERIFIED"
        assert [b["id"] for b in email["_embedded"]["brands"]] == [brand["id"]]
        mail = exported[f"email:{EMAIL_DOMAINS[tenant]}"]
        assert mail["validation_status"] == "VERIFIED"
        assert mail["email_domain_id"] == email["id"]
    globex = email_of(scenario.lab.okta["globex"], "globex.test")
    assert globex["validationStatus"] == "VERIFIED"
    assert [b["id"] for b in globex["_embedded"]["brands"]] == [scenario.globex_brand]
    text = scenario.logs["up"].text
    for domain in EMAIL_DOMAINS.values():
        assert f"okta-custom-domain: email domain {domain}: validation status VERIFIED" in text
    polling = "okta-custom-domain: email domain cf.test: Okta is checking DNS (POLLING)"
    assert polling in text  # the wait while Okta polls is shown to the person waiting


def test_the_four_mail_records_are_served_as_okta_named_them(scenario: Scenario) -> None:
    lab = scenario.lab
    for tenant, domain in EMAIL_DOMAINS.items():
        email = email_of(lab.okta[tenant], domain)
        for record in email["dnsValidationRecords"]:
            served = lab.served(record["fqdn"], record["recordType"])
            assert served == [record["verificationValue"]], (tenant, record, served)
    # Okta made its own brand for each new URL domain; the provider deleted it (okta.brands.*)
    for tenant in URL_DOMAINS:
        names = {b["name"] for b in lab.okta[tenant].brands()}
        assert not names & set(URL_DOMAINS.values()), names


def test_the_registrar_rows_are_typed_from_the_cli_output(scenario: Scenario) -> None:
    email = email_of(scenario.lab.okta["globex"], "globex.test")
    expected = {(r["fqdn"], r["recordType"], r["verificationValue"])
                for r in email["dnsValidationRecords"]}  # fmt: skip
    assert set(scenario.person.entered) == expected
    assert {name for _type, name, _value, _ttl in scenario.person.rows} == {
        "_oktaverification", "mail", "oka._domainkey", "oka2._domainkey"
    }  # fmt: skip
    assert "Enter these records at your registrar for the email domain globex.test" in (
        scenario.logs["up"].text
    )


def test_state_and_output_hold_no_secret_in_plain_text(scenario: Scenario) -> None:
    state = scenario.lab.engine.cli("stack", "export", "--stack", "dev").stdout
    printed = "\n".join(log.text for log in scenario.logs.values())
    for secret in scenario.secrets:
        lines = secret.strip().splitlines()
        needle = lines[1] if len(lines) > 2 else secret
        assert needle not in state, "a secret in state"
        assert needle not in printed, "a secret in the CLI output"


def test_a_second_up_changes_nothing_and_verifies_nothing_again(scenario: Scenario) -> None:
    before = scenario.okta_writes()
    serials = {zone: scenario.lab.dns.serial(zone) for zone in scenario.lab.zones}
    result = scenario.run("second up", "up")
    assert set(result.summary.resource_changes or {}) <= {"same"}, result.summary.resource_changes
    assert scenario.okta_writes() == before
    assert {zone: scenario.lab.dns.serial(zone) for zone in scenario.lab.zones} == serials


def test_destroy_unlinks_the_brand_then_deletes_everything(scenario: Scenario) -> None:
    scenario.run("destroy", "destroy")
    lab = scenario.lab
    for tenant in EMAIL_DOMAINS:
        fake = lab.okta[tenant]
        assert fake.email_domains() == []
        assert lab.okta_domains(tenant) == []
    for tenant in URL_DOMAINS:  # the brands this stack created are gone too
        assert [b["name"] for b in lab.okta[tenant].brands() if not b["isDefault"]] == []
    globex_brand = lab.okta["globex"].brand(scenario.globex_brand)
    assert "emailDomainId" not in globex_brand  # the existing brand stays, sending as Okta
    assert lab.served("mail.acme.test", "CNAME") == []
    assert lab.served("_oktaverification.cf.test", "TXT") == []
    unlink = [r for r in lab.okta["acme"].requests if r.method == "PUT" and "/brands/" in r.path]
    deleted = [r for r in lab.okta["acme"].requests if r.method == "DELETE"]
    assert unlink and deleted
    first_email_delete = next(i for i, r in enumerate(lab.okta["acme"].requests)
                              if r.method == "DELETE" and "/email-domains/" in r.path)  # fmt: skip
    last_unlink = max(i for i, r in enumerate(lab.okta["acme"].requests)
                      if r.method == "PUT" and "/brands/" in r.path)  # fmt: skip
    assert last_unlink < first_email_delete  # unlinked first: Okta refuses it otherwise
