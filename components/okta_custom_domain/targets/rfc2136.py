"""A self-hosted server (BIND, Knot, PowerDNS): records written by RFC 2136 update with TSIG.

The key and the zone are proved by a preflight before the Okta domain exists, so a wrong key
fails the run before anything is created in Okta.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pulumi

from okta_custom_domain import defaults, parsers
from okta_custom_domain.field_marks import SECRET
from okta_custom_domain.names import host_name
from okta_custom_domain.parsers import owned
from okta_custom_domain.rfc2136.tsig import decode_secret, normalize_algorithm, normalize_key_name
from okta_custom_domain.targets.base import DnsRecord, DnsTarget, RecordWriter


@dataclass(frozen=True)
class Rfc2136Dns(DnsTarget):
    """Records written to a self-hosted server (BIND, Knot, PowerDNS) by RFC 2136 update + TSIG.

    ``key_secret`` is the base64 TSIG secret; pass it as a Pulumi secret (it is made one if not).
    """

    config_type: ClassVar[str | None] = "rfc2136"
    choice_description: ClassVar[str] = (
        "Write the records to a self-hosted server (BIND, Knot, PowerDNS) by RFC 2136 + TSIG."
    )

    server: str
    """The primary server's host name or address, which accepts RFC 2136 updates."""
    zone: str
    """The zone to update (e.g. `example.com`); the custom domain must be below it."""
    key_name: str
    """The TSIG key's name, as the server knows it."""
    key_secret: pulumi.Input[str] = field(repr=False, metadata=SECRET)
    """The TSIG key's base64 secret. Secret: kept encrypted in state (made a secret if given as
    plain text)."""
    key_algorithm: str = defaults.TSIG_ALGORITHM
    """The TSIG algorithm, as in the server's key definition: `hmac-sha256` (default), `hmac-
    sha512`..."""
    port: int = defaults.DNS_PORT
    """The server's DNS port. Default 53."""
    ttl: int = defaults.TTL
    """TTL of both records in seconds. Default 300."""

    def __post_init__(self) -> None:
        with owned("Rfc2136Dns"):
            server = parsers.text(
                self.server, "server", "give the primary server's host name or address"
            )
            object.__setattr__(self, "server", server)
            object.__setattr__(self, "zone", host_name(self.zone, field="zone"))
            object.__setattr__(self, "key_name", normalize_key_name(self.key_name))
            algorithm = normalize_algorithm(self.key_algorithm)
            object.__setattr__(self, "key_algorithm", algorithm)
            if isinstance(self.key_secret, str):
                decode_secret(self.key_secret)
            object.__setattr__(self, "port", parsers.port(self.port, "port"))
            object.__setattr__(self, "ttl", parsers.ttl(self.ttl, "ttl"))

    def writer(self, name: str, parent: pulumi.Resource) -> RecordWriter:
        """Records written by RFC 2136 update with TSIG, through a dynamic provider."""
        from okta_custom_domain.rfc2136.provider import Rfc2136Record

        connection = self._connection()

        def write(record: DnsRecord) -> pulumi.Resource:
            return Rfc2136Record(
                record.resource_name,
                fqdn=record.fqdn,
                type=record.type,
                values=record.value.apply(lambda v: [v]),
                ttl=record.ttl,
                **connection,
                opts=record.opts,
            )

        return write

    def preflight(self, name: str, parent: pulumi.Resource) -> list[pulumi.Resource]:
        """A wrong TSIG key or a zone the server does not serve would otherwise fail at the
        first record, after the Okta domain was created."""
        from okta_custom_domain.rfc2136.preflight import Rfc2136Preflight

        return [
            Rfc2136Preflight(
                f"{name}-dns-preflight",
                **self._connection(),
                opts=pulumi.ResourceOptions(parent=parent),
            )
        ]

    def _connection(self) -> dict[str, Any]:
        """Server, zone and TSIG key, as both RFC 2136 resources take them."""
        return {
            "server": self.server,
            "port": self.port,
            "zone": self.zone,
            "key_name": self.key_name,
            "key_algorithm": self.key_algorithm,
            "key_secret": pulumi.Output.secret(self.key_secret),
        }
