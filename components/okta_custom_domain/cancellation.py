"""Long waits that stop when the engine cancels the update (Ctrl-C, a CI job cancelled).

On the first Ctrl-C, ``pulumi up`` sends every provider plugin a ``Cancel`` call and then waits
for the operations in flight. Pulumi's Python dynamic-provider host answers ``Cancel`` and does
nothing else (checked against pulumi 3.272, ``pulumi/dynamic/__main__.py``), so a readiness or
verification wait would hold the CLI for its whole timeout (30 minutes by default, 4 hours for
a registrar). ``pulumi_internals.prepare_host`` makes the host's ``Cancel`` set ``CANCELLED``,
which the waits here check between polls; a cancelled wait raises :class:`Cancelled`, the
resource is not created, and the next ``pulumi up`` starts that step again.
"""

from __future__ import annotations

import asyncio
import threading

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
