"""Pytest fixtures around the knotd two-server topology (a plain module: import what you need).

``from dns_fixtures import dns_zone`` in a test module makes the fixture available there.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from okta_custom_domain.readiness import ReadinessReport, check_records
from okta_custom_domain.testing.dns_server import TwoServerZone, ZoneRecord

ZONE = "example.test"
DOMAIN = f"login.{ZONE}"
CNAME_TARGET = "acme.customdomains.okta.test"
TXT_NAME = f"_acme-challenge.{DOMAIN}"
TXT_VALUE = "dGhpcy1pcy1hbi1hY21lLXRva2Vu"


def expected_records(txt_value: str = TXT_VALUE) -> list[dict[str, str]]:
    """The two records Okta asks for, as the library and the provider take them."""
    return [
        {"type": "CNAME", "fqdn": DOMAIN, "value": CNAME_TARGET},
        {"type": "TXT", "fqdn": TXT_NAME, "value": txt_value},
    ]


def correct_zone_records(txt_value: str = TXT_VALUE) -> list[ZoneRecord]:
    """Zone-file records that satisfy :func:`expected_records`."""
    return [
        ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
        ZoneRecord("_acme-challenge.login", "TXT", f'"{txt_value}"'),
    ]


def discovery_options(zone: TwoServerZone) -> dict[str, object]:
    """Options that discover the servers through ns1 (as a resolver) and query on the port."""
    return {
        "resolver": f"127.0.0.2:{zone.port}",
        "dns_port": zone.port,
        "query_timeout": 0.5,
        "retries": 1,
    }


def check(zone: TwoServerZone, records: list[dict[str, str]] | None = None) -> ReadinessReport:
    """One check of ``records`` (default: Okta's two) with discovery through ns1."""
    options: dict[str, Any] = discovery_options(zone)
    return check_records(records or expected_records(), **options)


def only_cause(report: ReadinessReport, code: str) -> str:
    """The message of the one cause ``report`` must have, with code ``code``."""
    assert not report.ready
    assert [cause.code for cause in report.causes] == [code], report.diagnosis
    return report.causes[0].message


@pytest.fixture
def dns_zone() -> Iterator[TwoServerZone]:
    """``example.test`` on knotd at 127.0.0.2 and 127.0.0.3 (same free port), NS to both."""
    with TwoServerZone(ZONE) as zone:
        yield zone


@pytest.fixture
def silent_udp() -> Iterator[tuple[str, int]]:
    """A UDP socket (and TCP listener) on 127.0.0.4 that never answers: a dead name server."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
        tcp.bind(("127.0.0.4", 0))
        port = tcp.getsockname()[1]
        udp.bind(("127.0.0.4", port))
        tcp.listen()
        yield "127.0.0.4", port
