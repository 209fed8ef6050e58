"""The workarounds of Pulumi internals (``pulumi_internals``): each still needed, each working.

The pickle wrappers: many custom domains in one program must not pile them up. The
dynamic-provider host: its pool widened, its ``Cancel`` hooked, waits that stop on Cancel.
"""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain import (
    ManualDns,
    OktaCustomDomain,
    OktaCustomDomainArgs,
    OktaOrg,
    cancellation,
    pulumi_internals,
)
from okta_custom_domain.pulumi_internals import unwrap_pickler, wrapper_depth
from okta_custom_domain.readiness.provider import DnsReadinessProvider
from okta_custom_domain.testing.pulumi_mocks import (
    DNS_READINESS_TYPE,
    VERIFICATION_TYPE,
    run_program,
)
from pulumi.dynamic.dynamic import serialize_provider


def test_unwrap_restores_the_plain_pickler_and_serialization_still_works() -> None:
    unwrap_pickler()
    first = serialize_provider(DnsReadinessProvider())
    for _ in range(20):
        serialize_provider(DnsReadinessProvider())
    assert wrapper_depth() >= 20, "pulumi no longer stacks wrappers: unwrap_pickler can go"
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
    assert len(run.of_type(DNS_READINESS_TYPE)) == len(run.of_type(VERIFICATION_TYPE)) == 60
    assert wrapper_depth() <= 2  # one component's own dynamic resources at most




HOST_SOURCE = """
class DynamicResourceProviderServicer:
    def Cancel(self, request, context):
        return "empty"
"""
"""Shaped like pulumi/dynamic/__main__.py (pulumi 3.272), in a module of its own."""


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    module = types.ModuleType("__main__")
    exec(HOST_SOURCE, module.__dict__)
    monkeypatch.setitem(sys.modules, "__main__", module)
    cancellation.CANCELLED.clear()
    yield module
    cancellation.CANCELLED.clear()


def test_a_cancel_through_a_method_bound_before_the_hook_sets_the_event(
    host: types.ModuleType,
) -> None:
    servicer = host.DynamicResourceProviderServicer()
    bound = servicer.Cancel  # what gRPC holds: bound when the host registered the servicer
    assert pulumi_internals.prepare_host() is True
    assert pulumi_internals.prepare_host() is True  # idempotent
    assert not cancellation.CANCELLED.is_set()
    assert bound(None, None) == "empty"  # still answers as before
    assert cancellation.CANCELLED.is_set()


def test_outside_the_host_nothing_is_hooked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert pulumi_internals.prepare_host() is False


def test_sleeps_end_with_cancelled_once_the_event_is_set(host: types.ModuleType) -> None:
    cancellation.CANCELLED.set()
    with pytest.raises(
        cancellation.Cancelled, match=r"DNS readiness: stopped because the update was cancelled"
    ):
        cancellation.sleep(30, "DNS readiness")
    with pytest.raises(cancellation.Cancelled):
        asyncio.run(cancellation.async_sleep(30, "verifying"))


def test_the_hosts_four_thread_pool_is_widened_and_others_left_alone(
    host: types.ModuleType,
) -> None:
    import concurrent.futures

    hosts_pool = concurrent.futures.ThreadPoolExecutor(max_workers=pulumi_internals.HOST_WORKERS)
    other = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    try:
        assert pulumi_internals.widen_thread_pools() >= 1
        assert hosts_pool._max_workers == pulumi_internals.WORKERS
        assert other._max_workers == 2
    finally:
        hosts_pool.shutdown()
        other.shutdown()


def test_pulumis_host_still_has_what_the_workarounds_rely_on() -> None:
    """Fails loudly when a Pulumi upgrade changes the host (read, not run: it serves on import)."""
    import pulumi.dynamic

    source = (Path(pulumi.dynamic.__file__).parent / "__main__.py").read_text()
    assert "ThreadPoolExecutor(max_workers=4)" in source, (
        "host pool size changed: see pulumi_internals"
    )
    assert "class DynamicResourceProviderServicer" in source
    assert "def Cancel(self, request, context):\n        return empty_pb2.Empty()" in source, (
        "the host's Cancel changed: it may now cancel by itself; see pulumi_internals"
    )


def test_stack_init_mode_is_the_enum_the_stack_constructor_dispatches_on() -> None:
    """``FleetStack`` passes ``CREATE`` or ``SELECT`` to ``automation.Stack.__init__``."""
    import inspect

    from pulumi import automation as auto

    mode = inspect.signature(auto.Stack.__init__).parameters["mode"].annotation
    assert mode in ("StackInitMode", pulumi_internals.StackInitMode)
    assert {"CREATE", "SELECT"} <= set(pulumi_internals.StackInitMode.__members__)


def test_the_installed_pulumi_is_the_version_the_workarounds_were_checked_against() -> None:
    """Fails on every Pulumi upgrade on purpose: re-read pulumi_internals, re-run
    benchmarks/engine.py, then bump CHECKED_AGAINST."""
    import importlib.metadata

    installed = importlib.metadata.version("pulumi")
    assert installed == pulumi_internals.CHECKED_AGAINST, (
        f"pulumi {installed} is installed; pulumi_internals was checked against "
        f"{pulumi_internals.CHECKED_AGAINST}: re-check each workaround there"
    )


def test_a_dynamic_resource_naming_no_type_registers_as_the_unnamed_type() -> None:
    """What the alias of ``DnsReadiness`` and ``OktaDomainVerification`` points at: the type
    they had before they named ``module``/``name`` (tests/engine/test_engine_type_names.py
    upgrades a stack holding it)."""
    import pulumi.dynamic

    class Unnamed(pulumi.dynamic.Resource):
        pass

    class Named(pulumi.dynamic.Resource, module="okta-custom-domain", name="Named"):
        pass

    assert f"pulumi-python:{Unnamed._resource_type_name}" == pulumi_internals.UNNAMED_DYNAMIC_TYPE
    assert Named._resource_type_name == "dynamic/okta-custom-domain:Named"


def test_the_unnamed_type_alias_is_added_to_the_options_given() -> None:
    import pulumi

    given = pulumi.ResourceOptions(aliases=[pulumi.Alias(name="before")], protect=True)
    merged = pulumi_internals.with_unnamed_type_alias(given)
    assert merged.protect is True
    assert [(alias.name, alias.type_) for alias in merged.aliases or []] == [  # type: ignore[union-attr]
        ("before", ...),
        (..., pulumi_internals.UNNAMED_DYNAMIC_TYPE),
    ]
    assert len(given.aliases or []) == 1  # the caller's options are left as they were
    (alone,) = pulumi_internals.with_unnamed_type_alias(None).aliases or []
    assert alone.type_ == pulumi_internals.UNNAMED_DYNAMIC_TYPE  # type: ignore[union-attr]


def test_ci_installs_the_sdk_the_workarounds_were_checked_against() -> None:
    """.ci/run and scripts/setup pin the pip SDK through .ci/constraints.txt; the pin and
    CHECKED_AGAINST move together."""
    root = Path(__file__).resolve().parents[1]
    pins = [
        line.strip()
        for line in (root / ".ci" / "constraints.txt").read_text().splitlines()
        if line.strip().startswith("pulumi==")
    ]
    assert pins == [f"pulumi=={pulumi_internals.CHECKED_AGAINST}"]
    for script in (".ci/run", "scripts/setup"):
        assert "-c .ci/constraints.txt" in (root / script).read_text(), script
