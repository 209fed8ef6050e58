"""Readiness as Let's Encrypt sees it (issue 13): each situation on real servers, each answer
the one Let's Encrypt would give, with advice a person can follow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dns_fixtures import (  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
    CNAME_TARGET,
    DOMAIN,
    TXT_NAME,
    TXT_VALUE,
    ZONE,
    check,
    correct_zone_records,
    dns_zone,
    expected_records,
    only_cause,
    silent_udp,
)
from okta_custom_domain.cli import main
from okta_custom_domain.readiness import (
    ReadinessReport,
    ReadinessTimeout,
    check_records,
    wait_until_ready,
)
from okta_custom_domain.readiness.provider import DnsReadinessProvider
from okta_custom_domain.testing.dns_server import (
    AuthoritativeServer,
    RecursiveResolver,
    TwoServerZone,
    ZoneRecord,
    loopback_zone_text,
    zone_text,
)

__all__ = ["dns_zone", "silent_udp"]  # fixtures used by name below


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


# -- a TXT name delegated by CNAME (acme-dns, Cloudflare DCV delegation, a challenges zone) --

CHALLENGES = "acme-dns.test"
TARGET = f"d1f2.{CHALLENGES}"


@pytest.fixture
def delegated(dns_zone: TwoServerZone) -> Iterator[tuple[TwoServerZone, AuthoritativeServer, str]]:
    """``example.test`` on two servers, ``acme-dns.test`` on a third (same port), and a
    resolver that knows both: the zone of a CNAME target is found as users' resolvers find it."""
    target_server = AuthoritativeServer("127.0.0.7", dns_zone.port)
    target_server.add_zone(CHALLENGES, loopback_zone_text(CHALLENGES, address="127.0.0.7"))
    stubs = {
        ZONE: [f"{a}@{dns_zone.port}" for a in dns_zone.addresses],
        CHALLENGES: [f"127.0.0.7@{dns_zone.port}"],
    }
    with target_server, RecursiveResolver(stubs) as resolver:
        yield dns_zone, target_server, resolver.endpoint


def check_via(resolver: str, zone: TwoServerZone) -> ReadinessReport:
    return check_records(
        expected_records(), resolver=resolver, dns_port=zone.port, query_timeout=0.5, retries=1
    )


def delegate(zone: TwoServerZone, target: str) -> None:
    zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "CNAME", f"{target}."),
        ]
    )


def publish_at_target(target_server: AuthoritativeServer) -> None:
    """The TXT value at the CNAME target, in the challenges zone."""
    records = [ZoneRecord("d1f2", "TXT", f'"{TXT_VALUE}"')]
    text = loopback_zone_text(CHALLENGES, serial=2, address="127.0.0.7", records=records)
    target_server.set_zone(CHALLENGES, text)


def test_a_txt_at_the_cname_target_in_another_zone_is_ready(
    delegated: tuple[TwoServerZone, AuthoritativeServer, str],
) -> None:
    zone, target_server, resolver = delegated
    delegate(zone, TARGET)
    publish_at_target(target_server)
    report = check_via(resolver, zone)
    assert report.ready, report.diagnosis
    assert report.notes == [
        f"TXT {TXT_NAME}: TXT found at the CNAME target {TARGET} on every server of zone "
        f"{CHALLENGES}"
    ]
    assert f"CNAME target {TARGET}" in report.progress_line()


def test_a_cname_target_without_the_value_names_the_target_as_the_place(
    delegated: tuple[TwoServerZone, AuthoritativeServer, str],
) -> None:
    zone, _, resolver = delegated
    delegate(zone, TARGET)
    message = only_cause(check_via(resolver, zone), "cname_target_not_ready")
    assert f"is a CNAME to {TARGET} (zone {CHALLENGES})" in message
    assert f"TXT `d1f2` = `{TXT_VALUE}` in zone {CHALLENGES}" in message
    assert "a TXT cannot sit beside the CNAME at `_acme-challenge.login`" in message


def test_a_cname_target_in_the_same_zone_answered_in_one_reply_is_ready(
    dns_zone: TwoServerZone,
) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "CNAME", "tokens.example.test."),
            ZoneRecord("tokens", "TXT", f'"{TXT_VALUE}"'),
        ]
    )
    report = check(dns_zone)
    assert report.ready, report.diagnosis


def test_a_cname_loop_at_the_challenge_name_is_named(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "CNAME", "a.example.test."),
            ZoneRecord("a", "CNAME", "_acme-challenge.login.example.test."),
        ]
    )
    message = only_cause(check(dns_zone), "cname_loop")
    assert f"({TXT_NAME} -> a.example.test -> {TXT_NAME})" in message


