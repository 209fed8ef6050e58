"""The real engine with ``CustomDns``: a user's own write function, proved end to end.

The program (written by the test) gives the component a function that creates
``pulumi_cloudflare.DnsRecord``s; the Cloudflare plugin double writes them into knotd, the
readiness check waits for them, and the fake Okta org verifies and issues the certificate.
Everything the program needs (fake Okta URL, token, zone id) comes from stack config.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain.testing.engine import OutputLog
from okta_custom_domain.testing.engine_lab import LAB_ADDRESS, EngineLab, _zone_id
from pulumi import automation as auto

ZONE = "custom.test"
DOMAIN = f"login.{ZONE}"
PROGRAM = '''\
import pulumi
import pulumi_cloudflare as cloudflare
from okta_custom_domain import (
    CustomDns, DnsRecord, OktaCustomDomain, OktaCustomDomainArgs, ReadinessOptions,
)

lab = pulumi.Config("lab")
zone_id = lab.require("zoneId")


def write(record: DnsRecord) -> pulumi.Resource:
    return cloudflare.DnsRecord(
        record.resource_name, zone_id=zone_id, name=record.name, type=record.type,
        content=record.value, ttl=record.ttl, proxied=False, opts=record.opts,
    )


readiness = ReadinessOptions(nameservers=[lab.require("nameserver")], timeout=60, interval=1)
login = OktaCustomDomain(
    "login",
    OktaCustomDomainArgs(
        domain=lab.require("domain"),
        dns=CustomDns(zone=lab.require("zone"), write=write, style="fqdn", ttl=60),
        readiness=readiness,
    ),
)
pulumi.export("validation_status", login.validation_status)
pulumi.export("dns_records", login.dns_records)
'''

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def lab(pulumi_bin: Path, tmp_path: Path) -> Iterator[EngineLab]:
    program = tmp_path / "custom_dns_program.py"
    program.write_text(PROGRAM)
    with EngineLab(tmp_path, pulumi_bin, program, zones=[ZONE], orgs=["acme"]) as running:
        yield running


def stack_config(lab: EngineLab) -> dict[str, auto.ConfigValue]:
    fake = lab.okta["acme"]
    return {
        "okta:orgName": auto.ConfigValue("acme"),
        "okta:apiToken": auto.ConfigValue(fake.api_token, secret=True),
        "okta:httpProxy": auto.ConfigValue(fake.url),
        "cloudflare:apiToken": auto.ConfigValue("cf-token-CUSTOM-DNS-TEST-" + "0123456789" * 3, secret=True),
        "lab:zoneId": auto.ConfigValue(_zone_id(ZONE)),
        "lab:zone": auto.ConfigValue(ZONE),
        "lab:domain": auto.ConfigValue(DOMAIN),
        "lab:nameserver": auto.ConfigValue(f"{LAB_ADDRESS}:{lab.dns.port}"),
    }


def cloudflare_creates(lab: EngineLab) -> set[tuple[str, str, Any]]:
    path = lab.cloudflare_requests
    lines = path.read_text().splitlines() if path.exists() else []
    entries = [json.loads(line) for line in lines if line.strip()]
    return {(e["type"], e["name"], e["proxied"]) for e in entries if e["method"] == "Create"}


def test_a_write_function_reaches_completed_through_the_engine_then_destroys(
    lab: EngineLab,
) -> None:
    stack = lab.engine.stack("dev", stack_config(lab))
    log = OutputLog()
    result = stack.up(on_output=log, color="never")
    assert result.outputs["validation_status"].value == "COMPLETED", log.text[-3000:]
    assert cloudflare_creates(lab) == {
        ("CNAME", DOMAIN, False), ("TXT", f"_acme-challenge.{DOMAIN}", False)
    }
    assert lab.served(DOMAIN, "CNAME") == ["acme.customdomains.okta.com"]
    fake = lab.okta["acme"]
    txt = lab.served(f"_acme-challenge.{DOMAIN}", "TXT")
    assert txt and txt == [r["value"] for r in result.outputs["dns_records"].value
                           if r["type"] == "TXT"]
    assert "DNS readiness:" in log.text, "readiness must have waited on the written records"
    assert len(fake.requests_to("POST", "/verify")) >= 1

    stack.destroy(on_output=log, color="never")
    assert lab.okta_domains("acme") == []
    assert lab.served(DOMAIN, "CNAME") == []
    assert lab.served(f"_acme-challenge.{DOMAIN}", "TXT") == []
