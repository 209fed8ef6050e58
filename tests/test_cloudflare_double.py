"""The Cloudflare plugin double, driven over gRPC as the engine drives it, against a real knotd.

The double runs as its real entry point (the shell script ``install_plugin_dir`` writes), and
every assertion about DNS is an independent dnspython query to the server.
"""

from __future__ import annotations

import base64
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import grpc  # type: ignore[import-untyped]
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2  # type: ignore[import-untyped]
from okta_custom_domain.rfc2136.tsig import TsigKey
from okta_custom_domain.rfc2136.writer import Rfc2136Writer
from okta_custom_domain.testing import dns_server
from okta_custom_domain.testing.local_process import end_process
from okta_custom_domain.testing.plugins.base import REDACTED, UNKNOWN_IN_LOG
from okta_custom_domain.testing.plugins.base import read_request_log as read_requests
from okta_custom_domain.testing.plugins.cloudflare import (
    ENV_VAR,
    CloudflareDoubleConfig,
    DoubleConfigError,
    DoubleZone,
    install_plugin_dir,
    load_config,
    writes,
)
from okta_custom_domain.testing.plugins.cloudflare.zone import ZoneRecord, ZoneWriter
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

ZONE = "example.test"
ZONE_ID = uuid.UUID(int=0xC0FFEE).hex
OTHER_ZONE_ID = "f" * 32
KEY_NAME = "cloudflare-double"
SECRET = base64.b64encode(os.urandom(32)).decode()
API_TOKEN = "cf-token-" + uuid.uuid4().hex
RECORD_TYPE = "cloudflare:index/dnsRecord:DnsRecord"
LAUNCHER = "pulumi-resource-cloudflare"
Stub = Any  # provider_pb2_grpc.ResourceProviderStub (untyped grpc)


@pytest.fixture(scope="module")
def knot() -> Iterator[dns_server.AuthoritativeServer]:
    server = dns_server.AuthoritativeServer(
        "127.0.0.1", tsig=dns_server.TsigKey(KEY_NAME, "hmac-sha256", SECRET)
    )
    server.add_zone(ZONE, dns_server.loopback_zone_text(ZONE))
    with server:
        yield server


@pytest.fixture(scope="module")
def config_path(
    tmp_path_factory: pytest.TempPathFactory, knot: dns_server.AuthoritativeServer
) -> Path:
    return tmp_path_factory.mktemp("double") / "cloudflare-double.json"


def double_config(knot: dns_server.AuthoritativeServer, requests: Path) -> CloudflareDoubleConfig:
    zone = DoubleZone(
        id=ZONE_ID,
        name=ZONE,
        server=knot.address,
        port=knot.port,
        key_name=KEY_NAME,
        key_secret=SECRET,
    )
    return CloudflareDoubleConfig(zones=[zone], requests=requests)


@pytest.fixture(scope="module")
def plugin(
    tmp_path_factory: pytest.TempPathFactory,
    knot: dns_server.AuthoritativeServer,
    config_path: Path,
) -> Iterator[Stub]:
    """The double started through the script the engine would run; a connected stub."""
    double_config(knot, config_path.with_name("unused.jsonl")).write(config_path)
    script = install_plugin_dir(tmp_path_factory.mktemp("plugin")) / LAUNCHER
    env = {**os.environ, ENV_VAR: str(config_path)}
    with (script.parent / "stderr.log").open("wb") as stderr:  # a file: a pipe could fill up
        process = subprocess.Popen(
            [str(script), "127.0.0.1:1"], stdout=subprocess.PIPE, stderr=stderr, env=env
        )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=10)
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        end_process(process)


@pytest.fixture
def requests_log(
    plugin: Stub, knot: dns_server.AuthoritativeServer, config_path: Path, tmp_path: Path
) -> Path:
    """A fresh request log per test (the double reads its config file on every call)."""
    log = tmp_path / "requests.jsonl"
    double_config(knot, log).write(config_path)
    return log


