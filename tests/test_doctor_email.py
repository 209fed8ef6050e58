"""``doctor --email-domain``: a stuck email domain explained against FakeOkta and two knotd."""

from __future__ import annotations

from typing import Any

import pytest
from doctor_fixtures import ZONE, Lab, lab  # type: ignore[import-not-found]
from okta_custom_domain.okta.auth import ApiToken
from okta_custom_domain.okta.email_domains import OktaEmailDomainsClient
from okta_custom_domain.testing.dns_server import ZoneRecord

__all__ = ["lab"]  # the fixture, used by name below

MAIL = f"notify.{ZONE}"


def new_email_domain(lab: Lab) -> dict[str, Any]:
    brand = lab.fake.add_brand("Notify")
    with OktaEmailDomainsClient(lab.fake.url, ApiToken(lab.fake.api_token)) as client:
        created = client.create_email_domain(MAIL, brand, "IT", "noreply")
    return lab.fake.email_domain(created.id)


def zone_records(email: dict[str, Any], *, skip_mail: bool = False) -> list[ZoneRecord]:
    records = []
    for r in email["dnsValidationRecords"]:
        if skip_mail and r["fqdn"] == f"mail.{MAIL}":
            continue
        value = r["verificationValue"]
        rdata = f'"{value}"' if r["recordType"] == "TXT" else f"{value}."
        records.append(ZoneRecord(r["fqdn"].removesuffix(f".{ZONE}"), r["recordType"], rdata))
    return records


def verdict_of(lab: Lab) -> dict[str, Any]:
    run = lab.run("--email-domain", MAIL)
    report: dict[str, Any] = run.report
    assert run.code == (0 if report["healthy"] else 1), run.err
    return report


def test_an_unknown_email_domain_is_named(lab: Lab) -> None:
    assert verdict_of(lab)["code"] == "email_domain_not_found"


def test_records_served_and_not_started_means_verify(lab: Lab) -> None:
    email = new_email_domain(lab)
    lab.zone.set_records(zone_records(email))
    report = verdict_of(lab)
    assert report["code"] == "email_ready_to_verify" and "pulumi up" in report["next_step"]
    assert "noreply@okta.com" in report["summary"]


def test_okta_gave_up_because_the_mail_name_is_taken(lab: Lab) -> None:
    email = new_email_domain(lab)
    taken = [ZoneRecord("mail.notify", "A", "192.0.2.25"),
             ZoneRecord("mail.notify", "MX", "10 mx.example.test.")]  # fmt: skip
    lab.zone.set_records([*zone_records(email, skip_mail=True), *taken])
    lab.fake.set_email_status(email["id"], "ERROR")
    report = verdict_of(lab)
    assert report["code"] == "email_name_in_use"
    assert "gave up polling (ERROR)" in report["summary"] and "192.0.2.25" in report["summary"]
    assert "subdomain" in report["next_step"] and report["details"]["status"] == "ERROR"


def test_polling_with_every_record_served_is_a_wait(lab: Lab) -> None:
    email = new_email_domain(lab)
    lab.zone.set_records(zone_records(email))
    lab.fake.email_polling_window = 10_000
    lab.fake.set_email_status(email["id"], "POLLING")
    lab.fake.dns_server = None  # Okta's own poll cannot see DNS here: it stays POLLING
    assert verdict_of(lab)["code"] == "email_polling"


@pytest.mark.parametrize("json_out", [True, False])
def test_a_verified_email_domain_is_healthy(lab: Lab, json_out: bool) -> None:
    email = new_email_domain(lab)
    lab.fake.set_email_status(email["id"], "VERIFIED")
    run = lab.run("--email-domain", MAIL, json_out=json_out)
    assert run.code == 0
    text = run.out if not json_out else run.report["summary"]
    assert f"noreply@{MAIL}" in text
