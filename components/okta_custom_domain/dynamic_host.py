"""What we change in Pulumi's Python dynamic-provider host, and why (checked: pulumi 3.272).

Our dynamic providers wait (for DNS, for Okta's certificate) inside ``create``/``update``,
which Pulumi's host (``python -m pulumi.dynamic``, ``pulumi/dynamic/__main__.py``) was not
written for. Two of its choices hurt, and both are fixed from inside the host process, the
first time one of our providers runs there (``prepare``); elsewhere ``prepare`` does nothing:

- It serves gRPC from ``ThreadPoolExecutor(max_workers=4)``: one host process serves every
  dynamic resource of the program, so at most four waits (or any other calls) run at once and
  the rest queue. Measured with the real CLI (12 domains, 10 s certificate poll,
  ``--parallel 64``): 39.6 s, three rounds of four; 18.9 s with the pool widened to ``WORKERS``.
  (The engine's own ``--parallel``, 4 x CPUs by default, is the other limit: see the README.)
- It answers the engine's ``Cancel`` (sent on Ctrl-C) and does nothing else, so a wait held
  the CLI until its timeout. Its ``Cancel`` now also sets ``cancellation.CANCELLED``. The host
  registered its servicer's bound methods with gRPC before our code loaded, so the code of the
  ``Cancel`` function itself is swapped for a call to ``_on_cancel`` (the original still runs).

``tests/test_dynamic_host.py`` fails loudly if a Pulumi upgrade changes what these rely on.
"""

from __future__ import annotations

import concurrent.futures
import functools
import gc
import sys
import types
from collections.abc import Callable
from typing import Any

from okta_custom_domain.cancellation import CANCELLED

HOST_WORKERS = 4
"""The pool size Pulumi's host uses; only pools of this size are widened."""
WORKERS = 256
"""Concurrent calls the host may serve once widened (a wait is a thread blocked on I/O)."""
_HOOK_NAME = "_okta_custom_domain_on_cancel"


def host_servicer() -> type | None:
    """The host's servicer class when this process is Pulumi's dynamic-provider host."""
    servicer = getattr(sys.modules.get("__main__"), "DynamicResourceProviderServicer", None)
    return servicer if isinstance(servicer, type) else None


def prepare() -> bool:
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
