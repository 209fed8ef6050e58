"""Preview's unknown values, as a dynamic provider's ``check`` and ``diff`` receive them.

During ``pulumi preview`` (and an ``up`` whose inputs come from resources not created yet) an
input may be unknown: the engine hands the provider a sentinel instead of the value. A check
must let it through unchecked; it is checked again once the value is known.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi.output import Unknown
from pulumi.runtime import rpc


def is_unknown(value: object) -> bool:
    """The value itself is unknown."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def contains_unknown(value: object) -> bool:
    """The value, or anything inside a list or mapping of it, is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(item) for item in value)
    return False
