"""The blocking twins of the async entry points, safe to call from inside an event loop.

Pulumi's dynamic providers and the CLI are synchronous, while Pulumi programs and notebooks
may already run a loop; :func:`run_sync` covers both, so each entry point is written once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_a_loop = False  # run below, outside the except: its errors are not "during" this one
    else:
        in_a_loop = True
    if not in_a_loop:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def blocking_form(
    async_form: Callable[P, Coroutine[Any, Any, T]], name: str, doc: str
) -> Callable[P, T]:
    """The blocking twin of ``async_form``, run through :func:`run_sync`.

    It takes exactly the parameters of ``async_form`` (one signature for both entry points, so
    the two cannot drift apart); ``name`` and ``doc`` are what ``help()`` shows for it.
    """

    @functools.wraps(async_form)
    def blocking(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(async_form(*args, **kwargs))

    blocking.__name__ = blocking.__qualname__ = name
    blocking.__doc__ = doc
    return blocking


__all__ = ["blocking_form", "run_sync"]
