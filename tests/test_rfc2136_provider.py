"""Rfc2136RecordProvider methods called directly against a real knotd; secrets stay hidden."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdatatype
import pytest
from okta_custom_domain.rfc2136.errors import Rfc2136Error
from okta_custom_domain.rfc2136.preflight import Rfc2136Preflight, Rfc2136PreflightProvider
from okta_custom_domain.rfc2136.provider import (
    SECRET_OUTPUTS,
    Rfc2136Record,
    Rfc2136RecordProvider,
)
from okta_custom_domain.rfc2136.writer import Rfc2136Writer
from okta_custom_domain.testing import dns_server
from okta_custom_domain.testing.pulumi_mocks import run_program
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

ZONE = "provider.test"
KEY_NAME = "pulumi-key"
SECRET = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture(scope="module")
def server() -> Iterator[dns_server.AuthoritativeServer]:
    knot = dns_server.AuthoritativeServer(
        "127.0.0.1", tsig=dns_server.TsigKey(KEY_NAME, "hmac-sha256", SECRET)
    )
    for zone in (ZONE, f"other-{ZONE}"):
        knot.add_zone(zone, dns_server.loopback_zone_text(zone))
    with knot:
        yield knot


@pytest.fixture
def provider() -> Rfc2136RecordProvider:
    return Rfc2136RecordProvider()


def inputs(knot: dns_server.AuthoritativeServer, /, **overrides: Any) -> dict[str, Any]:
    """Inputs as the engine passes them: numbers are floats, names as the user typed them."""
    props: dict[str, Any] = {
        "server": knot.address,
        "port": float(knot.port),
        "zone": ZONE.upper(),
        "fqdn": f"_oktaverification.Login.{ZONE}",
        "type": "txt",
        "values": ["0123456789abcdef0123456789abcdef"],
        "ttl": 300.0,
        "key_name": KEY_NAME,
        "key_algorithm": "HMAC-SHA256",
        "key_secret": SECRET,
    }
    props.update(overrides)
    return props


def checked(provider: Rfc2136RecordProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == [], [f.reason for f in result.failures]
    return result.inputs


def served(server: dns_server.AuthoritativeServer, fqdn: str, rtype: str) -> list[str] | None:
    """What the server answers, asked independently of the provider."""
    query = dns.message.make_query(fqdn, rtype)
    query.flags &= ~dns.flags.RD
    reply = dns.query.tcp(query, server.address, port=server.port, timeout=2)
    for rrset in reply.answer:
        if rrset.name == dns.name.from_text(fqdn) and rrset.rdtype == dns.rdatatype.from_text(
            rtype
        ):
            return sorted(rd.to_text() for rd in rrset)
    return None


def assert_no_secret(value: Any, *, allow_key: bool = False) -> None:
    """``value`` (as JSON) carries the secret only under ``key_secret``, and only if allowed."""
    if isinstance(value, dict) and "key_secret" in value:
        assert allow_key, "key_secret returned where it is not registered secret"
        assert "key_secret" in SECRET_OUTPUTS
        value = {k: v for k, v in value.items() if k != "key_secret"}
    text = json.dumps(value, default=str)
    assert SECRET not in text
    assert SECRET.rstrip("=") not in text


# -- check ----------------------------------------------------------------------------------
def test_check_normalises(
    provider: Rfc2136RecordProvider, server: dns_server.AuthoritativeServer
) -> None:
    result = checked(provider, inputs(server))
    assert result["zone"] == ZONE
    assert result["fqdn"] == f"_oktaverification.login.{ZONE}"
    assert result["type"] == "TXT"
    assert result["port"] == server.port and isinstance(result["port"], int)
    assert result["ttl"] == 300 and isinstance(result["ttl"], int)
    assert result["key_algorithm"] == "hmac-sha256"
    assert result["key_secret"] == SECRET  # an input registered secret by Rfc2136Record
    assert_no_secret(result, allow_key=True)
    defaults = checked(provider, {k: v for k, v in inputs(server).items() if k not in ("ttl",)})
    assert defaults["ttl"] == 300


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"type": "A"}, "type", "use one of CNAME, TXT"),
        ({"fqdn": "login.elsewhere.test"}, "fqdn", "not inside zone"),
        ({"fqdn": f"login.{ZONE}.{ZONE}"}, "fqdn", "twice"),
        ({"key_secret": "&&& not base64 &&&"}, "key_secret", "not valid base64"),
        ({"key_algorithm": "hmac-sha3000"}, "key_algorithm", "hmac-sha256"),
        ({"port": 0.0}, "port", "out of range"),
        ({"port": 53.5}, "port", "whole number"),
        ({"port": "53"}, "port", "not a number"),
        ({"values": []}, "values", "at least one"),
        ({"type": "CNAME", "values": ["a.example.com", "b.example.com"]}, "values", "exactly one"),
        ({"values": ['"quoted"']}, "values", "quote characters"),
        ({"server": ""}, "server", "DNS server"),
        ({"ttl": -1.0}, "ttl", "out of range"),
    ],
)
def test_check_failures(
    provider: Rfc2136RecordProvider,
    server: dns_server.AuthoritativeServer,
    overrides: dict[str, Any],
    field: str,
    fragment: str,
) -> None:
    result = provider.check({}, inputs(server, **overrides))
    assert [f.property for f in result.failures] == [field]
    assert fragment in result.failures[0].reason
    assert_no_secret([f.reason for f in result.failures])


def test_check_reports_every_problem_at_once(
    provider: Rfc2136RecordProvider, server: dns_server.AuthoritativeServer
) -> None:
    bad = inputs(server, type="MX", port=70000.0, key_secret="%%%", values=[])
    result = provider.check({}, bad)
    assert sorted(f.property for f in result.failures) == ["key_secret", "port", "type", "values"]
    assert_no_secret([f.reason for f in result.failures])


def test_check_accepts_unknowns_in_preview(
    provider: Rfc2136RecordProvider, server: dns_server.AuthoritativeServer
) -> None:
    result = provider.check({}, inputs(server, values=Unknown(), key_secret=Unknown()))
    assert result.failures == []
    assert isinstance(result.inputs["values"], Unknown)


# -- diff -----------------------------------------------------------------------------------
def test_diff(provider: Rfc2136RecordProvider, server: dns_server.AuthoritativeServer) -> None:
    olds = checked(provider, inputs(server, values=["a", "b"]))
    same = provider.diff("id", olds, checked(provider, inputs(server, values=["b", "a"])))
    assert same.changes is False and same.replaces == []

    values = provider.diff("id", olds, checked(provider, inputs(server, values=["c"])))
    assert values.changes is True and values.replaces == []

    ttl = provider.diff("id", olds, checked(provider, inputs(server, values=["a", "b"], ttl=60.0)))
    assert ttl.changes is True and ttl.replaces == []

    rotated = base64.b64encode(os.urandom(32)).decode()
    secret = provider.diff("id", olds, {**olds, "key_secret": rotated})
    assert secret.changes is True and secret.replaces == []

    for key, value in [
        ("fqdn", f"_oktaverification.id.{ZONE}"),
        ("type", "CNAME"),
        ("zone", f"other-{ZONE}"),
        ("server", "127.0.0.2"),
    ]:
        moved = provider.diff("id", olds, {**olds, key: value})
        assert moved.changes is True
        assert moved.replaces == [key]
        assert moved.delete_before_replace is True

    assert_no_secret(vars(secret))  # the diff names the key, never the value
    unknown = provider.diff("id", olds, {**olds, "values": Unknown()})
    assert unknown.changes is True


# -- create / read / update / delete against knotd ------------------------------------------
def test_create_read_update_delete(
    provider: Rfc2136RecordProvider, server: dns_server.AuthoritativeServer
) -> None:
    props = checked(provider, inputs(server, fqdn=f"_oktaverification.crud.{ZONE}"))
    fqdn = props["fqdn"]
    created = provider.create(props)
    assert created.id == f"{server.address}:{server.port}/{ZONE}/{fqdn}/TXT"
    assert served(server, fqdn, "TXT") == ['"0123456789abcdef0123456789abcdef"']
    assert_no_secret(created.outs, allow_key=True)
    assert created.outs is not None

    read = provider.read(created.id, created.outs)
    assert read.id == created.id
    assert read.outs is not None and read.outs["values"] == props["values"]
    assert_no_secret(read.outs, allow_key=True)

    long_value = "v" * 400
    news = checked(provider, inputs(server, fqdn=fqdn, values=[long_value], ttl=120.0))
    updated = provider.update(created.id, created.outs, news)
    assert served(server, fqdn, "TXT") == [f'"{"v" * 255}" "{"v" * 145}"']
    assert updated.outs is not None and updated.outs["ttl"] == 120
    assert_no_secret(updated.outs, allow_key=True)

    provider.delete(created.id, updated.outs)
    assert served(server, fqdn, "TXT") is None
    provider.delete(created.id, updated.outs)  # already gone: fine
    gone = provider.read(created.id, updated.outs)
    assert gone.id == "" and gone.outs == {}


def test_create_leaves_an_rrset_that_already_holds_its_values_alone(
    provider: Rfc2136RecordProvider,
    server: dns_server.AuthoritativeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An adopted domain's records are already served: create sends no UPDATE for them (it
    still writes when the TTL or a value differs)."""
    props = checked(provider, inputs(server, fqdn=f"_oktaverification.adopted.{ZONE}"))
    provider.create(props)  # served now, as a person (or an earlier tool) left it
    updates: list[str] = []
    real_replace = Rfc2136Writer.replace

    def counted(self: Rfc2136Writer, fqdn: str, *args: Any) -> None:
        updates.append(fqdn)
        real_replace(self, fqdn, *args)

    monkeypatch.setattr(Rfc2136Writer, "replace", counted)
    again = provider.create(props)
    assert updates == []
    assert again.outs == props
    provider.create({**props, "ttl": 120})
    assert updates == [props["fqdn"]]
    provider.delete(again.id, props)


