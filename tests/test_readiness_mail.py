"""The readiness check on an email domain's four records, against two real knotd servers:
ready, and each mistake users make with mail records named as the cause a person acts on."""

from __future__ import annotations

import pytest
from dns_fixtures import ZONE, dns_zone, only_cause  # type: ignore[import-not-found]
from okta_custom_domain.readiness import ReadinessReport, check_records
from okta_custom_domain.testing.dns_server import TwoServerZone, ZoneRecord

__all__ = ["dns_zone"]  # a fixture used by name below

TOKEN = "759080212bda43e3bc825a7d73b4bb64"
HOST = "u22224444.wl024.sendgrid.net"
RECORDS = [
    {"type": "TXT", "fqdn": f"_oktaverification.{ZONE}", "value": TOKEN},
    {"type": "CNAME", "fqdn": f"mail.{ZONE}", "value": HOST},
    {"type": "CNAME", "fqdn": f"oka._domainkey.{ZONE}", "value": f"oka.domainkey.{HOST}"},
    {"type": "CNAME", "fqdn": f"oka2._domainkey.{ZONE}", "value": f"oka2.domainkey.{HOST}"},
]


def check(zone: TwoServerZone, records: list[dict[str, str]]) -> ReadinessReport:
    """One check, asking the zone's two servers (the sender domain is the zone's apex: its
    parent, ``test``, exists only for a real resolver, so discovery is skipped)."""
    return check_records(records, nameservers=zone.nameserver_specs(), query_timeout=0.5)


def served(*, txt: str | None = f'"{TOKEN}"', mail: bool = True,
           dkim_name: str = "oka._domainkey") -> list[ZoneRecord]:  # fmt: skip
    records = [
        ZoneRecord(dkim_name, "CNAME", f"oka.domainkey.{HOST}."),
        ZoneRecord("oka2._domainkey", "CNAME", f"oka2.domainkey.{HOST}."),
    ]
    if txt is not None:
        records.append(ZoneRecord("_oktaverification", "TXT", txt))
    if mail:
        records.append(ZoneRecord("mail", "CNAME", f"{HOST}."))
    return records


def test_the_four_records_served_everywhere_are_ready(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(served())
    report = check(dns_zone, RECORDS)
    assert report.ready, report.diagnosis
    assert [r.record.fqdn for r in report.records] == [r["fqdn"] for r in RECORDS]


def test_a_host_and_mail_at_the_mail_name_leave_no_room_for_the_cname(
    dns_zone: TwoServerZone,
) -> None:
    existing = [
        ZoneRecord("mail", "A", "192.0.2.25"),
        ZoneRecord("mail", "MX", "10 mx1.example.test."),
    ]
    dns_zone.set_records([*served(mail=False), *existing])
    message = only_cause(check(dns_zone, RECORDS), "name_in_use")
    assert "MX 10 mx1.example.test." in message and "192.0.2.25" in message
    assert "cannot sit beside" in message and "notify.example.test" in message


def test_only_an_address_at_the_mail_name_is_a_host_not_a_proxy(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records([*served(mail=False), ZoneRecord("mail", "A", "192.0.2.25")])
    assert "192.0.2.25" in only_cause(check(dns_zone, RECORDS), "name_in_use")


def test_an_address_at_a_dkim_name_is_a_proxied_record(dns_zone: TwoServerZone) -> None:
    records = [r for r in served() if r.name != "oka._domainkey"]
    dns_zone.set_records([*records, ZoneRecord("oka._domainkey", "A", "104.16.0.1")])
    assert "proxied" in only_cause(check(dns_zone, RECORDS), "proxied_cname")


def test_a_dkim_name_typed_in_full_into_a_label_form(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(served(dkim_name=f"oka._domainkey.{ZONE}"))  # the form appends the zone
    message = only_cause(check(dns_zone, RECORDS), "zone_appended_twice")
    assert f"oka._domainkey.{ZONE}.{ZONE}" in message and "enter 'oka._domainkey'" in message


@pytest.mark.parametrize(
    ("txt", "code"),
    [
        (f'"{TOKEN} "', "txt_whitespace"),
        (f'"\\"{TOKEN}\\""', "quoted_txt"),
        (None, "missing_everywhere"),
    ],
)
def test_the_ownership_txt_pasted_wrong_or_missing(
    dns_zone: TwoServerZone, txt: str | None, code: str
) -> None:
    dns_zone.set_records(served(txt=txt))
    message = only_cause(check(dns_zone, RECORDS), code)
    assert f"_oktaverification.{ZONE}" in message and TOKEN in message
