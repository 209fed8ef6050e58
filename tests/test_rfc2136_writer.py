"""RFC 2136 writer and TSIG credentials against a real knotd with TSIG on loopback."""

from __future__ import annotations

import base64
import logging
import os
import socket
from collections.abc import Iterator

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdataclass
import dns.rdatatype
import dns.tsig
import pytest
from okta_custom_domain.rfc2136.errors import Rfc2136Error
from okta_custom_domain.rfc2136.rdata import join_txt_strings, split_txt_value
from okta_custom_domain.rfc2136.tsig import TsigKey, TsigKeyError
from okta_custom_domain.rfc2136.writer import Rfc2136Writer
from okta_custom_domain.testing import dns_server

ZONE = "example.test"
KEY_NAME = "okta-update"
SECRET = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture(scope="module")
def server() -> Iterator[dns_server.AuthoritativeServer]:
    knot = dns_server.AuthoritativeServer(
        "127.0.0.1", tsig=dns_server.TsigKey(KEY_NAME, "hmac-sha256", SECRET)
    )
    knot.add_zone(ZONE, dns_server.loopback_zone_text(ZONE))
    with knot:
        yield knot


@pytest.fixture
def key() -> TsigKey:
    return TsigKey(name=KEY_NAME, secret=SECRET)


def writer_at(
    server: dns_server.AuthoritativeServer, key: TsigKey, *, zone: str = ZONE, **kw: float
) -> Rfc2136Writer:
    return Rfc2136Writer(
        server.address, zone, key, port=server.port, timeout=kw.get("timeout", 2.0), retries=0
    )


def dig(server: dns_server.AuthoritativeServer, name: str, rtype: str) -> dns.message.Message:
    """An independent query (dnspython's own client), so the writer does not check itself."""
    query = dns.message.make_query(name, rtype)
    query.flags &= ~dns.flags.RD
    return dns.query.tcp(query, server.address, port=server.port, timeout=2)


def assert_clean(message: str) -> None:
    assert SECRET not in message
    assert SECRET.rstrip("=") not in message


# -- TsigKey --------------------------------------------------------------------------------
def test_tsig_key_normalises_and_hides_secret() -> None:
    key = TsigKey(name="Okta-Update.", secret=SECRET, algorithm="HMAC-SHA512.")
    assert key.name == "okta-update"
    assert key.algorithm == "hmac-sha512"
    assert key.dns_algorithm == dns.tsig.HMAC_SHA512
    assert SECRET not in repr(key) and SECRET not in str(key)
    assert "<hidden>" in repr(key)
    ring = key.keyring()
    assert list(ring) == [key.dns_name]
    assert ring[key.dns_name].secret == base64.b64decode(SECRET)
    assert TsigKey(name="k", secret=SECRET, algorithm="hmac-md5").dns_algorithm == dns.tsig.HMAC_MD5


def test_tsig_key_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        TsigKey("k", "hmac-sha256", SECRET)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"name": "k", "secret": "not base64!!"}, "key_secret", "not valid base64"),
        ({"name": "k", "secret": ""}, "key_secret", "required"),
        ({"name": "k", "secret": SECRET, "algorithm": "hmac-sha3"}, "key_algorithm", "hmac-sha256"),
        ({"name": "k", "secret": SECRET, "algorithm": "gss-tsig"}, "key_algorithm", "not a TSIG"),
        ({"name": "", "secret": SECRET}, "key_name", "required"),
        ({"name": "a..b", "secret": SECRET}, "key_name", "not a valid key name"),
    ],
)
def test_tsig_key_rejects_bad_input(kwargs: dict[str, str], field: str, fragment: str) -> None:
    with pytest.raises(TsigKeyError) as info:
        TsigKey(**kwargs)
    assert info.value.field == field
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"{field}: ")


def test_bad_base64_error_does_not_echo_secret() -> None:
    almost = SECRET[:-2] + "!!"
    with pytest.raises(TsigKeyError) as info:
        TsigKey(name="k", secret=almost)
    assert almost not in str(info.value)
    assert SECRET[:20] not in str(info.value)