# -- helpers --------------------------------------------------------------------------------
def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(values)
    return result


def as_dict(value: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = json_format.MessageToDict(value)
    return result


def urn(name: str) -> str:
    return f"urn:pulumi:test::okta::{RECORD_TYPE}::{name}"


def record(name: str, rtype: str, content: str, **extra: Any) -> dict[str, Any]:
    return {"zoneId": ZONE_ID, "name": name, "type": rtype, "content": content, "ttl": 300, **extra}


def create(plugin: Stub, props: dict[str, Any], *, preview: bool = False) -> Any:
    return plugin.Create(
        provider_pb2.CreateRequest(
            urn=urn(props["name"]), properties=struct(props), preview=preview, type=RECORD_TYPE
        )
    )


def update(plugin: Stub, record_id: str, olds: Any, news: dict[str, Any]) -> Any:
    return plugin.Update(
        provider_pb2.UpdateRequest(
            id=record_id, urn=urn(news["name"]), olds=olds, news=struct(news), type=RECORD_TYPE
        )
    )


def delete(plugin: Stub, record_id: str, outputs: Any) -> None:
    plugin.Delete(
        provider_pb2.DeleteRequest(id=record_id, urn=urn("x"), properties=outputs, type=RECORD_TYPE)
    )


def read(plugin: Stub, record_id: str, outputs: Any) -> Any:
    return plugin.Read(
        provider_pb2.ReadRequest(id=record_id, urn=urn("x"), properties=outputs, type=RECORD_TYPE)
    )


def dig(knot: dns_server.AuthoritativeServer, name: str, rtype: str) -> dns.rrset.RRset | None:
    query = dns.message.make_query(name, rtype)
    query.flags &= ~dns.flags.RD
    reply = dns.query.tcp(query, knot.address, port=knot.port, timeout=2)
    wanted = dns.rdatatype.from_text(rtype)
    return next(
        (r for r in reply.answer if r.name == dns.name.from_text(name) and r.rdtype == wanted),
        None,
    )


def assert_no_secret(text: str) -> None:
    assert SECRET not in text and SECRET.rstrip("=") not in text
    assert API_TOKEN not in text


# -- plugin and provider --------------------------------------------------------------------
def test_plugin_info_handshake_and_configure(plugin: Stub, requests_log: Path) -> None:
    """As the plugin-framework bridge: no Handshake, so the engine takes Configure's flags."""
    assert plugin.GetPluginInfo(empty_pb2.Empty()).version == "6.23.1"
    with pytest.raises(grpc.RpcError) as info:
        plugin.Handshake(provider_pb2.ProviderHandshakeRequest(engine_address="127.0.0.1:1"))
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    secret_token = rpc.wrap_rpc_secret(API_TOKEN)
    configured = plugin.Configure(
        provider_pb2.ConfigureRequest(
            args=struct({"apiToken": secret_token}),
            variables={"cloudflare:config:apiToken": API_TOKEN},
            acceptSecrets=True,
            type="pulumi:providers:cloudflare",
            urn="urn:pulumi:test::okta::pulumi:providers:cloudflare::default",
        )
    )
    assert not configured.acceptSecrets and configured.acceptResources
    assert configured.supportsPreview and configured.supports_autonaming_configuration
    checked = plugin.CheckConfig(provider_pb2.CheckRequest(news=struct({"apiToken": secret_token})))
    assert not checked.failures
    diffed = plugin.DiffConfig(
        provider_pb2.DiffRequest(olds=struct({"apiToken": "a"}), news=struct({"apiToken": "b"}))
    )
    assert diffed.changes == provider_pb2.DiffResponse.DIFF_SOME and not diffed.replaces
    [entry] = [e for e in read_requests(requests_log) if e["method"] == "Configure"]
    assert entry["auth"] == "apiToken"
    assert_no_secret(requests_log.read_text())


@pytest.mark.parametrize(
    "token",
    ["cf-token-" + "a" * 20, "a" * 81, "a" * 39 + "!", "a" * 40 + "\n"],
    ids=["29 chars", "81 chars", "a '!'", "a newline"],
)
def test_check_config_refuses_an_api_token_of_the_wrong_shape(plugin: Stub, token: str) -> None:
    """The real provider's schema pattern ^[0-9A-Za-z-_]{40,80}$, checked at preview; the
    token itself never appears in the reason."""
    checked = plugin.CheckConfig(
        provider_pb2.CheckRequest(news=struct({"apiToken": rpc.wrap_rpc_secret(token)}))
    )
    [failure] = checked.failures
    assert failure.property == "apiToken"
    assert "40 to 80 characters" in failure.reason and token.strip() not in failure.reason
    for good in ("a" * 40, "A-_" + "9" * 77, API_TOKEN):
        fine = plugin.CheckConfig(provider_pb2.CheckRequest(news=struct({"apiToken": good})))
        assert list(fine.failures) == [], good


def test_check_config_wants_an_email_with_an_api_key(plugin: Stub) -> None:
    key = "k" * 37
    alone = plugin.CheckConfig(provider_pb2.CheckRequest(news=struct({"apiKey": key})))
    assert [f.property for f in alone.failures] == ["apiKey"]
    assert "email" in alone.failures[0].reason
    paired = {"apiKey": key, "email": "dns-admin@example.test"}
    assert list(plugin.CheckConfig(provider_pb2.CheckRequest(news=struct(paired))).failures) == []


def test_missing_or_broken_config_names_the_env_var(
    plugin: Stub, requests_log: Path, config_path: Path
) -> None:
    with pytest.raises(DoubleConfigError, match=f"{ENV_VAR} is not set"):
        load_config({})
    config_path.write_text("{not json")
    with pytest.raises(grpc.RpcError) as info:
        create(plugin, record(f"broken.{ZONE}", "TXT", "x"))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert f"{ENV_VAR}={config_path}: not valid JSON" in info.value.details()


# -- Check and Diff -------------------------------------------------------------------------
def test_check_reports_failures_by_property(plugin: Stub, requests_log: Path) -> None:
    news = {"zoneId": ZONE_ID, "name": f"login.{ZONE}", "type": "CNAME"}
    checked = plugin.Check(
        provider_pb2.CheckRequest(urn=urn("login"), news=struct(news), type=RECORD_TYPE)
    )
    failed = {f.property: f.reason for f in checked.failures}
    assert set(failed) == {"ttl", "content"}
    assert "CNAME" in failed["content"]
    bogus = {**record(f"x.{ZONE}", "BOGUS", "v"), "ttl": "soon"}
    checked = plugin.Check(provider_pb2.CheckRequest(urn=urn("x"), news=struct(bogus)))
    assert {f.property for f in checked.failures} == {"type", "ttl"}
    unknown = record(f"login.{ZONE}", "CNAME", rpc.UNKNOWN)
    checked = plugin.Check(provider_pb2.CheckRequest(urn=urn("login"), news=struct(unknown)))
    assert not checked.failures
    assert as_dict(checked.inputs)["content"] == rpc.UNKNOWN
    assert [e["content"] for e in read_requests(requests_log)][-1] == UNKNOWN_IN_LOG


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"zoneId": OTHER_ZONE_ID}, ["zoneId"]),
        ({"type": "TXT"}, ["type"]),
        ({"content": "other.okta.test"}, []),
        ({"ttl": 600}, []),
        ({"proxied": True}, []),
        ({"comment": "now commented"}, []),
        ({"name": f"id2.{ZONE}"}, []),
    ],
)
def test_diff_replaces_only_on_zone_id_and_type(
    plugin: Stub, requests_log: Path, change: dict[str, Any], replaces: list[str]
) -> None:
    olds = {**record(f"id.{ZONE}", "CNAME", "acme.okta.test"), "proxied": False, "comment": "c"}
    news = {**record(f"id.{ZONE}", "CNAME", "acme.okta.test"), "comment": "c", **change}
    diffed = plugin.Diff(provider_pb2.DiffRequest(olds=struct(olds), news=struct(news)))
    assert diffed.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(diffed.diffs) == list(change)
    assert list(diffed.replaces) == replaces
    kinds = provider_pb2.PropertyDiff
    expected = kinds.UPDATE_REPLACE if replaces else kinds.UPDATE
    assert diffed.detailedDiff[next(iter(change))].kind == expected