def test_checking_before_the_records_exist_never_asks_the_resolver_about_them(
    dns_zone: TwoServerZone,
) -> None:
    """Discovery asks the resolver only about names that exist; the rest goes to the zone's
    own servers (RD clear). A resolver asked about a record before it exists caches its
    absence (RFC 2308; BIND for every type, unbound for the type asked)."""
    stubs = {ZONE: [f"{address}@{dns_zone.port}" for address in dns_zone.addresses]}
    with RecursiveResolver(stubs) as resolver:
        before = check_records(
            expected_records(), resolver=resolver.endpoint, dns_port=dns_zone.port
        )
        assert [c.code for c in before.causes] == ["missing_everywhere"] * 2, before.diagnosis
        dns_zone.set_records(correct_zone_records())
        after = check_records(
            expected_records(), resolver=resolver.endpoint, dns_port=dns_zone.port
        )
        assert after.ready, after.diagnosis
        asked = resolver.questions()
    assert asked, "the resolver's query log is empty: the test cannot see what it was asked"
    record_names = {DOMAIN, TXT_NAME}
    assert [question for question in asked if question[0] in record_names] == []
    assert (ZONE, "SOA") in asked  # the anchor, a name that exists


def test_a_parent_zone_caa_forbidding_lets_encrypt_is_found_above_the_zone_cut(
    dns_zone: TwoServerZone,
) -> None:
    """``corp.example.test`` is its own zone; ``example.test`` above it allows only DigiCert."""
    child = f"corp.{ZONE}"
    dns_zone.set_records(
        [
            ZoneRecord("@", "CAA", '0 issue "digicert.com"'),
            ZoneRecord("corp", "NS", f"ns1.{ZONE}."),
            ZoneRecord("corp", "NS", f"ns2.{ZONE}."),
        ]
    )
    child_text = zone_text(
        child,
        serial=1,
        nameservers=dns_zone.nameservers,
        records=[
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "TXT", f'"{TXT_VALUE}"'),
        ],
    )
    for server in dns_zone.servers:
        server.add_zone(child, child_text)
    records = [
        {"type": "CNAME", "fqdn": f"login.{child}", "value": CNAME_TARGET},
        {"type": "TXT", "fqdn": f"_acme-challenge.login.{child}", "value": TXT_VALUE},
    ]
    report = check(dns_zone, records)
    assert all(record.zone == child for record in report.records), report.to_json()
    message = only_cause(report, "caa_forbids")
    assert f"CAA records at {ZONE} (zone {ZONE}, above the zone cut of {child}" in message
    assert "digicert.com" in message
    assert f"apply to login.{child}" in message
    assert report.causes[0].details["zone"] == ZONE


def test_check_cli_accepts_a_delegated_txt_and_shows_where_it_was_found(
    delegated: tuple[TwoServerZone, AuthoritativeServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    zone, target_server, resolver = delegated
    delegate(zone, TARGET)
    publish_at_target(target_server)
    argv = ["check", "--cname", f"{DOMAIN}={CNAME_TARGET}", "--txt", f"{TXT_NAME}={TXT_VALUE}"]
    argv += ["--resolver", resolver, "--dns-port", str(zone.port)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"CNAME {TARGET}; {TXT_VALUE}" not in out  # the TXT is not beside the CNAME
    assert f"-> CNAME target TXT {TARGET} = '{TXT_VALUE}'" in out
    assert f"Note: TXT {TXT_NAME}: TXT found at the CNAME target {TARGET}" in out


def test_the_component_wait_accepts_a_delegated_txt(
    delegated: tuple[TwoServerZone, AuthoritativeServer, str],
) -> None:
    """The dynamic provider behind the Pulumi wait runs the same check: it completes."""
    zone, target_server, resolver = delegated
    delegate(zone, TARGET)
    publish_at_target(target_server)
    provider = DnsReadinessProvider()
    props = {"records": expected_records(), "timeout": 5.0, "interval": 0.2}
    props |= {"resolver": resolver, "dns_port": float(zone.port)}
    checked = provider.check({}, props)
    assert checked.failures == [] and checked.inputs is not None
    outs = provider.create(checked.inputs).outs or {}
    assert f"ns1.{CHALLENGES} 127.0.0.7:{zone.port}" in outs["servers_checked"]


def test_a_wrong_value_at_an_in_zone_cname_target_is_to_be_fixed_at_the_target(
    dns_zone: TwoServerZone,
) -> None:
    dns_zone.set_records(
        [
            ZoneRecord("login", "CNAME", f"{CNAME_TARGET}."),
            ZoneRecord("_acme-challenge.login", "CNAME", "tokens.example.test."),
            ZoneRecord("tokens", "TXT", '"an-old-token"'),
        ]
    )
    report = check(dns_zone)
    message = only_cause(report, "cname_target_not_ready")
    assert "'an-old-token'" in message
    assert f"set TXT `tokens` to `{TXT_VALUE}`" in report.causes[0].next_step
    assert "at the CNAME target" in report.causes[0].next_step
