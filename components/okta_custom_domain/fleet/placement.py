"""Which tenants go into which stack: one stack per tenant, or a fixed number of shards.

Shards are chosen by a stable hash of the tenant's name, not by position in the list: a tenant
that moved to another stack would have its custom domain deleted by one stack and created by
another, and Okta refuses the create while the old domain exists (``DOMAIN_TAKEN``). With a
hash, adding or removing a tenant never moves the others. For the same reason the number of
shards is given (``--shards N``), not the number of tenants per shard, which would change the
count, and so every tenant's shard, whenever the list grows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TENANT_PREFIX = "tenant-"
SHARD_PREFIX = "shard-"
FLEET_PREFIXES = (TENANT_PREFIX, SHARD_PREFIX)
"""Stack names the fleet owns: any other stack of the project is never reported or pruned."""


class PlacementError(ValueError):
    """A bad ``--shards``/``--shard`` value; the message names the flag and the fix."""


@dataclass(frozen=True)
class Shard:
    """One stack and the tenants (raw config entries, in list order) it holds."""

    index: int
    stack: str
    tenants: tuple[Mapping[str, Any], ...]

    @property
    def tenant_names(self) -> tuple[str, ...]:
        return tuple(str(t.get("name")) for t in self.tenants)


def shard_of(name: str, shards: int) -> int:
    """A stable shard for tenant ``name`` (sha256, so the same on every machine and run)."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big") % shards


def shard_stack_name(index: int, shards: int) -> str:
    """``shard-03``: zero-padded to the width of the largest index, so names sort."""
    return f"{SHARD_PREFIX}{index:0{max(2, len(str(shards - 1)))}d}"


def place(tenants: Sequence[Mapping[str, Any]], shards: int | None = None) -> list[Shard]:
    """One shard per tenant (``shards`` None, in list order), or ``shards`` hashed shards.

    A hashed shard that no tenant falls into is still listed (empty), so the shard count
    and every ``--shard K`` stay fixed; the runner skips empty shards.
    """
    if shards is None:
        return [
            Shard(index, f"{TENANT_PREFIX}{tenant['name']}", (tenant,))
            for index, tenant in enumerate(tenants)
        ]
    if shards < 1:
        raise PlacementError(f"--shards {shards}: give a number of stacks of 1 or more")
    groups: list[list[Mapping[str, Any]]] = [[] for _ in range(shards)]
    for tenant in tenants:
        groups[shard_of(str(tenant["name"]), shards)].append(tenant)
    return [
        Shard(index, shard_stack_name(index, shards), tuple(group))
        for index, group in enumerate(groups)
    ]


def select(shards: Sequence[Shard], index: int | None) -> list[Shard]:
    """Every non-empty shard, or only ``--shard index`` (refused when out of range or empty)."""
    if index is None:
        return [shard for shard in shards if shard.tenants]
    if not 0 <= index < len(shards):
        last = len(shards) - 1
        raise PlacementError(
            f"--shard {index}: there are {len(shards)} shards (0 to {last}); pick one of "
            f"0..{last}, or regenerate the CI matrix (`okta-custom-domain fleet matrix`) "
            "after changing the tenants list or --shards"
        )
    chosen = shards[index]
    if not chosen.tenants:
        return []
    return [chosen]


def owned(stack: str) -> bool:
    """Whether a stack name is one the fleet creates (``tenant-*`` or ``shard-*``)."""
    return stack.rsplit("/", 1)[-1].startswith(FLEET_PREFIXES)