def test_read_refreshes_drifted_values(
    provider: Rfc2136RecordProvider, server: dns_server.AuthoritativeServer
) -> None:
    props = checked(
        provider, inputs(server, fqdn=f"login.{ZONE}", type="CNAME", values=["a.okta.test"])
    )
    created = provider.create(props)
    assert created.outs is not None
    drifted = checked(provider, {**props, "values": ["b.okta.test"], "ttl": 60})
    provider.create(drifted)  # someone changed it behind Pulumi's back
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["values"] == ["b.okta.test"] and read.outs["ttl"] == 60
    diff = provider.diff(created.id, read.outs, props)
    assert diff.changes is True and diff.replaces == []
    provider.delete(created.id, created.outs)


def test_update_moving_the_record_deletes_the_old_one(
    provider: Rfc2136RecordProvider, server: dns_server.AuthoritativeServer
) -> None:
    old = checked(provider, inputs(server, fqdn=f"_oktaverification.old.{ZONE}"))
    created = provider.create(old)
    assert created.outs is not None
    other_zone = f"other-{ZONE}"
    new = checked(
        provider, inputs(server, zone=other_zone, fqdn=f"_oktaverification.new.{other_zone}")
    )
    provider.update(created.id, created.outs, new)
    assert served(server, old["fqdn"], "TXT") is None
    assert served(server, new["fqdn"], "TXT") == ['"0123456789abcdef0123456789abcdef"']
    provider.delete(created.id, new)
    assert served(server, new["fqdn"], "TXT") is None


