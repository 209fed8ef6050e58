"""Readiness as Let's Encrypt sees it (issue 13): each situation on real servers, each answer
the one Let's Encrypt would give, with advice a person can follow."""

from __future__ import annotations

from typing import Any

import pytest
from dns_fixtures import (  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
    CNAME_TARGET,
    DOMAIN,
    TXT_NAME,
    TXT_VALUE,
    correct_zone_records,
    discovery_options,
    dns_zone,
    expected_records,
    silent_udp,
)
from okta_custom_domain.readiness import (
    ReadinessReport,
    ReadinessTimeout,
    check_records,
    wait_until_ready,
)
from okta_custom_domain.testing.dns_server import TwoServerZone, ZoneRecord

__all__ = ["dns_zone", "silent_udp"]  # fixtures used by name below


def check(zone: TwoServerZone, records: list[dict[str, str]] | None = None) -> ReadinessReport:
    options: dict[str, Any] = discovery_options(zone)
    return check_records(records or expected_records(), **options)


def only_cause(report: ReadinessReport, code: str) -> str:
    assert not report.ready
    assert [cause.code for cause in report.causes] == [code], report.diagnosis
    return report.causes[0].message


def test_a_stray_space_is_named_as_a_space_not_a_stale_value(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "TXT", f'" {TXT_VALUE}"'),
        ]
    )
    message = only_cause(check(dns_zone), "txt_whitespace")
    assert "space at the start" in message and "stale" not in message
    assert f"`{TXT_VALUE}`" in message


def test_quotes_and_a_trailing_space_are_both_named(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "TXT", f'"\\"{TXT_VALUE}\\" "'),
        ]
    )
    message = only_cause(check(dns_zone), "quoted_txt")
    assert "quote" in message and "space at the end" in message


def test_a_silent_server_cannot_stretch_the_wait_past_its_timeout(
    dns_zone: TwoServerZone, silent_udp: tuple[str, int]
) -> None:
    """Each attempt is cut to the time left: one short attempt, not 3 x 2 s, on the dead one."""
    dns_zone.set_records(correct_zone_records())
    address, port = silent_udp
    with pytest.raises(ReadinessTimeout) as raised:
        wait_until_ready(
            expected_records(),
            nameservers=[*dns_zone.nameserver_specs(), f"{address}:{port}"],
            timeout=1.0,
            interval=0.5,
            query_timeout=2.0,
            retries=2,
        )
    silent = [s for r in raised.value.report.records for s in r.servers if s.port == port]
    assert silent and all(s.error_kind == "timeout" for s in silent)
    assert all("tried 1 times" in (s.error or "") for s in silent), silent
    assert raised.value.polls == 1
    assert f"{address}:{port} did not answer" in str(raised.value)


def test_a_refused_connection_is_not_called_a_timeout(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    closed = f"127.0.0.6:{dns_zone.port}"  # nothing listens there: ICMP port unreachable
    report = check_records(
        expected_records(),
        nameservers=[*dns_zone.nameserver_specs(), closed],
        query_timeout=2.0,
        retries=2,
    )
    message = only_cause(report, "connection_refused")
    assert f"{closed} refused the connection" in message
    assert f"start the dns server on {closed}" in message.lower()


def causes_by_record(report: ReadinessReport) -> dict[str | None, str]:
    return {cause.record: cause.code for cause in report.causes}


def test_a_wildcard_address_in_place_of_a_missing_cname_is_not_called_proxied(
    dns_zone: TwoServerZone,
) -> None:
    """``* A`` answers for ``login`` only while nothing exists at or below ``login``."""
    dns_zone.set_records([ZoneRecord("*", "A", "192.0.2.80")])
    report = check(dns_zone)
    assert causes_by_record(report) == {
        f"CNAME {DOMAIN}": "wildcard_in_place",
        f"TXT {TXT_NAME}": "missing_everywhere",
    }, report.diagnosis
    cname = report.causes[0]
    assert "`*.example.test` answers in its place" in cname.message
    assert "192.0.2.80" in cname.message and "proxied" not in cname.message
    assert cname.next_step.startswith(f"create CNAME `login` -> `{CNAME_TARGET}` in zone")


def test_a_wildcard_txt_answering_for_the_challenge_is_not_a_stale_value(
    dns_zone: TwoServerZone,
) -> None:
    dns_zone.set_records([ZoneRecord("*", "TXT", '"v=spf1 -all"')])
    report = check(dns_zone)
    assert causes_by_record(report) == {
        f"CNAME {DOMAIN}": "missing_everywhere",
        f"TXT {TXT_NAME}": "wildcard_in_place",
    }, report.diagnosis
    txt = next(c for c in report.causes if c.code == "wildcard_in_place")
    assert "'v=spf1 -all'" in txt.message and "stale" not in txt.message
    assert f"create TXT `_acme-challenge.login` = `{TXT_VALUE}`" in txt.next_step


def test_a_wildcard_elsewhere_is_not_the_zone_appended_twice(dns_zone: TwoServerZone) -> None:
    """``*.example.test`` answers for ``..login.example.test.example.test`` too."""
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("*", "TXT", '"v=spf1 -all"'),
        ]
    )
    message = only_cause(check(dns_zone), "missing_everywhere")
    assert "appended" not in message
