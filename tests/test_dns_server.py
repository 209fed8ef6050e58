"""The knotd launcher: zones served, reloads synchronous, updates visible, clean shutdown."""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Iterator

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import dns.update
import pytest
from okta_custom_domain.testing.dns_server import (
    AuthoritativeServer,
    LyingResolver,
    RecursiveResolver,
    TsigKey,
    TwoServerZone,
    ZoneRecord,
    broken_trust_anchor,
    find_knotd,
    free_port,
    zone_text,
)


def ask(address: str, port: int, name: str, rtype: str) -> dns.message.Message:
    query = dns.message.make_query(name, rtype)
    query.flags &= ~dns.flags.RD
    return dns.query.udp(query, address, port=port, timeout=2)


@pytest.fixture
def tsig() -> TsigKey:
    return TsigKey("test-update", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())


@pytest.fixture
def topology(tsig: TsigKey) -> Iterator[TwoServerZone]:
    with TwoServerZone("example.test", tsig=tsig) as zone:
        yield zone


def test_zone_text_has_soa_ns_glue_and_records() -> None:
    text = zone_text(
        "example.test",
        serial=7,
        nameservers=[("ns1.example.test", "127.0.0.2"), ("ns.other.test.", "127.0.0.9")],
        records=[ZoneRecord("login", "cname", "x.okta.test.")],
        soa_minimum=30,
    )
    assert "SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 30" in text
    assert "@ 300 IN NS ns.other.test." in text
    assert "ns1.example.test. 300 IN A 127.0.0.2" in text
    assert "127.0.0.9" not in text  # out-of-zone name servers get no glue
    assert "login 300 IN CNAME x.okta.test." in text


def test_tsig_repr_hides_secret(tsig: TsigKey) -> None:
    assert tsig.secret not in repr(tsig)
    assert "test-update" in repr(tsig)


def test_free_port_is_free_on_udp_and_tcp() -> None:
    port = free_port("127.0.0.1")
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            sock.bind(("127.0.0.1", port))


def test_the_lying_resolver_answers_nxdomain_for_everything_over_udp_and_tcp() -> None:
    with LyingResolver("127.0.0.9") as lying:
        for name in ("example.com", "com", "."):
            query = dns.message.make_query(name, "SOA")
            for reply in (
                dns.query.udp(query, lying.address, port=lying.port, timeout=2),
                dns.query.tcp(query, lying.address, port=lying.port, timeout=2),
            ):
                assert reply.rcode() == dns.rcode.NXDOMAIN
                assert reply.answer == [] and reply.authority == []
    assert lying.questions == [(n, "SOA") for n in ("example.com", "com", ".") for _ in (1, 2)]


def test_find_knotd_returns_executable() -> None:
    assert os.access(find_knotd(), os.X_OK)


def test_two_servers_serve_the_zone_with_ns_and_glue(topology: TwoServerZone) -> None:
    topology.set_records([ZoneRecord("login", "CNAME", "acme.okta.test.")])
    for address in topology.addresses:
        reply = ask(address, topology.port, "login.example.test", "CNAME")
        assert reply.flags & dns.flags.AA
        assert [rrset.to_text() for rrset in reply.answer] == [
            "login.example.test. 300 IN CNAME acme.okta.test."
        ]
        ns = ask(address, topology.port, "example.test", "NS")
        assert sorted(r.to_text() for r in ns.answer[0]) == [
            "ns1.example.test.",
            "ns2.example.test.",
        ]
        glue = ask(address, topology.port, "ns2.example.test", "A")
        assert glue.answer[0][0].to_text() == "127.0.0.3"


def test_set_records_on_one_server_leaves_the_other_lagging(topology: TwoServerZone) -> None:
    old = topology.serials[1]
    new = topology.set_records_on(0, [ZoneRecord("_acme-challenge.login", "TXT", '"v1"')])
    assert topology.servers[0].serial(topology.zone) == new
    assert topology.servers[1].serial(topology.zone) == old < new
    lagging = ask("127.0.0.3", topology.port, "_acme-challenge.login.example.test", "TXT")
    assert lagging.rcode() == dns.rcode.NXDOMAIN


