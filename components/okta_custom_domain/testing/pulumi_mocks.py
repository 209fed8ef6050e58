"""Run a Pulumi program under mocks that answer like Okta and Cloudflare; record registrations.

Each run gets a fresh event loop and fresh mocks, so tests share no runtime state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc

DNS_READINESS_TYPE = "pulumi-python:dynamic/okta-custom-domain:DnsReadiness"
VERIFICATION_TYPE = "pulumi-python:dynamic/okta-custom-domain:OktaDomainVerification"
OKTA_CNAME_TARGET = "acme.customdomains.okta.com"
OKTA_TXT_VALUE = "dGhpcyBpcyBhIGZha2UgQUNNRSB0b2tlbg"


def okta_email_records(domain: str) -> list[dict[str, Any]]:
    """What Okta returns for a new email domain (``dnsValidationRecords``, Pulumi names)."""
    host = "u1234567.wl067.sendgrid.net"
    return [
        {"recordType": "TXT", "fqdn": f"_oktaverification.{domain}", "value": "0f1e2d3c4b5a6978"},
        {"recordType": "CNAME", "fqdn": f"mail.{domain}", "value": host},
        {"recordType": "CNAME", "fqdn": f"oka._domainkey.{domain}", "value": f"oka.dk.{host}"},
        {"recordType": "CNAME", "fqdn": f"oka2._domainkey.{domain}", "value": f"oka2.dk.{host}"},
    ]


@dataclass
class Registration:
    """One ``RegisterResource`` call as the engine would see it."""

    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    parent: str
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    secret_inputs: set[str]
    additional_secret_outputs: list[str]


def okta_dns_records(domain: str, certificate_source_type: str) -> list[dict[str, Any]]:
    """What Okta returns for a new domain (names as the live API gives them)."""
    prefix = "_acme-challenge" if certificate_source_type == "OKTA_MANAGED" else "_oktaverification"
    return [
        {"recordType": "TXT", "fqdn": f"{prefix}.{domain}", "values": [OKTA_TXT_VALUE]},
        {"recordType": "CNAME", "fqdn": domain, "values": [OKTA_CNAME_TARGET]},
    ]


@dataclass
class OktaMocks(pulumi.runtime.Mocks):
    """Answers like Okta and Cloudflare would; ``record_override`` simulates odd Okta answers."""

    preview: bool = False
    record_override: Callable[[str, str], list[dict[str, Any]]] | None = None
    zone_id: str = "0123456789abcdef0123456789abcdef"
    calls: list[pulumi.runtime.MockCallArgs] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each created resource's inputs, keyed like ``created`` (``type::name``)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        self.created.append(f"{args.typ}::{args.name}")
        self.inputs[f"{args.typ}::{args.name}"] = dict(args.inputs)
        outputs = dict(args.inputs)
        if args.typ == "okta:index/domain:Domain":
            if not self.preview:
                make = self.record_override or okta_dns_records
                outputs["dnsRecords"] = make(
                    args.inputs["name"], args.inputs.get("certificateSourceType", "MANUAL")
                )
                outputs["validationStatus"] = "NOT_STARTED"
            return (None if self.preview else f"OcD{args.name}"), outputs
        if args.typ == "okta:index/emailDomain:EmailDomain" and not self.preview:
            outputs["dnsValidationRecords"] = okta_email_records(args.inputs["domain"])
            outputs["validationStatus"] = "NOT_STARTED"
        if args.typ == DNS_READINESS_TYPE and not self.preview:
            outputs["ready_at"] = "2026-11-28T00:00:00Z"
        if args.typ == VERIFICATION_TYPE and not self.preview:
            outputs["validation_status"] = args.inputs.get("wait_for", "COMPLETED")
        return (None if self.preview else f"{args.name}-id"), outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]]]:
        self.calls.append(args)
        if args.token == "cloudflare:index/getZone:getZone":
            return {"id": self.zone_id, "zoneId": self.zone_id, "name": "example.com"}, []
        return {}, []


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also keeps each registration's parent, provider and dependencies."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            raw = rpc.deserialize_properties(request.object)
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    inputs={k: v["value"] if rpc.is_rpc_secret(v) else v for k, v in raw.items()},
                    secret_inputs={k for k, v in raw.items() if rpc.is_rpc_secret(v)},
                    additional_secret_outputs=list(request.additionalSecretOutputs),
                    parent=request.parent,
                    provider=request.provider,
                    dependencies=list(request.dependencies),
                    property_dependencies={
                        key: list(value.urns) for key, value in request.propertyDependencies.items()
                    },
                )
            )
        return response


@dataclass
class ProgramRun:
    """What a program registered and what its returned outputs resolved to."""

    registrations: list[Registration]
    outputs: dict[str, Any]
    mocks: OktaMocks

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_token]

    def one(self, type_token: str, name_suffix: str = "") -> Registration:
        found = [r for r in self.of_type(type_token) if r.name.endswith(name_suffix)]
        assert len(found) == 1, f"expected one {type_token} *{name_suffix}, got {found}"
        return found[0]

    def by_name(self, name: str) -> Registration:
        found = [r for r in self.registrations if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, got {len(found)}"
        return found[0]


def run_program(
    program: Callable[[], Mapping[str, Any] | None],
    mocks: OktaMocks | None = None,
    *,
    config: Mapping[str, str] | None = None,
) -> ProgramRun:
    """Run ``program`` under fresh mocks in a fresh event loop; resolve what it returns."""
    mocks = mocks or OktaMocks()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        monitor = RecordingMonitor(mocks)
        pulumi.runtime.set_mocks(mocks, preview=mocks.preview, monitor=monitor)
        pulumi.runtime.set_all_config(dict(config or {}))
        resolved: dict[str, Any] = {}

        @pulumi.runtime.test
        def body() -> pulumi.Output[Any]:
            returned = program() or {}

            def keep(values: dict[str, Any]) -> None:
                resolved.update(values)

            return pulumi.Output.all(**returned).apply(keep)

        body()
        return ProgramRun(monitor.registrations, resolved, mocks)
    finally:
        pulumi.runtime.set_all_config({})
        asyncio.set_event_loop(None)
        loop.close()