# -- TXT splitting --------------------------------------------------------------------------
def test_split_txt_value() -> None:
    assert split_txt_value("") == (b"",)
    assert split_txt_value("abc") == (b"abc",)
    long = "x" * 600
    parts = split_txt_value(long)
    assert [len(p) for p in parts] == [255, 255, 90]
    assert join_txt_strings(parts) == long
    assert split_txt_value('say "hi"') == (b'say "hi"',)


# -- round trips visible in real queries ----------------------------------------------------
def test_replace_read_delete_txt_round_trip(
    server: dns_server.AuthoritativeServer, key: TsigKey
) -> None:
    writer = writer_at(server, key)
    fqdn = f"_oktaverification.roundtrip.{ZONE}"
    writer.replace(fqdn, "TXT", ["first value"], 120)
    reply = dig(server, fqdn, "TXT")
    rrset = reply.find_rrset(
        reply.answer, dns.name.from_text(fqdn), dns.rdataclass.IN, dns.rdatatype.TXT
    )
    assert [rd.strings for rd in rrset] == [(b"first value",)]
    assert rrset.ttl == 120
    assert writer.read(fqdn, "TXT") == ["first value"]

    writer.replace(fqdn, "txt", ["second", 'with "quotes" and \\'], 60)
    assert sorted(writer.read(fqdn, "TXT") or []) == sorted(["second", 'with "quotes" and \\'])
    assert writer.read_rrset(fqdn, "TXT") is not None
    assert writer.read_rrset(fqdn, "TXT")[1] == 60  # type: ignore[index]

    writer.delete(fqdn, "TXT")
    assert writer.read(fqdn, "TXT") is None
    assert dns.rdatatype.TXT not in [r.rdtype for r in dig(server, fqdn, "TXT").answer]
    writer.delete(fqdn, "TXT")  # already gone: not an error


def test_txt_longer_than_255_bytes(server: dns_server.AuthoritativeServer, key: TsigKey) -> None:
    writer = writer_at(server, key)
    fqdn = f"_acme-challenge.long.{ZONE}"
    value = "token-" + "é" * 200 + "z" * 300  # multi-byte UTF-8 crossing the 255-byte cut
    writer.replace(fqdn, "TXT", [value], 300)
    reply = dig(server, fqdn, "TXT")
    rrset = reply.find_rrset(
        reply.answer, dns.name.from_text(fqdn), dns.rdataclass.IN, dns.rdatatype.TXT
    )
    strings = next(iter(rrset)).strings
    assert len(strings) == 3 and all(len(s) <= 255 for s in strings)
    assert b"".join(strings).decode("utf-8") == value
    assert writer.read(fqdn, "TXT") == [value]


def test_cname_round_trip_and_replace(server: dns_server.AuthoritativeServer, key: TsigKey) -> None:
    writer = writer_at(server, key)
    fqdn = f"Login.{ZONE}"
    writer.replace(fqdn, "CNAME", ["Acme.CustomDomains.Okta.com."], 300)
    reply = dig(server, f"login.{ZONE}", "CNAME")
    assert reply.answer[0][0].target == dns.name.from_text("acme.customdomains.okta.com")
    writer.replace(fqdn, "CNAME", ["other.customdomains.oktapreview.com"], 300)
    assert writer.read(fqdn, "CNAME") == ["other.customdomains.oktapreview.com"]
    writer.delete(fqdn, "CNAME")
    assert writer.read(fqdn, "CNAME") is None


def test_fqdn_outside_zone_is_rejected_before_sending(key: TsigKey) -> None:
    writer = Rfc2136Writer("127.0.0.1", ZONE, key, port=9, timeout=0.2, retries=0)
    with pytest.raises(ValueError, match=r"^fqdn: .*not inside zone"):
        writer.replace("login.other.test", "TXT", ["x"], 60)
    with pytest.raises(ValueError, match="twice"):
        writer.delete(f"login.{ZONE}.{ZONE}", "TXT")
    with pytest.raises(ValueError, match=r"^type: "):
        writer.replace(f"login.{ZONE}", "A", ["127.0.0.1"], 60)
    with pytest.raises(ValueError, match="exactly one target"):
        writer.replace(f"login.{ZONE}", "CNAME", ["a.example.com", "b.example.com"], 60)