def test_set_zone_may_go_back_to_an_older_serial(topology: TwoServerZone) -> None:
    topology.set_records([])
    server = topology.servers[0]
    server.set_zone(topology.zone, topology.zone_text(1, []))
    assert server.serial(topology.zone) == 1


def test_refused_after_remove_zone(topology: TwoServerZone) -> None:
    topology.refuse_on(1)
    reply = ask("127.0.0.3", topology.port, "login.example.test", "CNAME")
    assert reply.rcode() == dns.rcode.REFUSED
    topology.set_records([ZoneRecord("login", "A", "192.0.2.1")])  # serving it again
    assert ask("127.0.0.3", topology.port, "login.example.test", "A").answer


def test_signed_dynamic_update_is_served(topology: TwoServerZone, tsig: TsigKey) -> None:
    keyring = dns.tsigkeyring.from_text({tsig.name: (tsig.algorithm, tsig.secret)})
    update = dns.update.Update(
        topology.zone,
        keyring=keyring,
        keyname=dns.name.from_text(tsig.name),
        keyalgorithm=tsig.algorithm,
    )
    update.replace("_acme-challenge.login", 60, "TXT", "token")
    before = topology.servers[0].serial(topology.zone)
    reply = dns.query.tcp(update, "127.0.0.2", port=topology.port, timeout=3)
    assert reply.rcode() == dns.rcode.NOERROR
    answer = ask("127.0.0.2", topology.port, "_acme-challenge.login.example.test", "TXT")
    assert answer.answer[0][0].to_text() == '"token"'
    after = topology.servers[0].serial(topology.zone)
    assert before is not None and after is not None and after > before


def test_unsigned_update_is_refused(topology: TwoServerZone) -> None:
    update = dns.update.Update(topology.zone)
    update.replace("evil", 60, "TXT", "x")
    reply = dns.query.tcp(update, "127.0.0.2", port=topology.port, timeout=3)
    assert reply.rcode() != dns.rcode.NOERROR


def test_add_zone_after_start_and_stop_is_idempotent() -> None:
    server = AuthoritativeServer("127.0.0.1")
    try:
        server.start()
        server.add_zone(
            "late.test",
            zone_text("late.test", serial=5, nameservers=[("ns.late.test", "127.0.0.1")]),
        )
        assert server.serial("late.test") == 5
        workdir = server.workdir
    finally:
        server.stop()
    server.stop()
    assert not workdir.exists()
    assert not server.running


def test_start_fails_clearly_when_the_port_is_taken() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
        tcp.bind(("127.0.0.1", 0))
        port = tcp.getsockname()[1]
        udp.bind(("127.0.0.1", port))
        tcp.listen()
        server = AuthoritativeServer("127.0.0.1", port)
        with pytest.raises(RuntimeError, match="knotd"):
            server.start()
        server.stop()
        assert not server.running


def test_recursive_resolver_caches_the_absence(topology: TwoServerZone) -> None:
    stubs = {topology.zone: [f"{a}@{topology.port}" for a in topology.addresses]}
    with RecursiveResolver(stubs) as resolver:
        query = dns.message.make_query("late.example.test", "TXT")
        first = dns.query.udp(query, resolver.address, port=resolver.port, timeout=3)
        assert first.rcode() == dns.rcode.NXDOMAIN
        topology.set_records([ZoneRecord("late", "TXT", '"here"')])
        assert ask("127.0.0.2", topology.port, "late.example.test", "TXT").answer
        cached = dns.query.udp(query, resolver.address, port=resolver.port, timeout=3)
        assert cached.rcode() == dns.rcode.NXDOMAIN  # negative caching at work
        workdir = resolver._workdir
    assert workdir is not None and not workdir.exists()


def test_resolver_with_broken_trust_anchor_answers_servfail(topology: TwoServerZone) -> None:
    topology.set_records([ZoneRecord("login", "TXT", '"x"')])
    stubs = {topology.zone: [f"127.0.0.2@{topology.port}"]}
    anchor = broken_trust_anchor(topology.zone)
    assert anchor.startswith("example.test. DNSKEY 257 3 13 ")
    with RecursiveResolver(stubs, trust_anchors=[anchor]) as resolver:
        query = dns.message.make_query("login.example.test", "TXT")
        reply = dns.query.udp(query, resolver.address, port=resolver.port, timeout=5)
        assert reply.rcode() == dns.rcode.SERVFAIL
