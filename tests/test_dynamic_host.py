"""Waits stop when the engine cancels: the hook on the dynamic-provider host's ``Cancel``."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator

import pytest
from okta_custom_domain import cancellation

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
    assert cancellation.listen_to_engine() is True
    assert cancellation.listen_to_engine() is True  # idempotent
    assert not cancellation.CANCELLED.is_set()
    assert bound(None, None) == "empty"  # still answers as before
    assert cancellation.CANCELLED.is_set()


def test_outside_the_host_nothing_is_hooked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert cancellation.listen_to_engine() is False


def test_sleeps_end_with_cancelled_once_the_event_is_set(host: types.ModuleType) -> None:
    cancellation.CANCELLED.set()
    with pytest.raises(cancellation.Cancelled, match=r"DNS readiness: stopped because the update was cancelled"):
        cancellation.sleep(30, "DNS readiness")
    with pytest.raises(cancellation.Cancelled):
        asyncio.run(cancellation.async_sleep(30, "verifying"))
