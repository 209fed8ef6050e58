"""What we change in Pulumi's dynamic-provider host (``dynamic_host``), and cancellable waits."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from okta_custom_domain import cancellation, dynamic_host

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
    assert dynamic_host.prepare() is True
    assert dynamic_host.prepare() is True  # idempotent
    assert not cancellation.CANCELLED.is_set()
    assert bound(None, None) == "empty"  # still answers as before
    assert cancellation.CANCELLED.is_set()


def test_outside_the_host_nothing_is_hooked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert dynamic_host.prepare() is False


def test_sleeps_end_with_cancelled_once_the_event_is_set(host: types.ModuleType) -> None:
    cancellation.CANCELLED.set()
    with pytest.raises(cancellation.Cancelled, match=r"DNS readiness: stopped because the update was cancelled"):
        cancellation.sleep(30, "DNS readiness")
    with pytest.raises(cancellation.Cancelled):
        asyncio.run(cancellation.async_sleep(30, "verifying"))


def test_the_hosts_four_thread_pool_is_widened_and_others_left_alone(
    host: types.ModuleType,
) -> None:
    import concurrent.futures

    hosts_pool = concurrent.futures.ThreadPoolExecutor(max_workers=dynamic_host.HOST_WORKERS)
    other = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    try:
        assert dynamic_host.widen_thread_pools() >= 1
        assert hosts_pool._max_workers == dynamic_host.WORKERS
        assert other._max_workers == 2
    finally:
        hosts_pool.shutdown()
        other.shutdown()


def test_pulumis_host_still_has_what_the_workarounds_rely_on() -> None:
    """Fails loudly when a Pulumi upgrade changes the host (read, not run: it serves on import)."""
    import pulumi.dynamic

    source = (Path(pulumi.dynamic.__file__).parent / "__main__.py").read_text()
    assert "ThreadPoolExecutor(max_workers=4)" in source, "host pool size changed: see dynamic_host"
    assert "class DynamicResourceProviderServicer" in source
    assert "def Cancel(self, request, context):\n        return empty_pb2.Empty()" in source, (
        "the host's Cancel changed: it may now cancel by itself; see dynamic_host"
    )
