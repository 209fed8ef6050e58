"""Placement of tenants into stacks: one per tenant, or hashed shards that never move a tenant."""

from __future__ import annotations

import pytest
from fleet_fixtures import tenants  # type: ignore[import-not-found]
from okta_custom_domain.fleet.orphans import orphaned
from okta_custom_domain.fleet.placement import PlacementError, Shard, place, select, shard_of


def members(shards: list[Shard]) -> dict[str, str]:
    return {name: shard.stack for shard in shards for name in shard.tenant_names}


def test_one_stack_per_tenant_by_default_in_list_order() -> None:
    shards = place(tenants(3))
    assert [(s.index, s.stack, s.tenant_names) for s in shards] == [
        (0, "tenant-t00", ("t00",)), (1, "tenant-t01", ("t01",)), (2, "tenant-t02", ("t02",))
    ]


def test_shards_hold_every_tenant_once_under_sortable_names() -> None:
    shards = place(tenants(40), 12)
    assert [s.stack for s in shards] == [f"shard-{i:02d}" for i in range(12)]
    assert sorted(members(shards)) == [f"t{i:02d}" for i in range(40)]
    assert sum(len(s.tenants) for s in shards) == 40


def test_adding_or_removing_a_tenant_moves_no_other_tenant() -> None:
    before = members(place(tenants(30), 7))
    after_add = members(place([*tenants(30), {**tenants(31)[30]}], 7))
    after_remove = members(place(tenants(30)[1:], 7))
    assert {k: v for k, v in after_add.items() if k in before} == before
    assert after_remove == {k: v for k, v in before.items() if k != "t00"}


def test_the_hash_is_fixed_across_versions_and_machines() -> None:
    # A change here moves tenants between stacks (a domain deleted in one, created in another)
    assert [shard_of(n, 8) for n in ("acme", "globex", "initech", "umbrella")] == [0, 7, 3, 0]


def test_shard_k_selects_one_stack_and_an_empty_shard_runs_nothing() -> None:
    shards = place(tenants(2), 5)
    chosen = next(s for s in shards if s.tenants)
    assert select(shards, chosen.index) == [chosen]
    empty = next(s for s in shards if not s.tenants)
    assert select(shards, empty.index) == []
    assert select(shards, None) == [s for s in shards if s.tenants]


def test_a_shard_out_of_range_names_the_flag_and_the_range() -> None:
    with pytest.raises(PlacementError) as caught:
        select(place(tenants(3)), 7)
    assert str(caught.value).startswith("--shard 7: there are 3 shards (0 to 2)")
    with pytest.raises(PlacementError, match="--shard -1"):
        select(place(tenants(3)), -1)


def test_zero_shards_is_refused() -> None:
    with pytest.raises(PlacementError, match="--shards 0"):
        place(tenants(3), 0)


def test_orphans_are_fleet_named_stacks_without_a_listed_tenant() -> None:
    existing = ["tenant-t00", "tenant-gone", "shard-03", "dev", "acme/prod/tenant-t01"]
    assert orphaned(existing, ["tenant-t00", "tenant-t01"]) == ["shard-03", "tenant-gone"]
