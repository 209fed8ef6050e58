"""The DnsReadiness dynamic provider, its methods called directly, and its pickled form."""

from __future__ import annotations

import base64
import subprocess
import sys
from typing import Any

import pytest
from dns_fixtures import (  # type: ignore[import-not-found]  # tests/ is on sys.path under pytest
    DOMAIN,
    TXT_NAME,
    correct_zone_records,
    dns_zone,
    expected_records,
)
from okta_custom_domain.readiness.provider import DnsReadiness, DnsReadinessProvider
from okta_custom_domain.testing.dns_server import TwoServerZone
from okta_custom_domain.testing.pulumi_mocks import run_program
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc

__all__ = ["dns_zone"]


def inputs(zone: TwoServerZone, **overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "records": expected_records(),
        "timeout": 3.0,
        "interval": 0.1,
        "resolver": f"127.0.0.2:{zone.port}",
        "dns_port": float(zone.port),  # Pulumi sends numbers as floats
        "nameservers": None,
        "validating_resolver": None,
    }
    props.update(overrides)
    return props


def checked(props: dict[str, Any]) -> dict[str, Any]:
    result = DnsReadinessProvider().check({}, props)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures or []]
    assert result.inputs is not None
    return result.inputs


def test_check_normalises_inputs() -> None:
    props = {
        "records": [{"type": "cname", "fqdn": "LOGIN.Example.test.", "value": "A.Okta.test."}],
        "timeout": 60,
        "interval": 2,
        "dns_port": 5353.0,
        "nameservers": [" 127.0.0.2:5353 "],
        "resolver": "",
    }
    news = checked(props)
    assert news["records"] == [
        {"type": "CNAME", "fqdn": "login.example.test", "value": "a.okta.test"}
    ]
    assert news["dns_port"] == 5353 and isinstance(news["dns_port"], int)
    assert news["nameservers"] == ["127.0.0.2:5353"] and news["resolver"] is None


@pytest.mark.parametrize(
    ("override", "field", "fragment"),
    [
        ({"records": "login.example.test"}, "records", "list of"),
        ({"records": []}, "records", "at least one"),
        ({"records": [{"type": "A", "fqdn": DOMAIN, "value": "x"}]}, "records", "CNAME, TXT"),
        ({"records": [{"type": "TXT", "fqdn": TXT_NAME, "value": '"x"'}]}, "records", "quote"),
        ({"records": [{"type": "CNAME", "fqdn": "http://x/", "value": "a.b"}]}, "records", "URL"),
        ({"timeout": -1}, "timeout", "positive"),
        ({"interval": "2s"}, "interval", "not a number"),
        ({"dns_port": 53.5}, "dns_port", "1-65535"),
        ({"dns_port": 70000}, "dns_port", "1-65535"),
        ({"resolver": "resolver.example"}, "resolver", "IP address"),
        ({"nameservers": "127.0.0.1"}, "nameservers", "list"),
        ({"nameservers": ["127.0.0.1:0"]}, "nameservers", "bad port"),
        ({"validating_resolver": 8}, "validating_resolver", "string"),
    ],
)
def test_check_reports_bad_inputs_per_field(
    override: dict[str, Any], field: str, fragment: str
) -> None:
    props = {"records": expected_records(), **override}
    result = DnsReadinessProvider().check({}, props)
    assert [failure.property for failure in result.failures or []] == [field]
    assert fragment in (result.failures or [])[0].reason


def test_check_accepts_unknown_values_during_preview() -> None:
    result = DnsReadinessProvider().check({}, {"records": rpc.UNKNOWN, "timeout": 10})
    assert result.failures == []
    partly = [{"type": "TXT", "fqdn": TXT_NAME, "value": rpc.UNKNOWN}]
    assert DnsReadinessProvider().check({}, {"records": partly}).failures == []


def test_diff_reruns_the_wait_when_records_or_options_change() -> None:
    provider = DnsReadinessProvider()
    olds = {**checked({"records": expected_records()}), "ready_at": "2025-01-01T00:00:00Z"}
    same = provider.diff("id", olds, checked({"records": expected_records()}))
    assert same.changes is False and same.replaces == []
    new_txt = provider.diff("id", olds, checked({"records": expected_records("new-token")}))
    assert new_txt.changes is True and new_txt.replaces == []
    assert new_txt.stables is not None and "records" not in new_txt.stables
    longer = provider.diff("id", olds, checked({"records": expected_records(), "timeout": 60}))
    assert longer.changes is True and "records" in (longer.stables or [])


def test_create_waits_and_reports_servers(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records())
    result = DnsReadinessProvider().create(checked(inputs(dns_zone)))
    outs = result.outs or {}
    assert result.id.startswith("dns-ready:")
    assert outs["servers_checked"] == [
        f"ns1.example.test 127.0.0.2:{dns_zone.port}",
        f"ns2.example.test 127.0.0.3:{dns_zone.port}",
    ]
    assert outs["ready_at"].endswith("Z") and outs["elapsed_seconds"] >= 0
    assert outs["records"] == expected_records()


def test_create_fails_with_the_full_diagnosis(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records("stale-token"))
    with pytest.raises(TimeoutError) as caught:
        DnsReadinessProvider().create(checked(inputs(dns_zone, timeout=0.3)))
    message = str(caught.value)
    assert "not ready after 0.3 s" in message
    assert "stale" in message and "'stale-token'" in message
    assert "127.0.0.3" in message


def test_update_waits_again_for_new_values(dns_zone: TwoServerZone) -> None:
    dns_zone.set_records(correct_zone_records("new-token"))
    olds = checked(inputs(dns_zone))
    news = checked(inputs(dns_zone, records=expected_records("new-token")))
    result = DnsReadinessProvider().update("id", olds, news)
    assert (result.outs or {})["records"][1]["value"] == "new-token"


def test_read_returns_state_as_is() -> None:
    props = {"records": expected_records(), "ready_at": "2025-01-01T00:00:00Z"}
    result = DnsReadinessProvider().read("dns-ready:x", props)
    assert result.id == "dns-ready:x" and result.outs == props


def test_provider_pickles_by_reference_and_loads_in_a_fresh_process() -> None:
    provider = DnsReadinessProvider()
    assert vars(provider) == {}  # stateless: nothing on the instance
    serialized = serialize_provider(provider)
    assert len(serialized) < 200, len(serialized)  # by reference, not by value
    assert b"okta_custom_domain.readiness.provider" in base64.b64decode(serialized)
    script = (
        "import base64, sys, dill\n"
        "provider = dill.loads(base64.b64decode(sys.stdin.read()))\n"
        "print(type(provider).__module__, type(provider).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=serialized,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["okta_custom_domain.readiness.provider", "DnsReadinessProvider"]


def test_resource_passes_inputs() -> None:
    def program() -> dict[str, Any]:
        resource = DnsReadiness(
            "ready",
            records=expected_records(),
            timeout=60,
            dns_port=5353,
            nameservers=["127.0.0.2"],
        )
        return {"records": resource.records, "urn": resource.urn}

    run = run_program(program)
    assert run.outputs["records"] == expected_records()
    (registration,) = run.registrations
    assert registration.type == "pulumi-python:dynamic/okta-custom-domain:DnsReadiness"
    assert registration.inputs["timeout"] == 60
    assert registration.inputs["dns_port"] == 5353
    assert registration.inputs["nameservers"] == ["127.0.0.2"]
    assert "dynamic" in run.outputs["urn"]
