"""Issue 13's situations on every authoritative implementation (knotd, NSD, BIND).

The readiness check reads replies, and servers differ in what they put in them (CNAME chasing,
wildcard synthesis, the SOA in a negative answer). Each situation runs against each server on
127.0.0.1 (``named`` only listens on configured interface addresses), the server also acting
as the discovery resolver, and once more behind unbound for the resolver-cache check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from okta_custom_domain.readiness import ReadinessReport, check_records
from okta_custom_domain.testing.dns_server import (
    AUTHORITATIVE,
    RecursiveResolver,
    ZoneFileServer,
    ZoneRecord,
    free_port,
    loopback_zone_text,
)

ZONE = "example.test"
CHILD = f"corp.{ZONE}"
CHALLENGES = "acme-dns.test"
DOMAIN = f"login.{ZONE}"
TXT_NAME = f"_acme-challenge.{DOMAIN}"
TARGET = "acme.customdomains.okta.test"
VALUE = "dGhpcy1pcy1hbi1hY21lLXRva2Vu"
ADDRESS = "127.0.0.1"


class Served:
    """One implementation serving ``example.test`` (and more zones) on 127.0.0.1."""

    def __init__(self, server: ZoneFileServer) -> None:
        self.server = server
        self.serials: dict[str, int] = {}

    @property
    def port(self) -> int:
        return self.server.port

    def zone(self, zone: str, records: list[ZoneRecord]) -> None:
        """Serve ``zone`` with ``records`` under a new serial (ns1.<zone> is 127.0.0.1)."""
        serial = self.serials[zone] = self.serials.get(zone, 0) + 1
        text = loopback_zone_text(zone, serial=serial, records=records, address=ADDRESS)
        if serial == 1:
            self.server.add_zone(zone, text)
        else:
            self.server.set_zone(zone, text)

    def check(self, records: list[dict[str, str]] | None = None, **options: Any) -> ReadinessReport:
        options = {"resolver": f"{ADDRESS}:{self.port}", **options}
        return check_records(
            records or expected(), dns_port=self.port, query_timeout=0.5, retries=1, **options
        )


def expected(domain: str = DOMAIN) -> list[dict[str, str]]:
    return [
        {"type": "CNAME", "fqdn": domain, "value": TARGET},
        {"type": "TXT", "fqdn": f"_acme-challenge.{domain}", "value": VALUE},
    ]


@pytest.fixture(params=sorted(AUTHORITATIVE))
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    server = AUTHORITATIVE[request.param](ADDRESS, free_port(ADDRESS))
    with server:
        yield Served(server)


def codes(report: ReadinessReport) -> dict[str | None, str]:
    assert not report.ready
    return {cause.record: cause.code for cause in report.causes}


CNAME_OK = ZoneRecord("login", "CNAME", f"{TARGET}.")


def test_stray_space(served: Served) -> None:
    served.zone(ZONE, [CNAME_OK, ZoneRecord("_acme-challenge.login", "TXT", f'" {VALUE}"')])
    assert codes(served.check()) == {f"TXT {TXT_NAME}": "txt_whitespace"}


def test_wildcard_address_in_place_of_the_cname(served: Served) -> None:
    served.zone(ZONE, [ZoneRecord("*", "A", "192.0.2.80")])
    report = served.check()
    assert codes(report) == {
        f"CNAME {DOMAIN}": "wildcard_in_place",
        f"TXT {TXT_NAME}": "missing_everywhere",
    }, report.diagnosis
    assert report.causes[0].details["owner"] == f"*.{ZONE}"


def test_wildcard_txt_is_not_the_zone_appended_twice(served: Served) -> None:
    served.zone(ZONE, [CNAME_OK, ZoneRecord("*", "TXT", '"v=spf1 -all"')])
    assert codes(served.check()) == {f"TXT {TXT_NAME}": "missing_everywhere"}


def test_cname_to_a_txt_in_the_same_zone(served: Served) -> None:
    served.zone(
        ZONE,
        [
            CNAME_OK,
            ZoneRecord("_acme-challenge.login", "CNAME", f"tokens.{ZONE}."),
            ZoneRecord("tokens", "TXT", f'"{VALUE}"'),
        ],
    )
    report = served.check()
    assert report.ready, report.diagnosis
    assert report.notes == [
        f"TXT {TXT_NAME}: TXT found at the CNAME target tokens.{ZONE} on every server of zone "
        f"{ZONE}"
    ]


def test_cname_to_a_txt_in_another_zone(served: Served) -> None:
    served.zone(ZONE, [CNAME_OK, ZoneRecord("_acme-challenge.login", "CNAME", f"d1.{CHALLENGES}.")])
    served.zone(CHALLENGES, [])
    report = served.check()
    assert codes(report) == {f"TXT {TXT_NAME}": "cname_target_not_ready"}, report.diagnosis
    assert f"TXT `d1` = `{VALUE}` in zone {CHALLENGES}" in report.causes[0].next_step
    served.zone(CHALLENGES, [ZoneRecord("d1", "TXT", f'"{VALUE}"')])
    ready = served.check()
    assert ready.ready, ready.diagnosis


def test_cname_loop(served: Served) -> None:
    served.zone(
        ZONE,
        [
            CNAME_OK,
            ZoneRecord("_acme-challenge.login", "CNAME", f"a.{ZONE}."),
            ZoneRecord("a", "CNAME", f"{TXT_NAME}."),
        ],
    )
    assert codes(served.check()) == {f"TXT {TXT_NAME}": "cname_loop"}


def test_caa_in_the_parent_zone(served: Served) -> None:
    served.zone(
        ZONE,
        [
            ZoneRecord("@", "CAA", '0 issue "digicert.com"'),
            ZoneRecord("corp", "NS", f"ns1.{ZONE}."),
        ],
    )
    served.zone(
        CHILD,
        [
            ZoneRecord("login", "CNAME", f"{TARGET}."),
            ZoneRecord("_acme-challenge.login", "TXT", f'"{VALUE}"'),
        ],
    )
    report = served.check(expected(f"login.{CHILD}"))
    assert [cause.code for cause in report.causes] == ["caa_forbids"], report.diagnosis
    assert report.causes[0].details["zone"] == ZONE
    assert all(record.zone == CHILD for record in report.records)


def test_discovery_leaves_nothing_cached_in_the_resolver(served: Served) -> None:
    served.zone(ZONE, [])
    with RecursiveResolver({ZONE: [f"{ADDRESS}@{served.port}"]}) as resolver:
        before = served.check(resolver=resolver.endpoint)
        served.zone(ZONE, [CNAME_OK, ZoneRecord("_acme-challenge.login", "TXT", f'"{VALUE}"')])
        after = served.check(resolver=resolver.endpoint)
        asked = resolver.questions()
    assert not before.ready and after.ready, after.diagnosis
    assert asked and not [q for q in asked if q[0] in (DOMAIN, TXT_NAME)], asked
