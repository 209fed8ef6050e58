"""Where we work around Pulumi's internals, all in one place (checked against pulumi 3.272.0).

Each workaround touches private state of the Python SDK; ``tests/test_pulumi_internals.py``
fails loudly when the installed Pulumi is not the version checked here, or when what a
workaround relies on changed, so an upgrade means re-reading this module, not a surprise.

In the program (``unwrap_pickler``, called by the component):
  ``pulumi.dynamic.serialize_provider`` swaps ``pickle.Pickler`` for ``pickle._Pickler`` and
  wraps ``pickle._Pickler._batch_setitems`` in a sorting wrapper on every call, but restores
  only ``pickle.Pickler``: each dynamic resource adds one more wrapper. After about a thousand
  dynamic resources (500 custom domains) pickling fails with ``RecursionError``. The wrappers
  are peeled off before the component creates its dynamic resources; Pulumi re-applies exactly
  one per serialization, so sorting still happens.

In Pulumi's dynamic-provider host (``prepare_host``, called by our waiting providers):
  Our providers wait (for DNS, for the certificate) inside ``create``/``update``, which the
  host (``python -m pulumi.dynamic``) was not written for.
  - It serves gRPC from ``ThreadPoolExecutor(max_workers=4)``, one host for every dynamic
    resource of the program, so at most four waits run at once. Measured with the real CLI
    (12 domains, 10 s certificate poll, ``--parallel 64``): 39.6 s, three rounds of four;
    18.9 s with the pool widened to ``WORKERS``. (The engine's ``--parallel``, 4 x CPUs by
    default, is the other limit: see the README.)
  - It answers the engine's ``Cancel`` (sent on Ctrl-C) and does nothing else, so a wait held
    the CLI until its timeout. Its ``Cancel`` now also sets ``cancellation.CANCELLED``. The
    host registered its servicer's bound methods with gRPC before our code loaded, so the
    code of the ``Cancel`` function itself is swapped for a call to ``_on_cancel``.

In the fleet's worker (``StackInitMode``):
  ``automation.Stack(name, workspace, mode)`` is public and documented, but its ``mode`` enum
  is not exported from ``pulumi.automation``; ``fleet.stack.FleetStack`` (a ``Stack`` whose
  results come from its own events) is built with it, from ``pulumi.automation._stack``.

In the program, for stacks created by an older version (``with_unnamed_type_alias``):
  ``pulumi.dynamic.Resource`` registers a subclass given no ``module``/``name`` as
  ``UNNAMED_DYNAMIC_TYPE``, the type ``DnsReadiness`` and ``OktaDomainVerification`` had before
  they were given their own. A type is part of the URN, so without an alias to the old type an
  upgrade would delete and create both (re-running the DNS wait and the verification).
"""

from __future__ import annotations

import concurrent.futures
import functools
import gc
import inspect
import pickle
import sys
import types
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.automation._stack import StackInitMode as StackInitMode

from okta_custom_domain.cancellation import CANCELLED

CHECKED_AGAINST = "3.272.0"
"""The pulumi (Python SDK) version these workarounds were read and measured against."""

# -- the program: pickle wrappers ---------------------------------------------------------------

_WRAPPER_NAMES = ("batch_set_items_sorted", "batch_set_items_sorted_before_py14")


def _wrapped(function: Callable[..., Any]) -> Callable[..., Any] | None:
    """The function a Pulumi sorting wrapper wraps, or None when ``function`` is not one."""
    if getattr(function, "__name__", "") not in _WRAPPER_NAMES:
        return None
    inner = inspect.getclosurevars(function).nonlocals.get("unsorted_batch_setitems")
    return inner if callable(inner) else None


def wrapper_depth() -> int:
    """How many Pulumi sorting wrappers sit on ``pickle._Pickler._batch_setitems`` now."""
    depth = 0
    function: Callable[..., Any] | None = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    while function is not None and (function := _wrapped(function)) is not None:
        depth += 1
    return depth


def unwrap_pickler() -> None:
    """Restore ``pickle._Pickler._batch_setitems`` to the function under all the wrappers."""
    function: Callable[..., Any] = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    while (inner := _wrapped(function)) is not None:
        function = inner
    pickle._Pickler._batch_setitems = function  # type: ignore[attr-defined]


# -- the dynamic-provider host: worker threads and Cancel ----------------------------------------

HOST_WORKERS = 4
"""The pool size Pulumi's host uses; only pools of this size are widened."""
WORKERS = 256
"""Concurrent calls the host may serve once widened (a wait is a thread blocked on I/O)."""
_HOOK_NAME = "_okta_custom_domain_on_cancel"


def host_servicer() -> type | None:
    """The host's servicer class when this process is Pulumi's dynamic-provider host."""
    servicer = getattr(sys.modules.get("__main__"), "DynamicResourceProviderServicer", None)
    return servicer if isinstance(servicer, type) else None


def prepare_host() -> bool:
    """Widen the host's pool and hook its ``Cancel``; idempotent; False outside the host."""
    servicer = host_servicer()
    if servicer is None:
        return False
    cancel = servicer.__dict__.get("Cancel")
    if isinstance(cancel, types.FunctionType) and _HOOK_NAME not in cancel.__globals__:
        widen_thread_pools()
        hook_cancel(cancel)
    return True


def widen_thread_pools() -> int:
    """Raise every ``HOST_WORKERS``-thread pool of this process to ``WORKERS``; how many."""
    widened = 0
    for obj in gc.get_objects():
        if (
            isinstance(obj, concurrent.futures.ThreadPoolExecutor)
            and obj._max_workers == HOST_WORKERS
        ):
            obj._max_workers = WORKERS  # read on each submit (_adjust_thread_count)
            widened += 1
    return widened


def hook_cancel(cancel: types.FunctionType) -> None:
    """Make ``cancel`` (the host's ``Cancel`` function) set ``CANCELLED`` before answering."""
    original = types.FunctionType(cancel.__code__, cancel.__globals__, "original_cancel")
    cancel.__globals__[_HOOK_NAME] = functools.partial(_on_cancel, original)
    cancel.__code__ = _calls_hook.__code__


def _calls_hook(self: Any, request: Any, context: Any) -> Any:
    """The code the host's ``Cancel`` runs once hooked (its global names are the host's)."""
    return _okta_custom_domain_on_cancel(self, request, context)  # type: ignore[name-defined]  # noqa: F821


def _on_cancel(original: Callable[..., Any], self: Any, request: Any, context: Any) -> Any:
    CANCELLED.set()
    return original(self, request, context)


# -- the program: the type dynamic resources had before they were named ------------------------

UNNAMED_DYNAMIC_TYPE = "pulumi-python:dynamic:Resource"
"""What ``pulumi.dynamic.Resource`` registers a subclass as when it names no ``module``/``name``
(``"pulumi-python:" + _resource_type_name``, its default ``"dynamic:Resource"``)."""


def with_unnamed_type_alias(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` plus an alias to ``UNNAMED_DYNAMIC_TYPE`` (same name, same parent), so a resource
    a stack holds under that type is taken over in place by the renamed type (no replace)."""
    alias = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=UNNAMED_DYNAMIC_TYPE)])
    return pulumi.ResourceOptions.merge(opts, alias)