def test_diff_ignores_what_the_real_provider_ignores(plugin: Stub, requests_log: Path) -> None:
    olds = {**record(f"id.{ZONE}", "CNAME", "Acme.Okta.Test"), "proxied": False, "tags": []}
    olds["settings"] = {"flattenCname": False, "ipv4Only": False, "ipv6Only": False}
    news = record(f"id.{ZONE}", "CNAME", "acme.okta.test")  # proxied/tags/settings omitted
    diffed = plugin.Diff(provider_pb2.DiffRequest(olds=struct(olds), news=struct(news)))
    assert diffed.changes == provider_pb2.DiffResponse.DIFF_NONE
    unknown = {**news, "content": rpc.UNKNOWN}
    diffed = plugin.Diff(provider_pb2.DiffRequest(olds=struct(olds), news=struct(unknown)))
    assert list(diffed.diffs) == ["content"] and not diffed.replaces


# -- CRUD against knotd ---------------------------------------------------------------------
def test_cname_create_read_update_delete(
    plugin: Stub, requests_log: Path, knot: dns_server.AuthoritativeServer
) -> None:
    name = f"login.{ZONE}"
    props = record(name, "CNAME", "acme.customdomains.okta.test", proxied=False, comment="c")
    created = create(plugin, props)
    assert len(created.id) == 32 and int(created.id, 16) >= 0
    outs = as_dict(created.properties)
    assert outs["id"] == created.id and outs["proxiable"] is True and outs["createdOn"]
    assert outs["name"] == name and outs["commentModifiedOn"] and outs["meta"] == "{}"
    cname = dig(knot, name, "CNAME")
    assert cname is not None and cname.ttl == 300
    assert cname[0].target == dns.name.from_text("acme.customdomains.okta.test")

    refreshed = read(plugin, created.id, created.properties)
    assert refreshed.id == created.id
    assert as_dict(refreshed.properties)["content"] == "acme.customdomains.okta.test"

    news = {**props, "content": "other.customdomains.okta.test", "ttl": 120}
    updated = update(plugin, created.id, created.properties, news)
    assert as_dict(updated.properties)["createdOn"] == outs["createdOn"]
    cname = dig(knot, name, "CNAME")
    assert cname is not None and cname.ttl == 120 and len(cname) == 1
    assert cname[0].target == dns.name.from_text("other.customdomains.okta.test")

    delete(plugin, created.id, updated.properties)
    assert dig(knot, name, "CNAME") is None
    logged = [
        (e["method"], e["name"], e["type"], e["content"], e["ttl"])
        for e in writes(read_requests(requests_log))
    ]
    assert logged == [
        ("Create", name, "CNAME", "acme.customdomains.okta.test", 300),
        ("Update", name, "CNAME", "other.customdomains.okta.test", 120),
        ("Delete", name, "CNAME", "other.customdomains.okta.test", 120),
    ]
    assert all(
        e["zoneId"] == ZONE_ID and e["proxied"] is False
        for e in writes(read_requests(requests_log))
    )


