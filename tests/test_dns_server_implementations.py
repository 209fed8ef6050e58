"""knotd, NSD and BIND behind one interface: what each serves, reloads, refuses and reports.

Every test runs once per implementation, on 127.0.0.1 (``named`` only listens on addresses
configured on an interface; Knot and NSD bind any of 127.0.0.0/8). Where the three answer the
same, the test says so once; the assertions are exact, so a server that answers differently
fails here rather than in a readiness test.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest
from okta_custom_domain.testing.dns_server import (
    AUTHORITATIVE,
    BindServer,
    SilentServer,
    ZoneFileServer,
    ZoneRecord,
    closed_port,
    loopback_zone_text,
)
from okta_custom_domain.testing.dns_server.loopback import write_zone_file

KINDS = sorted(AUTHORITATIVE)
ZONE = "impl.test"
RECORDS = (
    ZoneRecord("txt", "TXT", '"plain"'),
    ZoneRecord("alias", "CNAME", "target"),
    ZoneRecord("target", "TXT", '"at the target"'),
    ZoneRecord("*.wild", "TXT", '"synthesized"'),
)


def zone(serial: int, records: tuple[ZoneRecord, ...] = RECORDS) -> str:
    return loopback_zone_text(ZONE, serial=serial, records=records)


def ask(server: ZoneFileServer, name: str, rtype: str) -> dns.message.Message:
    query = dns.message.make_query(name, rtype)
    query.flags &= ~dns.flags.RD
    return dns.query.udp(query, server.address, port=server.port, timeout=2)


def answer_lines(reply: dns.message.Message) -> list[str]:
    return [line for rrset in reply.answer for line in rrset.to_text().splitlines()]


@pytest.fixture(params=KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[ZoneFileServer]:
    """A running server of one kind, serving ``ZONE`` (added before start) at serial 1."""
    instance = AUTHORITATIVE[request.param]("127.0.0.1")
    instance.add_zone(ZONE, zone(1))
    with instance:
        yield instance


def test_serves_txt_authoritatively(server: ZoneFileServer) -> None:
    reply = ask(server, f"txt.{ZONE}", "TXT")
    assert reply.rcode() == dns.rcode.NOERROR
    assert reply.flags & dns.flags.AA
    assert answer_lines(reply) == [f'txt.{ZONE}. 300 IN TXT "plain"']


def test_cname_to_a_name_in_the_zone_is_chased_in_the_answer(server: ZoneFileServer) -> None:
    # all three put the CNAME and the target's TXT in one answer (RFC 1034 4.3.2 step 3a)
    reply = ask(server, f"alias.{ZONE}", "TXT")
    assert reply.rcode() == dns.rcode.NOERROR
    assert answer_lines(reply) == [
        f"alias.{ZONE}. 300 IN CNAME target.{ZONE}.",
        f'target.{ZONE}. 300 IN TXT "at the target"',
    ]


def test_wildcard_is_synthesized_with_the_query_name_as_owner(server: ZoneFileServer) -> None:
    reply = ask(server, f"a.b.wild.{ZONE}", "TXT")
    assert reply.rcode() == dns.rcode.NOERROR
    assert answer_lines(reply) == [f'a.b.wild.{ZONE}. 300 IN TXT "synthesized"']
    assert ask(server, f"wild.{ZONE}", "TXT").answer == []  # the wildcard's parent: no data


def test_set_zone_serves_the_new_serial_and_data(server: ZoneFileServer) -> None:
    server.set_zone(ZONE, zone(7, (ZoneRecord("txt", "TXT", '"second"'),)))
    assert server.serial(ZONE) == 7
    assert answer_lines(ask(server, f"txt.{ZONE}", "TXT")) == [f'txt.{ZONE}. 300 IN TXT "second"']
    assert ask(server, f"alias.{ZONE}", "TXT").rcode() == dns.rcode.NXDOMAIN
    server.set_zone(ZONE, zone(3))  # a lower serial is served too: the file is the truth
    assert server.serial(ZONE) == 3


def test_removed_zone_is_refused_and_can_come_back(server: ZoneFileServer) -> None:
    server.remove_zone(ZONE)
    assert ask(server, f"txt.{ZONE}", "TXT").rcode() == dns.rcode.REFUSED  # all three agree
    assert server.serial(ZONE) is None
    server.add_zone(ZONE, zone(9))
    assert server.serial(ZONE) == 9
    assert answer_lines(ask(server, f"txt.{ZONE}", "TXT")) == [f'txt.{ZONE}. 300 IN TXT "plain"']


def test_second_zone_added_while_running(server: ZoneFileServer) -> None:
    server.add_zone("other.test", loopback_zone_text("other.test", serial=4))
    assert server.serial("other.test") == 4
    assert server.serial(ZONE) == 1
    server.add_zone(ZONE, zone(5))  # adding a served zone again replaces its content
    assert server.serial(ZONE) == 5


def test_rewritten_zone_file_always_gets_a_later_mtime(tmp_path: Path) -> None:
    # NSD and BIND reload a zone only when its file's mtime moved; a coarse clock (or a clock
    # behind the old file's mtime) must not make a set_zone a silent no-op
    path = tmp_path / "z.zone"
    write_zone_file(path, "one\n")
    future = path.stat().st_mtime_ns + 10_000_000_000
    os.utime(path, ns=(future, future))
    write_zone_file(path, "two\n")
    assert path.read_text() == "two\n"
    assert path.stat().st_mtime_ns > future


@pytest.mark.parametrize("kind", KINDS)
def test_zone_syntax_error_names_the_line(kind: str) -> None:
    broken = zone(1) + "bad 300 IN A 999.0.0.1\n"
    line = len(broken.splitlines())
    server = AUTHORITATIVE[kind]("127.0.0.1")
    # dnspython's reader may count the line after the bad record's newline
    with pytest.raises(dns.exception.SyntaxError, match=f"^<string>:({line}|{line + 1}): "):
        server.add_zone(ZONE, broken)
    server.stop()


@pytest.mark.parametrize("kind", ["bind", "nsd"])
def test_zone_the_server_rejects_names_file_and_line(kind: str) -> None:
    # dnspython reads a second SOA as a replacement; NSD and BIND reject the file. (knotd
    # serves the first SOA silently, so its start waits for serial 2 and times out: not here.)
    twice = zone(1) + f"@ 300 IN SOA ns1.{ZONE}. other.{ZONE}. 2 3600 600 86400 60\n"
    line = len(twice.splitlines())
    server = AUTHORITATIVE[kind]("127.0.0.1")
    try:
        with pytest.raises(RuntimeError, match=rf"^{server.program} would reject zone (?s:.*){ZONE}\.zone:{line}: "):
            server.add_zone(ZONE, twice)
        assert not server.running
    finally:
        server.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_start_fails_with_the_servers_own_words_when_the_port_is_taken(kind: str) -> None:
    expected = {
        "bind": "unable to listen on any configured interfaces",
        "knot": "cannot bind address .* \\(address already in use\\)",
        "nsd": "can't bind udp socket .*: Address already in use",
    }
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
        tcp.bind(("127.0.0.1", 0))
        port = tcp.getsockname()[1]
        udp.bind(("127.0.0.1", port))
        tcp.listen()
        server = AUTHORITATIVE[kind]("127.0.0.1", port)
        with pytest.raises(RuntimeError, match=f"(?s)exited .* before answering.*{expected[kind]}"):
            server.start()
        server.stop()
        assert not server.running


def test_bind_says_why_on_a_loopback_address_not_on_an_interface() -> None:
    server = BindServer("127.0.0.253")
    try:
        server.start()
    except RuntimeError as exc:
        assert "127.0.0.253 is not configured on an interface" in str(exc)
        assert "127.0.0.1" in str(exc)  # the way out
    else:
        pytest.skip("127.0.0.253 is configured on an interface here, so named listens on it")
    finally:
        server.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_stop_removes_the_workdir_and_is_idempotent(kind: str) -> None:
    server = AUTHORITATIVE[kind]("127.0.0.1")
    with server:
        workdir = server.workdir
        assert server.running
    server.stop()
    assert not server.running
    assert not workdir.exists()


# -- endpoints that do not answer ------------------------------------------------------------
def txt_query() -> dns.message.Message:
    return dns.message.make_query(f"txt.{ZONE}", "TXT")


def test_silent_server_takes_queries_and_lets_them_time_out() -> None:
    with SilentServer("127.0.0.1") as silent:
        with pytest.raises(dns.exception.Timeout):
            dns.query.udp(txt_query(), silent.address, port=silent.port, timeout=0.2)
        with pytest.raises(dns.exception.Timeout):
            asyncio.run(dns.asyncquery.udp(txt_query(), silent.address, port=silent.port, timeout=0.2))
        with pytest.raises(dns.exception.Timeout):  # TCP connects, then nothing comes back
            dns.query.tcp(txt_query(), silent.address, port=silent.port, timeout=0.2)
        assert silent.queries == 3  # they arrived: silence, not a closed port
    assert not silent.running
    silent.stop()  # twice is fine
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
        again.bind((silent.address, silent.port))  # the port was released


def test_closed_port_refuses_but_dnspython_udp_only_sees_a_timeout() -> None:
    port = closed_port("127.0.0.1")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as connected:
        connected.settimeout(2)
        connected.connect(("127.0.0.1", port))
        connected.send(txt_query().to_wire())
        with pytest.raises(ConnectionRefusedError):  # the ICMP port unreachable, as errno
            connected.recv(512)
    # dnspython sends UDP from an unconnected socket (sync, and async on the asyncio backend),
    # so the kernel never reports the ICMP error to it: a closed port looks like a silent one
    with pytest.raises(dns.exception.Timeout):
        dns.query.udp(txt_query(), "127.0.0.1", port=port, timeout=0.2)
    with pytest.raises(dns.exception.Timeout):
        asyncio.run(dns.asyncquery.udp(txt_query(), "127.0.0.1", port=port, timeout=0.2))
    # over TCP the refusal is immediate and distinct
    with pytest.raises(ConnectionRefusedError):
        dns.query.tcp(txt_query(), "127.0.0.1", port=port, timeout=2)
    with pytest.raises(ConnectionRefusedError):
        asyncio.run(dns.asyncquery.tcp(txt_query(), "127.0.0.1", port=port, timeout=2))