def test_bad_constructor_arguments(key: TsigKey) -> None:
    with pytest.raises(ValueError, match=r"^port: "):
        Rfc2136Writer("127.0.0.1", ZONE, key, port=70000)
    with pytest.raises(ValueError, match=r"^server: "):
        Rfc2136Writer(" ", ZONE, key)
    with pytest.raises(ValueError, match=r"^zone: "):
        Rfc2136Writer("127.0.0.1", "", key)


# -- errors: each names server:port, zone and key, never the secret ------------------------
def _failure(writer: Rfc2136Writer, fqdn: str) -> Rfc2136Error:
    with pytest.raises(Rfc2136Error) as info:
        writer.replace(fqdn, "TXT", ["value"], 60)
    message = str(info.value)
    assert writer.endpoint in message
    assert f"zone {writer.zone}" in message
    assert f"key {writer.key.name}" in message
    assert_clean(message + repr(info.value))
    return info.value


def test_wrong_secret(server: dns_server.AuthoritativeServer) -> None:
    wrong = TsigKey(name=KEY_NAME, secret=base64.b64encode(os.urandom(32)).decode())
    error = _failure(writer_at(server, wrong), f"wrong-secret.{ZONE}")
    assert "BADSIG" in str(error) and "key_secret" in str(error)
    assert wrong.secret not in str(error)


def test_unknown_key_name(server: dns_server.AuthoritativeServer) -> None:
    error = _failure(writer_at(server, TsigKey(name="nobody", secret=SECRET)), f"k.{ZONE}")
    assert "BADKEY" in str(error)
    assert "does not accept key nobody: check key name, algorithm" in str(error)


def test_wrong_algorithm(server: dns_server.AuthoritativeServer) -> None:
    key = TsigKey(name=KEY_NAME, secret=SECRET, algorithm="hmac-sha512")
    error = _failure(writer_at(server, key), f"alg.{ZONE}")
    assert "BADKEY" in str(error) and "hmac-sha512" in str(error)


@pytest.mark.parametrize("zone", ["not-served.test", f"sub.{ZONE}"])
def test_zone_not_served(server: dns_server.AuthoritativeServer, key: TsigKey, zone: str) -> None:
    writer = writer_at(server, key, zone=zone)
    error = _failure(writer, f"login.{zone}")
    assert f"server does not serve zone {zone}" in str(error)
    with pytest.raises(Rfc2136Error, match=f"server does not serve zone {zone}") as info:
        writer.read(f"login.{zone}", "TXT")
    assert_clean(str(info.value))


def test_connection_refused(key: TsigKey) -> None:
    port = dns_server.free_port("127.0.0.1")  # nothing listens there
    writer = Rfc2136Writer("127.0.0.1", ZONE, key, port=port, timeout=1.0, retries=1)
    error = _failure(writer, f"login.{ZONE}")
    assert "connection refused" in str(error)
    with pytest.raises(Rfc2136Error, match="connection refused"):
        writer.read(f"login.{ZONE}", "TXT")


def test_server_not_answering(key: TsigKey) -> None:
    # A socket that accepts TCP connections (kernel backlog) but never answers.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        writer = Rfc2136Writer("127.0.0.1", ZONE, key, port=port, timeout=0.3, retries=1)
        error = _failure(writer, f"login.{ZONE}")
    assert "no answer within 0.3 s (2 attempts)" in str(error)