def test_proxied_cname_answers_addresses_like_cloudflare(
    plugin: Stub, requests_log: Path, knot: dns_server.AuthoritativeServer
) -> None:
    name = f"proxied.{ZONE}"
    props = record(name, "CNAME", "acme.customdomains.okta.test", proxied=True)
    created = create(plugin, props)
    assert dig(knot, name, "CNAME") is None
    address = dig(knot, name, "A")
    assert address is not None and [rd.to_text() for rd in address] == ["192.0.2.1"]
    assert as_dict(read(plugin, created.id, created.properties).properties)["proxied"] is True

    updated = update(plugin, created.id, created.properties, {**props, "proxied": False})
    assert dig(knot, name, "A") is None
    assert dig(knot, name, "CNAME") is not None
    assert [e["proxied"] for e in writes(read_requests(requests_log))] == [True, False]
    delete(plugin, created.id, updated.properties)


def test_long_txt_is_split_into_character_strings(
    plugin: Stub, requests_log: Path, knot: dns_server.AuthoritativeServer
) -> None:
    name = f"_acme-challenge.login.{ZONE}"
    value = "v=" + "x" * 298  # 300 bytes
    created = create(plugin, record(name, "TXT", value, ttl=60))
    txt = dig(knot, name, "TXT")
    assert txt is not None and txt.ttl == 60
    assert [len(s) for s in txt[0].strings] == [255, 45]
    assert b"".join(txt[0].strings).decode() == value
    assert as_dict(read(plugin, created.id, created.properties).properties)["content"] == value
    delete(plugin, created.id, created.properties)
    assert dig(knot, name, "TXT") is None


