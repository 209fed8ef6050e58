"""Pulumi dynamic resource that proves an RFC 2136 server takes the key for the zone.

A wrong TSIG key or a zone the server does not serve is otherwise only found when the first
record is written, after the Okta domain was created. The component makes ``okta.Domain``
depend on ``Rfc2136Preflight``, so those mistakes fail first and nothing is left half-made.
The provider is stateless like ``Rfc2136RecordProvider``; the TSIG secret is an output (so
``diff`` sees a rotated secret) registered in ``additional_secret_outputs``.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic

from okta_custom_domain import defaults
from okta_custom_domain.rfc2136.provider import (
    CONNECTION_KEYS,
    Rfc2136Provider,
    Rfc2136Resource,
    normalize_connection,
    writer_from_props,
)


def preflight_id(props: dict[str, Any]) -> str:
    """What was checked: ``server:port/zone/key``."""
    return f"{props['server']}:{props['port']}/{props['zone']}/{props['key_name']}"


class Rfc2136PreflightProvider(Rfc2136Provider):
    """``create``/``update`` send a signed update that changes nothing; ``delete`` does nothing."""

    KEYS = CONNECTION_KEYS

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        changed = [key for key in CONNECTION_KEYS if olds.get(key) != news.get(key)]
        return pulumi.dynamic.DiffResult(changes=bool(changed), replaces=[])

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        checked = normalize_connection(props)
        writer_from_props(checked).preflight()
        return pulumi.dynamic.CreateResult(preflight_id(checked), outs=checked)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        """Nothing exists at the server to read back: the state stays as it is."""
        return pulumi.dynamic.ReadResult(id_, dict(props))

    def update(
        self, _id: str, _olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        checked = normalize_connection(news)
        writer_from_props(checked).preflight()
        return pulumi.dynamic.UpdateResult(outs=checked)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """The preflight created nothing, so there is nothing to remove."""


class Rfc2136Preflight(Rfc2136Resource, module="okta-custom-domain", name="Rfc2136Preflight"):
    """Proof, before anything is created, that ``server`` serves ``zone`` and accepts the key."""

    def __init__(
        self,
        resource_name: str,
        *,
        server: pulumi.Input[str],
        zone: pulumi.Input[str],
        key_name: pulumi.Input[str],
        key_secret: pulumi.Input[str],
        key_algorithm: pulumi.Input[str] = defaults.TSIG_ALGORITHM,
        port: pulumi.Input[int] = defaults.DNS_PORT,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "server": server,
            "port": port,
            "zone": zone,
            "key_name": key_name,
            "key_algorithm": key_algorithm,
            "key_secret": key_secret,
        }
        super().__init__(Rfc2136PreflightProvider(), resource_name, props, opts)


__all__ = ["Rfc2136Preflight", "Rfc2136PreflightProvider", "preflight_id"]
