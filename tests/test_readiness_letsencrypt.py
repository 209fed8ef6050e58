"""Readiness as Let's Encrypt sees it (issue 13): each situation on real servers, each answer
the one Let's Encrypt would give, with advice a person can follow."""

from __future__ import annotations

from typing import Any

from dns_fixtures import (  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
    CNAME_TARGET,
    TXT_VALUE,
    discovery_options,
    dns_zone,
    expected_records,
)
from okta_custom_domain.readiness import ReadinessReport, check_records
from okta_custom_domain.testing.dns_server import TwoServerZone, ZoneRecord

__all__ = ["dns_zone"]  # fixtures used by name below


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