def test_refresh_sees_drift_and_deletion(
    plugin: Stub, requests_log: Path, knot: dns_server.AuthoritativeServer
) -> None:
    name = f"drift.{ZONE}"
    created = create(plugin, record(name, "CNAME", "a.okta.test"))
    writer = Rfc2136Writer(
        knot.address, ZONE, TsigKey(name=KEY_NAME, secret=SECRET), port=knot.port
    )
    writer.replace(name, "CNAME", ["b.okta.test"], 300)
    drifted = read(plugin, created.id, created.properties)
    assert as_dict(drifted.properties)["content"] == "b.okta.test"
    writer.delete(name, "CNAME")
    assert read(plugin, created.id, drifted.properties).id == ""


def test_preview_create_and_second_txt_value(
    plugin: Stub, requests_log: Path, knot: dns_server.AuthoritativeServer
) -> None:
    name = f"_oktaverification.{ZONE}"
    planned = create(plugin, record(name, "TXT", "one"), preview=True)
    assert planned.id == "" and as_dict(planned.properties)["createdOn"] == rpc.UNKNOWN
    assert dig(knot, name, "TXT") is None and writes(read_requests(requests_log)) == []
    first = create(plugin, record(name, "TXT", "one"))
    second = create(plugin, record(name, "TXT", "two"))  # a Cloudflare record is one RR
    txt = dig(knot, name, "TXT")
    assert txt is not None and sorted(b"".join(rd.strings) for rd in txt) == [b"one", b"two"]
    delete(plugin, first.id, first.properties)
    txt = dig(knot, name, "TXT")
    assert txt is not None and [b"".join(rd.strings) for rd in txt] == [b"two"]
    delete(plugin, second.id, second.properties)


def test_secret_content_stays_out_of_the_log(
    plugin: Stub, requests_log: Path, knot: dns_server.AuthoritativeServer
) -> None:
    """A value that once came secret is redacted from every later line; outputs come back
    plain (acceptSecrets=False: the engine marks them secret again)."""
    name = f"secret.{ZONE}"
    props = record(name, "TXT", rpc.wrap_rpc_secret("hidden-value"))
    created = create(plugin, props)
    assert as_dict(created.properties)["content"] == "hidden-value"
    txt = dig(knot, name, "TXT")
    assert txt is not None and txt[0].strings == (b"hidden-value",)
    delete(plugin, created.id, created.properties)
    log = requests_log.read_text()
    assert "hidden-value" not in log and REDACTED in log
    assert_no_secret(log)


