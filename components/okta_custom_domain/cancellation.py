"""Long waits that stop when the engine cancels the update (Ctrl-C, a CI job cancelled).

On the first Ctrl-C, ``pulumi up`` sends every provider plugin a ``Cancel`` call and then waits
for the operations in flight. Pulumi's Python dynamic-provider host answers ``Cancel`` and does
nothing else (checked against pulumi 3.272, ``pulumi/dynamic/__main__.py``), so a readiness or
verification wait would hold the CLI for its whole timeout (30 minutes by default, 4 hours for
a registrar). ``listen_to_engine`` makes the host's ``Cancel`` set an event that the waits here
check between polls; a cancelled wait raises :class:`Cancelled`, the resource is not created,
and the next ``pulumi up`` starts that step again.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

CANCELLED = threading.Event()
"""Set once the engine asked this provider process to cancel."""

SLICE = 0.5
"""How often a sleeping wait looks at ``CANCELLED``, in seconds."""


class Cancelled(Exception):
    """The update was cancelled during a wait; nothing after the wait was done."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what}: stopped because the update was cancelled (Ctrl-C); nothing after this "
            "wait was done. Run `pulumi up` again to continue from here."
        )


def raise_if_cancelled(what: str) -> None:
    if CANCELLED.is_set():
        raise Cancelled(what)


def sleep(seconds: float, what: str = "waiting") -> None:
    """``time.sleep`` that ends early, raising :class:`Cancelled`, when the engine cancels."""
    CANCELLED.wait(max(0.0, seconds))
    raise_if_cancelled(what)


async def async_sleep(seconds: float, what: str = "waiting") -> None:
    """``asyncio.sleep`` that ends early, raising :class:`Cancelled`, when the engine cancels."""
    loop = asyncio.get_running_loop()
    end = loop.time() + max(0.0, seconds)
    while (left := end - loop.time()) > 0:
        raise_if_cancelled(what)
        await asyncio.sleep(min(SLICE, left))
    raise_if_cancelled(what)


def listen_to_engine() -> bool:
    """In the dynamic-provider host, make the engine's ``Cancel`` set ``CANCELLED``.

    The host registered its servicer's bound methods with gRPC before this package was
    imported, so replacing the method would change nothing: the code of the host's ``Cancel``
    function itself is swapped for a call to :func:`_on_cancel` (the original is kept and
    still answers). Idempotent; returns False, doing nothing, outside the host.
    """
    host = sys.modules.get("__main__")
    servicer = getattr(host, "DynamicResourceProviderServicer", None)
    cancel = getattr(servicer, "Cancel", None)
    if not isinstance(cancel, types.FunctionType):
        return False
    if _HOOK_NAME in cancel.__globals__:
        return True
    original = types.FunctionType(cancel.__code__, cancel.__globals__, "original_cancel")
    cancel.__globals__[_HOOK_NAME] = functools.partial(_on_cancel, original)
    cancel.__code__ = _calls_hook.__code__
    return True


_HOOK_NAME = "_okta_custom_domain_on_cancel"


def _calls_hook(self: Any, request: Any, context: Any) -> Any:
    """The code the host's ``Cancel`` runs once hooked (its global names are the host's)."""
    return _okta_custom_domain_on_cancel(self, request, context)  # type: ignore[name-defined]  # noqa: F821


def _on_cancel(original: Callable[..., Any], self: Any, request: Any, context: Any) -> Any:
    CANCELLED.set()
    return original(self, request, context)
