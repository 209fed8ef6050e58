"""The DNS target as other languages give it: one optional field per kind, exactly one set.

Python passes one of four classes (``CloudflareDns | CustomDns | ManualDns | Rfc2136Dns``); a
Pulumi schema has no union of object types, so the component package takes this object
instead. ``CustomDns`` is not offered: its ``write`` is a Python function.
"""

from __future__ import annotations

from dataclasses import dataclass

from okta_custom_domain.parsers import InputError
from okta_custom_domain.targets import CloudflareDns, ManualDns, Rfc2136Dns


@dataclass(frozen=True)
class DnsTargetChoice:
    """Where the CNAME and TXT records go: set exactly one of `cloudflare`, `rfc2136`, `manual`."""

    cloudflare: CloudflareDns | None = None
    """Write the records to a Cloudflare zone (DNS-only, never proxied)."""
    rfc2136: Rfc2136Dns | None = None
    """Write the records to a self-hosted server (BIND, Knot, PowerDNS) by RFC 2136 + TSIG."""
    manual: ManualDns | None = None
    """Write nothing: the `registrarRows` output is what a person pastes into a registrar's form."""

    @property
    def target(self) -> CloudflareDns | ManualDns | Rfc2136Dns:
        """The one target given."""
        given = [t for t in (self.cloudflare, self.rfc2136, self.manual) if t is not None]
        if len(given) != 1:
            raise InputError(
                "dns",
                f"set exactly one of cloudflare, rfc2136 or manual (got {len(given)})",
            )
        return given[0]
