"""A new DNS target is one module plus one registry line: the component and the stack-config
reader take it with no edit of theirs.

The target here is defined in the test (as a new module would be) and registered by replacing
``TARGET_TYPES``; the program is the real multi-tenant program under Pulumi's mocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
import pytest
from okta_custom_domain.parsers import InputError, owned
from okta_custom_domain.program import build_program
from okta_custom_domain.targets import registry
from okta_custom_domain.targets.base import DnsRecord, DnsTarget, RecordWriter
from okta_custom_domain.tenants import TenantConfigError, config_key_paths, parse_tenants
from okta_custom_domain.testing.pulumi_mocks import run_program

TOKEN = "00SECRET-okta-token-value-0123456789abcdef"
WRITTEN: list[str] = []


class ExampleRecord(pulumi.CustomResource):
    """A host's record resource (the mocks accept any type token)."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        super().__init__("example:index:Record", name, props, opts)


@dataclass(frozen=True)
class ExampleDns(DnsTarget):
    """Records written to the example host's API."""

    config_type: ClassVar[str | None] = "example"
    choice_description: ClassVar[str] = "Write the records to the example host."

    zone: str
    account: str
    """The host's account that owns the zone."""
    ttl: int = 120

    def __post_init__(self) -> None:
        with owned("ExampleDns"):
            if not self.account.startswith("acct-"):
                raise InputError("account", f"{self.account!r} is not an account id (acct-...)")

    def writer(self, name: str, parent: pulumi.Resource) -> RecordWriter:
        def write(record: DnsRecord) -> pulumi.Resource:
            WRITTEN.append(f"{record.type} {record.name}")
            props = {"name": record.name, "type": record.type, "value": record.value}
            return ExampleRecord(record.resource_name, props, record.opts)

        return write


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "TARGET_TYPES", (*registry.TARGET_TYPES, ExampleDns))
    WRITTEN.clear()


def config(dns: dict[str, Any]) -> list[dict[str, Any]]:
    okta = {"orgName": "acme", "apiToken": TOKEN}
    return [{"name": "acme", "okta": okta, "domains": [{"domain": "login.acme.com", "dns": dns}]}]


@pytest.mark.usefixtures("registered")
def test_a_registered_target_is_read_from_stack_config_and_writes_through_the_component() -> None:
    tenants = parse_tenants(config({"type": "example", "zone": "acme.com", "account": "acct-7"}))
    assert tenants[0].domains[0].args.dns == ExampleDns(zone="acme.com", account="acct-7")
    run = run_program(lambda: build_program(tenants))
    records = run.of_type("example:index:Record")
    assert sorted(r.inputs["type"] for r in records) == ["CNAME", "TXT"]
    assert WRITTEN == ["CNAME login.acme.com", "TXT _acme-challenge.login.acme.com"]
    assert "domains[].dns.account" in config_key_paths()


@pytest.mark.usefixtures("registered")
def test_a_registered_targets_errors_are_said_in_config_spelling() -> None:
    with pytest.raises(TenantConfigError) as raised:
        parse_tenants(config({"type": "example", "zone": "acme.com", "account": "7"}))
    assert raised.value.field == "tenants[0] (acme).domains[0].dns.account"
    with pytest.raises(TenantConfigError, match=r"dns\.acount: unknown key; did you mean `account`"):
        parse_tenants(config({"type": "example", "zone": "acme.com", "acount": "acct-7"}))


def test_an_unregistered_target_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(TenantConfigError, match=r"'example' is not a DNS target; use one of cloudflare, manual, rfc2136"):
        parse_tenants(config({"type": "example", "zone": "acme.com", "account": "acct-7"}))