# -- errors ---------------------------------------------------------------------------------
def test_unknown_zone_id_is_a_clear_error(plugin: Stub, requests_log: Path) -> None:
    with pytest.raises(grpc.RpcError) as info:
        create(plugin, {**record(f"x.{ZONE}", "TXT", "v"), "zoneId": OTHER_ZONE_ID})
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    details = info.value.details()
    assert details.startswith(f"zoneId: '{OTHER_ZONE_ID}' is not a zone of the Cloudflare double")
    assert f"{ZONE} (id {ZONE_ID})" in details
    assert_no_secret(details)


@pytest.mark.parametrize(
    ("props", "fragment"),
    [
        ({"ttl": 10}, "ttl: 10 is out of range"),
        ({"proxied": True}, "proxied: a TXT record cannot be proxied"),
    ],
)
def test_api_rules_fail_at_create(
    plugin: Stub, requests_log: Path, props: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        create(plugin, {**record(f"api.{ZONE}", "TXT", "v"), **props})
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fragment in info.value.details()


def test_tsig_failure_names_the_key_not_the_secret(
    plugin: Stub, knot: dns_server.AuthoritativeServer, config_path: Path, tmp_path: Path
) -> None:
    wrong = base64.b64encode(os.urandom(32)).decode()
    zone = DoubleZone(ZONE_ID, ZONE, knot.address, knot.port, KEY_NAME, key_secret=wrong)
    CloudflareDoubleConfig([zone], tmp_path / "r.jsonl").write(config_path)
    with pytest.raises(grpc.RpcError) as info:
        create(plugin, record(f"badkey.{ZONE}", "TXT", "v"))
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert KEY_NAME in info.value.details() and wrong not in info.value.details()
    assert_no_secret(info.value.details())


# -- getZone --------------------------------------------------------------------------------
def test_get_zone_by_name(plugin: Stub, requests_log: Path) -> None:
    args = {"filter": {"name": ZONE, "match": "all"}}
    found = plugin.Invoke(
        provider_pb2.InvokeRequest(tok="cloudflare:index/getZone:getZone", args=struct(args))
    )
    result = as_dict(getattr(found, "return"))
    assert result["zoneId"] == ZONE_ID and result["id"] == ZONE_ID and result["name"] == ZONE
    with pytest.raises(grpc.RpcError) as info:
        plugin.Invoke(
            provider_pb2.InvokeRequest(
                tok="cloudflare:index/getZone:getZone",
                args=struct({"filter": {"name": "nowhere.test", "match": "all"}}),
            )
        )
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert "'nowhere.test'" in info.value.details() and ZONE in info.value.details()
    assert [e["method"] for e in read_requests(requests_log)] == ["Invoke", "Invoke"]
    with pytest.raises(grpc.RpcError) as info:
        plugin.Invoke(provider_pb2.InvokeRequest(tok="cloudflare:index/getZones:getZones"))
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def get_dns_records(plugin: Stub, fqdn: str, rtype: str) -> list[dict[str, Any]]:
    args = {"zoneId": ZONE_ID, "name": {"exact": fqdn}, "type": rtype}
    found = plugin.Invoke(
        provider_pb2.InvokeRequest(tok="cloudflare:index/getDnsRecords:getDnsRecords", args=struct(args))
    )
    results: list[dict[str, Any]] = as_dict(getattr(found, "return"))["results"]
    return results


def test_records_have_ids_that_get_dns_records_lists_and_import_takes(
    plugin: Stub, requests_log: Path, knot: dns_server.AuthoritativeServer
) -> None:
    """As Cloudflare: a record made through the API keeps its id; one made in the dashboard
    (here: written to the zone directly) is given one when listed; ``zoneId/recordId``
    imports either; an id Cloudflare never gave is not found."""
    fqdn = f"adopt.{ZONE}"
    created = create(plugin, record(fqdn, "CNAME", "acme.customdomains.okta.com", ttl=120))
    [listed] = get_dns_records(plugin, fqdn, "CNAME")
    assert (listed["id"], listed["content"], listed["ttl"]) == (
        created.id, "acme.customdomains.okta.com", 120
    )
    dashboard = ZoneRecord(f"_acme-challenge.{fqdn}", "TXT", "token-value", ttl=60)
    ZoneWriter.for_zone(double_config(knot, requests_log).zones[0]).change(None, dashboard)
    [txt] = get_dns_records(plugin, dashboard.fqdn, "TXT")
    assert len(txt["id"]) == 32 and txt["content"] == "token-value"
    assert get_dns_records(plugin, dashboard.fqdn, "TXT")[0]["id"] == txt["id"]  # stable
    assert get_dns_records(plugin, f"none.{ZONE}", "TXT") == []

    def imported(import_id: str) -> Any:
        return plugin.Read(
            provider_pb2.ReadRequest(id=import_id, urn=urn("imported"), type=RECORD_TYPE)
        )

    answer = imported(f"{ZONE_ID}/{txt['id']}")
    assert answer.id == txt["id"]
    inputs = as_dict(answer.inputs)
    assert inputs == {
        "zoneId": ZONE_ID, "name": dashboard.fqdn, "type": "TXT", "content": "token-value",
        "ttl": 60, "proxied": False,
    }  # fmt: skip
    assert as_dict(imported(f"{ZONE_ID}/{created.id}").inputs)["content"] == (
        "acme.customdomains.okta.com"
    )
    assert not imported(f"{ZONE_ID}/{uuid.uuid4().hex}").id
    assert not imported(f"{OTHER_ZONE_ID}/{txt['id']}").id
    delete(plugin, created.id, created.properties)
    assert not imported(f"{ZONE_ID}/{created.id}").id


def test_create_refuses_a_name_in_use_as_cloudflare_does(
    plugin: Stub, requests_log: Path
) -> None:
    """Cloudflare's create: a second CNAME (or an A) at a CNAME's name is 81053, another type
    there 81054, the same record twice 81058; two different TXT values may share a name."""
    name = f"taken.{ZONE}"
    first = create(plugin, record(name, "CNAME", "acme.customdomains.okta.com"))
    refused = {
        "81053": record(name, "CNAME", "other.customdomains.okta.com"),
        "81054": record(name, "TXT", "v"),
    }
    for code, props in refused.items():
        with pytest.raises(grpc.RpcError) as info:
            create(plugin, props)
        assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS
        assert f"({code})" in info.value.details() and name in info.value.details()
    txt = f"_acme-challenge.{name}"
    one = create(plugin, record(txt, "TXT", "one"))
    two = create(plugin, record(txt, "TXT", "two"))
    with pytest.raises(grpc.RpcError) as info:
        create(plugin, record(txt, "TXT", "one"))
    assert "(81058)" in info.value.details()
    for made in (first, one, two):
        delete(plugin, made.id, made.properties)
    creates = [e for e in writes(read_requests(requests_log)) if e["method"] == "Create"]
    assert [("error" in e) for e in creates] == [False, True, True, False, False, True]


def test_other_resource_types_are_refused(plugin: Stub, requests_log: Path) -> None:
    other = "cloudflare:index/zone:Zone"
    with pytest.raises(grpc.RpcError) as info:
        plugin.Check(
            provider_pb2.CheckRequest(
                urn=f"urn:pulumi:test::okta::{other}::z", news=struct({}), type=other
            )
        )
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert RECORD_TYPE in info.value.details()


def test_install_plugin_dir_writes_an_exec_script(tmp_path: Path) -> None:
    dest = install_plugin_dir(tmp_path / "plugin", python="/opt/py thon/bin/python")
    script = dest / LAUNCHER
    assert dest == tmp_path / "plugin" and os.access(script, os.X_OK)
    assert script.read_text() == (
        "#!/bin/sh\n"
        "exec '/opt/py thon/bin/python' -u -m okta_custom_domain.testing.plugins.cloudflare \"$@\"\n"
    )
