"""Undo a pickle patch that Pulumi's dynamic providers leave behind.

``pulumi.dynamic.serialize_provider`` (pulumi 3.272) swaps ``pickle.Pickler`` for
``pickle._Pickler`` and wraps ``pickle._Pickler._batch_setitems`` in a sorting wrapper on every
call, but restores only ``pickle.Pickler``: each dynamic resource adds one more wrapper around
the last. After about a thousand dynamic resources in one program (500 custom domains) pickling
fails with ``RecursionError``. Before the component creates its dynamic resources it peels the
wrappers off again; Pulumi re-applies exactly one per serialization, so sorting still happens.
"""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Callable
from typing import Any

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