def test_errors_from_provider_methods_hide_the_secret(
    provider: Rfc2136RecordProvider,
    server: dns_server.AuthoritativeServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = base64.b64encode(os.urandom(32)).decode()
    props = checked(provider, inputs(server, key_secret=wrong, fqdn=f"bad.{ZONE}"))
    messages = []
    for call in (
        lambda: provider.create(props),
        lambda: provider.update("id", props, props),
        lambda: provider.delete("id", props),
    ):
        with pytest.raises(Rfc2136Error) as info:
            call()
        messages.append(str(info.value))
    unknown_zone = checked(provider, inputs(server, zone="absent.test", fqdn="x.absent.test"))
    with pytest.raises(Rfc2136Error, match=r"server does not serve zone absent\.test") as info:
        provider.read("id", unknown_zone)
    messages.append(str(info.value))
    assert all(f"{server.address}:{server.port}" in m and KEY_NAME in m for m in messages)
    assert "BADSIG" in messages[0]
    captured = capsys.readouterr()
    for text in (*messages, caplog.text, captured.out, captured.err):
        assert wrong not in text and SECRET not in text


# -- serialisation and Pulumi registration ---------------------------------------------------
def test_serialized_provider_is_a_small_reference_without_secrets(
    provider: Rfc2136RecordProvider,
) -> None:
    serialized = serialize_provider(provider)
    assert SECRET not in serialized
    assert len(serialized) < 200, len(serialized)  # by reference, not by value
    script = (
        "import base64, sys, dill\n"
        "p = dill.loads(base64.b64decode(sys.argv[1]))\n"
        "print(type(p).__module__, type(p).__name__, vars(p))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script, serialized],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert loaded.stdout.strip() == "okta_custom_domain.rfc2136.provider Rfc2136RecordProvider {}"


def test_record_registers_key_secret_as_secret() -> None:
    def program() -> dict[str, Any]:
        Rfc2136Record(
            "txt",
            server="127.0.0.1",
            port=5353,
            zone=ZONE,
            fqdn=f"_oktaverification.login.{ZONE}",
            type="TXT",
            values=["abc"],
            key_name=KEY_NAME,
            key_secret=SECRET,  # a plain string: the resource makes it secret itself
        )
        return {}

    (request,) = run_program(program).registrations
    assert request.type == "pulumi-python:dynamic/okta-custom-domain:Rfc2136Record"
    assert request.additional_secret_outputs == ["key_secret"]
    assert {"key_secret", "__provider"} <= request.secret_inputs
    assert_no_secret(
        {k: v for k, v in request.inputs.items() if k not in ("key_secret", "__provider")}
    )


# -- Rfc2136Preflight ------------------------------------------------------------------------
def preflight_inputs(knot: dns_server.AuthoritativeServer, /, **overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "server": knot.address,
        "port": float(knot.port),
        "zone": ZONE.upper() + ".",
        "key_name": KEY_NAME.upper(),
        "key_algorithm": "HMAC-SHA256",
        "key_secret": SECRET,
    }
    props.update(overrides)
    return props


def preflight_checked(props: dict[str, Any]) -> dict[str, Any]:
    result = Rfc2136PreflightProvider().check({}, props)
    assert result.failures == [], [f.reason for f in result.failures]
    return result.inputs


def test_preflight_check_normalises_and_reports_every_problem(
    server: dns_server.AuthoritativeServer,
) -> None:
    provider = Rfc2136PreflightProvider()
    assert preflight_checked(preflight_inputs(server)) == {
        "server": server.address,
        "port": server.port,
        "zone": ZONE,
        "key_name": KEY_NAME,
        "key_algorithm": "hmac-sha256",
        "key_secret": SECRET,
    }
    defaults = preflight_checked(
        {k: v for k, v in preflight_inputs(server).items() if k not in ("port", "key_algorithm")}
    )
    assert (defaults["port"], defaults["key_algorithm"]) == (53, "hmac-sha256")
    bad = preflight_inputs(server, port=0.0, zone="", key_secret="%%%", key_algorithm="rsa")
    result = provider.check({}, bad)
    assert sorted(f.property for f in result.failures) == [
        "key_algorithm",
        "key_secret",
        "port",
        "zone",
    ]
    assert_no_secret([f.reason for f in result.failures])
    unknown = provider.check({}, preflight_inputs(server, key_secret=Unknown()))
    assert unknown.failures == [] and isinstance(unknown.inputs["key_secret"], Unknown)


def test_preflight_diff_changes_when_any_input_changes(
    server: dns_server.AuthoritativeServer,
) -> None:
    provider = Rfc2136PreflightProvider()
    olds = preflight_checked(preflight_inputs(server))
    same = provider.diff("id", olds, preflight_checked(preflight_inputs(server)))
    assert same.changes is False
    rotated = base64.b64encode(os.urandom(32)).decode()
    for key, value in [
        ("server", "127.0.0.2"),
        ("port", 5353),
        ("zone", f"other-{ZONE}"),
        ("key_name", "other-key"),
        ("key_algorithm", "hmac-sha512"),
        ("key_secret", rotated),
        ("key_secret", Unknown()),
    ]:
        changed = provider.diff("id", olds, {**olds, key: value})
        assert changed.changes is True, key
        assert changed.replaces == []  # nothing to replace: update runs the preflight again
    assert_no_secret(vars(provider.diff("id", olds, {**olds, "key_secret": rotated})))


def test_preflight_create_update_read_delete(server: dns_server.AuthoritativeServer) -> None:
    provider = Rfc2136PreflightProvider()
    props = preflight_checked(preflight_inputs(server))
    serials = (server.serial(ZONE), server.serial(f"other-{ZONE}"))
    created = provider.create(props)
    assert created.id == f"{server.address}:{server.port}/{ZONE}/{KEY_NAME}"
    assert created.outs == props
    other = preflight_checked(preflight_inputs(server, zone=f"other-{ZONE}"))
    updated = provider.update(created.id, props, other)
    assert updated.outs == other
    read = provider.read(created.id, props)
    assert (read.id, read.outs) == (created.id, props)
    provider.delete(created.id, props)
    assert (server.serial(ZONE), server.serial(f"other-{ZONE}")) == serials  # nothing written


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"key_secret": base64.b64encode(os.urandom(32)).decode()}, "BADSIG"),
        ({"key_name": "nobody"}, "BADKEY"),
        ({"zone": "absent.test"}, "server does not serve zone absent.test"),
    ],
    ids=["wrong secret", "unknown key", "zone not served"],
)
def test_preflight_create_and_update_fail_on_a_rejected_key_or_zone(
    server: dns_server.AuthoritativeServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    overrides: dict[str, Any],
    expected: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = Rfc2136PreflightProvider()
    good = preflight_checked(preflight_inputs(server))
    bad = preflight_checked(preflight_inputs(server, **overrides))
    messages = []
    for call in (lambda: provider.create(bad), lambda: provider.update("id", good, bad)):
        with pytest.raises(Rfc2136Error) as info:
            call()
        messages.append(str(info.value))
    captured = capsys.readouterr()
    for message in messages:
        assert expected in message
        assert message.startswith("RFC 2136 preflight")
        assert f"{server.address}:{server.port}" in message
        assert bad["key_name"] in message and bad["zone"] in message
    for text in (*messages, caplog.text, captured.out, captured.err):
        assert SECRET not in text and bad["key_secret"] not in text


def test_preflight_delete_needs_no_server() -> None:
    props = {
        "server": "127.0.0.1",
        "port": dns_server.free_port("127.0.0.1"),  # nothing listens: delete must not ask
        "zone": ZONE,
        "key_name": KEY_NAME,
        "key_algorithm": "hmac-sha256",
        "key_secret": SECRET,
    }
    Rfc2136PreflightProvider().delete("id", props)  # would raise if it asked the server
    assert Rfc2136PreflightProvider().read("id", props).outs == props


def test_preflight_provider_is_serialized_by_reference() -> None:
    serialized = serialize_provider(Rfc2136PreflightProvider())
    assert len(serialized) < 200, len(serialized)
    script = (
        "import base64, sys, dill\n"
        "p = dill.loads(base64.b64decode(sys.argv[1]))\n"
        "print(type(p).__module__, type(p).__name__, vars(p))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script, serialized],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert loaded.stdout.strip() == (
        "okta_custom_domain.rfc2136.preflight Rfc2136PreflightProvider {}"
    )


def test_preflight_registers_key_secret_as_secret() -> None:
    def program() -> dict[str, Any]:
        Rfc2136Preflight(
            "preflight",
            server="127.0.0.1",
            port=5353,
            zone=ZONE,
            key_name=KEY_NAME,
            key_secret=SECRET,  # plain: the resource makes it secret itself
        )
        return {}

    (request,) = run_program(program).registrations
    assert request.type == "pulumi-python:dynamic/okta-custom-domain:Rfc2136Preflight"
    assert request.additional_secret_outputs == ["key_secret"]
    assert "key_secret" in request.secret_inputs
    plain = request.inputs
    assert_no_secret({k: v for k, v in plain.items() if k not in ("key_secret", "__provider")})
    assert {k: v for k, v in plain.items() if k not in ("key_secret", "__provider")} == {
        "server": "127.0.0.1",
        "port": 5353,
        "zone": ZONE,
        "key_name": KEY_NAME,
        "key_algorithm": "hmac-sha256",
    }
