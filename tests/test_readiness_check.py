"""check_records against two real knotd servers: ready, and each cause named in words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dns_fixtures import (  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
    CNAME_TARGET,
    DOMAIN,
    TXT_NAME,
    TXT_VALUE,
    ZONE,
    check,
    correct_zone_records,
    discovery_options,
    dns_zone,
    expected_records,
    only_cause,
    silent_udp,
)
from okta_custom_domain.readiness import ReadinessReport, check_records
from okta_custom_domain.testing.dns_server import (
    RecursiveResolver,
    TwoServerZone,
    ZoneRecord,
    broken_trust_anchor,
)

__all__ = ["dns_zone", "silent_udp"]  # fixtures used by name below


def codes(report: ReadinessReport) -> list[str]:
    return [cause.code for cause in report.causes]


def test_ready_when_every_server_serves_the_records(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    report = check(dns_zone)
    assert report.ready, report.diagnosis
    assert report.causes == [] and report.diagnosis == []
    assert report.servers_checked() == [
        f"ns1.example.test 127.0.0.2:{dns_zone.port}",
        f"ns2.example.test 127.0.0.3:{dns_zone.port}",
    ]
    serial = dns_zone.serials[0]
    for record in report.records:
        assert record.zone == ZONE
        for server in record.servers:
            assert server.rcode == "NOERROR" and server.authoritative and server.matches
            assert server.soa_serial == serial
    assert report.records[1].servers[0].answer == [TXT_VALUE]
    # 2 SOA + 2 records x 2 servers + CAA climb (login, apex) on one server + CAA above the
    # zone (`test`, asked of the resolver once per checker)
    assert report.queries_sent == 9
    decoded = json.loads(report.to_json())
    assert decoded["ready"] is True
    assert decoded["records"][0]["servers"][0]["nameserver"] == "ns1.example.test"


def test_names_compare_case_insensitively_with_or_without_dot(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    records = [
        {"type": "cname", "fqdn": "LOGIN.Example.Test.", "value": CNAME_TARGET.upper() + "."},
        {"type": "TXT", "fqdn": TXT_NAME.upper(), "value": TXT_VALUE},
    ]
    assert check(dns_zone, records).ready


def test_fixed_nameservers_skip_discovery(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    report = check_records(
        expected_records(), nameservers=dns_zone.nameserver_specs(), query_timeout=0.5
    )
    assert report.ready, report.diagnosis
    assert report.servers_checked() == dns_zone.nameserver_specs()
    assert report.records[0].zone == ZONE


def test_missing_everywhere_names_the_record_and_the_label(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records([ZoneRecord("login", "CNAME", f"{CNAME_TARGET}.")])
    report = check(dns_zone)
    message = only_cause(report, "missing_everywhere")
    assert TXT_NAME in message and "'_acme-challenge.login'" in message
    assert TXT_VALUE in message
    assert report.records[0].ready and not report.records[1].ready


def test_negative_caching_time_is_min_of_soa_ttl_and_minimum() -> None:
    with TwoServerZone(ZONE, soa_minimum=45, ttl=600) as zone:
        report = check(zone)
        assert report.negative_cache_seconds == 45
        assert any("45 s" in line and "negative caching" in line for line in report.diagnosis)
    with TwoServerZone(ZONE, soa_minimum=900, ttl=120) as zone:
        assert check(zone).negative_cache_seconds == 120


def test_lagging_server_is_named_with_serials(dns_zone: TwoServerZone) -> None:
    old = dns_zone.set_records([ZoneRecord("login", "CNAME", f"{CNAME_TARGET}.")])
    new = dns_zone.set_records_on(0, correct_zone_records())
    message = only_cause(check(dns_zone), "lagging_server")
    assert f"ns2.example.test 127.0.0.3:{dns_zone.port} (serial {old})" in message
    assert f"127.0.0.2:{dns_zone.port} (serial {new})" in message
    assert "lagging" in message and TXT_NAME in message


def test_zone_appended_twice_says_which_name_to_use(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login.example.test", "CNAME", f"{CNAME_TARGET}."),  # no dot: doubled
            ZoneRecord("_acme-challenge.login", "TXT", f'"{TXT_VALUE}"'),
        ]
    )
    message = only_cause(check(dns_zone), "zone_appended_twice")
    assert "appended" in message
    assert "login.example.test.example.test" in message
    assert "enter 'login'" in message


def test_address_records_where_cname_expected_mean_proxied(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "A", "192.0.2.10"),
            ZoneRecord("login", "AAAA", "2001:db8::10"),
            ZoneRecord("_acme-challenge.login", "TXT", f'"{TXT_VALUE}"'),
        ]
    )
    message = only_cause(check(dns_zone), "proxied_cname")
    assert "proxied" in message and "192.0.2.10" in message and "2001:db8::10" in message
    assert CNAME_TARGET in message


def test_wrong_cname_target(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", "other.okta.test."),
            ZoneRecord("_acme-challenge.login", "TXT", f'"{TXT_VALUE}"'),
        ]
    )
    message = only_cause(check(dns_zone), "wrong_value")
    assert "'other.okta.test'" in message and f"'{CNAME_TARGET}'" in message


def test_stale_txt_shows_expected_and_found(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records("old-token-value"))
    message = only_cause(check(dns_zone), "wrong_value")
    assert "stale" in message
    assert "'old-token-value'" in message and f"'{TXT_VALUE}'" in message


def test_quoted_txt(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "TXT", f'"\\"{TXT_VALUE}\\""'),
        ]
    )
    message = only_cause(check(dns_zone), "quoted_txt")
    assert "quote" in message and "without quotes" in message


def test_multiple_txt_values(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            *correct_zone_records(),
            ZoneRecord("_acme-challenge.login", "TXT", '"previous-token"'),
        ]
    )
    message = only_cause(check(dns_zone), "multiple_txt")
    assert "2 TXT values" in message and "'previous-token'" in message
    assert "is among them" in message


def test_caa_forbidding_letsencrypt(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [*correct_zone_records(), ZoneRecord("@", "CAA", '0 issue "digicert.com"')]
    )
    report = check(dns_zone)
    message = only_cause(report, "caa_forbids")
    assert "letsencrypt.org" in message and "digicert.com" in message
    assert f'{ZONE}. CAA 0 issue "letsencrypt.org"' in message
    assert all(record.ready for record in report.records)


def test_caa_allowing_letsencrypt_is_ready(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            *correct_zone_records(),
            ZoneRecord("@", "CAA", '0 issue "digicert.com"'),
            ZoneRecord("@", "CAA", '0 issue "letsencrypt.org"'),
        ]
    )
    report = check(dns_zone)
    assert report.ready, report.diagnosis
    assert report.records[0].probes["caa"]["name"] == ZONE


def test_server_that_refuses_the_zone(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    dns_zone.refuse_on(1)
    report = check(dns_zone)
    message = only_cause(report, "refused")
    assert f"ns2.example.test 127.0.0.3:{dns_zone.port}" in message
    assert "REFUSED" in message and "lame delegation" in message
    assert DOMAIN in message and TXT_NAME in message


def test_server_that_does_not_answer(dns_zone: TwoServerZone, silent_udp: tuple[str, int]) -> None:
    dns_zone.set_records(correct_zone_records())
    address, port = silent_udp
    report = check_records(
        expected_records(),
        nameservers=[*dns_zone.nameserver_specs(), f"{address}:{port}"],
        query_timeout=0.2,
        retries=1,
    )
    message = only_cause(report, "timeout")
    assert f"{address}:{port} did not answer" in message
    assert "tried 2 times" in message


def test_discovered_name_server_without_a_listener(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            *correct_zone_records(),
            ZoneRecord("@", "NS", "ns3.example.test."),
            ZoneRecord("ns3", "A", "127.0.0.5"),
        ]
    )
    report = check(dns_zone)
    assert not report.ready
    assert codes(report) == ["connection_refused"]
    assert f"ns3.example.test 127.0.0.5:{dns_zone.port} refused" in report.causes[0].message


def test_discovery_failure_is_a_cause_not_a_crash(silent_udp: tuple[str, int]) -> None:
    address, port = silent_udp
    report = check_records(
        expected_records(), resolver=f"{address}:{port}", query_timeout=0.2, retries=0
    )
    assert not report.ready
    assert codes(report) == ["discovery_failed"]
    assert "--nameserver" in report.causes[0].message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"dns_port": 0}, "dns_port"),
        ({"dns_port": "53"}, "dns_port"),
        ({"resolver": "dns.example.test"}, "resolver"),
        ({"resolver": "127.0.0.1:99999"}, "resolver"),
        ({"nameservers": "127.0.0.1"}, "nameservers"),
        ({"nameservers": []}, "nameservers"),
        ({"nameservers": ["[::1"]}, "nameservers[0]"),
        ({"validating_resolver": "x:y"}, "validating_resolver"),
        ({"query_timeout": 0}, "query_timeout"),
        ({"retries": -1}, "retries"),
    ],
)
def test_bad_options_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field.replace('[', '.').replace(']', '.')}:"):
        check_records(expected_records(), **kwargs)


def test_bad_records_name_the_field() -> None:
    with pytest.raises(ValueError, match=r"records\[1\]\.type: 'MX' is not supported"):
        check_records([expected_records()[0], {"type": "MX", "fqdn": DOMAIN, "value": "x"}])


def test_validating_resolver_servfail_means_broken_dnssec(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    stubs = {ZONE: [f"{address}@{dns_zone.port}" for address in dns_zone.addresses]}
    anchor = broken_trust_anchor(ZONE)  # the resolver expects signatures the zone lacks
    with (
        RecursiveResolver(stubs) as healthy,
        RecursiveResolver(stubs, trust_anchors=[anchor]) as validating,
    ):
        fine = check_records(
            expected_records(), **discovery_options(dns_zone), validating_resolver=healthy.endpoint
        )
        assert fine.ready, fine.diagnosis
        assert fine.records[0].probes["validating_resolver"]["rcode"] == "NOERROR"
        report = check_records(
            expected_records(),
            **discovery_options(dns_zone),
            validating_resolver=validating.endpoint,
        )
    assert not report.ready
    assert codes(report) == ["dnssec_broken", "dnssec_broken"]
    message = report.causes[0].message
    assert "DNSSEC" in message and "SERVFAIL" in message and validating.endpoint in message
    assert all(record.ready for record in report.records)
