"""A stack created before the dynamic resources had their own type names upgrades in place.

``DnsReadiness`` and ``OktaDomainVerification`` used to register as
``pulumi-python:dynamic:Resource`` (``pulumi.dynamic.Resource`` given no ``module``/``name``).
A type is part of the URN, so only their alias to that type keeps an upgrade from deleting and
creating them (waiting for DNS and verifying again). The first ``up`` here runs a tiny program
whose classes have that old shape, the second the same resources as the package now defines
them, through the real engine and dynamic-provider host.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi.dynamic
import pytest
from okta_custom_domain.okta.verification_provider import (
    OUTPUT_KEYS as VERIFICATION_OUTPUTS,
)
from okta_custom_domain.okta.verification_provider import (
    OktaDomainVerification,
    OktaDomainVerificationProvider,
)
from okta_custom_domain.pulumi_internals import UNNAMED_DYNAMIC_TYPE
from okta_custom_domain.readiness.provider import OUTPUT_KEYS as READINESS_OUTPUTS
from okta_custom_domain.readiness.provider import DnsReadiness, DnsReadinessProvider
from okta_custom_domain.testing.engine_lab import LAB_ADDRESS, EngineLab
from okta_custom_domain.testing.pulumi_mocks import DNS_READINESS_TYPE, VERIFICATION_TYPE
from pulumi import automation as auto

ZONE = "example.test"
DOMAIN = f"login.{ZONE}"
TXT_NAME = f"_check.{DOMAIN}"
TXT_VALUE = "type-names-upgrade"
PARENT_TYPE = "okta-custom-domain:index:OktaCustomDomain"  # the component they live under

pytestmark = pytest.mark.timeout(600)


class Parent(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__(PARENT_TYPE, name)


class UnnamedDnsReadiness(pulumi.dynamic.Resource):
    """``DnsReadiness`` as it was: the same provider and inputs, no ``module``/``name``."""

    def __init__(self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        props = {**inputs, **dict.fromkeys(READINESS_OUTPUTS)}
        super().__init__(DnsReadinessProvider(), name, props, opts)


class UnnamedOktaDomainVerification(pulumi.dynamic.Resource):
    """``OktaDomainVerification`` as it was: the same provider and inputs, no type name."""

    def __init__(self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        props = {**inputs, **dict.fromkeys(VERIFICATION_OUTPUTS)}
        super().__init__(OktaDomainVerificationProvider(), name, props, opts)


def program(
    readiness: dict[str, Any], verification: dict[str, Any], *, named: bool
) -> Callable[[], None]:
    """Both resources under a component, with the old shape or the package's classes."""

    def run() -> None:
        parent = Parent("acme-login")
        opts = pulumi.ResourceOptions(parent=parent)
        if named:
            ready: pulumi.CustomResource = DnsReadiness("acme-login-dns-ready", **readiness, opts=opts)
        else:
            ready = UnnamedDnsReadiness("acme-login-dns-ready", readiness, opts)
        after = pulumi.ResourceOptions(parent=parent, depends_on=[ready])
        if named:
            verified: pulumi.CustomResource = OktaDomainVerification(
                "acme-login-verification", **verification, opts=after
            )
        else:
            verified = UnnamedOktaDomainVerification("acme-login-verification", verification, after)
        for key, resource in (("ready", ready), ("verified", verified)):
            pulumi.export(f"{key}_id", resource.id)
        pulumi.export("ready_at", ready.ready_at)  # type: ignore[attr-defined]
        pulumi.export("verified_at", verified.verified_at)  # type: ignore[attr-defined]

    return run


def types_in_state(stack: auto.Stack) -> dict[str, str]:
    """Resource name -> type, for the two dynamic resources in the stack's state."""
    resources = (stack.export_stack().deployment or {})["resources"]
    return {
        r["urn"].rsplit("::", 1)[1]: r["type"]
        for r in resources
        if r["urn"].endswith(("-dns-ready", "-verification"))
    }


def test_an_upgrade_takes_over_resources_of_the_unnamed_type_without_replacing(
    lab: EngineLab,
) -> None:
    fake = lab.okta["acme"]
    domain_id = fake.add_domain(DOMAIN)
    fake.set_status(domain_id, "COMPLETED")  # the verification's create returns at once
    lab.save_as_registrar(ZONE, TXT_NAME, "TXT", TXT_VALUE, 60)
    records = [{"type": "TXT", "fqdn": TXT_NAME, "value": TXT_VALUE}]
    readiness = {
        "records": records,
        "timeout": 60,
        "interval": 1,
        "resolver": None,
        "dns_port": 53,
        "nameservers": [f"{LAB_ADDRESS}:{lab.dns.port}"],
        "validating_resolver": None,
    }
    verification = {
        "domain_id": domain_id,
        "domain": DOMAIN,
        "org_url": fake.url,
        "records": records,
        "credentials_tenant": None,
        "wait_for": "COMPLETED",
        "timeout": 60,
        "poll_interval": 1,
    }
    config = {"okta:apiToken": auto.ConfigValue(fake.api_token, secret=True)}

    old = lab.engine.stack("dev", config, program=program(readiness, verification, named=False))
    before = old.up(color="never").outputs
    assert types_in_state(old) == {
        "acme-login-dns-ready": UNNAMED_DYNAMIC_TYPE,
        "acme-login-verification": UNNAMED_DYNAMIC_TYPE,
    }

    steps: list[tuple[str, str]] = []

    def on_event(event: auto.EngineEvent) -> None:
        for step in (event.resource_pre_event, event.res_outputs_event):
            if step is not None:
                steps.append((step.metadata.urn.rsplit("::", 1)[1], step.metadata.op.value))

    new = lab.engine.stack("dev", program=program(readiness, verification, named=True))
    result = new.up(color="never", on_event=on_event)
    assert types_in_state(new) == {
        "acme-login-dns-ready": DNS_READINESS_TYPE,
        "acme-login-verification": VERIFICATION_TYPE,
    }
    for name in ("acme-login-dns-ready", "acme-login-verification"):
        ops = {op for seen, op in steps if seen == name}
        assert ops and ops <= {"same", "update"}, (name, ops, steps)
    assert set(result.summary.resource_changes or {}) <= {"same", "update"}, result.summary
    for key in ("ready_id", "verified_id", "ready_at", "verified_at"):  # no create ran again
        assert result.outputs[key].value == before[key].value, key
    assert len(fake.requests_to("GET", f"/api/v1/domains/{domain_id}")) == 1  # one verification