def test_logs_never_carry_the_secret(
    server: dns_server.AuthoritativeServer,
    key: TsigKey,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    writer = writer_at(server, key)
    writer.replace(f"logs.{ZONE}", "TXT", ["v"], 60)
    writer.delete(f"logs.{ZONE}", "TXT")
    wrong = TsigKey(name=KEY_NAME, secret=base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(Rfc2136Error):
        writer_at(server, wrong).replace(f"logs.{ZONE}", "TXT", ["v"], 60)
    assert "RFC 2136 replace" in caplog.text  # the log is there, without the secret
    captured = capsys.readouterr()
    for text in (caplog.text, captured.out, captured.err, repr(writer)):
        assert_clean(text)
        assert wrong.secret not in text


def test_ipv6_loopback_server() -> None:
    knot = dns_server.AuthoritativeServer(
        "::1", tsig=dns_server.TsigKey(KEY_NAME, "hmac-sha256", SECRET)
    )
    knot.add_zone(ZONE, dns_server.zone_text(ZONE, serial=1, nameservers=[(f"ns1.{ZONE}", "::1")]))
    key = TsigKey(name=KEY_NAME, secret=SECRET)
    with knot:
        writer = Rfc2136Writer("::1", ZONE, key, port=knot.port, timeout=2.0, retries=0)
        assert writer.endpoint == f"[::1]:{knot.port}"
        writer.replace(f"v6.{ZONE}", "TXT", ["over ipv6"], 60)
        assert writer.read(f"v6.{ZONE}", "TXT") == ["over ipv6"]
    error = _failure(writer, f"v6.{ZONE}")  # the server is gone now
    assert f"[::1]:{knot.port}" in str(error)


# -- preflight: a signed update that changes nothing ----------------------------------------
def _preflight_failure(writer: Rfc2136Writer) -> str:
    with pytest.raises(Rfc2136Error) as info:
        writer.preflight()
    message = str(info.value)
    assert message.startswith("RFC 2136 preflight")
    assert writer.endpoint in message
    assert f"zone {writer.zone}" in message
    assert f"key {writer.key.name}" in message
    assert_clean(message + repr(info.value))
    return message


def test_preflight_passes_and_changes_nothing(
    server: dns_server.AuthoritativeServer, key: TsigKey
) -> None:
    serial = server.serial(ZONE)
    soa_before = dig(server, ZONE, "SOA").answer
    writer_at(server, key).preflight()
    writer_at(server, TsigKey(name=KEY_NAME.upper() + ".", secret=SECRET)).preflight()
    assert server.serial(ZONE) == serial
    assert dig(server, ZONE, "SOA").answer == soa_before


def test_preflight_wrong_secret(server: dns_server.AuthoritativeServer) -> None:
    wrong = TsigKey(name=KEY_NAME, secret=base64.b64encode(os.urandom(32)).decode())
    message = _preflight_failure(writer_at(server, wrong))
    assert "BADSIG" in message and "key_secret" in message
    assert wrong.secret not in message


def test_preflight_unknown_key_name(server: dns_server.AuthoritativeServer) -> None:
    message = _preflight_failure(writer_at(server, TsigKey(name="nobody", secret=SECRET)))
    assert "BADKEY" in message and "does not accept key nobody" in message


@pytest.mark.parametrize("zone", ["not-served.test", f"sub.{ZONE}"])
def test_preflight_zone_not_served(
    server: dns_server.AuthoritativeServer, key: TsigKey, zone: str
) -> None:
    message = _preflight_failure(writer_at(server, key, zone=zone))
    assert f"server does not serve zone {zone}" in message


def test_preflight_server_silent(key: TsigKey) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        writer = Rfc2136Writer("127.0.0.1", ZONE, key, port=port, timeout=0.3, retries=0)
        message = _preflight_failure(writer)
    assert "no answer within 0.3 s (1 attempts)" in message


def test_preflight_nothing_listening(key: TsigKey) -> None:
    port = dns_server.free_port("127.0.0.1")
    writer = Rfc2136Writer("127.0.0.1", ZONE, key, port=port, timeout=0.5, retries=0)
    assert "connection refused" in _preflight_failure(writer)
