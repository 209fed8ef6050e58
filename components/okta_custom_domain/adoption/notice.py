"""``AdoptionNotice``: the line ``pulumi destroy`` prints about what it leaves in place.

``destroy`` does not run the program, so only a resource's delete can speak then. This one
holds no state of its own and calls nothing: its delete says which domain and records were
retained (``retain_on_delete``), where, and how to have them deleted instead.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

KEYS = ("domain", "domain_id", "org_url", "records")


def left_in_place(props: dict[str, Any]) -> str:
    """What destroy left, in one line."""
    records = ", ".join(str(r) for r in props.get("records") or [])
    kept = f" and its records ({records})" if records else ""
    return (
        f"okta-custom-domain: {props.get('domain')} was adopted: left in place the Okta domain "
        f"{props.get('domain_id')} in {props.get('org_url')}{kept}; they keep serving. Set "
        "deleteOnDestroy: true (delete_on_destroy=True) before destroy to delete them."
    )


class AdoptionNoticeProvider(ResourceProvider):
    """Stores the inputs; says what was left when deleted."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props.get("domain_id")), dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in KEYS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(dict(news))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        pulumi.log.warn(left_in_place(props))


class AdoptionNotice(pulumi.dynamic.Resource, module="okta-custom-domain", name="AdoptionNotice"):
    """Says, on ``destroy``, which adopted domain and records were left in place."""

    def __init__(
        self,
        resource_name: str,
        *,
        domain: str,
        domain_id: str,
        org_url: str,
        records: list[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"domain": domain, "domain_id": domain_id, "org_url": org_url, "records": records}
        super().__init__(AdoptionNoticeProvider(), resource_name, props, opts)
