"""Many custom domains in one program: Pulumi's pickle patch must not pile up."""

from __future__ import annotations

from typing import Any

from okta_custom_domain import ManualDns, OktaCustomDomain, OktaCustomDomainArgs, OktaOrg
from okta_custom_domain.pickle_guard import unwrap_pickler, wrapper_depth
from okta_custom_domain.readiness.provider import DnsReadinessProvider
from okta_custom_domain.testing.pulumi_mocks import run_program
from pulumi.dynamic.dynamic import serialize_provider


def test_unwrap_restores_the_plain_pickler_and_serialization_still_works() -> None:
    unwrap_pickler()
    first = serialize_provider(DnsReadinessProvider())
    for _ in range(20):
        serialize_provider(DnsReadinessProvider())
    assert wrapper_depth() >= 20, "pulumi no longer stacks wrappers: pickle_guard can go"
    unwrap_pickler()
    assert wrapper_depth() == 0
    assert serialize_provider(DnsReadinessProvider()) == first


def test_wrappers_do_not_pile_up_across_components() -> None:
    def program() -> dict[str, Any]:
        for index in range(60):
            OktaCustomDomain(
                f"d{index}",
                OktaCustomDomainArgs(
                    domain=f"login{index}.example.com",
                    dns=ManualDns(zone="example.com"),
                    okta_org=OktaOrg(org_url="https://acme.okta.com"),
                ),
            )
        return {}

    unwrap_pickler()
    run = run_program(program)
    assert len(run.of_type("pulumi-python:dynamic:Resource")) == 120
    assert wrapper_depth() <= 2  # one component's own dynamic resources at most
