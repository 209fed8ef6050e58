"""The DNS target as other languages give it: one optional field per target, exactly one set.

Python passes one target object (``CloudflareDns``, ``ManualDns``...); a Pulumi schema has no
union of object types, so the component package takes this object instead. Its fields are the
targets reachable from config (``config_type``), read from the registry: a new target module
appears here without an edit. ``CustomDns`` is not offered: its ``write`` is a Python function.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets.base import DnsTarget
from okta_custom_domain.targets.registry import config_targets


def _target(self: Any) -> DnsTarget:
    """The one target given."""
    given = [value for value in vars(self).values() if value is not None]
    if len(given) != 1:
        raise InputError("dns", f"set exactly one of {_names()} (got {len(given)})")
    target: DnsTarget = given[0]
    return target


def _names() -> str:
    kinds = list(config_targets())
    return f"{', '.join(kinds[:-1])} or {kinds[-1]}" if len(kinds) > 1 else kinds[0]


def descriptions() -> dict[str, str]:
    """Each field's description, for the schema (a generated class has no source to read)."""
    return {kind: cls.choice_description for kind, cls in config_targets().items()}


DnsTargetChoice: type = dataclasses.make_dataclass(
    "DnsTargetChoice",
    [
        (kind, Optional[cls], dataclasses.field(default=None))  # noqa: UP045 (evaluated)
        for kind, cls in config_targets().items()
    ],
    namespace={"target": property(_target)},
    frozen=True,
)
DnsTargetChoice.__doc__ = (
    f"Where the CNAME and TXT records go: set exactly one of `{'`, `'.join(config_targets())}`."
)
DnsTargetChoice.__module__ = __name__
